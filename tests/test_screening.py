"""Each check of the catalogue, and how reasons become a verdict and a corridor."""

from pathlib import Path
from typing import Any

import pytest

from diversion.countries import load_country_groups
from diversion.declarations import Declaration
from diversion.goods import load_chpl
from diversion.lists.bundled import load_ftm_file as load_ftm_list
from diversion.rules import load_catalogue
from diversion.screening import Decision, Screener, ScreeningContext
from tests.lists_fixture import write_list


@pytest.fixture
def screener(tmp_path: Path) -> Screener:
    return Screener(
        ScreeningContext(
            control_list=load_chpl(),
            country_groups=load_country_groups(),
            sanctions_lists=[load_ftm_list(write_list(tmp_path))],
            catalogue=load_catalogue(),
        )
    )


def item(**changes: Any) -> dict[str, Any]:
    return {
        "item_no": 1,
        "hs_code": "100199",
        "description": "Wheat",
        "country_of_origin": "KZ",
        "quantity": 100,
        "value": 20000,
        "currency": "USD",
        **changes,
    }


def declaration(*items: dict[str, Any], **changes: Any) -> Declaration:
    record: dict[str, Any] = {
        "declaration_id": "S-1",
        "declared_at": "2024-01-10",
        "procedure": "export",
        "exporter": {"name": "Dala Grain LLP", "country": "KZ"},
        "consignee": {"name": "Istanbul Un A.S.", "country": "TR"},
        "country_of_dispatch": "KZ",
        "country_of_destination": "TR",
        "items": list(items) or [item()],
        **changes,
    }
    return Declaration.model_validate(record)


def codes(decision: Decision) -> list[tuple[str, str, int | None]]:
    return [(r.code, r.severity, r.item_no) for r in decision.reasons]


def test_ordinary_trade_is_green(screener: Screener) -> None:
    decision = screener.screen(declaration())
    assert (decision.verdict, decision.corridor, decision.reasons) == ("clear", "green", ())
    ids = {ref["id"] for ref in decision.reference_data}
    assert {"chpl", "country-groups", "rule-catalogue", "test-list"} <= ids


def test_controlled_item_with_licence_is_yellow(screener: Screener) -> None:
    decision = screener.screen(declaration(item(hs_code="8542.31.0000", licence_no="KZ-L-1")))
    assert (decision.verdict, decision.corridor) == ("review", "yellow")
    (reason,) = decision.reasons
    assert reason.code == "goods.controlled" and reason.evidence["tier"] == "1"
    assert reason.evidence["control_list_version"] == "2024-02-23"


def test_controlled_item_without_licence_is_red(screener: Screener) -> None:
    decision = screener.screen(declaration(item(), item(item_no=2, hs_code="848210")))
    assert decision.verdict == "block" and decision.corridor == "red"
    assert codes(decision) == [("licence.missing", "high", 2), ("goods.controlled", "medium", 2)]


def test_controlled_import_is_only_noted(screener: Screener) -> None:
    decision = screener.screen(declaration(item(hs_code="854232"), procedure="import"))
    assert decision.verdict == "clear"
    assert codes(decision) == [("goods.controlled", "low", 1)]


@pytest.mark.parametrize(
    "changes",
    [
        {"country_of_destination": "RU"},
        {"consignee": {"name": "OOO Priem", "country": "BY"}},
        {"end_user": {"name": "Zavod", "country": "RU"}},
        {"payer": {"name": "Payer", "country": "RU"}},
    ],
)
def test_coalition_origin_to_russia_or_belarus_is_blocked(
    screener: Screener, changes: dict[str, Any]
) -> None:
    # licensed CHPL bearings: the ban holds whatever licence the hub granted
    bearings = item(country_of_origin="DE", hs_code="848210", licence_no="KZ-L-1")
    decision = screener.screen(declaration(bearings, item(item_no=2), **changes))
    assert decision.verdict == "block"
    expected: list[tuple[str, str, int | None]] = [
        ("goods.reexport_ban", "high", 1),
        ("goods.controlled", "medium", 1),
    ]
    if "end_user" in changes or "payer" in changes:
        # declared to Turkey, a transit hub, with a party in Russia: the route is flagged too
        expected.insert(1, ("route.hub_to_russia", "medium", None))
    assert codes(decision) == expected
    assert decision.reasons[0].evidence["origin_group"] == "bans_exports_to_russia"


def test_reexport_ban_ignores_non_coalition_origins_and_imports(screener: Screener) -> None:
    chinese = declaration(
        item(country_of_origin="CN", hs_code="870323"), country_of_destination="RU"
    )
    assert screener.screen(chinese).verdict == "clear"
    german_import = declaration(
        item(country_of_origin="DE", hs_code="870323"),
        procedure="import",
        exporter={"name": "OOO Avto", "country": "RU"},
        country_of_dispatch="RU",
        country_of_destination="KZ",
    )
    assert screener.screen(german_import).verdict == "clear"
    forwarder_only = declaration(
        item(country_of_origin="DE"), forwarder={"name": "Fwd", "country": "RU"}
    )
    # a Russian forwarder is no destination for the ban; the route rule asks for review
    assert codes(screener.screen(forwarder_only)) == [("route.hub_to_russia", "medium", None)]


def test_listed_party_is_red_with_evidence(screener: Screener) -> None:
    decision = screener.screen(declaration(consignee={"name": "TOO Elem Grupp", "country": "KZ"}))
    assert decision.corridor == "red"
    (reason,) = [r for r in decision.reasons if r.code == "party.sanctioned"]
    assert reason.code == "party.sanctioned" and reason.severity == "high"
    evidence = reason.evidence
    assert evidence["entity_id"] == "t-elem" and evidence["role"] == "consignee"
    assert evidence["score"] >= 0.9 and evidence["list"] == "test-list"
    assert evidence["programs"] == ["Test Authority: TEST-1"]


def test_party_identifier_match(screener: Screener) -> None:
    decision = screener.screen(
        # a name unlike the listed АО «Восток Прибор» (Vostok Instruments would be its name
        # read in English): the identifier alone decides
        declaration(consignee={"name": "Zenit Optics", "country": "RU", "id": "7701234567"})
    )
    (reason,) = [r for r in decision.reasons if r.code == "party.sanctioned"]
    assert reason.evidence["method"] == "identifier"
    assert "by identifier '7701234567'" in reason.message


def test_identifier_and_name_match_names_both(context: ScreeningContext) -> None:
    party = {"name": "Ladoga Spetskomplekt JSC", "country": "RU", "id": "7806512849"}
    decision = Screener(context).screen(declaration(consignee=party))
    (reason,) = [r for r in decision.reasons if r.code == "party.sanctioned"]
    assert reason.evidence["method"] == "identifier+name"
    assert "by identifier '7806512849' and as 'AO Ladoga Spetskomplekt'" in reason.message


def test_near_match_is_a_review(screener: Screener) -> None:
    # one more word of its own (Invest) and a doubled letter: reviewed, not blocked (Elemm
    # Grupa alone is the listed name: doubled letters fold, Grupa is Группа, group)
    decision = screener.screen(declaration(payer={"name": "Ellem Grupa Invest", "country": "KZ"}))
    (reason,) = decision.reasons
    assert (reason.code, reason.severity, decision.corridor) == (
        "party.sanctioned",
        "medium",
        "yellow",
    )


def test_reasons_are_ordered_worst_first(screener: Screener) -> None:
    decision = screener.screen(
        declaration(
            item(hs_code="854231", licence_no="L-1"),
            item(item_no=2, hs_code="848210", country_of_origin="JP"),
            country_of_destination="RU",
            consignee={"name": "OOO Priem", "country": "RU"},
        )
    )
    severities = [r.severity for r in decision.reasons]
    assert severities == sorted(severities, key=["high", "medium", "low"].index)
    assert decision.top_reason is not None and decision.top_reason.severity == "high"
    assert decision.codes == ["goods.controlled", "goods.reexport_ban", "licence.missing"]
