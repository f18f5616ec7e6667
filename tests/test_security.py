"""Web and API security (issue 24, item 8), on real SQLite and PostgreSQL stores: the sign-in
limit holds under concurrency and across restarts, counts the client a trusted proxy names and
nobody else's X-Forwarded-For, and a stranger's failures do not lock out an office; tokens and
sessions expire and can be revoked; a session cookie is no bearer token; every response carries
the security headers; a cross-site sign-in is refused; an oversized body is refused before it
is stored; OFAC's CSV files are read as a stream."""

from __future__ import annotations

import re
import threading
import tracemalloc
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update
from typer.testing import CliRunner

from diversion.api.app import create_app
from diversion.cases.signin import LoginLimiter, TooManyLogins
from diversion.cases.users import User, Users
from diversion.cli.app import app as cli_app
from diversion.home import Home
from diversion.lists.importers import ofac_csv
from diversion.screening.records import DeclarationRecords
from diversion.store import Store, open_store
from diversion.store.engine import default_url
from diversion.store.models import ApiTokenRow
from diversion.web.deps import SESSION_COOKIE
from tests.conftest import SHARED
from tests.test_api import RED

PASSWORD = "a long enough password"
HEADERS = {
    "content-security-policy": "frame-ancestors 'none'",
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "cache-control": "no-store",
}


def _user(store: Store, name: str = "ana", role: str = "analyst") -> Users:
    users = Users(store)
    users.add(name, role)
    users.set_password(name, PASSWORD)
    return users


class CountingUsers(Users):
    """Users that count how many passwords were checked (argon2 runs)."""

    def __init__(self, store: Store) -> None:
        super().__init__(store)
        self.checked = 0
        self.lock = threading.Lock()

    def check_password(self, username: str, password: str) -> User | None:
        with self.lock:
            self.checked += 1
        return super().check_password(username, password)


def test_concurrent_wrong_passwords_never_pass_the_limit(any_store: Store) -> None:
    _user(any_store)
    users = CountingUsers(any_store)
    limiter = LoginLimiter(any_store)

    def attempt(_: int) -> str:
        try:
            return "wrong" if limiter.sign_in(users, "10.0.0.1", "ana", "guess") is None else "in"
        except TooManyLogins:
            return "refused"

    with ThreadPoolExecutor(40) as pool:
        outcomes = list(pool.map(attempt, range(40)))
    assert users.checked == 5
    assert outcomes.count("wrong") == 5 and outcomes.count("refused") == 35
    assert limiter.failures("user:ana") == 5
    with pytest.raises(TooManyLogins):  # the right password too, until the window passes
        limiter.sign_in(users, "10.0.0.9", "ana", PASSWORD)


def test_the_limit_survives_a_restart(tmp_path: Path) -> None:
    home = Home(tmp_path / "home")
    store = open_store(home, default_url(home))
    users = _user(store)
    for _ in range(5):
        assert LoginLimiter(store).sign_in(users, "10.0.0.1", "ana", "guess") is None
    store.engine.dispose()
    again = open_store(home, default_url(home))  # a new process would open it like this
    client = TestClient(create_app(home, again))
    refused = client.post("/auth/token", data={"username": "ana", "password": PASSWORD})
    assert refused.status_code == 429
    again.engine.dispose()


def test_a_window_that_passed_counts_again(any_store: Store) -> None:
    users = _user(any_store)
    limiter = LoginLimiter(any_store, attempts=2, window=4)
    for _ in range(2):
        assert limiter.sign_in(users, "c", "ana", "guess") is None
    with pytest.raises(TooManyLogins):
        limiter.sign_in(users, "c", "ana", "guess")
    threading.Event().wait(4.1)
    assert limiter.sign_in(users, "c", "ana", PASSWORD) is not None


def test_x_forwarded_for_counts_only_from_a_trusted_proxy(any_store: Store, tmp_path: Path) -> None:
    _user(any_store)
    form = {"username": "ana", "password": "guess"}
    spoofed = {"X-Forwarded-For": "203.0.113.5"}

    direct = create_app(Home(tmp_path), any_store)  # no proxy configured
    TestClient(direct, client=("10.0.0.2", 1)).post("/auth/token", data=form, headers=spoofed)
    limiter: LoginLimiter = direct.state.limiter
    assert limiter.failures("client:10.0.0.2") == 1
    assert limiter.failures("client:203.0.113.5") == 0

    proxied = create_app(Home(tmp_path), any_store, trusted_proxies=["10.0.0.0/24"])
    behind = TestClient(proxied, client=("10.0.0.2", 1))
    chain = {"X-Forwarded-For": "198.51.100.1, 203.0.113.7, 10.0.0.3"}
    assert behind.post("/auth/token", data=form, headers=chain).status_code == 401
    # the nearest address no trusted proxy added; what the client itself wrote is not believed
    assert limiter.failures("client:203.0.113.7") == 1
    assert limiter.failures("client:198.51.100.1") == 0

    outsider = TestClient(proxied, client=("192.0.2.9", 1))  # not a trusted proxy
    outsider.post("/auth/token", data=form, headers=spoofed)
    assert limiter.failures("client:192.0.2.9") == 1
    assert limiter.failures("client:203.0.113.5") == 0


def test_a_strangers_failures_do_not_lock_out_the_address(any_store: Store) -> None:
    users = _user(any_store)
    limiter = LoginLimiter(any_store, attempts=5, client_attempts=8)
    office = "198.51.100.20"
    for _ in range(5):
        assert limiter.sign_in(users, office, "nobody", "guess") is None
    with pytest.raises(TooManyLogins):
        limiter.sign_in(users, office, "nobody", "guess")
    # a colleague at the same address still signs in, and that does not use up the limit
    assert limiter.sign_in(users, office, "ana", PASSWORD) is not None
    assert limiter.failures(f"client:{office}") == 5
    for name in ("x1", "x2", "x3"):
        assert limiter.sign_in(users, office, name, "guess") is None
    with pytest.raises(TooManyLogins):  # the per-client limit still holds
        limiter.sign_in(users, office, "x4", "guess")


def _signed_in_web(client: TestClient, name: str = "ana") -> str:
    form = client.get("/app/login")
    found = re.search(r'name="login_csrf" value="([^"]+)"', form.text)
    assert found is not None
    done = client.post(
        "/app/login",
        data={"username": name, "password": PASSWORD, "login_csrf": found.group(1)},
        follow_redirects=False,
    )
    assert done.status_code == 303
    return str(client.cookies[SESSION_COOKIE])


def test_tokens_expire_and_are_revoked(any_store: Store, tmp_path: Path) -> None:
    users = _user(any_store)
    client = TestClient(create_app(Home(tmp_path), any_store))
    expiring = users.create_token("ana", "expiring")
    kept = users.create_token("ana", "kept")

    def status(token: str) -> int:
        return int(client.get("/cases", headers={"Authorization": f"Bearer {token}"}).status_code)

    assert status(expiring) == 200
    with any_store.transaction() as session:
        session.execute(
            update(ApiTokenRow)
            .where(ApiTokenRow.label == "expiring")
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    assert status(expiring) == 401 and status(kept) == 200

    login = client.post("/auth/token", data={"username": "ana", "password": PASSWORD}).json()
    from_login = login["access_token"]
    assert status(from_login) == 200
    signed_out = client.delete("/auth/token", headers={"Authorization": f"Bearer {from_login}"})
    assert signed_out.status_code == 204 and status(from_login) == 401

    assert users.revoke("ana", "kept") == 1
    assert status(kept) == 401
    with pytest.raises(ValueError):
        users.create_token("ana", "forever", lifetime=timedelta(days=4000))


def test_users_revoke_on_the_command_line(tmp_path: Path) -> None:
    home = Home(tmp_path / "home")
    store = open_store(home, default_url(home))
    users = _user(store, "vic", "viewer")
    token = users.create_token("vic", "api")
    session_token = users.create_token("vic", "web session", kind="session")
    result = CliRunner().invoke(cli_app, ["users", "revoke", "vic", "--home", str(home.root)])
    assert result.exit_code == 0, result.output
    assert "2 token(s) of vic revoked" in result.output
    assert users.for_token(token) is None and users.for_token(session_token, "session") is None
    store.engine.dispose()


def test_the_session_cookie_is_no_bearer_token(any_store: Store, tmp_path: Path) -> None:
    _user(any_store)
    client = TestClient(create_app(Home(tmp_path), any_store))
    session = _signed_in_web(client)
    assert client.get("/cases").status_code == 200  # as the cookie it is good
    client.cookies.clear()
    as_bearer = client.get("/cases", headers={"Authorization": f"Bearer {session}"})
    assert as_bearer.status_code == 401


def test_every_response_carries_the_security_headers(any_store: Store, tmp_path: Path) -> None:
    _user(any_store)
    client = TestClient(create_app(Home(tmp_path), any_store, max_body=100))
    responses = [
        client.get("/healthz"),
        client.get("/app/login"),
        client.get("/app/queue", follow_redirects=False),
        client.get("/docs"),
        client.get("/no-such-page"),
        client.get("/cases"),  # 401
        client.post("/screen", content=b"x" * 1000),  # 413
    ]
    assert [r.status_code for r in responses] == [200, 200, 303, 200, 404, 401, 413]
    for response in responses:
        for name, value in HEADERS.items():
            assert value in response.headers.get(name, ""), (response.url, name)
    nonce = re.search(r"'nonce-([^']+)'", responses[0].headers["content-security-policy"])
    other = re.search(r"'nonce-([^']+)'", responses[1].headers["content-security-policy"])
    assert nonce and other and nonce.group(1) != other.group(1)


def test_a_cross_site_sign_in_is_refused(any_store: Store, tmp_path: Path) -> None:
    _user(any_store)
    client = TestClient(create_app(Home(tmp_path), any_store))
    page = client.get("/app/login?next=//evil.example/x")
    assert 'value="/app/"' in page.text  # the target is never another site
    token = re.search(r'name="login_csrf" value="([^"]+)"', page.text)
    assert token is not None
    form = {"username": "ana", "password": PASSWORD, "login_csrf": token.group(1)}
    for headers in (
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
    ):
        refused = client.post("/app/login", data=form, headers=headers, follow_redirects=False)
        assert refused.status_code == 403 and SESSION_COOKIE not in client.cookies
    no_token = client.post("/app/login", data={**form, "login_csrf": ""}, follow_redirects=False)
    assert no_token.status_code == 403
    stranger = TestClient(client.app)  # a browser that never loaded the form: no cookie
    assert stranger.post("/app/login", data=form, follow_redirects=False).status_code == 403
    good = client.post(
        "/app/login",
        data={**form, "next": "/app/queue"},
        headers={"Origin": "http://testserver"},
        follow_redirects=False,
    )
    assert good.status_code == 303 and good.headers["location"] == "/app/queue"


def test_a_body_over_the_limit_is_refused_and_stores_nothing(
    any_store: Store, tmp_path: Path
) -> None:
    users = _user(any_store)
    token = users.create_token("ana", "test")
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    client = TestClient(create_app(Home(tmp_path), any_store, max_body=20_000))
    big: dict[str, Any] = {**RED, "declaration_id": "BIG-1", "remarks": "x" * 30_000}
    import json

    body = json.dumps(big).encode()
    declared = client.post("/screen", content=body, headers=auth)
    assert declared.status_code == 413

    def chunks() -> Any:  # no Content-Length: counted as it is read
        for start in range(0, len(body), 4096):
            yield body[start : start + 4096]

    streamed = client.post("/screen", content=chunks(), headers=auth)
    assert streamed.status_code == 413
    assert len(DeclarationRecords(any_store)) == 0
    small = client.post("/screen", json=RED, headers={"Authorization": f"Bearer {token}"})
    assert small.status_code == 200 and len(DeclarationRecords(any_store)) == 1


def test_ofac_csv_reads_a_large_file_as_a_stream(tmp_path: Path) -> None:
    row = '"{n}","SOME COMPANY NUMBER {n} LIMITED","-0- ","SDGT","-0- ","-0- ","-0- ","-0- ",'
    row += '"-0- ","-0- ","-0- ","' + "remarks " * 6 + '"\r\n'
    path = tmp_path / "sdn.csv"
    with path.open("w", encoding="cp1252", newline="") as handle:
        block = "".join(row.format(n=n) for n in range(1, 1001))
        while path.stat().st_size < 50 * 1024 * 1024:
            handle.write(block)
            handle.flush()
        handle.write("\x1a")
    tracemalloc.start()
    try:
        count = sum(1 for _ in ofac_csv._rows(path, ofac_csv.WIDTHS["primary"]))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count > 300_000
    assert peak < 5 * 1024 * 1024, f"peak {peak:,} bytes reading a 50 MB file"


def test_ofac_csv_never_reads_a_whole_file(monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(*_: Any, **__: Any) -> Any:
        raise AssertionError("a whole file read into memory")

    monkeypatch.setattr(Path, "read_bytes", refused)
    monkeypatch.setattr(Path, "read_text", refused)
    parsed = ofac_csv.read_ofac_csv([SHARED / "lists" / "ofac-sdn-2021"])
    assert len(list(parsed.entities)) > 1000
