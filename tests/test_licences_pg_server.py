"""The PostgreSQL test server helper (tests/pg.py): it runs, and when it cannot, tests skip
loudly outside CI and fail in CI, never silently."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from diversion.store import Store
from tests import pg

ROOT = Path(__file__).resolve().parents[1]


def test_each_backend_is_the_one_it_claims(
    any_store: Store, request: pytest.FixtureRequest
) -> None:
    """Guards against a PostgreSQL parameter that silently ran on SQLite."""
    name = request.node.callspec.params["any_store"]
    assert any_store.engine.dialect.name == name
    with any_store.engine.connect() as connection:
        tables = connection.execute(
            text("SELECT count(*) FROM licences")  # the 0002 migration ran on this backend
        ).scalar_one()
    assert tables == 0


@pytest.mark.parametrize(
    ("env", "wanted"),
    [
        ({}, False),
        ({"CI": "true"}, True),
        ({pg.REQUIRE_VAR: "1"}, True),
        ({pg.REQUIRE_VAR: "0"}, False),
    ],
)
def test_required_in_ci(monkeypatch: pytest.MonkeyPatch, env: dict[str, str], wanted: bool) -> None:
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv(pg.REQUIRE_VAR, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    assert pg.required() is wanted


def _cannot_start() -> pg.Server:
    raise pg.ServerError("simulated: no server here")


def test_run_without_a_server_warns_outside_ci_and_fails_in_ci(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv(pg.URL_VAR, raising=False)
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.delenv(pg.REQUIRE_VAR, raising=False)  # .ci/run sets it
    monkeypatch.setattr(pg, "start", _cannot_start)
    probe = [
        sys.executable,
        "-c",
        f"import os, sys; sys.exit(3 if os.environ.get({pg.UNAVAILABLE_VAR!r}) else 4)",
    ]
    assert pg.main(["run", "--", *probe]) == 3  # ran the command, told it why
    assert "WARNING: no PostgreSQL for the tests: simulated" in capsys.readouterr().err
    monkeypatch.setenv(pg.REQUIRE_VAR, "1")
    assert pg.main(["run", "--", *probe]) == 1  # did not run it at all
    assert "error: cannot start PostgreSQL" in capsys.readouterr().err


def test_run_passes_the_url_of_a_live_server(monkeypatch: pytest.MonkeyPatch) -> None:
    if pg.find_bindir() is None:
        pytest.skip("no PostgreSQL binaries on this machine (`make pg` installs them)")
    monkeypatch.delenv(pg.URL_VAR, raising=False)
    probe = [
        sys.executable, "-c",
        "import os, psycopg, sqlalchemy as sa;"
        f"url = sa.make_url(os.environ[{pg.URL_VAR!r}]).set(drivername='postgresql');"
        "c = psycopg.connect(url.render_as_string(hide_password=False));"
        "assert c.execute('select 1').fetchone() == (1,)",
    ]  # fmt: skip
    assert pg.main(["run", "--", *probe]) == 0


def _pytest(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k not in ("CI", pg.REQUIRE_VAR, pg.URL_VAR)}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q",
         "tests/test_licences_store.py::test_add_refuses_a_number_already_in_the_register"],
        cwd=ROOT, env={**base, pg.UNAVAILABLE_VAR: "simulated outage", **env},
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def test_unavailable_postgresql_skips_loudly_outside_ci() -> None:
    result = _pytest({})
    assert result.returncode == 0, result.stdout
    assert "1 passed, 1 skipped" in result.stdout  # SQLite ran; PostgreSQL was skipped
    assert "PostgreSQL tests were SKIPPED: PostgreSQL unavailable: simulated outage" in (
        result.stdout
    )


def test_unavailable_postgresql_fails_in_ci() -> None:
    result = _pytest({"CI": "true"})
    assert result.returncode != 0
    assert "1 passed, 1 error" in result.stdout
    assert "PostgreSQL unavailable: simulated outage (required" in result.stdout
