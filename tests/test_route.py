"""The import route (issue 19, part 3): import records in their CSV and JSON Lines forms, the
link from an export to the exporter's earlier imports, and the rules that read it:
route.imported_from_coalition (the December 2025 measure on goods imported from the EU, US and
UK; the e-invoice rule of 1 April 2023 on goods made in a banning state) and
route.origin_mismatch."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from diversion.declarations import Declaration
from diversion.declarations.import_records import COLUMNS, ImportRecord, read_import_records
from diversion.screening import Reason, Screener, ScreeningContext
from diversion.screening.imports import ImportLine, Imports, line_of_record
from tests.conftest import csv_text, row
from tests.test_cli import run

IMPORTED_FROM = "route.imported_from_coalition"
MISMATCH = "route.origin_mismatch"
DECEMBER_2025 = date(2025, 12, 23)  # the assumed entry into force (catalogue, docs)
E_INVOICE_RULE = date(2023, 4, 1)
EXPORTER = {"name": "ТОО «Транзит Компонент»", "country": "KZ", "id": "230140000016"}


def export(
    day: date,
    destination: str = "RU",
    origin: str = "CN",
    quantity: int = 1000,
    hs_code: str = "8542.31",
    **changes: Any,
) -> Declaration:
    record: dict[str, Any] = {
        "declaration_id": f"EX-{day.isoformat()}-{destination}",
        "declared_at": day.isoformat(),
        "procedure": "export",
        "exporter": EXPORTER,
        "consignee": {"name": "ООО «Получатель»", "country": destination},
        "country_of_dispatch": "KZ",
        "country_of_destination": destination,
        "items": [
            {
                "item_no": 1, "hs_code": hs_code, "description": "Microcontrollers",
                "country_of_origin": origin, "quantity": quantity, "unit": "pcs",
                "value": 5000, "currency": "USD",
            }
        ],
        **changes,
    }  # fmt: skip
    return Declaration.model_validate(record)


def record(
    document_no: str, day: date, dispatch: str = "DE", made: str = "CN", **changes: Any
) -> ImportLine:
    """A line of an e-invoice of the exporter, named as a Latin-script registry would."""
    data: dict[str, Any] = {
        "document_no": document_no, "document_type": "e-invoice", "date": day.isoformat(),
        "importer_name": "TRANZIT KOMPONENT TOO", "hs_code": "854231", "quantity": "1000",
        "unit": "pcs", "value": "4000", "currency": "EUR", "country_of_dispatch": dispatch,
        "country_of_manufacture": made, **changes,
    }  # fmt: skip
    return line_of_record(ImportRecord.model_validate(data), f"test:{document_no}")


def tuned(context: ScreeningContext, rule_id: str, **params: Any) -> ScreeningContext:
    catalogue = context.catalogue
    rule = catalogue[rule_id]
    rules = {**catalogue.rules, rule_id: replace(rule, params={**rule.params, **params})}
    return replace(context, catalogue=replace(catalogue, rules=rules))


def route(
    context: ScreeningContext,
    lines: list[ImportLine],
    decl: Declaration,
    declarations: tuple[Declaration, ...] = (),
) -> dict[str, Reason]:
    ctx = replace(context, imports=Imports.build(lines, declarations))
    reasons = Screener(ctx).screen(decl).reasons
    found = {
        r.code: r
        for r in reasons
        if r.code.startswith("route.") and r.code != "route.hub_to_russia"
    }
    assert len(found) == len([r for r in reasons if r.code in found])  # one per code here
    return found


# -- the December 2025 measure: goods imported from the EU, the US or the UK ------------------


def test_chinese_item_bought_in_germany_and_sent_to_russia_is_caught_with_its_invoice(
    context: ScreeningContext,
) -> None:
    day = date(2026, 2, 10)
    invoice = record("ESF-2026-0042", day - timedelta(days=20), dispatch="DE", made="CN")
    found = route(context, [invoice], export(day, "RU", origin="CN"))
    reason = found[IMPORTED_FROM]
    assert reason.severity == "high" and reason.item_no == 1
    assert "ESF-2026-0042" in reason.message and "dispatched from DE" in reason.message
    assert "goods imported from Germany (eu_us_uk) may not be" in reason.message
    assert reason.evidence["entries"] == {}  # every good counts; the CHPL hit is not the basis
    (cited,) = reason.evidence["imports"]
    assert cited["document_no"] == "ESF-2026-0042"
    assert cited["date"] == "2026-01-21"
    assert cited["importer"] == "TRANZIT KOMPONENT TOO"
    assert (cited["country_of_dispatch"], cited["country_of_manufacture"]) == ("DE", "CN")
    assert cited["bases"] == ["dispatch"]  # made in China: only the route catches it
    assert reason.evidence["quantity_exported"] == "1000"
    assert reason.evidence["quantity_at_least"] == "1000"
    assert reason.evidence["banned_destinations"] == [
        {"role": "destination", "country": "RU"},
        {"role": "consignee", "country": "RU"},
    ]
    assert MISMATCH not in found  # origin CN declared, made in CN: no mismatch


def test_no_licence_lifts_the_ban_on_the_route(context: ScreeningContext) -> None:
    """A ban outranks a licence (issue 19, precedence): the licence the item cites is named as
    overruled by the route rule, and the export stays red."""
    day = date(2026, 2, 10)
    invoice = record("ESF-2026-0043", day - timedelta(days=20), dispatch="DE", made="CN")
    decl = export(day, "RU", origin="CN")
    item = decl.items[0].model_copy(update={"licence_no": "KZ-LIC-2026-001"})
    decl = decl.model_copy(update={"items": [item]})
    ctx = replace(context, imports=Imports.build([invoice], ()))
    decision = Screener(ctx).screen(decl)
    assert decision.corridor == "red"
    licence_reasons = [r for r in decision.reasons if r.code.startswith("licence.")]
    assert licence_reasons  # the cited licence is checked, and then overruled
    for reason in licence_reasons:
        assert IMPORTED_FROM in reason.evidence["overruled_by"], reason
    (ban,) = [r for r in decision.reasons if r.code == IMPORTED_FROM]
    assert ban.evidence["overrides"] == "licence KZ-LIC-2026-001"


def test_the_same_item_sent_to_turkiye_is_not_caught(context: ScreeningContext) -> None:
    day = date(2026, 2, 10)
    invoice = record("ESF-2026-0042", day - timedelta(days=20), dispatch="DE", made="CN")
    assert route(context, [invoice], export(day, "TR", origin="CN")) == {}


def test_a_russian_payer_makes_the_destination_banned(context: ScreeningContext) -> None:
    day = date(2026, 2, 10)
    invoice = record("ESF-1", day - timedelta(days=3))
    decl = export(day, "TR", payer={"name": "ООО «Плательщик»", "country": "RU"})
    places = route(context, [invoice], decl)[IMPORTED_FROM].evidence["banned_destinations"]
    assert places == [{"role": "payer", "country": "RU"}]


@pytest.mark.parametrize(
    ("export_day", "fires"),
    [
        (DECEMBER_2025 - timedelta(days=1), False),  # before the measure
        (DECEMBER_2025, True),  # its first day
        (date(2026, 6, 1), True),
        (date(2027, 6, 1), True),  # "at least one year": no end until one is set
    ],
)
def test_the_december_2025_window(context: ScreeningContext, export_day: date, fires: bool) -> None:
    invoice = record("ESF-1", export_day - timedelta(days=30), dispatch="DE", made="CN")
    assert (IMPORTED_FROM in route(context, [invoice], export(export_day))) is fires


@pytest.mark.parametrize(
    ("export_day", "fires"),
    [(date(2026, 12, 22), True), (date(2026, 12, 23), False)],
)
def test_after_an_end_date_set_in_the_rules_nothing_is_caught(
    context: ScreeningContext, export_day: date, fires: bool
) -> None:
    ctx = tuned(context, IMPORTED_FROM, dispatch_valid_to=date(2026, 12, 22))
    invoice = record("ESF-1", export_day - timedelta(days=30))
    assert (IMPORTED_FROM in route(ctx, [invoice], export(export_day))) is fires


def test_dispatch_from_the_us_and_uk_counts_and_from_a_hub_does_not(
    context: ScreeningContext,
) -> None:
    day = date(2026, 3, 1)
    for dispatch, fires in (("US", True), ("GB", True), ("PL", True), ("AE", False), ("CN", False)):
        invoice = record("ESF-1", day - timedelta(days=5), dispatch=dispatch, made="CN")
        assert (IMPORTED_FROM in route(context, [invoice], export(day))) is fires, dispatch


def test_only_exports_from_kazakhstan_are_under_its_rules(context: ScreeningContext) -> None:
    day = date(2026, 3, 1)
    invoice = record("ESF-1", day - timedelta(days=5))
    decl = export(day, country_of_dispatch="KG")
    assert IMPORTED_FROM not in route(context, [invoice], decl)


# -- the e-invoice rule of 1 April 2023: goods made in a state that bans their export -----------


@pytest.mark.parametrize(
    ("export_day", "fires"),
    [
        (E_INVOICE_RULE - timedelta(days=1), False),
        (E_INVOICE_RULE, True),
        (date(2024, 9, 1), True),
    ],
)
def test_made_in_a_banning_state_from_april_2023(
    context: ScreeningContext, export_day: date, fires: bool
) -> None:
    # made in Germany, bought in Türkiye: the route is not EU, the maker is
    invoice = record("ESF-7", export_day - timedelta(days=10), dispatch="TR", made="DE")
    found = route(context, [invoice], export(export_day, origin="DE"))
    assert (IMPORTED_FROM in found) is fires
    if fires:
        reason = found[IMPORTED_FROM]
        assert reason.evidence["imports"][0]["bases"] == ["manufacture"]
        assert [e["control_list"] for e in reason.evidence["entries"]["manufacture"]] == ["chpl"]


def test_after_the_e_invoice_rules_end_date_nothing_is_caught(context: ScreeningContext) -> None:
    ctx = tuned(context, IMPORTED_FROM, manufacture_valid_to=date(2024, 12, 31))
    invoice = record("ESF-7", date(2025, 1, 1), dispatch="TR", made="DE")
    assert IMPORTED_FROM not in route(ctx, [invoice], export(date(2025, 1, 10), origin="DE"))


def test_made_in_a_banning_state_counts_only_for_goods_on_its_lists(
    context: ScreeningContext,
) -> None:
    day = date(2024, 9, 1)
    wheat = record("ESF-8", day - timedelta(days=10), dispatch="TR", made="DE", hs_code="100199")
    decl = export(day, origin="DE", hs_code="1001.99")
    assert IMPORTED_FROM not in route(context, [wheat], decl)


def test_both_bases_on_one_import(context: ScreeningContext) -> None:
    day = date(2026, 1, 15)
    invoice = record("ESF-9", day - timedelta(days=10), dispatch="DE", made="DE")
    reason = route(context, [invoice], export(day, origin="DE"))[IMPORTED_FROM]
    assert reason.evidence["imports"][0]["bases"] == ["dispatch", "manufacture"]
    assert (
        "goods imported from Germany (eu_us_uk) and made in Germany (bans_exports_to_russia)"
        in reason.message
    )


# -- the link: exporter, HS6, date window, quantity --------------------------------------------


@pytest.mark.parametrize(
    ("changes", "days_before", "linked"),
    [
        ({}, 0, True),  # the same day counts
        ({}, 365, True),  # the window's last day
        ({}, 366, False),
        ({}, -1, False),  # imported after the export
        ({"hs_code": "85423190"}, 10, True),  # a national line of the same HS6
        ({"hs_code": "854232"}, 10, False),  # another HS6
        ({"unit": "kg"}, 10, False),  # another unit
        ({"unit": None}, 10, True),  # no unit: taken as alike
        ({"importer_id": "230140000016"}, 10, True),
        ({"importer_id": "990140000099"}, 10, False),  # both give a number: it decides
        ({"importer_name": "ТОО Транзит Компонент"}, 10, True),
        ({"importer_name": "Another Trading LLP"}, 10, False),
        ({"quantity": "999"}, 10, False),  # the imports do not bring what is exported
    ],
)
def test_linking_an_export_to_imports(
    context: ScreeningContext, changes: dict[str, Any], days_before: int, linked: bool
) -> None:
    day = date(2026, 3, 1)
    invoice = record("ESF-1", day - timedelta(days=days_before), **changes)
    assert (IMPORTED_FROM in route(context, [invoice], export(day))) is linked


def test_imports_together_must_bring_the_exported_quantity(context: ScreeningContext) -> None:
    day = date(2026, 3, 1)
    first = record("ESF-1", day - timedelta(days=40), quantity="600")
    second = record("ESF-2", day - timedelta(days=20), quantity="500")
    reason = route(context, [first, second], export(day, quantity=1100))[IMPORTED_FROM]
    assert [i["document_no"] for i in reason.evidence["imports"]] == ["ESF-2", "ESF-1"]
    assert reason.evidence["quantity_imported"] == "1100"
    assert IMPORTED_FROM not in route(context, [first, second], export(day, quantity=1101))


@pytest.mark.parametrize(
    ("exported", "severity", "at_least"),
    [(1000, "medium", "0"), (1500, "high", "500")],
)
def test_goods_that_other_imports_could_supply_ask_for_review(
    context: ScreeningContext, exported: int, severity: str, at_least: str
) -> None:
    day = date(2026, 3, 1)
    german = record("ESF-DE", day - timedelta(days=30), dispatch="DE", made="CN")
    chinese = record("ESF-CN", day - timedelta(days=20), dispatch="CN", made="CN")
    reason = route(context, [german, chinese], export(day, quantity=exported))[IMPORTED_FROM]
    assert reason.severity == severity
    assert reason.evidence["quantity_at_least"] == at_least
    assert [i["document_no"] for i in reason.evidence["other_linked_imports"]] == ["ESF-CN"]


def test_an_import_declaration_in_the_batch_is_an_import_record(
    context: ScreeningContext,
) -> None:
    day = date(2026, 3, 1)
    imported = export(
        day - timedelta(days=9), procedure="import", declaration_id="IM-1",
        exporter={"name": "Elbtal Halbleiter GmbH", "country": "DE"},
        consignee={"name": "TRANZIT KOMPONENT TOO", "country": "KZ"},
        country_of_dispatch="DE", country_of_destination="KZ",
    )  # fmt: skip
    reason = route(context, [], export(day), declarations=(imported,))[IMPORTED_FROM]
    (cited,) = reason.evidence["imports"]
    assert cited["document_no"] == "IM-1" and cited["document_type"] == "import-declaration"
    assert cited["country_of_manufacture"] == "CN"  # the import's declared origin


def test_a_document_line_from_two_sources_counts_once() -> None:
    day = date(2026, 3, 1)
    imports = Imports.build([record("ESF-1", day), record("ESF-1", day)])
    assert len(imports) == 1 and imports.duplicates == 1


# -- route.origin_mismatch ----------------------------------------------------------------------


def test_declared_origin_that_the_import_contradicts_is_flagged(
    context: ScreeningContext,
) -> None:
    day = date(2024, 6, 1)  # before the December 2025 measure; the mismatch has no window
    invoice = record("ESF-3", day - timedelta(days=15), dispatch="TR", made="DE")
    reason = route(context, [invoice], export(day, "TR", origin="CN"))[MISMATCH]
    assert reason.severity == "medium"
    assert reason.evidence["declared_origin"] == "CN"
    assert reason.evidence["countries_of_manufacture"] == ["DE"]
    assert reason.evidence["imports"][0]["document_no"] == "ESF-3"
    assert "declared to originate in China" in reason.message
    assert "made in Germany" in reason.message


def test_no_mismatch_when_imports_of_the_declared_origin_can_supply_it(
    context: ScreeningContext,
) -> None:
    day = date(2024, 6, 1)
    made_de = record("ESF-3", day - timedelta(days=15), dispatch="TR", made="DE")
    made_cn = record("ESF-4", day - timedelta(days=10), dispatch="TR", made="CN")
    assert MISMATCH not in route(context, [made_de, made_cn], export(day, "TR", origin="CN"))
    reason = route(context, [made_de, made_cn], export(day, "TR", origin="CN", quantity=1200))
    assert reason[MISMATCH].evidence["quantity_at_least"] == "200"


# -- the import-record forms --------------------------------------------------------------------

GOOD = {
    "document_no": "ESF-2026-0042", "document_type": "e-invoice", "item_no": "1",
    "date": "2026-01-21", "importer_name": "ТОО «Транзит Компонент»",
    "importer_id": "230140000016", "hs_code": "8542.31", "description": "Микроконтроллеры",
    "quantity": "1000", "unit": "pcs", "value": "4000.50", "currency": "EUR",
    "country_of_dispatch": "Germany", "country_of_manufacture": "CHN",
}  # fmt: skip


def test_a_csv_of_import_records_reads_in_excels_russian_form(tmp_path: Path) -> None:
    path = tmp_path / "imports.csv"
    second = {**GOOD, "item_no": "2", "hs_code": "8542.32", "value": "12,5"}
    text = csv_text([GOOD, second], COLUMNS).replace(",", ";").replace("4000.50", "4000,50")
    text = text.replace("12;5", "12,5")
    path.write_bytes(text.encode("cp1251"))
    result = read_import_records(path)
    assert result.ok, result.errors
    assert "Windows-1251, semicolon-separated" in result.how
    (line1, first), (line2, other) = result.records
    assert (line1, line2) == (2, 3)
    assert first.importer_name == "ТОО «Транзит Компонент»"
    assert (first.country_of_dispatch, first.country_of_manufacture) == ("DE", "CN")
    assert (first.hs_code, str(first.value), str(other.value)) == ("854231", "4000.50", "12.5")


def test_a_jsonl_of_import_records_reads_the_same_fields(tmp_path: Path) -> None:
    path = tmp_path / "imports.jsonl"
    path.write_text(json.dumps({**GOOD, "quantity": 1000, "unit": None}) + "\n", "utf-8")
    result = read_import_records(path)
    assert result.ok and result.how.endswith("JSON Lines, UTF-8")
    ((line, only),) = result.records
    assert line == 1 and only.unit is None and only.quantity == 1000


def test_bad_csv_rows_are_reported_with_file_line_field_and_reason(tmp_path: Path) -> None:
    path = tmp_path / "imports.csv"
    rows = [
        GOOD,
        {**GOOD, "item_no": "2", "hs_code": "8542-31", "country_of_manufacture": "Atlantis"},
        {**GOOD, "item_no": "3", "quantity": "0", "date": "21.01.2026"},
        {**GOOD, "item_no": "1"},  # the first line again
        {**GOOD, "item_no": "4", "document_type": "receipt", "importer_name": ""},
    ]
    text = csv_text(rows, COLUMNS) + "ESF-9,too,few\n"
    path.write_text(text, "utf-8")
    result = read_import_records(path)
    assert [line for line, _ in result.records] == [2]
    got = [str(error) for error in result.errors]
    assert got == [
        f"{path}:3: hs_code: HS code '8542-31' may contain only digits, dots and spaces",
        f"{path}:3: country_of_manufacture: unknown country 'Atlantis' (use an ISO 3166 code "
        "or an English name)",
        f"{path}:4: date: '21.01.2026' is not an ISO date (YYYY-MM-DD)",
        f"{path}:4: quantity: 0 must be greater than zero",
        f"{path}:5: document_no: document 'ESF-2026-0042' line 1 is already given on line 2; "
        "give each line of a document its item_no",
        f"{path}:6: document_type: document type 'receipt' is not one of import-declaration, "
        "e-invoice",
        f"{path}:6: importer_name: required field is missing",
        f"{path}:7: -: row has 3 fields; the header has {len(COLUMNS)}",
    ]
    # every row is a record or an error
    assert len(result.records) + len({e.line for e in result.errors}) == 6


def test_a_csv_header_with_a_misspelt_or_missing_column_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "imports.csv"
    columns = (*(c for c in COLUMNS if c != "country_of_manufacture"), "country_of_manufacturer")
    path.write_text(csv_text([GOOD], columns), "utf-8")
    result = read_import_records(path)
    assert result.records == []
    assert [(e.line, e.field, e.reason) for e in result.errors] == [
        (1, "country_of_manufacturer", "unknown column (did you mean 'country_of_manufacture'?)"),
        (1, "country_of_manufacture", "required column is missing"),
    ]


def test_bad_jsonl_lines_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "imports.jsonl"
    lines = [
        json.dumps(GOOD),
        "{not json",
        json.dumps({**GOOD, "item_no": 2, "colour": "red"}),
        json.dumps([1, 2]),
        json.dumps({**GOOD, "item_no": 3, "currency": "XYZ"}),
    ]
    path.write_text("\n".join(lines) + "\n", "utf-8")
    result = read_import_records(path)
    assert [line for line, _ in result.records] == [1]
    assert [(e.line, e.field) for e in result.errors] == [
        (2, "-"),
        (3, "colour"),
        (4, "-"),
        (5, "currency"),
    ]
    assert result.errors[1].reason == "unknown field"


# -- the command --------------------------------------------------------------------------------


def _write_imports(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text(csv_text(rows, COLUMNS), "utf-8")
    return path


def _export_rows(destination: str) -> list[dict[str, Any]]:
    return [
        row(
            declaration_id=f"EX-{destination}", declared_at="2026-02-10",
            exporter_name="ТОО «Транзит Компонент»", exporter_id="230140000016",
            consignee_name="ООО «Получатель»", consignee_country=destination,
            country_of_destination=destination, hs_code="8542.31",
            description="Microcontrollers", country_of_origin="CN", quantity="1000",
            unit="pcs", licence_no="",
        )
    ]  # fmt: skip


def test_screen_with_imports_end_to_end(tmp_path: Path) -> None:
    imports = _write_imports(tmp_path / "invoices.csv", [GOOD])
    source = tmp_path / "exports.csv"
    source.write_text(csv_text(_export_rows("RU") + _export_rows("TR")), "utf-8")
    out = tmp_path / "decisions.jsonl"
    done = run(
        "screen", str(source), "--imports", str(imports), "--out", str(out),
        "--home", str(tmp_path / "home"), cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "1 import record(s)" in done.stderr
    decisions = {d["declaration_id"]: d for d in map(json.loads, out.read_text().splitlines())}
    to_russia = [r for r in decisions["EX-RU"]["reasons"] if r["code"] == IMPORTED_FROM]
    assert [r["evidence"]["imports"][0]["document_no"] for r in to_russia] == ["ESF-2026-0042"]
    assert to_russia[0]["evidence"]["imports"][0]["source"] == f"{imports}:2"
    assert decisions["EX-RU"]["corridor"] == "red"
    assert not [r for r in decisions["EX-TR"]["reasons"] if r["code"].startswith("route.imp")]


def test_screen_reads_the_stores_import_declarations(tmp_path: Path) -> None:
    home = str(tmp_path / "home")
    first = tmp_path / "import.csv"
    first.write_text(
        csv_text(
            [
                row(
                    declaration_id="IM-7", declared_at="2026-01-05", procedure="import",
                    exporter_name="Elbtal Halbleiter GmbH", exporter_country="DE",
                    consignee_name="TRANZIT KOMPONENT TOO", consignee_country="KZ",
                    country_of_dispatch="DE", country_of_destination="KZ", hs_code="8542.31",
                    country_of_origin="CN", quantity="1000", unit="pcs",
                )
            ]
        ),
        "utf-8",
    )  # fmt: skip
    assert run("screen", str(first), "--home", home, cwd=tmp_path).returncode == 0
    later = tmp_path / "exports.csv"
    later.write_text(csv_text(_export_rows("RU")), "utf-8")
    out = tmp_path / "decisions.jsonl"
    done = run("screen", str(later), "--out", str(out), "--home", home, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    (decision,) = map(json.loads, out.read_text().splitlines())
    (reason,) = [r for r in decision["reasons"] if r["code"] == IMPORTED_FROM]
    assert reason["evidence"]["imports"][0]["source"] == "import declaration IM-7"


def test_screen_refuses_an_import_file_with_bad_rows(tmp_path: Path) -> None:
    imports = _write_imports(tmp_path / "invoices.csv", [{**GOOD, "quantity": "lots"}])
    source = tmp_path / "exports.csv"
    source.write_text(csv_text(_export_rows("RU")), "utf-8")
    done = run(
        "screen", str(source), "--imports", str(imports), "--home", str(tmp_path / "home"),
        cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 2
    assert f"{imports}:2: quantity: 'lots' is not a number" in done.stderr
    assert "--imports: 1 invalid row(s)" in done.stderr
    missing = run(
        "screen", str(source), "--imports", str(tmp_path / "nope.csv"),
        "--home", str(tmp_path / "home"), cwd=tmp_path,
    )  # fmt: skip
    assert missing.returncode == 1 and "--imports: no file" in missing.stderr


def test_a_mistyped_list_of_the_route_rule_is_named(context: ScreeningContext) -> None:
    ctx = tuned(context, IMPORTED_FROM, manufacture_lists=["chlp"])
    (problem,) = ctx.unknown_control_lists()
    assert problem.startswith(f"rule {IMPORTED_FROM} names control list 'chlp'")
