"""The web pages: sessions, CSRF and roles with FastAPI's client on SQLite and PostgreSQL, and
the officers' path end to end in Debian's headless Chromium driven by Playwright: sign in,
open the queue and a red declaration, see its evidence, an analyst proposes a release and a
supervisor approves it, both in the audit log. Screenshots of the main pages go to
test-artifacts/screenshots/."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from diversion.api.app import create_app
from diversion.cases.users import Users
from diversion.home import Home
from diversion.store import Store, open_store
from diversion.store.audit import AuditLog
from diversion.web.deps import SESSION_COOKIE, csrf_token
from diversion.web.i18n import check_catalogs
from tests import browser
from tests.test_api import RED

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "test-artifacts" / "screenshots"
EXE = Path(sys.executable).with_name("diversion")


def test_message_catalogs_have_the_same_keys() -> None:
    assert check_catalogs() == []


def _signed_in(client: TestClient, store: Store, name: str, role: str) -> str:
    Users(store).add(name, role)
    Users(store).set_password(name, "a long enough password")
    form = client.get("/app/login")
    found = re.search(r'name="login_csrf" value="([^"]+)"', form.text)
    assert found is not None
    response = client.post(
        "/app/login",
        data={
            "username": name,
            "password": "a long enough password",
            "login_csrf": found.group(1),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    return str(client.cookies[SESSION_COOKIE])


def test_pages_need_a_session_and_forms_need_their_csrf_token(
    any_store: Store, tmp_path: Path
) -> None:
    client = TestClient(create_app(Home(tmp_path), any_store))
    assert (
        client.get("/app/queue", follow_redirects=False)
        .headers["location"]
        .startswith("/app/login")
    )
    token = _signed_in(client, any_store, "ana", "analyst")
    api_token = Users(any_store).create_token("ana", "test")
    screened = client.post("/screen", json=RED, headers={"Authorization": f"Bearer {api_token}"})
    assert screened.status_code == 200
    page = client.get("/app/declarations/API-1")
    assert page.status_code == 200 and "party.sanctioned" in page.text
    forged = client.post(
        "/app/declarations/API-1/act", data={"action": "comment", "reason": "x", "csrf": "forged"}
    )
    assert forged.status_code == 403
    good = client.post(
        "/app/declarations/API-1/act",
        data={"action": "comment", "reason": "looked", "csrf": csrf_token(token)},
    )
    assert good.status_code == 200 and "Recorded" in good.text
    client.cookies.clear()
    _signed_in(client, any_store, "vic", "viewer")
    viewer_token = str(client.cookies[SESSION_COOKIE])
    refused = client.post(
        "/app/declarations/API-1/act",
        data={"action": "comment", "reason": "me too", "csrf": csrf_token(viewer_token)},
    )
    assert "Not allowed" in refused.text and "viewer" in refused.text
    russian = client.get("/app/queue", cookies={"diversion_lang": "ru"})
    assert "Очередь" in russian.text


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, dict[str, str], Path]]:
    port = _port()
    home = tmp_path / "home"
    env = {**os.environ, "COLUMNS": "200", "DIVERSION_HOME": str(home)}
    process = subprocess.Popen(
        [str(EXE), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = process.stdout.readline() if process.stdout else ""
        lines.append(line)
        if "Diversion API on" in line or not line:
            break
    accounts = dict(re.findall(r"Demo account (\S+) \(\w+\), password: (\S+)", "".join(lines)))
    time.sleep(1.5)
    try:
        yield f"http://127.0.0.1:{port}", accounts, home
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_an_analyst_proposes_and_a_supervisor_approves_in_a_browser(
    server: tuple[str, dict[str, str], Path],
) -> None:
    if browser.find() is None:
        message = "no chromium: the web pages were not checked in a browser"
        if browser.required():
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    base, accounts, home = server
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=browser.find(), args=["--no-sandbox", "--disable-gpu"]
        )
        page = chromium.new_page()
        outside: list[str] = []
        page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(base) else None)

        def sign_in(username: str) -> None:
            page.goto(f"{base}/app/login")
            page.fill("input[name=username]", username)
            page.fill("input[name=password]", accounts[username])
            page.click("button[type=submit]")
            page.wait_for_url(f"{base}/app/")

        sign_in("demo-analyst")
        assert int(page.text_content("#open-count") or "0") >= 10
        page.screenshot(path=str(SHOTS / "dashboard.png"), full_page=True)
        page.click("text=Queue")
        page.screenshot(path=str(SHOTS / "queue.png"), full_page=True)
        page.click("#queue tr:has(td.red) a")
        declaration_id = page.url.rsplit("/", 1)[-1]
        assert page.text_content("#corridor") == "red"
        assert "party.sanctioned" in (page.text_content("#reasons") or "")
        page.click("#reasons details summary")
        page.screenshot(path=str(SHOTS / "declaration.png"), full_page=True)
        page.select_option("#action", "release")
        page.fill("#reason", "end user verified with the embassy")
        page.click("#decide button[type=submit]")
        assert "Release proposed" in (page.text_content("#case-status") or "")
        page.click("header button")  # sign out
        sign_in("demo-supervisor")
        page.goto(f"{base}/app/declarations/{declaration_id}")
        page.select_option("#action", "approve_release")
        page.fill("#reason", "documents checked, release agreed")
        page.click("#decide button[type=submit]")
        assert (page.text_content("#case-status") or "") == "Released"
        history = page.text_content("#history") or ""
        assert "demo-analyst" in history and "demo-supervisor" in history
        page.screenshot(path=str(SHOTS / "declaration-released.png"), full_page=True)
        entity_link = page.query_selector("#reasons a")
        if entity_link is not None:
            entity_link.click()
            page.screenshot(path=str(SHOTS / "entity.png"), full_page=True)
        for name in ("licences", "lists", "flows"):
            page.goto(f"{base}/app/{name}")
            page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
        page.click("a[lang=ru]")
        assert "Очередь" in (page.text_content("header") or "")
        chromium.close()
    assert outside == []  # nothing was loaded from anywhere but the server
    actions = [
        (e.actor, e.payload["action"])
        for e in AuditLog(open_store(Home(home))).entries(subject=declaration_id)
        if e.kind == "case_action"
    ]
    assert actions == [("demo-analyst", "release"), ("demo-supervisor", "approve_release")]


def test_the_api_takes_a_session_cookie_and_wants_csrf_for_writes(
    any_store: Store, tmp_path: Path
) -> None:
    from diversion.cli.serve import first_start

    home = Home(tmp_path)
    first_start(home, any_store)  # demo queue and registry (its accounts are not used here)
    client = TestClient(create_app(home, any_store))
    token = _signed_in(client, any_store, "ana", "analyst")
    queue = client.get("/cases")
    assert queue.status_code == 200 and len(queue.json()) >= 10
    case_id = queue.json()[0]["id"]
    comment = {"action": "comment", "reason": "by cookie"}
    assert client.post(f"/cases/{case_id}/actions", json=comment).status_code == 403
    done = client.post(
        f"/cases/{case_id}/actions", json=comment, headers={"X-CSRF-Token": csrf_token(token)}
    )
    assert done.status_code == 200
    page = client.get("/app/entities/demo-co-berkut-aero-trade")
    assert 'id="network"' in page.text and "<svg" in page.text
    assert 'id="paths"' in page.text and "Абенов Серик Болатович" in page.text


def test_every_status_and_action_of_the_workflow_has_words_in_both_languages() -> None:
    from diversion.cases.workflow import workflow
    from diversion.web.i18n import LANGUAGES, catalog

    for language in LANGUAGES:
        strings = catalog(language)
        assert {f"status_{s}" for s in workflow().statuses} <= set(strings)
        assert {f"action_{a}" for a in workflow().actions} <= set(strings)
