"""CSV inputs as spreadsheets save them: the encoding and delimiter are sniffed and reported.

Russian-language Excel saves "CSV (разделители — точки с запятой)" as Windows-1251, with `;`
between cells, CRLF line ends, quotes only where a cell needs them, and a decimal comma.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from diversion.declarations import read_declarations
from diversion.declarations.csv_format import COLUMNS
from diversion.declarations.source import WINDOWS_1251, read_text
from diversion.licences import read_licences
from diversion.licences.csv_format import COLUMNS as LICENCE_COLUMNS
from tests.conftest import SHARED, row

RUSSIAN = {
    "exporter_name": "ТОО «Ертис Подшипник Сервис»",
    "exporter_address": "г. Павлодар, ул. Ломова, 45; офис 12",  # a `;` inside a cell
    "consignee_name": "ООО «Тайга Электросервис»",
    "consignee_country": "RU",
    "country_of_destination": "RU",
    "hs_code": "8482.10",
    "description": 'Подшипники шариковые "SKF", 6205-2RS',
    "quantity": "1250,5",
    "net_weight_kg": "310,25",
    "value": "18760,75",
}


def spreadsheet_csv(rows: list[dict[str, Any]], delimiter: str, columns: tuple[str, ...]) -> str:
    """A CSV as Excel writes it: CRLF, minimal quoting, the locale's delimiter."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(columns)
    for record in rows:
        writer.writerow([record.get(c, "") for c in columns])
    return buffer.getvalue()


def test_russian_excel_csv_windows_1251_semicolons_decimal_comma(tmp_path: Path) -> None:
    path = tmp_path / "декларации.csv"
    rows = [row(**RUSSIAN), row(**{**RUSSIAN, "item_no": "2", "value": "0,5", "quantity": "3"})]
    data = spreadsheet_csv(rows, ";", COLUMNS).encode("cp1251")
    assert b"\xd2\xce\xce" in data  # "ТОО" in Windows-1251, as Excel saves it
    path.write_bytes(data)
    result = read_declarations(path)
    assert result.errors == []
    assert result.how == f"read {path} as Windows-1251, semicolon-separated, decimal comma"
    (declaration,) = result.declarations
    assert declaration.exporter.name == "ТОО «Ертис Подшипник Сервис»"
    assert declaration.exporter.address == "г. Павлодар, ул. Ломова, 45; офис 12"
    assert declaration.consignee.name == "ООО «Тайга Электросервис»"
    first, second = declaration.items
    assert first.description == 'Подшипники шариковые "SKF", 6205-2RS'
    assert (first.quantity, first.net_weight_kg, first.value) == (
        Decimal("1250.5"),
        Decimal("310.25"),
        Decimal("18760.75"),
    )
    assert (second.quantity, second.value) == (Decimal("3"), Decimal("0.5"))


def test_utf8_with_bom_and_tabs(tmp_path: Path) -> None:
    path = tmp_path / "tabs.csv"
    text = spreadsheet_csv([row(**RUSSIAN)], "\t", COLUMNS)
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    result = read_declarations(path)
    assert result.errors == []
    assert result.how == f"read {path} as UTF-8 with BOM, tab-separated, decimal comma"
    (declaration,) = result.declarations
    assert declaration.consignee.name == "ООО «Тайга Электросервис»"
    assert declaration.items[0].value == Decimal("18760.75")


def test_comma_separated_utf8_has_no_decimal_comma(tmp_path: Path) -> None:
    path = tmp_path / "plain.csv"
    path.write_text(spreadsheet_csv([row(value="18760,75")], ",", COLUMNS), "utf-8")
    result = read_declarations(path)
    assert result.how == f"read {path} as UTF-8, comma-separated"
    (error,) = result.errors  # `18760,75` in a comma file could be 18,760.75 or 18760.75
    assert (error.line, error.field) == (2, "value")
    assert "is not a number" in error.reason


@pytest.mark.parametrize("value", ["1.234,5", "1 234,5", "12,5,3"])
def test_a_decimal_comma_is_all_that_is_read_differently(tmp_path: Path, value: str) -> None:
    """Thousands separators stay refused: the comma is the decimal point, nothing more."""
    path = tmp_path / "ru.csv"
    path.write_bytes(spreadsheet_csv([row(**{**RUSSIAN, "value": value})], ";", COLUMNS).encode())
    (error,) = read_declarations(path).errors
    assert (error.line, error.field) == (2, "value")


def test_an_unknown_header_falls_back_to_the_comma_and_says_what_is_missing(
    tmp_path: Path,
) -> None:
    path = tmp_path / "odd.csv"
    path.write_text("Номер;Дата\n1;2\n", "utf-8")
    result = read_declarations(path)
    assert result.declarations == []
    assert ("declaration_id", "required column is missing") in {
        (e.field, e.reason) for e in result.errors
    }


def test_a_file_in_two_encodings_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    first = spreadsheet_csv([row(**RUSSIAN)], ";", COLUMNS).encode("utf-8")
    second = spreadsheet_csv([row(**RUSSIAN, declaration_id="T-2")], ";", COLUMNS)
    path.write_bytes(first + second.split("\r\n", 1)[1].encode("cp1251"))
    result = read_declarations(path)
    assert result.declarations == []
    (error,) = result.errors
    assert error.line == 3 and "line 2 is UTF-8: the file mixes two encodings" in error.reason


def test_json_lines_stay_utf8_only(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_bytes('{"declaration_id": "ТОО"}\n'.encode("cp1251"))
    (error,) = read_declarations(path).errors
    assert "not valid UTF-8" in error.reason


def test_a_licence_csv_from_russian_excel(tmp_path: Path) -> None:
    licence = {
        "licence_no": "KZ-EXP-1",
        "holder_name": "ТОО «Степной Чип»",
        "holder_id": "140340009120",
        "type": "individual",
        "authority": "Комитет по экспортному контролю",
        "goods": "8542;8541.40",  # lists inside a cell: Excel quotes it in a `;` file
        "destinations": "TR;GE",
        "consignee_name": "ООО «Тайга»",
        "quantity_limit": "100,5",
        "value_limit": "50000,50",
        "currency": "USD",
        "valid_from": "2024-01-01",
        "valid_to": "2024-12-31",
    }
    path = tmp_path / "лицензии.csv"
    path.write_bytes(spreadsheet_csv([licence], ";", LICENCE_COLUMNS).encode("cp1251"))
    read = read_licences(path)
    assert read.errors == []
    assert read.how == f"read {path} as Windows-1251, semicolon-separated, decimal comma"
    (found,) = read.licences
    assert found.holder_name == "ТОО «Степной Чип»"
    assert found.goods == ("8542", "854140") and found.destinations == ("TR", "GE")
    assert (found.quantity_limit, found.value_limit) == (Decimal("100.5"), Decimal("50000.50"))


# -- the encoding check on real names (nomenklatura's name benchmark) -------------------------

NAME_BENCH = SHARED / "matching" / "name_bench_cases.csv"


def _names() -> list[str]:
    with NAME_BENCH.open(encoding="utf-8", newline="") as handle:
        return [r[k] for r in csv.DictReader(handle) for k in ("name1", "name2")]


def _encodable(names: list[str], encoding: str) -> list[str]:
    out = []
    for name in names:
        try:
            name.encode(encoding)
        except UnicodeEncodeError:
            continue
        out.append(name)
    return out


def test_real_cyrillic_names_in_windows_1251_read_back_exactly(tmp_path: Path) -> None:
    cyrillic = [n for n in _names() if any("\u0400" <= c <= "\u04ff" for c in n)]
    names = _encodable(cyrillic, "cp1251")
    assert len(names) >= 20  # the benchmark's Cyrillic people and companies
    path = tmp_path / "names.csv"
    path.write_bytes("\r\n".join(names).encode("cp1251"))
    text, errors = read_text(path, windows_1251=True)
    assert errors == [] and text is not None
    assert text.encoding == WINDOWS_1251
    assert text.text.split("\r\n") == names


def test_real_western_names_in_windows_1252_are_not_taken_for_windows_1251(
    tmp_path: Path,
) -> None:
    """Each accented Latin name on its own, saved by Western Excel: refused unless Windows-1251
    reads its bytes as the very same text (only `’`, the same byte in both)."""
    accented = [n for n in _names() if not n.isascii() and n.isprintable()]
    names = _encodable(accented, "cp1252")
    assert len(names) >= 40
    refused = same = 0
    for number, name in enumerate(names):
        path = tmp_path / f"{number}.csv"
        path.write_bytes(name.encode("cp1252"))
        text, errors = read_text(path, windows_1251=True)
        if text is None:
            assert "Cyrillic" in errors[0].reason or "neither" in errors[0].reason, name
            refused += 1
        else:
            assert text.text == name  # read right, or not at all
            same += 1
    assert refused >= 40 and refused + same == len(names)
