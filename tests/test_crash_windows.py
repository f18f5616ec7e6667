"""Crash windows (issue 24, item 4): a real `diversion` process is ended at a named step, as a
kill would end it (the DIVERSION_TEST_CRASH_AFTER test hook, diversion.files.crash_point:
os._exit, no clean-up), on a real SQLite file and a real PostgreSQL database.

- `screen` publishes its results only after the store commits: ended before the commit, the
  store holds nothing and no results file exists; ended after it, the store holds every
  declaration with its case and audit entries, and still no results file exists.
- `lists import` records the re-screen it owes in the activation's transaction: ended before
  the re-screen, the next import of the same files (which imports nothing), `cases rescreen`
  or the server's start finishes it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from diversion.api.app import create_app
from diversion.cases.workflow import Cases
from diversion.files import CRASH_EXIT, CRASH_VAR
from diversion.home import Home
from diversion.screening.records import DeclarationRecords
from diversion.store import Store, open_store
from diversion.store.audit import AuditLog
from diversion.store.engine import default_url
from diversion.store.rescreens import owed
from tests.conftest import DEMO, SHARED, csv_text, row
from tests.test_cli import run

UN = SHARED / "lists" / "un" / "UN_consolidated.xml"


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Path, list[str]]]:
    """A home, and the `--db` arguments of its store: its SQLite file, or a PostgreSQL
    database on the test server."""
    home = tmp_path / "home"
    if request.param == "sqlite":
        yield home, []
    else:
        yield home, ["--db", request.getfixturevalue("pg_url")]


def store_of(home: Path, args: list[str]) -> Store:
    return open_store(Home(home), args[1] if args else default_url(Home(home)))


def diversion(*args: str, home: Path, db: list[str], crash: str | None = None) -> tuple[int, str]:
    env = {CRASH_VAR: crash} if crash else {}
    done = run(*args, "--home", str(home), *db, cwd=home.parent, env=env)
    return done.returncode, done.stdout + done.stderr


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


# -- screen -----------------------------------------------------------------------------------


def test_screen_ended_before_the_commit_publishes_nothing_and_stores_nothing(
    db: tuple[Path, list[str]], tmp_path: Path
) -> None:
    home, args = db
    out = tmp_path / "run" / "decisions.jsonl"
    source = DEMO / "declarations.csv"
    code, output = diversion("screen", str(source), "--out", str(out), home=home, db=args,
                             crash="screen.staged")  # fmt: skip
    assert code == CRASH_EXIT, output
    assert not out.exists() and not (tmp_path / "run" / "decisions.errors.jsonl").exists()
    # the staged files are under temporary names only; a reader looking for results sees none
    assert all(name.startswith(".decisions.") for name in leftovers(tmp_path / "run"))
    store = store_of(home, args)
    assert len(DeclarationRecords(store)) == 0 and Cases(store).find() == []
    assert list(AuditLog(store).entries(kind="decision")) == []
    store.engine.dispose()

    code, output = diversion("screen", str(source), "--out", str(out), home=home, db=args)
    assert code in (0, 2), output  # the run that is not ended publishes as ever
    decisions = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    store = store_of(home, args)
    assert len(DeclarationRecords(store)) == len(decisions) > 0
    store.engine.dispose()


def test_screen_ended_after_the_commit_left_every_decision_with_its_case_and_audit_entry(
    db: tuple[Path, list[str]], tmp_path: Path
) -> None:
    home, args = db
    out = tmp_path / "run" / "decisions.jsonl"
    code, output = diversion("screen", str(DEMO / "declarations.csv"), "--out", str(out),
                             home=home, db=args, crash="screen.committed")  # fmt: skip
    assert code == CRASH_EXIT, output
    assert not out.exists()  # not published: the process ended before the rename
    store = store_of(home, args)
    records = DeclarationRecords(store)
    stored = {d.declaration_id for d in records.declarations()}
    audited = {e.subject for e in AuditLog(store).entries(kind="decision")}
    assert stored and audited == stored
    flagged = set()
    for declaration_id in stored:
        found = records.get(declaration_id)
        assert found is not None
        if found[1]["corridor"] in ("yellow", "red"):
            flagged.add(declaration_id)
    assert flagged, "the demo declarations have red and yellow ones"
    assert {case.declaration_id for case in Cases(store).find()} == flagged
    assert AuditLog(store).verify()[1] == []
    store.engine.dispose()


# -- lists import and its re-screen ---------------------------------------------------------------


def screened_home(home: Path, args: list[str], tmp_path: Path) -> None:
    """A home that screened, yesterday, a declaration to a party the UN list names."""
    yesterday = str(date.today() - timedelta(days=1))
    source = tmp_path / "declarations.csv"
    source.write_text(csv_text([row(declaration_id="D-1", declared_at=yesterday,
                                    consignee_name="Korea Mining Development Trading Corporation",
                                    consignee_country="KP")]))  # fmt: skip
    code, output = diversion("screen", str(source), "--out", str(tmp_path / "out.jsonl"),
                             home=home, db=args)  # fmt: skip
    assert code == 0, output


def interrupted_import(home: Path, args: list[str], step: str) -> Store:
    """`lists import` of the UN list, ended at `step`: the snapshot is active, the case that
    its re-screen would open is not, and the re-screen is owed."""
    code, output = diversion("lists", "import", "un-xml", str(UN), home=home, db=args,
                             crash=step)  # fmt: skip
    assert code == CRASH_EXIT, output
    store = store_of(home, args)
    assert [e.payload["snapshot"] for e in AuditLog(store).entries(kind="list_activation")] == [
        "un-sc-0001"
    ]
    assert Cases(store).for_declaration("D-1") is None  # not re-screened
    (debt,) = owed(store)
    assert debt.detail == {"snapshots": ["un-sc-0001"]} and debt.days > 0
    return store


def assert_rescreened(store: Store) -> None:
    case = Cases(store).for_declaration("D-1")
    assert case is not None and case.corridor == "red"
    assert any(r["code"] == "party.sanctioned" for r in case.decision["reasons"])
    assert owed(store) == []
    assert AuditLog(store).verify()[1] == []


@pytest.mark.parametrize("step", ["import.activated", "rescreen.decided"])
def test_the_next_import_of_the_same_files_finishes_the_owed_rescreen(
    db: tuple[Path, list[str]], tmp_path: Path, step: str
) -> None:
    home, args = db
    screened_home(home, args, tmp_path)
    interrupted_import(home, args, step).engine.dispose()

    code, output = diversion("lists", "import", "un-xml", str(UN), home=home, db=args)
    assert code == 0, output
    assert "nothing imported" in output  # the files are the active snapshot's
    assert "Finishing the re-screen owed since" in output and "un-sc-0001" in output
    assert "Re-screened 1 declaration(s)" in output and "1 case(s) opened" in output
    store = store_of(home, args)
    assert_rescreened(store)
    store.engine.dispose()
    code, output = diversion("lists", "import", "un-xml", str(UN), home=home, db=args)
    assert code == 0 and "Re-screened" not in output  # nothing owed any more


def test_cases_rescreen_finishes_the_owed_rescreen(
    db: tuple[Path, list[str]], tmp_path: Path
) -> None:
    home, args = db
    screened_home(home, args, tmp_path)
    interrupted_import(home, args, "import.activated").engine.dispose()
    code, output = diversion("cases", "rescreen", "--days", "0", home=home, db=args)
    assert code == 0, output
    assert "Finishing the re-screen owed since" in output
    assert "Re-screened 1 declaration(s)" in output  # the owed days count, not only --days 0
    store = store_of(home, args)
    assert_rescreened(store)
    store.engine.dispose()


def test_the_server_start_finishes_the_owed_rescreen(
    db: tuple[Path, list[str]], tmp_path: Path
) -> None:
    home, args = db
    screened_home(home, args, tmp_path)
    store = interrupted_import(home, args, "import.activated")
    app = create_app(Home(home), store)
    assert owed(store)  # building the app does nothing; starting it does
    with TestClient(app) as client:
        assert client.get("/healthz").status_code == 200
        assert_rescreened(store)
    store.engine.dispose()
