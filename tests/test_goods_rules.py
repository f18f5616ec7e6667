"""The goods rules at their edges: defence suspension, re-export ban, catch-all, missing
licence, HS 2017 codes; and the rules file that tunes them."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from followthemoney import model

from diversion.declarations import Declaration
from diversion.licences import demo_register
from diversion.lists.model import SanctionsList
from diversion.reference import ReferenceData
from diversion.rules import RuleConfigError, apply_config, load_catalogue
from diversion.screening import Screener, ScreeningContext
from diversion.screening.decision import Decision
from tests.conftest import csv_text, row
from tests.test_cli import run


def item(**changes: Any) -> dict[str, Any]:
    return {
        "item_no": 1,
        "hs_code": "1001.99",
        "description": "Wheat",
        "country_of_origin": "KZ",
        "quantity": 10,
        "value": 1000,
        "currency": "USD",
        **changes,
    }


def declaration(*items: dict[str, Any], **changes: Any) -> Declaration:
    record: dict[str, Any] = {
        "declaration_id": "G-1",
        "declared_at": "2023-03-01",
        "procedure": "export",
        "exporter": {"name": "ТОО «Степной Зерновой Двор»", "country": "KZ"},
        "consignee": {"name": "Anadolu Un Sanayi A.Ş.", "country": "TR"},
        "country_of_dispatch": "KZ",
        "country_of_destination": "TR",
        "items": list(items) or [item()],
        **changes,
    }
    return Declaration.model_validate(record)


def codes(decision: Decision) -> set[str]:
    return {reason.code for reason in decision.reasons}


def tuned(context: ScreeningContext, tmp_path: Path, text: str) -> ScreeningContext:
    path = tmp_path / "rules.yml"
    path.write_text(text, encoding="utf-8")
    return replace(context, catalogue=apply_config(context.catalogue, path))


# -- goods.defence_suspension ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "suspended"),
    [
        ("2022-08-26", False),  # the day before the Commission's decision
        ("2022-08-27", True),  # first day
        ("2023-08-31", True),  # last day
        ("2023-09-01", False),  # the day after
    ],
)
def test_defence_suspension_window_includes_both_ends(
    context: ScreeningContext, day: str, suspended: bool
) -> None:
    decision = Screener(context).screen(
        declaration(item(hs_code="9306.30", description="Cartridges"), declared_at=day)
    )
    assert ("goods.defence_suspension" in codes(decision)) is suspended
    if suspended:
        assert decision.verdict == "block"
        (reason,) = [r for r in decision.reasons if r.code == "goods.defence_suspension"]
        assert reason.evidence["control_list"] == "kz-military-goods"
        assert reason.evidence["suspension"] == "kz-2022"
        assert reason.evidence["suspended_to"] == "2023-08-31"


def test_no_licence_lifts_the_suspension_and_hunting_arms_are_outside(
    context: ScreeningContext,
) -> None:
    licensed = item(hs_code="9301.90", licence_no="KZ-EXP-2025-0042")
    assert "goods.defence_suspension" in codes(Screener(context).screen(declaration(licensed)))
    shotgun = item(hs_code="9303.20")
    assert "goods.defence_suspension" not in codes(Screener(context).screen(declaration(shotgun)))
    # the suspension governs exports from Kazakhstan only, and not imports
    elsewhere = declaration(item(hs_code="9306.30"), country_of_dispatch="UZ")
    assert "goods.defence_suspension" not in codes(Screener(context).screen(elsewhere))
    imported = declaration(
        item(hs_code="9306.30"),
        procedure="import",
        country_of_dispatch="TR",
        country_of_destination="KZ",
    )
    assert "goods.defence_suspension" not in codes(Screener(context).screen(imported))


def test_the_suspension_dates_are_set_in_the_rules_file(
    context: ScreeningContext, tmp_path: Path
) -> None:
    later = declaration(item(hs_code="8710.00"), declared_at="2024-06-30")
    assert "goods.defence_suspension" not in codes(Screener(context).screen(later))
    extended = tuned(
        context,
        tmp_path,
        "rules:\n  goods.defence_suspension:\n    params:\n      suspensions:\n"
        "        - {id: kz-2022-extended, valid_from: 2022-08-27, valid_to: 2024-08-31}\n",
    )
    decision = Screener(extended).screen(later)
    (reason,) = [r for r in decision.reasons if r.code == "goods.defence_suspension"]
    assert reason.evidence["suspended_to"] == "2024-08-31"
    assert reason.evidence["suspension"] == "kz-2022-extended"
    assert "rules-config" in {ref["id"] for ref in decision.reference_data}


# -- goods.reexport_ban -----------------------------------------------------------------------


def test_coalition_origin_to_a_hub_with_a_russian_payer_is_blocked(
    context: ScreeningContext,
) -> None:
    chips = item(hs_code="8542.31", country_of_origin="DE", licence_no="KZ-EXP-2025-0042")
    hub = {"name": "Bishkek Komponent", "country": "KG"}
    to_hub = declaration(chips, country_of_destination="KG", consignee=hub)
    assert "goods.reexport_ban" not in codes(Screener(context).screen(to_hub))
    paid = declaration(
        chips,
        country_of_destination="KG",
        consignee=hub,
        payer={"name": "ООО «Платёжный Агент»", "country": "RU"},
    )
    decision = Screener(context).screen(paid)
    (reason,) = [r for r in decision.reasons if r.code == "goods.reexport_ban"]
    assert reason.severity == "high" and decision.verdict == "block"
    assert reason.evidence["banned_destinations"] == [{"role": "payer", "country": "RU"}]
    assert reason.evidence["entries"][0]["control_list"] == "chpl"


def test_the_ban_covers_listed_goods_unless_widened_to_all(
    context: ScreeningContext, tmp_path: Path
) -> None:
    cars = declaration(item(hs_code="8703.23", country_of_origin="DE"), country_of_destination="RU")
    assert "goods.reexport_ban" not in codes(Screener(context).screen(cars))
    widened = tuned(context, tmp_path, "rules:\n  goods.reexport_ban:\n    params: {goods: all}\n")
    (reason,) = [
        r for r in Screener(widened).screen(cars).reasons if r.code == "goods.reexport_ban"
    ]
    assert reason.evidence["goods"] == "all" and reason.severity == "high"


def test_an_hs2017_code_for_an_hs2022_only_chpl_item_is_found(context: ScreeningContext) -> None:
    # 8803.30 (HS 2017) became 8807.30 (HS 2022), CHPL tier 3.B
    parts = item(hs_code="8803.30", country_of_origin="US")
    decision = Screener(context).screen(declaration(parts, country_of_destination="RU"))
    assert {"goods.reexport_ban", "licence.missing", "goods.controlled"} <= codes(decision)
    (missing,) = [r for r in decision.reasons if r.code == "licence.missing"]
    assert missing.severity == "high"
    assert missing.evidence["entries"][0]["matched_code"] == "880730"
    assert missing.evidence["entries"][0]["concordance"][0]["hs2017"] == "880330"


def test_a_split_hs2017_code_is_certain_only_if_every_part_is_listed(
    context: ScreeningContext,
) -> None:
    # 8541.50 became 8541.51 and 8541.59, both on the CHPL: certainly controlled
    whole = Screener(context).screen(declaration(item(hs_code="8541.50")))
    (missing,) = [r for r in whole.reasons if r.code == "licence.missing"]
    assert missing.evidence["certain"] is True and missing.severity == "high"
    # 8541.40 became 8541.41/42/43/49, of which only 8541.49 is listed: an officer looks
    part = Screener(context).screen(declaration(item(hs_code="8541.40")))
    (missing,) = [r for r in part.reasons if r.code == "licence.missing"]
    assert missing.evidence["certain"] is False and missing.severity == "medium"
    assert part.verdict == "review"


# -- licence.catch_all ------------------------------------------------------------------------


def military_context(context: ScreeningContext) -> ScreeningContext:
    """The bundled context with one more list: a military end user, not sanctioned."""
    entity = model.make_entity("Company")
    entity.id = "mil-1"
    entity.add("name", "Uralskiy Zavod Grazhdanskoy Aviatsii")
    entity.add("topics", "mil")
    entity.add("country", "ru")
    reference = ReferenceData("test-meu", "1", "0" * 64, "Test MEU list", "tests", "none")
    listing = SanctionsList.build(reference, [entity])
    return ScreeningContext(
        control_list=context.control_list,
        country_groups=context.country_groups,
        sanctions_lists=[*context.sanctions_lists, listing],
        catalogue=context.catalogue,
        licences=demo_register(),
    )


def test_unlisted_goods_for_a_listed_consignee_need_a_licence(context: ScreeningContext) -> None:
    listed = {"name": "ООО «Небосвод Комплект»", "country": "RU"}
    decision = Screener(context).screen(declaration(item(hs_code="8471.30"), consignee=listed))
    (reason,) = [r for r in decision.reasons if r.code == "licence.catch_all"]
    assert reason.severity == "high"
    assert reason.evidence["parties"][0]["basis"] == "listed"
    assert reason.evidence["parties"][0]["entity_id"] == "demo-co-nebosvod-komplekt"
    # a listed item goes to licence.missing instead, and a cited licence to the licence checks
    chips = Screener(context).screen(declaration(item(hs_code="8542.31"), consignee=listed))
    assert "licence.catch_all" not in codes(chips) and "licence.missing" in codes(chips)
    cited = declaration(item(hs_code="8471.30", licence_no="KZ-EXP-2025-0042"), consignee=listed)
    assert "licence.catch_all" not in codes(Screener(context).screen(cited))


def test_a_military_end_user_triggers_catch_all(context: ScreeningContext) -> None:
    meu = {"name": "Uralskiy Zavod Grazhdanskoy Aviatsii", "country": "RU"}
    ctx = military_context(context)
    decision = Screener(ctx).screen(declaration(item(hs_code="8471.30"), end_user=meu))
    (reason,) = [r for r in decision.reasons if r.code == "licence.catch_all"]
    assert reason.evidence["parties"][0]["basis"] == "military end user"
    assert reason.evidence["parties"][0]["role"] == "end_user"
    plain = Screener(ctx).screen(declaration(item(hs_code="8471.30")))
    assert "licence.catch_all" not in codes(plain)


# -- licences: a general licence and one with exactly what is left ------------------------------


def test_a_general_licence_covers_any_exporter(context: ScreeningContext) -> None:
    converters = item(hs_code="8504.40.1000", licence_no="KZ-GEN-2024-0001")
    decl = declaration(
        converters,
        declared_at="2024-06-01",
        exporter={"name": "ТОО «Любой Экспортёр»", "country": "KZ", "id": "990140000001"},
        consignee={"name": "Any Consignee", "country": "KG"},
        country_of_destination="KG",
    )
    decision = Screener(context).screen(decl)
    assert "licence.covered" in codes(decision), decision.reasons
    assert not {"licence.wrong_holder", "licence.not_covering"} & codes(decision)
    # and only for its destinations
    wrong = declaration(
        converters,
        declared_at="2024-06-01",
        consignee={"name": "Any Consignee", "country": "TR"},
        country_of_destination="TR",
    )
    assert "licence.not_covering" in codes(Screener(context).screen(wrong))


# -- the rules file ---------------------------------------------------------------------------


def test_a_rule_can_be_switched_off_and_its_severity_changed(
    context: ScreeningContext, tmp_path: Path
) -> None:
    chips = declaration(item(hs_code="8542.31"))
    assert "licence.missing" in codes(Screener(context).screen(chips))
    off = tuned(
        context,
        tmp_path,
        "rules:\n  licence.missing:\n    enabled: false\n  goods.controlled:\n    severity: high\n",
    )
    decision = Screener(off).screen(chips)
    assert "licence.missing" not in codes(decision)
    (controlled,) = [r for r in decision.reasons if r.code == "goods.controlled"]
    assert controlled.severity == "high"


def test_every_fault_of_a_rules_file_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "rules.yml"
    path.write_text(
        "rules:\n"
        "  goods.reexport_bann:\n"  # 2: no such rule
        "    enabled: false\n"
        "  goods.defence_suspension:\n"
        "    params:\n"
        "      uncertain_severity: 3\n"  # 6: not text
        "      valid_until: 2024-01-01\n"  # 7: unknown parameter
        "  licence.missing:\n"
        "    enabled: perhaps\n"  # 9: not a bool
        "    severity: severe\n"  # 10: unknown severity
        "    colour: red\n",  # 11: unknown setting
        encoding="utf-8",
    )
    with pytest.raises(RuleConfigError) as raised:
        apply_config(load_catalogue(), path)
    found = [(int(e.split(":")[1]), e.split(": ")[1]) for e in raised.value.errors]
    assert found == [
        (2, "goods.reexport_bann"),
        (6, "goods.defence_suspension.params.uncertain_severity"),
        (7, "goods.defence_suspension.params.valid_until"),
        (9, "licence.missing.enabled"),
        (10, "licence.missing.severity"),
        (11, "licence.missing.colour"),
    ]
    assert "must be text, not 3" in raised.value.errors[1]


def test_screen_refuses_a_broken_rules_file_and_applies_a_good_one(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    source = tmp_path / "in.csv"
    source.write_text(csv_text([row(hs_code="8542.31")]), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    (home / "rules.yml").write_text("rules:\n  licence.missin: {enabled: false}\n", "utf-8")
    broken = run("screen", str(source), "--out", str(out), "--home", str(home), cwd=tmp_path)
    assert broken.returncode == 2 and "rules.yml:2: licence.missin: no such rule" in broken.stderr
    (home / "rules.yml").write_text("rules:\n  licence.missing: {enabled: false}\n", "utf-8")
    good = run("screen", str(source), "--out", str(out), "--home", str(home), cwd=tmp_path)
    assert good.returncode == 0, good.stderr
    (decision,) = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert {r["code"] for r in decision["reasons"]} == {"goods.controlled"}
    assert "rules-config" in {ref["id"] for ref in decision["reference_data"]}
    listed = run("rules", "ls", "--json", "--home", str(home), cwd=tmp_path)
    rules = {r["id"]: r for r in json.loads(listed.stdout)}
    assert rules["licence.missing"]["enabled"] is False
    assert rules["goods.reexport_ban"]["params"]["goods"] == "listed"
    checked = run("rules", "check", str(home / "rules.yml"), cwd=tmp_path)
    assert checked.returncode == 0 and "off: licence.missing" in checked.stdout


def test_a_rule_naming_a_list_that_is_not_loaded_stops_screening(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "rules.yml").write_text(
        "rules:\n  goods.reexport_ban:\n    params:\n      origin_bans:\n"
        "        - {origin_group: bans_exports_to_russia, lists: [chpl, eu-annex-xxiii]}\n",
        "utf-8",
    )
    source = tmp_path / "in.csv"
    source.write_text(csv_text([row()]), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = run("screen", str(source), "--out", str(out), "--home", str(home), cwd=tmp_path)
    assert result.returncode == 2
    assert "names control list 'eu-annex-xxiii', which is not loaded" in result.stderr
    assert not out.exists()


# -- route.hub_to_russia and goods.description_mismatch -----------------------------------------


def test_a_hub_destination_with_a_russian_payer_or_end_user(context: ScreeningContext) -> None:
    hub = {"name": "Bishkek Komponent", "country": "KG"}
    paid = declaration(
        country_of_destination="KG",
        consignee=hub,
        payer={"name": "ООО «Плательщик»", "country": "RU"},
    )
    (reason,) = [
        r for r in Screener(context).screen(paid).reasons if r.code == "route.hub_to_russia"
    ]
    assert reason.evidence["parties"] == [
        {"role": "payer", "name": "ООО «Плательщик»", "country": "RU"}
    ]
    # a Russian party on a declaration to a non-hub, or a hub party, stays silent
    to_germany = declaration(
        country_of_destination="DE",
        consignee={"name": "Elbe Handel GmbH", "country": "DE"},
        payer={"name": "ООО «Плательщик»", "country": "RU"},
    )
    assert "route.hub_to_russia" not in codes(Screener(context).screen(to_germany))
    plain = declaration(country_of_destination="KG", consignee=hub)
    assert "route.hub_to_russia" not in codes(Screener(context).screen(plain))


@pytest.mark.parametrize(
    ("description", "hs_code", "fires"),
    [
        ("Квадрокоптеры игрушечные с камерой", "9503.00", True),
        ("FPGA development boards", "8473.30", True),
        ("Тепловизор охотничий", "9005.10", True),
        ("GPS module for trackers", "8526.91", False),  # the right code: on the CHPL anyway
        ("Drone parts: propellers", "8807.30", False),  # under the term's own code
        ("Пшеница мягкая", "1001.99", False),
        ("Dronekeeper cabinets", "9403.10", False),  # not the word drone
    ],
)
def test_descriptions_that_name_controlled_items_under_other_codes(
    context: ScreeningContext, description: str, hs_code: str, fires: bool
) -> None:
    decision = Screener(context).screen(declaration(item(hs_code=hs_code, description=description)))
    assert ("goods.description_mismatch" in codes(decision)) is fires
