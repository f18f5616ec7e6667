"""Licences without a store: the CSV format, each licence rule at its edges, and screening."""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from diversion.declarations import Declaration
from diversion.licences import (
    COLUMNS,
    Licence,
    LicenceRegister,
    LicenceState,
    demo_register,
    read_licences,
)
from diversion.licences.assess import CODES, DRAWING_PROCEDURES, assess
from diversion.licences.model import draw_amount
from diversion.matching.keys import legal_name_key as name_key
from diversion.reference import ReferenceData
from diversion.rules import load_catalogue
from diversion.screening import Screener, ScreeningContext
from tests.conftest import DEMO, csv_text

DAY = date(2024, 5, 2)
LICENCE = Licence(
    licence_no="KZ-EXP-1",
    holder_name="ТОО «Степной Чип»",
    holder_id="140340009120",
    type="individual",
    authority="Test authority",
    goods=("8542", "854140"),
    destinations=("TR", "GE"),
    valid_from=date(2024, 1, 1),
    valid_to=date(2024, 12, 31),
    consignee_name="Anadolu Elektronik A.Ş.",
    quantity_limit=Decimal(100),
    value_limit=Decimal(50000),
    currency="USD",
)


def item(**changes: Any) -> dict[str, Any]:
    return {
        "item_no": 1,
        "hs_code": "8542.31.0000",
        "description": "Microcontrollers",
        "country_of_origin": "CN",
        "quantity": 10,
        "value": 5000,
        "currency": "USD",
        "licence_no": "KZ-EXP-1",
        **changes,
    }


def declaration(*items: dict[str, Any], **changes: Any) -> Declaration:
    record: dict[str, Any] = {
        "declaration_id": "L-1",
        "declared_at": DAY.isoformat(),
        "procedure": "export",
        "exporter": {"name": "ТОО «Степной Чип»", "country": "KZ", "id": "140340009120"},
        "consignee": {"name": "Anadolu Elektronik A.Ş.", "country": "TR"},
        "country_of_dispatch": "KZ",
        "country_of_destination": "TR",
        "items": list(items) or [item()],
        **changes,
    }
    return Declaration.model_validate(record)


def state(
    used_q: str = "0", used_v: str = "0", reason: str | None = None, **terms: Any
) -> LicenceState:
    return LicenceState(replace(LICENCE, **terms), Decimal(used_q), Decimal(used_v), reason)


def findings(decl: Declaration, *states: LicenceState) -> list[tuple[str, int]]:
    known = {s.licence.licence_no: s for s in states}
    return [(f.code, f.item_no) for f in assess(decl, known.get).findings]


def only(decl: Declaration, licence: LicenceState) -> Any:
    (finding,) = assess(decl, {licence.licence.licence_no: licence}.get).findings
    return finding


# -- the rules, one by one, at their edges ---------------------------------------------------


def test_a_fitting_licence_is_recorded_with_what_it_leaves() -> None:
    finding = only(declaration(), state(used_q="20", used_v="1000"))
    assert finding.code == "licence.covered"
    assert (
        finding.evidence["quantity_left"] == "80"
        and finding.evidence["quantity_left_after"] == "70"
    )
    assert finding.evidence["value_left_after"] == str(50000 - 1000 - 5000)
    assert finding.evidence["goods_entry"] == "8542"  # the longest matching prefix


def test_unknown_licence() -> None:
    finding = only(declaration(item(licence_no="kz-exp-2")), state())
    assert (finding.code, finding.licence_no) == ("licence.unknown", "KZ-EXP-2")


def test_licence_numbers_are_compared_without_case_or_spaces() -> None:
    assert only(declaration(item(licence_no=" kz-exp-1 ")), state()).code == "licence.covered"


@pytest.mark.parametrize(
    ("on", "code"),
    [
        (date(2024, 1, 1), "licence.covered"),  # first valid day
        (date(2024, 12, 31), "licence.covered"),  # last valid day
        (date(2023, 12, 31), "licence.expired"),  # not yet valid
        (date(2025, 1, 1), "licence.expired"),  # expired
    ],
)
def test_validity_window_includes_both_ends(on: date, code: str) -> None:
    finding = only(declaration(declared_at=on.isoformat()), state())
    assert finding.code == code
    if code == "licence.expired":
        assert finding.evidence["expired"] is (on > LICENCE.valid_to)
        assert ("expired on" in finding.message) is (on > LICENCE.valid_to)


@pytest.mark.parametrize(
    ("status", "code"), [("suspended", "licence.suspended"), ("revoked", "licence.revoked")]
)
def test_suspended_and_revoked_licences_have_their_own_codes(status: str, code: str) -> None:
    finding = only(declaration(), state(status=status, reason="end user under inquiry"))
    assert finding.code == code
    assert finding.evidence["status_reason"] == "end user under inquiry"
    assert "end user under inquiry" in finding.message


def test_holder_ids_decide_when_both_sides_have_one() -> None:
    other_id = declaration(exporter={"name": "ТОО «Степной Чип»", "country": "KZ", "id": "999"})
    finding = only(other_id, state())
    assert finding.code == "licence.wrong_holder"
    assert finding.evidence["compared"] == "holder id"
    same_id = declaration(
        exporter={"name": "Some Other Name", "country": "KZ", "id": "1403 4000 9120"}
    )
    assert only(same_id, state()).code == "licence.covered"


def test_holder_names_are_compared_normalised_without_ids() -> None:
    layout = declaration(exporter={"name": "Степной Чип ТОО", "country": "KZ"})
    assert only(layout, state()).code == "licence.covered"
    other = declaration(exporter={"name": "ТОО «Степной Чипы»", "country": "KZ"})
    finding = only(other, state())
    assert (finding.code, finding.evidence["compared"]) == (
        "licence.wrong_holder",
        "normalised name",
    )


def test_a_general_licence_without_holder_serves_any_exporter() -> None:
    general = state(type="general", holder_name=None, holder_id=None, consignee_name=None)
    anyone = declaration(exporter={"name": "Any Exporter LLP", "country": "KZ", "id": "1"})
    finding = only(anyone, general)
    assert finding.code == "licence.covered" and finding.evidence["licence_type"] == "general"


@pytest.mark.parametrize(
    ("decl_changes", "item_changes", "gap"),
    [
        ({}, {"hs_code": "8541.10"}, "goods"),
        ({"country_of_destination": "RU"}, {}, "destination"),
        ({"consignee": {"name": "Other Buyer", "country": "TR"}}, {}, "consignee"),
        ({}, {"currency": "EUR"}, "currency"),
    ],
)
def test_not_covering_names_what_falls_outside(
    decl_changes: dict[str, Any], item_changes: dict[str, Any], gap: str
) -> None:
    finding = only(declaration(item(**item_changes), **decl_changes), state())
    assert finding.code == "licence.not_covering"
    assert [g["what"] for g in finding.evidence["not_covered"]] == [gap]


def test_goods_prefixes_and_full_codes() -> None:
    assert only(declaration(item(hs_code="8541.40.9000")), state()).code == "licence.covered"
    assert only(declaration(item(hs_code="8541.30")), state()).code == "licence.not_covering"


@pytest.mark.parametrize(
    ("licensed", "declared", "code", "via"),
    [
        # HS 2017 licence, HS 2022 declaration: 8803.30 was renumbered 8807.30
        (("880330",), "8807.30.0000", "licence.covered", ["880330"]),
        # HS 2022 licence, HS 2017 declaration
        (("880730",), "8803.30", "licence.covered", ["880730"]),
        # 8541.50 was split into 8541.51 and 8541.59: a licence for one part is not enough
        (("854151",), "8541.50", "licence.not_covering", None),
        (("854151", "854159"), "8541.50", "licence.covered", ["854151", "854159"]),
        # a licence for the whole HS 2017 subheading covers each HS 2022 part of it
        (("854150",), "8541.59", "licence.covered", ["854150"]),
        # camera drones only some administrations classified in 8525.80: no cover through it
        (("852580",), "8806.21", "licence.not_covering", None),
    ],
)
def test_licences_and_declarations_in_either_hs_edition(
    licensed: tuple[str, ...], declared: str, code: str, via: list[str] | None
) -> None:
    finding = only(declaration(item(hs_code=declared)), state(goods=licensed))
    assert finding.code == code
    if via is not None:
        assert finding.evidence["goods_via_other_hs_edition"] == via


def test_no_destinations_means_any() -> None:
    anywhere = declaration(country_of_destination="AE")
    assert only(anywhere, state()).code == "licence.not_covering"
    assert only(anywhere, state(destinations=())).code == "licence.covered"


def test_end_user_is_checked_and_the_consignee_stands_in_when_none_is_declared() -> None:
    licensed = state(end_user_name="Anadolu Elektronik A.Ş.")
    assert only(declaration(), licensed).code == "licence.covered"
    other = declaration(end_user={"name": "Zavod Mayak", "country": "TR"})
    finding = only(other, licensed)
    assert finding.code == "licence.not_covering"
    assert finding.evidence["not_covered"] == [
        {"what": "end user", "declared": "Zavod Mayak", "licensed": "Anadolu Elektronik A.Ş."}
    ]


def test_exactly_the_quantity_left_is_enough_and_one_more_is_not() -> None:
    exact = only(declaration(item(quantity=30)), state(used_q="70"))
    assert exact.code == "licence.covered" and exact.evidence["quantity_left_after"] == "0"
    over = only(declaration(item(quantity="30.001")), state(used_q="70"))
    assert over.code == "licence.exhausted"
    assert (over.evidence["quantity_left"], over.evidence["quantity_requested"]) == ("30", "30.001")


def test_value_left_is_checked_too() -> None:
    assert only(declaration(item(value=49000)), state(used_v="1000")).code == "licence.covered"
    finding = only(declaration(item(value="49000.01")), state(used_v="1000"))
    assert finding.code == "licence.exhausted" and "value" in finding.message


def test_items_of_one_declaration_add_up_on_a_licence() -> None:
    decl = declaration(item(quantity=60), item(item_no=2, quantity=40), item(item_no=3, quantity=1))
    got = findings(decl, state())
    assert got == [("licence.covered", 1), ("licence.covered", 2), ("licence.exhausted", 3)]
    assessment = assess(decl, {"KZ-EXP-1": state()}.get)
    assert [(d.item_no, d.quantity) for d in assessment.draws] == [
        (1, Decimal(60)),
        (2, Decimal(40)),
    ]


def test_every_failure_of_the_licence_is_reported_but_not_what_is_left() -> None:
    decl = declaration(
        item(quantity=1000),  # far beyond the limit, but the licence cannot be used anyway
        declared_at="2025-03-01",
        country_of_destination="RU",
        exporter={"name": "X", "country": "KZ", "id": "1"},
    )
    got = {code for code, _ in findings(decl, state(status="revoked"))}
    assert got == {
        "licence.revoked",
        "licence.expired",
        "licence.wrong_holder",
        "licence.not_covering",
    }


def test_items_without_licence_number_are_left_alone() -> None:
    decl = declaration(item(licence_no=None), item(item_no=2, licence_no=None))
    nothing: dict[str, LicenceState] = {}
    assert assess(decl, nothing.get).findings == []


def test_draws_round_up_to_the_kept_precision() -> None:
    assert draw_amount(Decimal("0.0001")) == Decimal("0.001")
    assert draw_amount(Decimal("2.5")) == Decimal("2.500")
    just = only(declaration(item(quantity="99.9991")), state())  # drawn as 100.000
    assert (just.code, just.evidence["quantity_left_after"]) == ("licence.covered", "0")
    over = only(declaration(item(quantity="100.0001")), state())  # drawn as 100.001
    assert (over.code, over.evidence["quantity_requested"]) == ("licence.exhausted", "100.001")


def test_name_key_folds_layout_and_legal_forms() -> None:
    assert name_key("ТОО «Ертис Подшипник»") == name_key("Ертис  подшипник ТОО")
    assert name_key("Gyumri Optics, L.L.C.") == name_key("GYUMRI OPTICS LLC")
    assert name_key("Gyumri Optics") != name_key("Gyumri Optic")


# -- the licence CSV -------------------------------------------------------------------------

GOOD_ROW = {
    "licence_no": "KZ-EXP-1",
    "holder_name": "ТОО «Степной Чип»",
    "holder_id": "140340009120",
    "type": "individual",
    "authority": "Test authority",
    "goods": "8542; 8541.40 ;85;8542.319",
    "destinations": "TR;Georgia",
    "consignee_name": "Anadolu Elektronik A.Ş.",
    "end_user_name": "",
    "quantity_limit": "100",
    "value_limit": "50000.50",
    "currency": "usd",
    "valid_from": "2024-01-01",
    "valid_to": "2024-12-31",
    "status": "",
}


def licence_csv(rows: list[dict[str, str]], columns: tuple[str, ...] = COLUMNS) -> str:
    return csv_text(rows, columns)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "licences.csv"
    path.write_text(text, encoding="utf-8")
    return path


def problems(tmp_path: Path, text: str) -> dict[tuple[int, str], str]:
    read = read_licences(write(tmp_path, text))
    assert read.licences == []  # a file with any problem yields nothing
    return {(e.line, e.field): e.reason for e in read.errors}


def test_a_good_row_reads_into_a_licence(tmp_path: Path) -> None:
    read = read_licences(write(tmp_path, licence_csv([GOOD_ROW])))
    assert read.errors == []
    (licence,) = read.licences
    assert licence.goods == ("8542", "854140", "85", "8542319")
    assert licence.destinations == ("TR", "GE")
    assert (licence.status, licence.currency, licence.value_limit) == (
        "active",
        "USD",
        Decimal("50000.50"),
    )
    assert (licence.valid_from, licence.valid_to) == (date(2024, 1, 1), date(2024, 12, 31))
    assert licence.end_user_name is None and read.lines == {"KZ-EXP-1": 2}


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("licence_no", "", "required field is missing"),
        ("type", "global", "'global' is not one of individual, general"),
        ("authority", " ", "required field is missing"),
        ("goods", "", "a licence must name at least one HS code or prefix"),
        ("goods", "8542;8", "'8' is too short; a goods prefix needs 2 to 10 digits"),
        ("goods", "85423100001", "HS code '85423100001' has 11 digits; it needs 6"),
        ("goods", "8542A", "'8542A' is not an HS code or prefix (digits, dots and spaces only)"),
        (
            "destinations",
            "TR;Narnia",
            "unknown country 'Narnia' (use an ISO 3166 code or an English name)",
        ),
        ("quantity_limit", "0", "'0' must be a number greater than zero (empty means no limit)"),
        (
            "quantity_limit",
            "1,000",
            "'1,000' is not a number (digits with a dot for decimals, no separators)",
        ),
        ("value_limit", "10.0001", "'10.0001' has more than 3 decimal places"),
        ("currency", "XXY", "'XXY' is not an ISO 4217 currency code"),
        ("valid_from", "01.01.2024", "'01.01.2024' is not an ISO date (YYYY-MM-DD)"),
        ("valid_to", "2023-12-31", "2023-12-31 is before valid_from 2024-01-01"),
        (
            "status",
            "lapsed",
            "'lapsed' is not one of active, suspended, revoked (empty means active)",
        ),
        ("holder_name", "", "required for an individual licence (only a general one may omit it)"),
    ],
)
def test_each_bad_field_is_reported_with_line_and_column(
    tmp_path: Path, field: str, value: str, reason: str
) -> None:
    rows = [GOOD_ROW, {**GOOD_ROW, "licence_no": "KZ-EXP-2", field: value}]
    ((where, got),) = problems(tmp_path, licence_csv(rows)).items()
    assert where == (3, field) and got.startswith(reason)


def test_a_value_limit_needs_a_currency_but_a_general_licence_needs_no_holder(
    tmp_path: Path,
) -> None:
    rows = [{**GOOD_ROW, "currency": ""}]
    assert problems(tmp_path, licence_csv(rows)) == {
        (2, "currency"): "a value limit needs its ISO 4217 currency"
    }
    general = {**GOOD_ROW, "type": "General", "holder_name": "", "holder_id": "", "value_limit": "",
               "currency": "", "quantity_limit": ""}  # fmt: skip
    (licence,) = read_licences(write(tmp_path, licence_csv([general]))).licences
    assert (licence.type, licence.holder_name, licence.quantity_limit) == ("general", None, None)


def test_every_bad_row_is_reported_not_just_the_first(tmp_path: Path) -> None:
    rows = [
        {**GOOD_ROW, "valid_to": "never"},
        GOOD_ROW | {"licence_no": "KZ-EXP-2"},
        {**GOOD_ROW, "licence_no": "KZ-EXP-3", "goods": "x", "currency": "??"},
        {**GOOD_ROW, "licence_no": "kz-exp-2"},  # the same number as line 3
    ]
    assert problems(tmp_path, licence_csv(rows)) == {
        (2, "valid_to"): "'never' is not an ISO date (YYYY-MM-DD)",
        (4, "goods"): "'x' is not an HS code or prefix (digits, dots and spaces only)",
        (4, "currency"): "'??' is not an ISO 4217 currency code",
        (5, "licence_no"): "licence KZ-EXP-2 is also on line 3",
    }


def test_header_must_have_exactly_the_columns(tmp_path: Path) -> None:
    columns = (*tuple(c for c in COLUMNS if c != "destinations"), "destination", "goods")
    got = problems(tmp_path, licence_csv([GOOD_ROW], columns))
    assert got == {
        (1, "destination"): "unknown column (did you mean 'destinations'?)",
        (1, "goods"): "column appears twice",
        (1, "destinations"): "required column is missing",
    }


def test_lines_count_quoted_line_breaks_and_a_bom_is_ignored(tmp_path: Path) -> None:
    first = {**GOOD_ROW, "authority": "Committee\nof export control"}
    text = "\ufeff" + licence_csv([first, {**GOOD_ROW, "licence_no": "B", "type": "x"}])
    assert problems(tmp_path, text) == {(4, "type"): "'x' is not one of individual, general"}


def test_rows_of_the_wrong_width_and_empty_files(tmp_path: Path) -> None:
    text = licence_csv([GOOD_ROW]) + "A,B,C\n"
    assert problems(tmp_path, text) == {(3, "-"): "row has 3 fields; the header has 15"}
    assert problems(tmp_path, licence_csv([])) == {(2, "-"): "file has a header but no licences"}
    assert problems(tmp_path, "") == {(1, "-"): "file is empty"}


# -- the demo register and screening ---------------------------------------------------------


def test_demo_register_is_fictional_and_covers_the_demo_licence_numbers() -> None:
    register = demo_register()
    assert all("FICTIONAL" in s.licence.authority for s in register.licences.values())
    with (DEMO / "declarations.csv").open(encoding="utf-8", newline="") as handle:
        cited = {r["licence_no"] for r in csv.DictReader(handle) if r["licence_no"]}
    assert cited and cited <= set(register.licences)
    assert register.reference.id == "diversion-demo-licences"


def test_catalogue_has_a_rule_for_each_licence_code() -> None:
    catalogue = load_catalogue()
    for code in CODES:
        rule = catalogue[code]
        assert rule.source and rule.rationale
        assert tuple(rule.params["procedures"]) == DRAWING_PROCEDURES
    assert catalogue["licence.covered"].severity == "low"
    assert {catalogue[c].severity for c in CODES if c != "licence.covered"} == {"high"}


def screen(context: ScreeningContext, decl: Declaration) -> Any:
    return Screener(context).screen(decl)


def register_of(*states: LicenceState) -> LicenceRegister:
    reference = ReferenceData("test-register", "v1", "0" * 64, "t", "tests", "none")
    return LicenceRegister.of(states, reference)


def test_screening_names_the_licence_and_register_it_relied_on(context: ScreeningContext) -> None:
    ctx = replace(context, licences=register_of(state(used_q="40")))
    decision = screen(ctx, declaration())
    assert decision.codes == ["goods.controlled", "licence.covered"]
    assert decision.verdict == "review"  # the CHPL item still needs a look
    covered = next(r for r in decision.reasons if r.code == "licence.covered")
    assert covered.severity == "low" and covered.item_no == 1
    assert covered.evidence["licence_no"] == "KZ-EXP-1"
    assert covered.evidence["quantity_left_after"] == "50"
    assert covered.evidence["register"] == "test-register"
    assert {"id": "test-register"}.items() <= next(
        ref for ref in decision.reference_data if ref["id"] == "test-register"
    ).items()


def test_screening_blocks_on_a_licence_that_does_not_fit(context: ScreeningContext) -> None:
    ctx = replace(context, licences=register_of(state(used_q="95")))
    decision = screen(ctx, declaration())
    assert decision.verdict == "block" and decision.corridor == "red"
    assert "licence.exhausted" in decision.codes


def test_an_empty_register_says_so(context: ScreeningContext) -> None:
    ctx = replace(context, licences=register_of())
    (reason,) = [r for r in screen(ctx, declaration()).reasons if r.code.startswith("licence.")]
    assert reason.code == "licence.unknown" and reason.message.endswith(
        " (the register is empty: add licences with `diversion licences import`)"
    )


def test_imports_are_not_checked_against_export_licences(context: ScreeningContext) -> None:
    ctx = replace(context, licences=register_of())
    decision = screen(ctx, declaration(procedure="import"))
    assert not [code for code in decision.codes if code.startswith("licence.")]


def test_a_context_without_register_does_not_check_licences(context: ScreeningContext) -> None:
    bare = replace(context, licences=None)
    assert screen(bare, declaration()).codes == ["goods.controlled"]
    assert "diversion-demo-licences" not in {
        r["id"] for r in screen(bare, declaration()).reference_data
    }


def test_window_edges_through_the_whole_screener(context: ScreeningContext) -> None:
    starts_today = register_of(state(valid_from=DAY))
    ended_yesterday = register_of(state(valid_to=DAY - timedelta(days=1)))
    assert "licence.covered" in screen(replace(context, licences=starts_today), declaration()).codes
    assert (
        "licence.expired" in screen(replace(context, licences=ended_yesterday), declaration()).codes
    )
