"""A database password is never printed: not in messages, not in errors from the driver."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from sqlalchemy import make_url

from diversion.home import Home
from diversion.store import Store, StoreError, display_url, open_store
from diversion.store.engine import redact
from tests.test_cli import run

PASSWORD = "S3cr3t-pw/with@odd:chars"
ENCODED = "S3cr3t-pw%2Fwith%40odd%3Achars"


def closed_port() -> int:
    """A local port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def url(port: int) -> str:
    return f"postgresql+psycopg://alice:{ENCODED}@127.0.0.1:{port}/diversion"


def no_secret(text: str) -> bool:
    return all(s not in text for s in (PASSWORD, ENCODED, "S3cr3t"))


def test_display_url_hides_the_password() -> None:
    shown = display_url(url(5432))
    assert shown == "postgresql+psycopg://alice:***@127.0.0.1:5432/diversion"
    assert display_url("sqlite:////tmp/x.sqlite") == "sqlite:////tmp/x.sqlite"
    # a URL that does not parse loses its whole user part
    assert display_url("postgresql//alice:S3cr3t@h/db") == "postgresql//***@h/db"


def test_redact_takes_the_password_out_in_every_spelling() -> None:
    message = f"failed: {url(1)} / {PASSWORD} / {ENCODED} / postgresql://bob:other@h/db"
    cleaned = redact(message, url(1))
    assert no_secret(cleaned) and "other" not in cleaned
    assert "alice:***@127.0.0.1:1" in cleaned and "postgresql://***@h/db" in cleaned


def test_a_store_does_not_show_its_password_in_its_repr(tmp_path: Path) -> None:
    store = Store(open_store(Home(tmp_path)).engine, url(5432))
    assert no_secret(repr(store))


def test_an_unreachable_server_gives_an_error_without_the_password(tmp_path: Path) -> None:
    with pytest.raises(StoreError) as caught:
        open_store(Home(tmp_path), url(closed_port()))
    message = str(caught.value)
    assert no_secret(message), message
    assert "alice:***@127.0.0.1" in message and "Connection refused" in message
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


@pytest.mark.parametrize("how", ["--db", "env"])
def test_the_cli_prints_no_password(tmp_path: Path, how: str) -> None:
    target = url(closed_port())
    args = ["cases", "ls", "--home", str(tmp_path / "home")]
    if how == "--db":
        result = run(*args, "--db", target, cwd=tmp_path)
    else:
        result = run(*args, cwd=tmp_path, env={"DIVERSION_DB_URL": target})
    assert result.returncode == 1
    assert "cannot open the store postgresql+psycopg://alice:***@127.0.0.1" in result.stderr
    assert no_secret(result.stdout + result.stderr), result.stderr


def test_a_url_that_does_not_parse_is_not_echoed(tmp_path: Path) -> None:
    result = run(
        "cases", "ls", "--home", str(tmp_path / "h"), "--db", "postgresql//alice:S3cr3t@h/db",
        cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 1 and "postgresql//***@h/db" in result.stderr
    assert no_secret(result.stderr), result.stderr


def test_a_wrong_password_on_a_real_server(tmp_path: Path, pg_server: str) -> None:
    wrong = make_url(pg_server).set(password=PASSWORD).render_as_string(hide_password=False)
    with pytest.raises(StoreError) as caught:
        open_store(Home(tmp_path), wrong)
    message = str(caught.value)
    assert "password authentication failed" in message
    assert no_secret(message), message
    real = make_url(pg_server).password
    assert real and real not in message
