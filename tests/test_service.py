"""One screening service for every front end (issue 20, part 1): the API screens as the CLI
does (the home's rules file, the history rules, the same decisions), and a running server sees
a licence, a suppression or a rules file added after it started on its next request."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from diversion.api.app import create_app
from diversion.cases.suppressions import Suppressions
from diversion.cases.users import Users
from diversion.declarations import Declaration, read_declarations
from diversion.home import Home
from diversion.licences import LicenceStore
from diversion.service.screening import ScreeningService
from diversion.store import Store, open_store
from diversion.store.engine import default_url
from tests.conftest import DEMO, csv_text, row
from tests.test_cli import run
from tests.test_history import START, decl, imported
from tests.test_licences import LICENCE, declaration

USER_LIST = "id,schema,name,aliases,country,identifiers,address,program,reason,listed_at\n"


@pytest.fixture
def home(tmp_path: Path) -> Home:
    return Home(tmp_path / "home")


@pytest.fixture
def store(home: Home) -> Store:
    return open_store(home, default_url(home))


@pytest.fixture
def client(home: Home, store: Store) -> TestClient:
    users = Users(store)
    users.add("ana", "analyst")
    token = users.create_token("ana", "test")
    return TestClient(create_app(home, store), headers={"Authorization": f"Bearer {token}"})


def screened(client: TestClient, *declarations: Declaration, **params: str) -> list[dict[str, Any]]:
    body = {"declarations": [d.model_dump(mode="json") for d in declarations]}
    response = client.post("/screen", json=body, params=params)
    assert response.status_code == 200, response.text
    decisions: list[dict[str, Any]] = response.json()["decisions"]
    return decisions


def codes(decision: dict[str, Any]) -> set[str]:
    return {r["code"] for r in decision["reasons"]}


def test_the_api_honours_the_homes_rules_file_on_the_next_request(
    client: TestClient, home: Home
) -> None:
    controlled = read_declarations_of(home.root.parent, row(hs_code="8542.31"))
    (before,) = screened(client, controlled)
    assert "licence.missing" in codes(before)
    home.root.mkdir(parents=True, exist_ok=True)
    (home.root / "rules.yml").write_text("rules:\n  licence.missing: {enabled: false}\n", "utf-8")
    (after,) = screened(client, controlled)
    assert codes(after) == {"goods.controlled"}  # as `diversion screen` gives (test_goods_rules)
    assert after["verdict"] != before["verdict"]
    assert "rules-config" in {ref["id"] for ref in after["reference_data"]}
    (home.root / "rules.yml").write_text("rules:\n  licence.missin: {enabled: false}\n", "utf-8")
    broken = client.post("/screen", json=controlled.model_dump(mode="json"))
    assert broken.status_code == 503  # not quietly the defaults
    assert any("licence.missin" in error for error in broken.json()["errors"])


def read_declarations_of(folder: Path, *rows: dict[str, Any]) -> Declaration:
    path = folder / "one.csv"
    path.write_text(csv_text(list(rows)), encoding="utf-8")
    (found,) = read_declarations(path).declarations
    return found


def test_a_licence_added_after_the_server_started_is_seen_by_the_next_request(
    client: TestClient, store: Store
) -> None:
    (before,) = screened(client, declaration())
    assert "licence.unknown" in codes(before)
    LicenceStore(store).add(LICENCE)
    (after,) = screened(client, declaration())
    assert "licence.unknown" not in codes(after)
    assert after["verdict"] != before["verdict"]
    licences = [ref for ref in after["reference_data"] if ref["id"] == "licence-register"]
    assert licences and licences[0]["version"].startswith("1 licences")


def test_a_history_rule_fires_through_the_api_as_through_the_cli(
    client: TestClient, tmp_path: Path
) -> None:
    batch = [imported("IMP-1", START), decl("EXP-1", START.replace(day=20))]
    source = tmp_path / "batch.jsonl"
    source.write_text("".join(json.dumps(d.model_dump(mode="json")) + "\n" for d in batch), "utf-8")
    out = tmp_path / "out.jsonl"
    done = run("screen", str(source), "--out", str(out), "--home", str(tmp_path / "cli"),
               cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    by_cli = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    by_api = screened(client, *batch)
    assert "flow.pass_through" in codes(by_cli[1])
    assert [codes(d) for d in by_api] == [codes(d) for d in by_cli]
    # the store as history: the import screened before, the export alone
    (alone,) = screened(client, decl("EXP-2", START.replace(day=21)))
    assert "flow.pass_through" not in codes(alone)
    (with_store,) = screened(client, decl("EXP-2", START.replace(day=21)), history="store")
    assert "flow.pass_through" in codes(with_store)


def test_the_cli_and_the_api_give_the_same_decisions(client: TestClient, tmp_path: Path) -> None:
    source = DEMO / "declarations.csv"
    out = tmp_path / "out.jsonl"
    done = run("screen", str(source), "--out", str(out), "--home", str(tmp_path / "cli"),
               cwd=tmp_path)  # fmt: skip
    assert done.returncode in (0, 2), done.stderr
    by_cli = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    by_api = screened(client, *read_declarations(source).declarations)
    assert len(by_api) == len(by_cli) > 10
    assert {d["corridor"] for d in by_cli} == {"red", "yellow", "green"}

    def verdicts(decisions: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
        return [
            (d["declaration_id"], d["verdict"], d["corridor"],
             [(r["code"], r["message"]) for r in d["reasons"]])
            for d in decisions
        ]  # fmt: skip

    assert verdicts(by_api) == verdicts(by_cli)


def test_the_context_is_rebuilt_only_when_what_it_reads_changes(home: Home, store: Store) -> None:
    service = ScreeningService(home, store)
    first = service.context()
    assert service.context() is first  # nothing changed: the same context
    LicenceStore(store).add(LICENCE)
    second = service.context()
    assert second is not first and second.licences is not first.licences
    assert second.licences is not None and len(second.licences.licences) == 1
    assert second.matchers is first.matchers  # the name indexes are not rebuilt for a licence
    assert second.catalogue is first.catalogue
    Users(store).add("ana", "analyst")
    Suppressions(store).add("ana", "Some Party", "KZ", "demo-entity", {}, "not the same firm")
    third = service.context()
    assert third.suppressions is not second.suppressions
    assert third.suppressions is not None and len(third.suppressions.by_key) == 1
    home.root.mkdir(parents=True, exist_ok=True)
    (home.root / "rules.yml").write_text("rules:\n  licence.missing: {enabled: false}\n", "utf-8")
    fourth = service.context()
    assert "licence.missing" in fourth.catalogue.disabled
    assert "licence.missing" not in third.catalogue.disabled
    assert service.context() is fourth


def test_a_re_screen_is_owed_only_when_an_import_changed_something(
    home: Home, store: Store
) -> None:
    from diversion.lists.snapshots import ListStore

    service = ScreeningService(home, store)
    lists = ListStore(store)
    home.root.mkdir(parents=True, exist_ok=True)
    demo = home.root / "demo.csv"
    demo.write_text(USER_LIST + "P-1,Company,Parom Trade LLC,,KZ,,,,,\n", "utf-8")
    lists.import_files("csv", [demo], "demo", rescreen_days=30)
    assert len(service.owed_rescreens()) == 1
    assert service.finish_owed_rescreen() is None  # nothing screened in the home yet
    assert service.owed_rescreens() == []  # settled all the same
    service.screen([decl("AFTER-1", START)])
    lists.import_files("csv", [demo], "demo", rescreen_days=30)  # the same files: nothing new
    assert service.owed_rescreens() == []
    changed = home.root / "demo-changed.csv"
    changed.write_text(demo.read_text("utf-8") + "P-2,Company,Kanat Logistic LLP,,KZ,,,,,\n")
    lists.import_files("csv", [changed], "demo", rescreen_days=0)  # --rescreen-days 0
    assert service.owed_rescreens() == []
    changed.write_text(demo.read_text("utf-8") + "P-3,Company,Aral Komplekt LLP,,KZ,,,,,\n")
    lists.import_files("csv", [changed], "demo", rescreen_days=30)
    (owed,) = service.owed_rescreens()
    assert owed.days == 30 and owed.detail["snapshots"] == ["demo-0003"]
    report = service.finish_owed_rescreen()
    assert report is not None and report.screened == 1
    assert service.owed_rescreens() == []
