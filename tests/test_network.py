"""The company registry: its CSV, import into the store (SQLite and PostgreSQL), links to the
lists, and the network rules at screening, each firing and staying silent."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from defusedxml import ElementTree
from followthemoney import model
from sqlalchemy import func, select

from diversion.declarations import Declaration
from diversion.lists import demo_list
from diversion.lists.importers import ListFormatError
from diversion.lists.snapshots import ListStore
from diversion.matching import Matcher
from diversion.network.bundled import DEMO_FILES
from diversion.network.graph import Link, Network
from diversion.network.links import NetworkStore, find_links
from diversion.network.ownership import Stake
from diversion.network.registry_csv import (
    ENTITY_COLUMNS,
    RELATION_COLUMNS,
    read_registry_csv,
    registry_id,
)
from diversion.network.sectors import unrelated_sectors
from diversion.reference import package_file
from diversion.rules import apply_config
from diversion.screening import Screener, ScreeningContext
from diversion.screening.decision import Decision
from diversion.store import Store
from diversion.store.models import RegistryLinkRow
from tests.conftest import csv_text, row
from tests.test_cli import run

DEMO_REGISTRY = [package_file("diversion", name) for name in DEMO_FILES]


def write_registry(
    folder: Path, entities: list[dict[str, str]], relations: list[dict[str, str]]
) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / "entities.csv", folder / "relations.csv"]
    paths[0].write_text(csv_text(entities, ENTITY_COLUMNS), encoding="utf-8")
    paths[1].write_text(csv_text(relations, RELATION_COLUMNS), encoding="utf-8")
    return paths


def firm(entity_id: str, name: str, **changes: str) -> dict[str, str]:
    return {"id": entity_id, "schema": "Company", "name": name, "country": "KZ", **changes}


def person(entity_id: str, name: str, **changes: str) -> dict[str, str]:
    return {"id": entity_id, "schema": "Person", "name": name, **changes}


def owns(owner: str, asset: str, share: str, **changes: str) -> dict[str, str]:
    return {
        "type": "ownership",
        "source_id": owner,
        "target_id": asset,
        "percentage": share,
        **changes,
    }


def runs(person_id: str, firm_id: str, role: str = "director") -> dict[str, str]:
    return {"type": "directorship", "source_id": person_id, "target_id": firm_id, "role": role}


# -- the registry CSV -----------------------------------------------------------------------------


def test_the_demo_registry_reads_into_ftm_entities() -> None:
    parsed = read_registry_csv(DEMO_REGISTRY)
    schemata = {e.schema.name for e in parsed.entities}
    assert schemata == {"Company", "Person", "Ownership", "Directorship", "Family"}
    sapa = next(e for e in parsed.entities if e.id == "kz-sapa")
    assert sapa.get("registrationNumber") == ["170640018803"]
    assert sapa.get("incorporationDate") == ["2017-06-20"]
    assert sapa.get("classification") == ["46.43"]


def test_every_bad_field_is_reported_and_nothing_is_read(tmp_path: Path) -> None:
    paths = write_registry(
        tmp_path,
        [
            firm("a", "Alpha LLP", incorporation_date="2022-13-01"),
            firm("a", "Alpha again"),
            person("p", "Petrov", activity_code="46.69"),
            {"id": "x", "schema": "Ship", "name": "X"},
            firm("b", "", country="Narnia"),
        ],
        [
            owns("p", "a", "120"),
            owns("a", "p", "10"),
            owns("ghost", "a", "10"),
            {"type": "friendship", "source_id": "p", "target_id": "a"},
            runs("p", "a") | {"start_date": "yesterday"},
        ],
    )
    with pytest.raises(ListFormatError) as raised:
        read_registry_csv(paths)
    faults = [": ".join(line.split(": ")[:2]) for line in str(raised.value).splitlines()[1:]]
    entities, relations = paths
    assert faults == [
        f"{entities}:2: incorporation_date",
        f"{entities}:3: id",
        f"{entities}:4: activity_code",
        f"{entities}:5: schema",
        f"{entities}:6: name",
        f"{relations}:2: percentage",
        f"{relations}:3: target_id",
        f"{relations}:4: source_id",
        f"{relations}:5: type",
        f"{relations}:6: start_date",
    ]
    assert "'120' is not a share in (0, 100]" in str(raised.value)


def test_a_relations_file_alone_and_a_wrong_header_are_refused(tmp_path: Path) -> None:
    entities, relations = write_registry(tmp_path, [firm("a", "Alpha")], [])
    with pytest.raises(ListFormatError, match="no entities file"):
        read_registry_csv([relations])
    entities.write_text("id,schema,name\na,Company,Alpha\n", encoding="utf-8")
    with pytest.raises(ListFormatError, match="header must be"):
        read_registry_csv([entities])


def underscore_registry(folder: Path) -> list[Path]:
    """The registry of issue 18: ids with underscores (and a dot, Cyrillic, a space), 15
    ownership and 2 directorship rows; FtM ids allow none of `_`, Cyrillic or a space."""
    entities = [
        firm("kz_esil", "ТОО «Есиль Микрокомпонент»", registration_number="220340017783"),
        person("p_nurlan", "Нурланов Нурлан Нурланович"),
        person("p_aigul", "Айгуль Сапарова"),
        person("p.dana", "Dana Bekova"),
        firm("kz_half", "Half Owned LLP", registration_number="200140000018"),
        firm("kz_trade_1", "Trade One LLP"),
        firm("kz_trade_2", "Trade Two LLP"),
        firm("kz_trade_3", "Trade Three LLP"),
        firm("kz-plain", "Plain LLP"),
        firm("ТОО_17", "ТОО «Семнадцать»"),
        firm("kz trade 4", "Trade Four LLP"),
        firm("p-nurlan", "Not Nurlan LLP"),  # FtM's own spelling of another id: kept apart
    ]
    ownership = [
        owns("kz_esil", "kz_half", "60"),
        owns("p_aigul", "kz_half", "40"),
        owns("p_nurlan", "kz_trade_1", "100"),
        owns("kz_half", "kz_trade_2", "51"),
        owns("p.dana", "kz_trade_2", "49"),
        owns("kz_trade_2", "kz_trade_3", "70"),
        owns("p_nurlan", "kz_trade_3", "30"),
        owns("p.dana", "kz-plain", "100"),
        owns("p_nurlan", "ТОО_17", "50"),
        owns("p_aigul", "ТОО_17", "50"),
        owns("ТОО_17", "kz trade 4", "80"),
        owns("p.dana", "kz trade 4", "20"),
        owns("kz_trade_1", "p-nurlan", "10"),
        owns("kz-plain", "p-nurlan", "90"),
        owns("kz_esil", "kz_trade_1", "5", start_date="2024-01-01", end_date="2024-06-30"),
    ]
    return write_registry(
        folder, entities, [*ownership, runs("p_nurlan", "kz_half"), runs("p_aigul", "ТОО_17")]
    )


def test_every_id_the_file_uses_keeps_its_edges(tmp_path: Path) -> None:
    parsed = read_registry_csv(underscore_registry(tmp_path))
    by_id = {str(e.id): e for e in parsed.entities}
    nurlan = registry_id("p_nurlan")
    assert nurlan.startswith("p-nurlan-") and nurlan != "p-nurlan"
    assert by_id[nurlan].get("name") == ["Нурланов Нурлан Нурланович"]
    assert by_id["p.dana"].schema.name == "Person" and by_id["kz-plain"].schema.name == "Company"
    assert registry_id("ТОО_17") in by_id and registry_id("kz trade 4") in by_id
    for entity in parsed.entities:  # every id is one FtM keeps when it cleans
        assert model.get_proxy(entity.to_dict(), cleaned=False).to_dict() == entity.to_dict()
    network = Network.build(parsed.entities)
    assert (len(network.stakes), len(network.roles)) == (15, 2)
    ends = {(stake.owner, stake.asset) for stake in network.stakes}
    assert (nurlan, registry_id("kz_trade_1")) in ends
    assert (registry_id("kz_trade_1"), "p-nurlan") in ends
    assert {(role.person, role.organization) for role in network.roles} == {
        (nurlan, registry_id("kz_half")), (registry_id("p_aigul"), registry_id("ТОО_17")),
    }  # fmt: skip


def test_ownership_through_underscore_ids(tmp_path: Path) -> None:
    parsed = read_registry_csv(underscore_registry(tmp_path))
    listing = demo_list()
    links = [link for link, _ in find_links(parsed.entities, listing, Matcher(listing))]
    network = Network.build(parsed.entities, links)
    assert registry_id("kz_esil") in network.listed()
    us = network.ownership("us", None).derived
    # the listed firm owns 60 % of kz_half, which owns 51 % of kz_trade_2, which owns 70 % of
    # kz_trade_3; each step is a majority, so all three are blocked under both rules
    half, two, three = (registry_id(i) for i in ("kz_half", "kz_trade_2", "kz_trade_3"))
    assert {half, two, three} <= set(us)
    assert {half, two, three} <= set(network.ownership("eu", None).derived)
    assert registry_id("kz_trade_1") not in us  # 5 % for half a year


def test_an_edge_to_an_undefined_id_is_reported(tmp_path: Path) -> None:
    paths = write_registry(
        tmp_path,
        [person("p_nurlan", "Nurlan"), firm("kz_a", "Alpha LLP")],
        [owns("p_nurlan", "kz_a", "100"), owns("p-nurlan", "kz_a", "10"), runs("p_nurlan", "kz_b")],
    )
    with pytest.raises(ListFormatError) as raised:
        read_registry_csv(paths)
    message = str(raised.value)
    assert "5 rows read, 3 fine, 2 rejected (2 faults); nothing imported" in message
    assert f"{paths[1]}:3: source_id: no entity 'p-nurlan' in the entities file" in message
    assert f"{paths[1]}:4: target_id: no entity 'kz_b' in the entities file" in message


def test_ids_that_would_meet_and_ragged_rows_are_reported(tmp_path: Path) -> None:
    nurlan = registry_id("p_nurlan")
    entities, relations = write_registry(
        tmp_path, [person("p_nurlan", "Nurlan"), person(nurlan, "Other")], []
    )
    with entities.open("a", encoding="utf-8") as handle:
        handle.write('"p_x","Person","X ""the"" Man",extra\n')  # 4 fields, not 15
        handle.write('"p_y",Person,"Multi\nline name",,,,,,,,,,,,\n')  # fine, over two lines
        handle.write(",".join(["p_z", "Person", "Z", *[""] * 10, "1990-02-30", ""]) + "\n")
    with pytest.raises(ListFormatError) as raised:
        read_registry_csv([entities, relations])
    faults = str(raised.value).splitlines()[1:]
    assert faults == [
        f"{entities}:3: id: id {nurlan!r} and 'p_nurlan' (line 2) both read as {nurlan!r}",
        f"{entities}:4: -: 4 fields where the header has 15",
        f"{entities}:7: birth_date: '1990-02-30' is not an ISO date (YYYY-MM-DD)",
    ]
    assert "5 rows read, 2 fine, 3 rejected" in str(raised.value)


# -- the store ------------------------------------------------------------------------------------


def test_a_registry_is_kept_apart_from_the_sanctions_lists(
    any_store: Store, tmp_path: Path
) -> None:
    lists = ListStore(any_store)
    outcome = lists.import_files(
        "registry-csv", DEMO_REGISTRY, "kz", kind="registry", read=read_registry_csv
    )
    assert outcome.created and lists.kind("kz") == "registry"
    assert lists.active_lists() == []  # never screened against as a sanctions list
    assert [r.reference.id for r in lists.active_lists("registry")] == ["kz"]
    with pytest.raises(ListFormatError, match="is a registry list, not a sanctions"):
        lists.import_files(
            "ftm", [package_file("diversion", "data/demo/sanctions.ftm.jsonl")], "kz"
        )
    # a broken file leaves the active registry as it was
    broken = write_registry(tmp_path, [firm("a", "Alpha", incorporation_date="soon")], [])
    with pytest.raises(ListFormatError):
        lists.import_files("registry-csv", broken, "kz", kind="registry", read=read_registry_csv)
    assert lists.active("kz") == outcome.snapshot


def test_a_registry_format_is_read_by_the_importer_its_part_hands_over(
    any_store: Store,
) -> None:
    """The lists know no registry format: `network` passes its importer, with a list name."""
    lists = ListStore(any_store)
    with pytest.raises(ValueError, match="unknown list format 'registry-csv'"):
        lists.import_files("registry-csv", DEMO_REGISTRY, "kz", kind="registry")
    with pytest.raises(ValueError, match="needs a list name"):
        lists.import_files("registry-csv", DEMO_REGISTRY, kind="registry", read=read_registry_csv)
    assert lists.lists("registry") == []


def test_links_are_found_once_recorded_with_their_score(any_store: Store) -> None:
    lists = ListStore(any_store)
    lists.import_files("registry-csv", DEMO_REGISTRY, "kz", kind="registry", read=read_registry_csv)
    listing = lists.load(
        lists.import_files(
            "ftm", [package_file("diversion", "data/demo/sanctions.ftm.jsonl")], "demo"
        ).snapshot
    )
    matcher = Matcher(listing)
    network = NetworkStore(any_store).network([listing], [matcher])
    assert network is not None
    assert sorted(network.links) == [
        "kz-berkut-aero", "kz-esil", "p-tleukhanov", "p-vedernikov", "ru-nebosvod",
    ]  # fmt: skip
    berkut = network.links["kz-berkut-aero"][0]
    assert (berkut.list_entity_id, berkut.method, berkut.basis) == (
        "demo-co-berkut-aero-trade", "identifier+name", "sanction",
    )  # fmt: skip

    def count() -> int:
        with any_store.read() as session:
            return int(session.scalar(select(func.count()).select_from(RegistryLinkRow)) or 0)

    assert count() == 5
    NetworkStore(any_store).network([listing], [matcher])
    assert count() == 5  # the pair of snapshots is linked once
    with any_store.read() as session:
        explanation = session.scalar(
            select(RegistryLinkRow.explanation).where(
                RegistryLinkRow.registry_entity_id == "kz-berkut-aero"
            )
        )
    assert explanation is not None and "220440031128" in explanation


# -- the rules at screening -----------------------------------------------------------------------


def declaration(**changes: Any) -> Declaration:
    record: dict[str, Any] = {
        "declaration_id": "N-1",
        "declared_at": "2024-05-02",
        "procedure": "export",
        "exporter": {
            "name": "Sapa Electronics Distribution LLP",
            "country": "KZ",
            "id": "170640018803",
        },
        "consignee": {"name": "Anadolu Elektronik A.Ş.", "country": "TR"},
        "country_of_dispatch": "KZ",
        "country_of_destination": "TR",
        "items": [
            {
                "item_no": 1,
                "hs_code": "8542.31",
                "description": "Microcontrollers",
                "country_of_origin": "CN",
                "quantity": 10,
                "value": 1000,
                "currency": "USD",
            }
        ],
        **changes,
    }
    return Declaration.model_validate(record)


def reasons(context: ScreeningContext, decl: Declaration, code: str) -> list[Any]:
    decision: Decision = Screener(context).screen(decl)
    return [r for r in decision.reasons if r.code == code]


def test_owned_by_listed_gives_the_chains_and_both_rules(context: ScreeningContext) -> None:
    (reason,) = reasons(context, declaration(), "network.owned_by_listed")
    assert reason.severity == "high"
    evidence = reason.evidence
    assert evidence["variants"] == ["eu", "us"]
    assert evidence["ownership"]["us"]["total_share"] == "55"
    assert sorted(evidence["listed_owners"]) == ["kz-esil", "p-tleukhanov"]
    assert "Тлеуханов Марат Серикович → 30 % → Sapa Electronics Distribution LLP" in reason.message
    # one level further down: 60 % of a blocked firm
    kg = {"name": "ОсОО «Ала-Тоо Гидравлика»", "country": "KG", "id": "02104202310871"}
    (reason,) = reasons(context, declaration(exporter=kg), "network.owned_by_listed")
    (chain, *_) = reason.evidence["ownership"]["us"]["paths"]
    assert [node["entity"] for node in chain] == [
        "p-tleukhanov",
        "kz-sapa",
        "kg-ala-too-gidravlika",
    ]


def test_a_49_percent_stake_and_an_unknown_firm_stay_silent(context: ScreeningContext) -> None:
    kokshe = {"name": "ТОО «Кокше Автокомплект»", "country": "KZ", "id": "160740013395"}
    assert reasons(context, declaration(exporter=kokshe), "network.owned_by_listed") == []
    stranger = {"name": "ТОО «Никому Не Известный»", "country": "KZ"}
    assert reasons(context, declaration(exporter=stranger), "network.owned_by_listed") == []


def test_the_eu_rule_needs_more_than_half(tmp_path: Path) -> None:
    entities = [firm("listed", "ТОО «Есиль Микрокомпонент»", registration_number="220340017783"),
                firm("half", "Half Owned LLP", registration_number="200140000018")]  # fmt: skip
    paths = write_registry(tmp_path, entities, [owns("listed", "half", "50")])
    parsed = read_registry_csv(paths)
    listing = demo_list()
    links = [link for link, _ in find_links(parsed.entities, listing, Matcher(listing))]
    network = Network.build(parsed.entities, links)
    assert "half" in network.ownership("us", None).derived
    assert "half" not in network.ownership("eu", None).derived


def test_controlled_by_listed_names_the_shared_officer(context: ScreeningContext) -> None:
    zhol = {"name": "ТОО «Жол Авто Экспорт»", "country": "KZ", "id": "210140020457"}
    (reason,) = reasons(context, declaration(exporter=zhol), "network.controlled_by_listed")
    (officer,) = reason.evidence["officers"]
    assert officer["officer_id"] == "p-abenov" and officer["other_firm"] == "kz-berkut-aero"
    assert reason.severity == "medium"
    # Sapa's director has no post in a listed firm
    assert reasons(context, declaration(), "network.controlled_by_listed") == []


def test_new_company_from_the_registry_and_from_a_bin(context: ScreeningContext) -> None:
    toshkent = {"name": "«Toshkent Avtomatika Yechimlari» MChJ", "country": "UZ", "id": "308765109"}
    (reason,) = reasons(context, declaration(exporter=toshkent), "party.new_company")
    assert reason.evidence["incorporated"] == "2023-08-01"
    assert reason.evidence["source"].startswith("registry")
    # no registry entry: a Kazakh BIN formed in March 2022 dates the firm
    fresh = {"name": "ТОО «Новый Транзит»", "country": "KZ", "id": "220340015320"}
    (reason,) = reasons(context, declaration(exporter=fresh), "party.new_company")
    assert reason.evidence["incorporated"] == "2022-03-01"
    assert reason.evidence["source"] == "BIN 220340015320 (formed 2022-03)"
    # an old firm, a BIN that fails its check digit, and non-controlled goods stay silent
    assert reasons(context, declaration(), "party.new_company") == []
    bad = {"name": "ТОО «Новый Транзит»", "country": "KZ", "id": "220340015321"}
    assert reasons(context, declaration(exporter=bad), "party.new_company") == []
    wheat = declaration(exporter=fresh, items=[{
        "item_no": 1, "hs_code": "1001.99", "description": "Wheat", "country_of_origin": "KZ",
        "quantity": 10, "value": 1000, "currency": "USD",
    }])  # fmt: skip
    assert reasons(context, wheat, "party.new_company") == []


def test_new_company_by_age_when_the_cut_off_is_moved(
    context: ScreeningContext, tmp_path: Path
) -> None:
    path = tmp_path / "rules.yml"
    path.write_text(
        "rules:\n  party.new_company:\n"
        "    params: {incorporated_after: 2024-01-01, min_age_days: 400}\n",
        encoding="utf-8",
    )
    tuned = replace(context, catalogue=apply_config(context.catalogue, path))
    fresh = {"name": "ТОО «Новый Транзит»", "country": "KZ", "id": "220340015320"}
    assert (
        reasons(tuned, declaration(exporter=fresh, declared_at="2024-05-02"), "party.new_company")
        == []
    )
    (reason,) = reasons(
        tuned, declaration(exporter=fresh, declared_at="2023-03-20"), "party.new_company"
    )
    assert "384 days old" in reason.message


# -- the CLI --------------------------------------------------------------------------------------


def demo_home(tmp_path: Path) -> Path:
    """A home with the demo registry imported."""
    home = tmp_path / "home"
    paths = [str(p) for p in DEMO_REGISTRY]
    done = run("network", "import", "registry-csv", *paths, "--home", str(home), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    return home


def test_network_import_show_and_screen(tmp_path: Path) -> None:
    home = tmp_path / "home"
    imported = run(
        "network",
        "import",
        "registry-csv",
        *map(str, DEMO_REGISTRY),
        "--home",
        str(home),
        cwd=tmp_path,
    )
    assert imported.returncode == 0, imported.stderr
    assert "5 linked to listed entities" in imported.stdout
    assert "owned by listed persons: 2 (US rule), 2 (EU rule)" in imported.stdout
    shown = run("network", "show", "170640018803", "--json", "--home", str(home), cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    (view,) = json.loads(shown.stdout)
    assert view["id"] == "kz-sapa" and sorted(view["ownership_status"]) == ["eu", "us"]
    assert {o["owner"] for o in view["owners"]} == {"p-tleukhanov", "kz-esil", "p-sadykova"}
    text = run("network", "show", "kz-sapa", "--home", str(home), cwd=tmp_path)
    assert "Тлеуханов Марат Серикович → 30 % → Sapa Electronics Distribution LLP" in text.stdout
    refused = run(
        "lists",
        "import",
        "registry-csv",
        *map(str, DEMO_REGISTRY),
        "--home",
        str(home),
        cwd=tmp_path,
    )
    assert refused.returncode == 2 and "network import" in refused.stderr

    source = tmp_path / "in.csv"
    source.write_text(
        csv_text(
            [row(exporter_name="Sapa Electronics Distribution LLP", exporter_id="170640018803")]
        ),
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    screened = run("screen", str(source), "--out", str(out), "--home", str(home), cwd=tmp_path)
    assert screened.returncode == 0, screened.stderr
    (decision,) = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert "network.owned_by_listed" in {r["code"] for r in decision["reasons"]}
    assert "registry" in {ref["id"] for ref in decision["reference_data"]}


def test_network_import_counts_every_row_of_a_registry_with_underscore_ids(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    paths = [str(p) for p in underscore_registry(tmp_path / "registry")]
    imported = run("network", "import", "registry-csv", *paths, "--home", str(home), cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    assert (
        "read 29 rows (entities.csv: 12, relations.csv: 17) = 12 entities + 15 ownership + "
        "2 directorship + 0 family edges + 0 rejected" in imported.stdout
    )
    assert "12 parties, 15 ownership and 2 directorship edges" in imported.stdout
    assert "counts do not add up" not in imported.stderr
    shown = run("network", "show", "p_nurlan", "--json", "--home", str(home), cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    (view,) = json.loads(shown.stdout)
    assert view["id"] == registry_id("p_nurlan")
    assert {h["asset"] for h in view["holdings"]} == {
        registry_id(i) for i in ("kz_trade_1", "kz_trade_3", "ТОО_17")
    }
    assert [p["organization"] for p in view["posts"]] == [registry_id("kz_half")]
    broken = tmp_path / "broken"
    entities, relations = underscore_registry(broken)
    with relations.open("a", encoding="utf-8") as handle:
        handle.write("ownership,p_nobody,kz_half,5,,,\n")
    refused = run(
        "network", "import", "registry-csv", str(entities), str(relations),
        "--home", str(home), cwd=tmp_path,
    )  # fmt: skip
    assert refused.returncode != 0
    assert "30 rows read, 29 fine, 1 rejected (1 fault); nothing imported" in refused.stderr
    assert f"{relations}:19: source_id: no entity 'p_nobody'" in refused.stderr


def test_shared_founder_with_the_russian_counterparty(context: ScreeningContext) -> None:
    altyn = {"name": "ТОО «Алтын Дала Трейд»", "country": "KZ", "id": "190240027739"}
    kama = {"name": "ООО «Автодом Кама»", "country": "RU", "id": "1650387412"}
    (reason,) = reasons(
        context, declaration(exporter=altyn, consignee=kama), "network.shared_officer"
    )
    (shared,) = reason.evidence["shared"]
    assert (shared["person"], shared["with"], shared["posts"]) == (
        "p-galiev", "ru-avtodom-kama", ["founder", "general director"],
    )  # fmt: skip
    # the same firm selling to a Turkish buyer shares nobody
    assert reasons(context, declaration(exporter=altyn), "network.shared_officer") == []


def test_shared_phone_with_a_listed_firm(context: ScreeningContext) -> None:
    kokshe = {"name": "ТОО «Кокше Автокомплект»", "country": "KZ", "id": "160740013395"}
    (reason,) = reasons(context, declaration(exporter=kokshe), "network.shared_officer")
    (shared,) = reason.evidence["shared"]
    # written "+7 (7172) 00-01-01" in one place and "+7 7172 000101" in the other
    assert shared["value"] == "phone:77172000101" and shared["with_role"] == "listed party"


def test_a_bakery_buying_processors(context: ScreeningContext) -> None:
    bakery = {"name": "ТОО «Береке Нан»", "country": "KZ", "id": "150340012340"}
    (reason,) = reasons(context, declaration(exporter=bakery), "party.sector_mismatch")
    assert (reason.evidence["activity_code"], reason.evidence["unrelated_sector"]) == (
        "10.71",
        "10",
    )
    # the same bakery selling bread, and an electronics wholesaler (46.43) selling chips: silent
    bread = declaration(exporter=bakery, items=[{
        "item_no": 1, "hs_code": "1905.90", "description": "Bread", "country_of_origin": "KZ",
        "quantity": 10, "value": 100, "currency": "USD",
    }])  # fmt: skip
    assert reasons(context, bread, "party.sector_mismatch") == []
    assert reasons(context, declaration(), "party.sector_mismatch") == []


@pytest.mark.parametrize(
    ("code", "unrelated"),
    [("10.71", "10"), ("1071", "10"), ("46.31", "46.3"), ("46.52", None), ("47.11", "47.1"),
     ("47.41", None), ("26.30", None), ("", None)],
)  # fmt: skip
def test_activity_codes_against_the_sector_table(code: str, unrelated: str | None) -> None:
    found = unrelated_sectors().unrelated(code)
    assert (found[0] if found else None) == unrelated


def test_three_red_flags_stop_a_declaration(context: ScreeningContext, tmp_path: Path) -> None:
    toshkent = {"name": "«Toshkent Avtomatika Yechimlari» MChJ", "country": "UZ", "id": "308765109"}
    chips = {
        "item_no": 1, "hs_code": "8542.31", "description": "Microcontrollers",
        "country_of_origin": "CN", "quantity": 10, "value": 1000, "currency": "USD",
    }  # fmt: skip
    toys = chips | {"item_no": 2, "hs_code": "9503.00", "description": "Квадрокоптеры игрушечные"}
    base: dict[str, Any] = {
        "exporter": toshkent,
        "consignee": {"name": "Bishkek Komponent", "country": "KG"},
        "country_of_destination": "KG",
        "items": [chips, toys],
    }
    two = declaration(**base)  # a new company, drones as toys
    assert reasons(context, two, "policy.red_flags") == []
    three = declaration(**base, payer={"name": "ООО «Плательщик»", "country": "RU"})
    (reason,) = reasons(context, three, "policy.red_flags")
    assert reason.evidence["red_flags"] == [
        "goods.description_mismatch", "party.new_company", "route.hub_to_russia",
    ]  # fmt: skip
    assert Screener(context).screen(three).verdict == "block"
    path = tmp_path / "rules.yml"
    path.write_text("rules:\n  policy.red_flags:\n    params: {at_least: 2}\n", encoding="utf-8")
    stricter = replace(context, catalogue=apply_config(context.catalogue, path))
    assert len(reasons(stricter, two, "policy.red_flags")) == 1


def test_a_mass_registration_address(context: ScreeningContext) -> None:
    toshkent = {"name": "«Toshkent Avtomatika Yechimlari» MChJ", "country": "UZ", "id": "308765109"}
    (reason,) = reasons(context, declaration(exporter=toshkent), "party.mass_address")
    assert len(reason.evidence["companies"]) == 5
    assert "uz-toshkent-avtomatika" in reason.evidence["companies"]
    # Sapa has its address to itself; and bread is no controlled good
    assert reasons(context, declaration(), "party.mass_address") == []
    bread = declaration(exporter=toshkent, items=[{
        "item_no": 1, "hs_code": "1905.90", "description": "Bread", "country_of_origin": "UZ",
        "quantity": 10, "value": 100, "currency": "USD",
    }])  # fmt: skip
    assert reasons(context, bread, "party.mass_address") == []


def test_show_writes_the_neighbourhood_as_ftm_and_svg(tmp_path: Path) -> None:
    home = demo_home(tmp_path)
    ftm, svg = tmp_path / "sapa.ftm.json", tmp_path / "sapa.svg"
    shown = run(
        "network", "show", "kz-sapa", "--ftm", str(ftm), "--svg", str(svg), "--depth", "1",
        "--home", str(home), cwd=tmp_path,
    )  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    entities = [json.loads(line) for line in ftm.read_text("utf-8").splitlines()]
    ids = {e["id"] for e in entities}
    assert {"kz-sapa", "p-tleukhanov", "kz-esil", "p-sadykova", "kg-ala-too-gidravlika"} <= ids
    owned = [e for e in entities if e["schema"] == "Ownership"]
    assert {(e["properties"]["owner"][0], e["properties"]["percentage"][0]) for e in owned} >= {
        ("p-tleukhanov", "30"), ("kz-esil", "25"),
    }  # fmt: skip
    drawing = ElementTree.fromstring(svg.read_bytes())
    texts = [node.text or "" for node in drawing.iter("{http://www.w3.org/2000/svg}text")]
    assert "Тлеуханов Марат Серикович (listed)" in texts and "30 %" in texts


def test_a_registry_in_ftm_imports_like_the_csv(any_store: Store, tmp_path: Path) -> None:
    parsed = read_registry_csv(DEMO_REGISTRY)
    ftm = tmp_path / "registry.ftm.json"
    ftm.write_text(
        "".join(json.dumps(e.to_dict(), ensure_ascii=False) + "\n" for e in parsed.entities),
        encoding="utf-8",
    )
    lists = ListStore(any_store)
    lists.import_files("ftm", [ftm], "kz-ftm", kind="registry")
    (registry,) = lists.active_lists("registry")
    network = Network.build(registry.entities.values())
    assert len(network.stakes) == 14 and len(network.roles) == 9 and len(network.family) == 2
    assert network.find("Sapa Electronics Distribution LLP") == ["kz-sapa"]


def test_family_ties_are_between_people(tmp_path: Path) -> None:
    paths = write_registry(
        tmp_path,
        [person("p", "Petrov"), firm("a", "Alpha LLP")],
        [{"type": "family", "source_id": "p", "target_id": "a", "role": "son"}],
    )
    with pytest.raises(ListFormatError, match="target_id: family ties are between people"):
        read_registry_csv(paths)


def test_show_names_relatives_from_both_sides(tmp_path: Path) -> None:
    home = demo_home(tmp_path)
    son = run("network", "show", "p-kruger-daniyar", "--json", "--home", str(home), cwd=tmp_path)
    (view,) = json.loads(son.stdout)
    assert {(r["person"], r["tie"]) for r in view["relatives"]} == {
        ("p-kruger-andreas", "this is their son"), ("p-kruger-marina", "this is their son"),
    }  # fmt: skip


def test_ownership_follows_the_stakes_in_force_on_each_day() -> None:
    sold = Stake("x", "a", Decimal(60), date(2022, 1, 1), date(2022, 3, 31), "x-a")
    later = Stake("y", "a", Decimal(60), date(2022, 4, 2), None, "y-a")
    person = model.make_entity("Person")
    person.id = "x"
    person.add("name", "X")
    links = [Link("x", "list", "l-x", "X", 1.0, "name", "sanction")]
    network = Network.build([person], links)
    network.stakes.extend([sold, later])
    blocked = {
        day: "a" in network.ownership("us", day).derived
        for day in (date(2021, 12, 31), date(2022, 1, 1), date(2022, 3, 31), date(2022, 4, 1))
    }
    assert blocked == {
        date(2021, 12, 31): False, date(2022, 1, 1): True,
        date(2022, 3, 31): True, date(2022, 4, 1): False,
    }  # fmt: skip
