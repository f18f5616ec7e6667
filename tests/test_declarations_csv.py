"""The CSV form: valid files parse; every kind of bad input is reported, never dropped."""

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from diversion.declarations import read_declarations
from diversion.declarations.csv_format import COLUMNS
from tests.conftest import csv_text, row

WriteCsv = Callable[..., Path]


def test_rows_of_one_declaration_become_its_items(write_csv: WriteCsv) -> None:
    path = write_csv(
        [
            row(),
            row(item_no="2", hs_code="7403 11", description="Copper cathodes", value="1e4"),
            row(declaration_id="T-2", consignee_country="Türkiye", exporter_country="KAZ"),
        ]
    )
    result = read_declarations(path)
    assert result.ok and result.rejected == []
    first, second = result.declarations
    assert [item.hs_code for item in first.items] == ["100199", "740311"]
    assert first.items[1].value == Decimal("1E+4")
    assert first.exporter.name == "ТОО «Степной Зерновой Двор»"
    assert first.end_user is None
    assert second.consignee.country == "TR" and second.exporter.country == "KZ"


def test_optional_party_needs_a_name(write_csv: WriteCsv) -> None:
    path = write_csv([row(end_user_country="RU")])
    result = read_declarations(path)
    assert [(e.line, e.field, e.reason) for e in result.errors] == [
        (2, "end_user_name", "required field is missing")
    ]


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        ({"hs_code": "85423"}, "hs_code", "has 5 digits; it needs 6, 8 or 10"),
        ({"hs_code": "8542.31.900"}, "hs_code", "has 9 digits; it needs 6, 8 or 10"),
        ({"hs_code": "8542-31"}, "hs_code", "only digits, dots and spaces"),
        ({"consignee_country": "Narnia"}, "consignee_country", "unknown country 'Narnia'"),
        ({"country_of_origin": "XX"}, "country_of_origin", "unknown country"),
        ({"exporter_name": ""}, "exporter_name", "required field is missing"),
        ({"description": "  "}, "description", "required field is missing"),
        ({"value": "12,5"}, "value", "'12,5' is not a number"),
        ({"value": "ten"}, "value", "'ten' is not a number"),
        ({"value": "-5"}, "value", "must not be negative"),
        ({"quantity": "0"}, "quantity", "must be greater than zero"),
        ({"quantity": "NaN"}, "quantity", "not a finite number"),
        ({"currency": "DOLLARS"}, "currency", "not an ISO 4217 currency"),
        ({"declared_at": "02/05/2024"}, "declared_at", "not an ISO date"),
        ({"procedure": "smuggling"}, "procedure", "not one of export, re-export, transit, import"),
        ({"item_no": "1.5"}, "item_no", "whole number"),
    ],
)
def test_bad_field_is_reported_and_other_declarations_still_read(
    write_csv: WriteCsv, change: dict[str, str], field: str, reason: str
) -> None:
    path = write_csv([row(declaration_id="GOOD"), row(declaration_id="BAD", **change)])
    result = read_declarations(path)
    assert [d.declaration_id for d in result.declarations] == ["GOOD"]
    assert result.rejected == ["BAD"]
    (error,) = result.errors
    assert (error.file, error.line, error.field, error.declaration_id) == (
        str(path),
        3,
        field,
        "BAD",
    )
    assert reason in error.reason


def test_one_bad_item_rejects_its_whole_declaration(write_csv: WriteCsv) -> None:
    path = write_csv([row(), row(item_no="2", hs_code="x")])
    result = read_declarations(path)
    assert result.declarations == [] and result.rejected == ["T-1"]
    assert [(e.line, e.field) for e in result.errors] == [(3, "hs_code")]


def test_repeated_fields_must_agree(write_csv: WriteCsv) -> None:
    path = write_csv([row(), row(item_no="2", consignee_name="Someone Else")])
    (error,) = read_declarations(path).errors
    assert (error.line, error.field) == (3, "consignee_name")
    assert "differs from 'Anadolu Un Sanayi A.Ş.' on line 2" in error.reason


def test_duplicate_item_numbers(write_csv: WriteCsv) -> None:
    path = write_csv([row(), row()])
    (error,) = read_declarations(path).errors
    assert error.field == "item_no" and "appears twice" in error.reason


def test_missing_declaration_id_is_reported_by_line(write_csv: WriteCsv) -> None:
    path = write_csv([row(), row(declaration_id="")])
    result = read_declarations(path)
    assert len(result.declarations) == 1
    assert [(e.line, e.field, e.reason) for e in result.errors] == [
        (3, "declaration_id", "required field is missing")
    ]


def test_header_must_name_the_required_columns(tmp_path: Path) -> None:
    columns = (*tuple(c for c in COLUMNS if c != "hs_code"), "licence_number")
    path = tmp_path / "d.csv"
    path.write_text(csv_text([row()], columns), encoding="utf-8")
    result = read_declarations(path)
    assert result.declarations == []
    reasons = {(e.line, e.field): e.reason for e in result.errors}
    assert reasons[(1, "hs_code")] == "required column is missing"
    assert reasons[(1, "licence_number")] == "unknown column (did you mean 'licence_no'?)"


def test_row_with_wrong_number_of_fields(write_csv: WriteCsv) -> None:
    path = write_csv([row()])
    with path.open("a", encoding="utf-8") as handle:
        handle.write("T-9,2024-01-01,export\n")
    (error,) = read_declarations(path).errors
    assert error.line == 3 and "row has 3 fields; the header has 30" in error.reason


def test_a_row_that_does_not_split_rejects_its_declaration(write_csv: WriteCsv) -> None:
    """A chip item with one cell too many must not leave its declaration screened without it."""
    path = write_csv([row(), row(declaration_id="T-2")])
    chips = csv_text([row(item_no="2", hs_code="8542.31", description="chips, extra")])
    lines = chips.splitlines()[1].replace('"chips, extra"', "chips,extra")  # a cell too many
    with path.open("a", encoding="utf-8") as handle:
        handle.write(lines + "\n" + "T-3,2024-01-01\n")
    result = read_declarations(path)
    assert [d.declaration_id for d in result.declarations] == ["T-2"]
    assert sorted(result.rejected) == ["T-1", "T-3"]
    assert [(e.line, e.declaration_id) for e in result.errors] == [(4, "T-1"), (5, "T-3")]


def test_quoted_newlines_keep_line_numbers_right(write_csv: WriteCsv) -> None:
    path = write_csv(
        [row(description="Wheat,\nmilling grade"), row(declaration_id="T-2", value="x")]
    )
    (error,) = read_declarations(path).errors
    assert (error.line, error.field) == (4, "value")


def test_wrong_encoding_rejects_the_file_and_names_the_lines(tmp_path: Path) -> None:
    """Windows-1252 (Western Excel) is neither UTF-8 nor Windows-1251: read as the latter,
    `Müller` would become `Mьller`, so the file is refused rather than mis-decoded."""
    path = tmp_path / "cp1252.csv"
    west = {"exporter_name": "Müller Maschinenbau GmbH", "consignee_name": "Société Générale"}
    rows = [row(**west), row(declaration_id="T-2", **west)]
    path.write_bytes(csv_text(rows).encode("cp1252"))
    result = read_declarations(path)
    assert result.declarations == []
    assert [(e.line, e.field) for e in result.errors] == [(2, "-"), (3, "-")]
    assert "not valid UTF-8" in result.errors[0].reason
    assert "'Mьller'" in result.errors[0].reason
    assert "save it as UTF-8" in result.errors[0].reason


def test_utf8_bom_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + csv_text([row()]).encode("utf-8"))
    assert read_declarations(path).ok


@pytest.mark.parametrize("content", [b"", b"\n\n  \n"])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    result = read_declarations(path)
    assert result.declarations == []
    assert [(e.line, e.field, e.reason) for e in result.errors] == [(1, "-", "file is empty")]


def test_header_only_file(tmp_path: Path) -> None:
    path = tmp_path / "header.csv"
    path.write_text(csv_text([]), encoding="utf-8")
    (error,) = read_declarations(path).errors
    assert error.reason == "file has a header but no declarations"


def test_unknown_extension_needs_a_format(tmp_path: Path) -> None:
    path = tmp_path / "declarations.txt"
    path.write_text(csv_text([row()]), encoding="utf-8")
    (error,) = read_declarations(path).errors
    assert "--input-format" in error.reason
    assert read_declarations(path, "csv").ok


def test_missing_file(tmp_path: Path) -> None:
    (error,) = read_declarations(tmp_path / "nope.csv").errors
    assert "cannot read file" in error.reason
