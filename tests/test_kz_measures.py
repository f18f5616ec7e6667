"""Kazakhstan's export measures as data (issue 19): military goods need a licence at any date,
the two suspensions of defence exports, the ban of drones for Russia, the December 2025 ban
of re-exports of EU, US and UK goods to Russia; and a ban or suspension outranks any licence.
Each window is tried the day before, on its first and last day, and the day after."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from diversion.declarations import Declaration
from diversion.licences import load_register_csv
from diversion.rules import RuleConfigError, apply_config, load_catalogue
from diversion.screening import Screener, ScreeningContext
from diversion.screening.decision import Decision, Reason

HOLDER = {"name": "ТОО «Казспецэкспорт»", "country": "KZ", "id": "051140004455"}
RUSSIAN = {"name": "ООО «Полигон»", "country": "RU"}
LICENCES = (
    "licence_no,holder_name,holder_id,type,authority,goods,destinations,consignee_name,"
    "end_user_name,quantity_limit,value_limit,currency,valid_from,valid_to,status\n"
    f"KZ-DRN-2025-0007,{HOLDER['name']},{HOLDER['id']},individual,Test authority,8806,RU,"
    f"{RUSSIAN['name']},,1000,10000000,USD,2023-01-01,2027-12-31,active\n"
    f"KZ-MIL-2025-0001,{HOLDER['name']},{HOLDER['id']},individual,Test authority,9301;9306,"
    f"RU;UZ,,,1000,10000000,USD,2022-01-01,2027-12-31,active\n"
)


def item(**changes: Any) -> dict[str, Any]:
    return {
        "item_no": 1,
        "hs_code": "9306.90",
        "description": "Hand grenades",
        "country_of_origin": "KZ",
        "quantity": 10,
        "value": 1000,
        "currency": "USD",
        **changes,
    }


def declaration(*items: dict[str, Any], **changes: Any) -> Declaration:
    record: dict[str, Any] = {
        "declaration_id": "KZM-1",
        "declared_at": "2025-12-23",
        "procedure": "export",
        "exporter": HOLDER,
        "consignee": RUSSIAN,
        "country_of_dispatch": "KZ",
        "country_of_destination": "RU",
        "items": list(items) or [item()],
        **changes,
    }
    return Declaration.model_validate(record)


def reasons(decision: Decision, code: str) -> list[Reason]:
    return [reason for reason in decision.reasons if reason.code == code]


def codes(decision: Decision) -> set[str]:
    return {reason.code for reason in decision.reasons}


@pytest.fixture(scope="module")
def licensed(context: ScreeningContext, tmp_path_factory: pytest.TempPathFactory) -> Screener:
    folder = tmp_path_factory.mktemp("register")
    path = folder / "licences.csv"
    path.write_text(LICENCES, encoding="utf-8")
    (folder / "licences.csv.meta.yml").write_text(
        "id: test-licences\nversion: '1'\ntitle: Test licences\nsource: tests\nlicence: none\n",
        encoding="utf-8",
    )
    return Screener(replace(context, licences=load_register_csv(path)))


# -- the two cases of the issue ---------------------------------------------------------------


@pytest.mark.parametrize("day", ["2025-12-23", "2026-03-10"])
@pytest.mark.parametrize(("hs_code", "what"), [("930690", "grenades"), ("930190", "rifles")])
def test_military_goods_to_russia_without_a_licence_are_stopped(
    context: ScreeningContext, day: str, hs_code: str, what: str
) -> None:
    decision = Screener(context).screen(
        declaration(item(hs_code=hs_code, description=what), declared_at=day)
    )
    assert decision.corridor == "red"
    assert {"licence.missing", "goods.defence_suspension", "goods.controlled"} <= codes(decision)
    (suspension,) = reasons(decision, "goods.defence_suspension")
    assert suspension.evidence["suspension"] == "kz-2025"
    assert suspension.evidence["control_list"] == "kz-military-goods"
    assert suspension.evidence["entry"] == "arms-and-ammunition"
    assert "overrides" not in suspension.evidence  # no licence cited, none overruled
    (missing,) = reasons(decision, "licence.missing")
    assert missing.evidence["entries"][0]["control_list"] == "kz-military-goods"
    assert "172-VII" in missing.evidence["entries"][0]["legal_basis"]


def test_licensed_drones_to_russia_are_stopped_and_the_licence_is_overruled(
    licensed: Screener,
) -> None:
    drones = item(hs_code="8806.22", description="DJI Mavic 3 quadcopters", country_of_origin="CN")
    decision = licensed.screen(
        declaration({**drones, "licence_no": "KZ-DRN-2025-0007"}, declared_at="2026-02-02")
    )
    assert decision.corridor == "red"
    assert decision.top_reason is not None
    assert decision.top_reason.code == "goods.destination_ban"
    (ban,) = reasons(decision, "goods.destination_ban")
    assert ban.evidence["overrides"] == "licence KZ-DRN-2025-0007"
    assert ban.evidence["control_list"] == "drones"
    assert ban.evidence["entry"] == "unmanned-aircraft"
    assert ban.evidence["banned_places"][0] == {"role": "destination", "country": "RU"}
    (covered,) = reasons(decision, "licence.covered")
    assert covered.severity == "low"
    assert covered.evidence["overruled_by"] == ["goods.destination_ban"]
    assert "overruled by goods.destination_ban" in covered.message


def test_the_drone_ban_window_and_where_it_applies(licensed: Screener) -> None:
    drones = item(hs_code="8806.22", country_of_origin="CN", licence_no="KZ-DRN-2025-0007")
    before = licensed.screen(declaration(drones, declared_at="2023-09-30"))
    first = licensed.screen(declaration(drones, declared_at="2023-10-01"))
    assert "goods.destination_ban" not in codes(before) and before.corridor == "yellow"
    (covered,) = reasons(before, "licence.covered")
    assert "overruled_by" not in covered.evidence
    assert first.corridor == "red" and "goods.destination_ban" in codes(first)
    # the ban is Kazakhstan's: the same drones from Armenia are not under it
    armenian = declaration(drones, declared_at="2026-02-02", country_of_dispatch="AM")
    assert "goods.destination_ban" not in codes(licensed.screen(armenian))
    # a Russian end user behind a declared destination elsewhere counts
    to_armenia = declaration(
        {**drones, "licence_no": None},
        declared_at="2026-02-02",
        country_of_destination="AM",
        consignee={"name": "Ararat Drones LLC", "country": "AM"},
        end_user=RUSSIAN,
    )
    (ban,) = reasons(Screener(licensed.context).screen(to_armenia), "goods.destination_ban")
    assert ban.evidence["banned_places"] == [{"role": "end_user", "country": "RU"}]


# -- the suspensions of defence exports --------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "suspension"),
    [
        ("2022-08-26", None),
        ("2022-08-27", "kz-2022"),
        ("2023-08-31", "kz-2022"),
        ("2023-09-01", None),
        ("2025-12-22", None),
        ("2025-12-23", "kz-2025"),
        ("2026-12-22", "kz-2025"),
        ("2026-12-23", None),
    ],
)
def test_each_suspension_window_includes_both_ends(
    context: ScreeningContext, day: str, suspension: str | None
) -> None:
    to_uzbekistan = declaration(
        item(hs_code="8710.00", description="Armoured vehicle parts"),
        declared_at=day,
        consignee={"name": "Toshkent Texnika MChJ", "country": "UZ"},
        country_of_destination="UZ",
    )
    decision = Screener(context).screen(to_uzbekistan)
    found = reasons(decision, "goods.defence_suspension")
    assert [r.evidence["suspension"] for r in found] == ([suspension] if suspension else [])
    # a military good needs a licence at any date, inside a window or not
    assert "licence.missing" in codes(decision) and decision.corridor == "red"
    if suspension:
        assert found[0].evidence["suspension_source"]


@pytest.mark.parametrize(
    ("day", "corridor", "suspended"),
    [
        ("2025-12-22", "yellow", False),  # licensed, outside the windows: still never green
        ("2025-12-23", "red", True),
        ("2026-12-22", "red", True),
        ("2026-12-23", "yellow", False),
        ("2024-05-05", "yellow", False),
    ],
)
def test_a_licence_never_lifts_a_suspension_and_military_goods_to_russia_are_never_green(
    licensed: Screener, day: str, corridor: str, suspended: bool
) -> None:
    rifles = item(hs_code="9301.90", description="Assault rifles", licence_no="KZ-MIL-2025-0001")
    decision = licensed.screen(declaration(rifles, declared_at=day))
    assert decision.corridor == corridor
    (covered,) = reasons(decision, "licence.covered")  # the licence itself holds
    if suspended:
        (suspension,) = reasons(decision, "goods.defence_suspension")
        assert suspension.evidence["overrides"] == "licence KZ-MIL-2025-0001"
        assert "cannot lift it" in suspension.message
        assert covered.evidence["overruled_by"] == ["goods.defence_suspension"]
    else:
        assert "overruled_by" not in covered.evidence
        assert {r.code for r in decision.reasons if r.severity == "medium"} == {"goods.controlled"}


def test_hunting_arms_are_outside_the_military_list(context: ScreeningContext) -> None:
    shotguns = item(hs_code="9303.20", description="Hunting shotguns")
    decision = Screener(context).screen(declaration(shotguns, declared_at="2026-01-15"))
    assert not codes(decision) & {"licence.missing", "goods.defence_suspension"}


def test_the_suspension_windows_are_parameters(context: ScreeningContext, tmp_path: Path) -> None:
    path = tmp_path / "rules.yml"
    path.write_text(
        "rules:\n"
        "  goods.defence_suspension:\n"
        "    params:\n"
        "      suspensions:\n"
        "        - {id: kz-2022, valid_from: 2022-08-27, valid_to: 2023-08-31}\n"
        "        - {id: kz-2025, valid_from: 2026-01-05, valid_to: 2027-01-04, source: decree}\n",
        encoding="utf-8",
    )
    tuned = Screener(replace(context, catalogue=apply_config(context.catalogue, path)))
    early = declaration(declared_at="2025-12-30")
    assert "goods.defence_suspension" in codes(Screener(context).screen(early))
    assert "goods.defence_suspension" not in codes(tuned.screen(early))
    last_day = tuned.screen(declaration(declared_at="2027-01-04"))
    (late,) = reasons(last_day, "goods.defence_suspension")
    assert late.evidence["suspended_to"] == "2027-01-04"
    assert late.evidence["suspension_source"] == "decree"


def test_a_broken_suspension_in_a_rules_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "rules.yml"
    path.write_text(
        "rules:\n"
        "  goods.defence_suspension:\n"
        "    params:\n"
        "      suspensions:\n"  # 4
        "        - {id: kz-2025, valid_from: soon, until: 2027-01-04}\n"
        "        - plain text\n"
        "  goods.reexport_ban:\n"
        "    params:\n"
        "      origin_bans:\n"  # 9
        "        - {origin_group: eu_us_uk, lists: chpl, valid_to: 2026}\n",
        encoding="utf-8",
    )
    with pytest.raises(RuleConfigError) as raised:
        apply_config(load_catalogue(), path)
    errors = raised.value.errors
    assert [int(e.split(":")[1]) for e in errors] == [4, 4, 4, 9, 9]
    assert "item 1: valid_from must be a date (YYYY-MM-DD) or null, not 'soon'" in errors[0]
    assert "item 1: unknown key 'until'" in errors[1]
    assert "item 2 must be a mapping" in errors[2]
    assert "item 1: lists must be a list of control-list ids, not 'chpl'" in errors[3]
    assert "item 1: valid_to must be a date" in errors[4]


# -- the December 2025 ban of re-exports of EU, US and UK goods -------------------------------


@pytest.mark.parametrize(
    ("day", "banned"),
    [("2025-12-22", False), ("2025-12-23", True), ("2026-12-22", True), ("2027-06-01", True)],
)
def test_eu_us_uk_goods_to_russia_inside_the_2025_window(
    context: ScreeningContext, day: str, banned: bool
) -> None:
    # German petrol cars: on no list, so only the hub's ban of every EU good reaches them
    cars = item(hs_code="8703.23", description="Passenger cars", country_of_origin="DE")
    decision = Screener(context).screen(declaration(cars, declared_at=day))
    found = reasons(decision, "goods.reexport_ban")
    assert bool(found) is banned
    if banned:
        assert found[0].evidence["ban"] == "kz-2025-eu-us-uk"
        assert found[0].evidence["goods"] == "all"
        # "in force for at least one year": no end until one is known (set it in a rules file)
        assert found[0].evidence["ban_window"] == {"valid_from": "2025-12-23", "valid_to": None}
        assert decision.corridor == "red"


def test_an_end_set_in_a_rules_file_ends_the_2025_ban(
    context: ScreeningContext, tmp_path: Path
) -> None:
    path = tmp_path / "rules.yml"
    bans = context.catalogue["goods.reexport_ban"].params["origin_bans"]
    ended = [
        {**b, "valid_to": date(2026, 12, 22)} if b["id"] == "kz-2025-eu-us-uk" else b for b in bans
    ]
    path.write_text(
        yaml.safe_dump({"rules": {"goods.reexport_ban": {"params": {"origin_bans": ended}}}}),
        encoding="utf-8",
    )
    tuned = Screener(replace(context, catalogue=apply_config(context.catalogue, path)))
    cars = item(hs_code="8703.23", description="Passenger cars", country_of_origin="DE")
    for day, banned in (("2026-12-22", True), ("2026-12-23", False)):
        found = reasons(tuned.screen(declaration(cars, declared_at=day)), "goods.reexport_ban")
        assert bool(found) is banned, day


def test_the_2025_ban_is_kazakhstans_and_for_eu_us_uk_goods(context: ScreeningContext) -> None:
    cars = item(hs_code="8703.23", country_of_origin="DE")
    from_armenia = declaration(cars, declared_at="2026-02-02", country_of_dispatch="AM")
    assert "goods.reexport_ban" not in codes(Screener(context).screen(from_armenia))
    japanese = declaration({**cars, "country_of_origin": "JP"}, declared_at="2026-02-02")
    assert "goods.reexport_ban" not in codes(Screener(context).screen(japanese))
    # CHPL goods of coalition origin: the coalition's own ban decides, at any date
    chips = item(hs_code="8542.31", country_of_origin="US")
    (ban,) = reasons(
        Screener(context).screen(declaration(chips, declared_at="2026-02-02")),
        "goods.reexport_ban",
    )
    assert ban.evidence["ban"] == "coalition-chpl"
    assert ban.evidence["bans"] == ["coalition-chpl", "kz-2025-eu-us-uk"]
