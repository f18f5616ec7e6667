"""Declaration versions (issue 24, item 5): re-submitting a declaration id with other content
is an amendment, kept as a new version; the earlier version and its decision stay, and the
audit log records the amendment. On a real SQLite file and a real PostgreSQL database."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import create_engine, text

from diversion.cases.workflow import Cases
from diversion.declarations import Declaration
from diversion.home import Home
from diversion.screening.records import DeclarationRecords, declaration_sha256
from diversion.service.screening import ScreeningService
from diversion.store import Store, open_store
from diversion.store.audit import AuditLog
from diversion.store.engine import MIGRATIONS, default_url
from tests.conftest import csv_text, row
from tests.test_cli import run

DAY = date(2024, 5, 2)
WHEAT = {"item_no": 1, "hs_code": "1001.99", "description": "Wheat", "country_of_origin": "KZ",
         "quantity": 120, "unit": "t", "value": 30000, "currency": "USD"}  # fmt: skip
CHIPS = {"item_no": 1, "hs_code": "8542.31", "description": "Microcontrollers",
         "country_of_origin": "DE", "quantity": 1000, "unit": "pcs", "value": 5000,
         "currency": "USD"}  # fmt: skip


def wheat(**changes: object) -> Declaration:
    record: dict[str, object] = {
        "declaration_id": "AM-1",
        "declared_at": DAY.isoformat(),
        "procedure": "export",
        "exporter": {"name": "ТОО «Степной Зерновой Двор»", "country": "KZ"},
        "consignee": {"name": "Anadolu Un Sanayi A.Ş.", "country": "TR"},
        "country_of_dispatch": "KZ",
        "country_of_destination": "TR",
        "items": [WHEAT],
        **changes,
    }
    return Declaration.model_validate(record)


def chips() -> Declaration:
    """The same id, amended: other consignee, goods and destination."""
    return wheat(
        consignee={"name": "ООО «Небосвод Комплект»", "country": "RU"},
        country_of_destination="RU",
        items=[CHIPS],
    )


def test_an_amendment_keeps_the_earlier_version_and_its_decision(
    any_store: Store, tmp_path: Path
) -> None:
    service = ScreeningService(Home(tmp_path / "home"), any_store)
    (first,) = service.screen([wheat()]).decisions
    assert first.corridor == "green"
    service.screen([wheat()])  # the same content: the same version
    records = DeclarationRecords(any_store)
    assert [v.version for v in records.versions("AM-1")] == [1]
    assert list(AuditLog(any_store).entries(kind="declaration_amended")) == []

    (amended,) = service.screen([chips()]).decisions
    assert amended.corridor == "red"
    v1, v2 = records.versions("AM-1")
    assert (v1.version, v2.version) == (1, 2)
    assert v1.declaration == wheat().model_dump(mode="json")  # the original, parties and items
    assert v1.decision["corridor"] == "green" and v2.decision["corridor"] == "red"
    assert v1.sha256 == declaration_sha256(wheat().model_dump(mode="json")) != v2.sha256
    # the store's current declaration (the history, the case) is the amended one
    current = records.get("AM-1")
    assert current is not None and current[0] == chips().model_dump(mode="json")
    case = Cases(any_store).for_declaration("AM-1")
    assert case is not None and case.corridor == "red"
    (entry,) = AuditLog(any_store).entries(kind="declaration_amended")
    assert entry.payload["version"] == 2 and entry.payload["sha256"] == v2.sha256
    previous = entry.payload["previous"]
    assert previous["version"] == 1 and previous["sha256"] == v1.sha256
    assert previous["corridor"] == "green" and previous["verdict"] == first.verdict
    decisions = [e.seq for e in AuditLog(any_store).entries(subject="AM-1", kind="decision")]
    assert len(decisions) == 3 and decisions[1] < entry.seq < decisions[2]
    assert AuditLog(any_store).verify()[1] == []

    service.screen([wheat()])  # back to the first content: a third version, not a rewrite
    assert [v.version for v in records.versions("AM-1")] == [1, 2, 3]
    assert records.versions("AM-1")[1].decision["corridor"] == "red"


def test_cases_show_lists_the_versions(tmp_path: Path) -> None:
    home = tmp_path / "home"
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    first.write_text(csv_text([row(declaration_id="AM-2", consignee_country="RU",
                                   country_of_destination="RU")]), "utf-8")  # fmt: skip
    second.write_text(csv_text([row(declaration_id="AM-2", consignee_country="RU",
                                    country_of_destination="RU", hs_code="8542.31",
                                    description="Microcontrollers", country_of_origin="DE",
                                    quantity="1000", unit="pcs")]), "utf-8")  # fmt: skip
    for source in (first, second):
        done = run("screen", str(source), "--home", str(home), cwd=tmp_path)
        assert done.returncode == 0, done.stderr
    store = open_store(Home(home), default_url(Home(home)))
    case = Cases(store).for_declaration("AM-2")
    store.engine.dispose()
    assert case is not None  # the amended declaration (chips to Russia) is red
    shown = run("cases", "show", str(case.id), "--json", "--home", str(home), cwd=tmp_path)
    body = json.loads(shown.stdout)
    assert [v["version"] for v in body["versions"]] == [1, 2]
    assert body["versions"][1]["corridor"] == body["corridor"]
    text_view = run("cases", "show", str(case.id), "--home", str(home), cwd=tmp_path)
    assert "declaration versions (2)" in text_view.stdout


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_the_migration_makes_every_stored_declaration_its_first_version(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    home = Home(tmp_path / "home")
    url = default_url(home) if backend == "sqlite" else request.getfixturevalue("pg_url")
    home.root.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:  # the store as it stood before versions
        config.attributes["connection"] = connection
        command.upgrade(config, "0006")
        data = wheat().model_dump(mode="json")
        connection.execute(
            text(
                "INSERT INTO screened_declarations (declaration_id, declared_at, procedure, "
                "declaration, verdict, decision, screened_at) VALUES "
                "('AM-1', :day, 'export', :data, 'clear', :decision, :at)"
            ),
            {
                "day": DAY,
                "data": json.dumps(data),
                "decision": json.dumps({"verdict": "clear", "corridor": "green", "reasons": []}),
                "at": datetime.now(UTC),
            },
        )
    engine.dispose()
    store = open_store(home, url)
    (version,) = DeclarationRecords(store).versions("AM-1")
    assert version.version == 1 and version.sha256 == declaration_sha256(data)
    assert version.decision["corridor"] == "green"
    ScreeningService(home, store).screen([chips()])  # then an amendment is version 2
    assert [v.version for v in DeclarationRecords(store).versions("AM-1")] == [1, 2]
    store.engine.dispose()
