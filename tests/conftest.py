from __future__ import annotations

import csv
import io
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import make_url

from diversion.declarations.csv_format import COLUMNS
from diversion.home import Home
from diversion.screening import ScreeningContext
from diversion.store import Store, open_store
from diversion.store.engine import default_url
from tests import pg

ROOT = Path(__file__).resolve().parents[1]
# Real files nobody in the project wrote, copied from ../shared/data (tests/data/README.md):
# a clean clone with nothing beside it passes the tests.
SHARED = ROOT / "tests" / "data"
DEMO = ROOT / "src" / "diversion" / "data" / "demo"

BASE_ROW: dict[str, Any] = {
    "declaration_id": "T-1",
    "declared_at": "2024-05-02",
    "procedure": "export",
    "exporter_name": "ТОО «Степной Зерновой Двор»",
    "exporter_country": "KZ",
    "consignee_name": "Anadolu Un Sanayi A.Ş.",
    "consignee_country": "TR",
    "country_of_dispatch": "KZ",
    "country_of_destination": "TR",
    "item_no": "1",
    "hs_code": "1001.99",
    "description": "Wheat",
    "country_of_origin": "KZ",
    "quantity": "120",
    "unit": "t",
    "value": "30000",
    "currency": "USD",
}


def csv_text(rows: list[dict[str, Any]], columns: tuple[str, ...] = COLUMNS) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: row.get(c, "") for c in columns})
    return buffer.getvalue()


def row(**changes: Any) -> dict[str, Any]:
    return {**BASE_ROW, **changes}


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    def write(rows: list[dict[str, Any]], name: str = "declarations.csv") -> Path:
        path = tmp_path / name
        path.write_text(csv_text(rows), encoding="utf-8")
        return path

    return write


@pytest.fixture(scope="session")
def context() -> ScreeningContext:
    return ScreeningContext.bundled()


# -- the store on both backends (see tests/pg.py) -------------------------------------------
PG_UNAVAILABLE: list[str] = []  # why PostgreSQL tests skipped, for the summary


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """The URL of a PostgreSQL server to create test databases on, or skip (fail in CI)."""
    url = os.environ.get(pg.URL_VAR)
    if url:
        yield url
        return
    reason = os.environ.get(pg.UNAVAILABLE_VAR)
    server = None
    if not reason:
        try:
            server = pg.start()
        except pg.ServerError as exc:
            reason = str(exc)
    if server is None:
        message = f"PostgreSQL unavailable: {reason}"
        if pg.required():
            pytest.fail(f"{message} (required: CI or {pg.REQUIRE_VAR}=1)", pytrace=False)
        PG_UNAVAILABLE.append(message)
        pytest.skip(message)
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture
def pg_url(pg_server: str) -> Iterator[str]:
    """A new, empty database on the test server, dropped afterwards."""
    admin = make_url(pg_server)
    name = f"diversion_test_{uuid.uuid4().hex[:12]}"
    conninfo = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(conninfo, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A migrated store on a real SQLite file, then on a real PostgreSQL database."""
    home = Home(tmp_path / "home")
    if request.param == "sqlite":
        store = open_store(home, default_url(home))
    else:
        store = open_store(home, request.getfixturevalue("pg_url"))
    try:
        yield store
    finally:
        store.engine.dispose()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Say it loudly when PostgreSQL tests did not run."""
    if PG_UNAVAILABLE:
        banner = "!" * 78
        terminalreporter.write_line(banner, red=True, bold=True)
        terminalreporter.write_line(
            f"PostgreSQL tests were SKIPPED: {PG_UNAVAILABLE[0]}", red=True, bold=True
        )
        terminalreporter.write_line(
            "Run `make test` (it installs and starts one), or set DIVERSION_TEST_PG_URL.",
            red=True,
        )
        terminalreporter.write_line(banner, red=True, bold=True)
