"""Bad input never sinks a batch (issue 24, items 1-3 and 9): every bad row is reported with
its line, field and reason, its declaration is not screened, and every other row keeps its
result; numbers have bounds that keep all arithmetic after them finite."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from diversion.declarations import read_declarations
from diversion.declarations.csv_format import COLUMNS
from diversion.declarations.fields import MAX_AMOUNT, MIN_AMOUNT
from diversion.licences.model import draw_amount, to_milli
from diversion.screening import ScreeningContext
from diversion.screening.history import History
from diversion.screening.run import screen_batch
from tests.conftest import csv_text, row
from tests.test_declarations_jsonl import declaration
from tests.test_declarations_jsonl import write as write_jsonl


def write(tmp_path: Path, text: str, name: str = "d.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def ids(result: Any) -> list[str]:
    return [d.declaration_id for d in result.declarations]


# -- item 1: a bad item row rejects its declaration --------------------------------------------


def test_a_row_with_a_cell_too_many_rejects_its_declaration_wherever_the_id_column_is(
    tmp_path: Path,
) -> None:
    """With `declaration_id` after the description, a comma in the description shifts the id
    one cell right: the declaration must still be named and not screened without the item."""
    columns = (
        "item_no",
        "description",
        *(c for c in COLUMNS if c not in ("item_no", "description")),
    )
    chips = row(item_no="2", hs_code="8542.31", description="Microcontrollers, 32-bit")
    text = csv_text([row(), chips, row(declaration_id="T-2")], columns)
    text = text.replace('"Microcontrollers, 32-bit"', "Microcontrollers, 32-bit")
    result = read_declarations(write(tmp_path, text))
    assert ids(result) == ["T-2"]
    assert result.rejected == ["T-1"]
    (error,) = result.errors
    assert (error.line, error.declaration_id) == (3, "T-1")
    assert error.reason == "row has 31 fields; the header has 30"


def test_the_controlled_item_is_never_screened_away(
    context: ScreeningContext, tmp_path: Path
) -> None:
    """The audit's reproduction: red with the chip row, so it must not be green without it."""
    chips = row(item_no="2", hs_code="8542.31", description="chips, 32-bit")
    good = read_declarations(write(tmp_path, csv_text([row(), chips]), "good.csv"))
    assert [d.corridor for d in screen_batch(good.declarations, context)] == ["red"]
    text = csv_text([row(), chips, row(declaration_id="T-2")])
    broken = read_declarations(write(tmp_path, text.replace('"chips, 32-bit"', "chips, 32-bit")))
    assert ids(broken) == ["T-2"] and broken.rejected == ["T-1"]


# -- item 2: numbers have bounds ----------------------------------------------------------------


BAD_NUMBERS = [
    ("value", "1e999999999", "out of range: amounts are below 10^15"),
    ("quantity", "1e-999999999", "too small: a non-zero amount is at least 0.000001"),
    ("quantity", "1e30", "out of range: amounts are below 10^15"),
    ("net_weight_kg", "-1e999999999", "out of range"),
    ("value", "1" * 41, "at most 40 characters"),
    ("quantity", "0.0000001", "too small"),
]


@pytest.mark.parametrize(("column", "number", "reason"), BAD_NUMBERS)
def test_out_of_range_numbers_are_reported_and_the_batch_screens(
    context: ScreeningContext, tmp_path: Path, column: str, number: str, reason: str
) -> None:
    """Before: decimal.Overflow in the history rules, InvalidOperation in licence draws."""
    rows = [row(), row(declaration_id="T-2", **{column: number}), row(declaration_id="T-3")]
    result = read_declarations(write(tmp_path, csv_text(rows)))
    (error,) = result.errors
    assert (error.line, error.field, error.declaration_id) == (3, column, "T-2")
    assert reason in error.reason
    assert ids(result) == ["T-1", "T-3"] and result.rejected == ["T-2"]
    with_history = replace(context, history=History.build(result.declarations))
    assert len(screen_batch(result.declarations, with_history)) == 2

    item = dict(declaration()["items"][0], **{column: number})
    lines = [declaration(), declaration(declaration_id="J-2", items=[item])]
    jsonl = read_declarations(write_jsonl(tmp_path, lines))
    (error,) = jsonl.errors
    assert (error.line, error.field, error.declaration_id) == (2, f"items[0].{column}", "J-2")
    assert reason in error.reason


def test_the_bounds_keep_licence_and_history_arithmetic_finite() -> None:
    """The largest and smallest amounts a declaration may hold, through what follows."""
    largest = MAX_AMOUNT - MIN_AMOUNT
    assert to_milli(draw_amount(largest)) < 2**63  # the register's 64-bit column
    assert draw_amount(MIN_AMOUNT) == Decimal("0.001")
    unit_value = largest / MIN_AMOUNT  # value / quantity, as the history rules divide
    assert unit_value.is_finite() and unit_value < Decimal(10) ** 22
    assert sum([largest] * 1_000_000, Decimal(0)).is_finite()


def test_a_json_line_nested_deep_or_with_a_huge_integer_costs_only_itself(tmp_path: Path) -> None:
    deep = '{"declaration_id": "J-2", "items": ' + "[" * 50_000 + "]" * 50_000 + "}"
    huge = json.dumps(declaration(declaration_id="J-3")).replace("2598", "9" * 5000)
    lines = [declaration(), deep, huge, declaration(declaration_id="J-4")]
    result = read_declarations(write_jsonl(tmp_path, lines))
    assert ids(result) == ["J-1", "J-4"]
    assert sorted(result.rejected) == ["J-2", "J-3"]
    assert [(e.line, e.reason) for e in result.errors] == [
        (2, "invalid JSON: nested too deeply"),
        (3, "invalid JSON: a number has too many digits"),
    ]


# -- item 3: reading goes on after a malformed line --------------------------------------------


def test_a_stray_quote_costs_only_its_row(tmp_path: Path) -> None:
    rows = [row(declaration_id=f"T-{n}") for n in range(1, 6)]
    lines = csv_text(rows).split("\n")
    lines[2] = lines[2].replace("Wheat", '"Wheat')  # opens a quote that never closes
    lines[4] = lines[4].replace("Wheat", 'Wh"eat"')  # a quote inside a cell: the cell as is
    result = read_declarations(write(tmp_path, "\n".join(lines)))
    assert ids(result) == ["T-1", "T-3", "T-4", "T-5"]
    assert result.rejected == ["T-2"]
    (error,) = result.errors
    assert (error.line, error.declaration_id) == (3, "T-2")
    assert error.reason.startswith("malformed CSV: ") and "ran on to line" in error.reason
    assert result.declarations[2].items[0].description == 'Wh"eat"'


def test_an_unclosed_quote_that_pairs_up_later_costs_only_its_row(tmp_path: Path) -> None:
    """A stray quote that closes on a later row makes one long record of several rows: each
    row it ran over is read again as itself (and T-3's own stray quote is its own error)."""
    rows = [row(), row(declaration_id="T-2"), row(declaration_id="T-3")]
    lines = csv_text(rows).split("\n")
    lines[1] = lines[1].replace("Wheat", '"Wheat')
    lines[3] = lines[3].replace(",USD,", ',USD",')  # the quote closes on line 4
    result = read_declarations(write(tmp_path, "\n".join(lines)))
    assert ids(result) == ["T-2"]
    assert sorted(result.rejected) == ["T-1", "T-3"]
    assert [(e.line, e.field, e.declaration_id) for e in result.errors] == [
        (2, "-", "T-1"),
        (4, "currency", "T-3"),
    ]
    assert "ran on to line 4" in result.errors[0].reason


@pytest.mark.parametrize("ftm_limit", [False, True])
def test_a_cell_over_any_csv_limit_is_one_bad_row(tmp_path: Path, ftm_limit: bool) -> None:
    """followthemoney raises the csv module's field limit when imported; it must not decide."""
    before = csv.field_size_limit()
    csv.field_size_limit(30 * 1024 * 1024 if ftm_limit else 131_072)
    try:
        rows = [
            row(),
            row(declaration_id="T-2", description="W" * 200_000),
            row(declaration_id="T-3"),
        ]
        result = read_declarations(write(tmp_path, csv_text(rows)))
    finally:
        csv.field_size_limit(before)
    assert ids(result) == ["T-1", "T-3"] and result.rejected == ["T-2"]
    (error,) = result.errors
    assert (error.line, error.reason) == (3, "row is longer than 100,000 characters")


def test_a_long_text_cell_is_a_field_error(tmp_path: Path) -> None:
    rows = [row(description="W" * 1001), row(declaration_id="T-2")]
    result = read_declarations(write(tmp_path, csv_text(rows)))
    (error,) = result.errors
    assert (error.line, error.field) == (2, "description")
    assert error.reason == "value is 1,001 characters long; at most 1,000"
    assert ids(result) == ["T-2"]


# -- item 9: smaller ----------------------------------------------------------------------------


def test_u2028_inside_a_string_is_text_not_a_line_break(tmp_path: Path) -> None:
    name = "TOO\u2028Demo\u0085 Line\u2029Two"
    lines = [
        declaration(exporter={"name": name, "country": "KZ"}),
        declaration(declaration_id="J-2"),
    ]
    path = tmp_path / "d.jsonl"
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines), "utf-8")
    result = read_declarations(path)
    assert result.ok and ids(result) == ["J-1", "J-2"]
    assert result.declarations[0].exporter.name == name
    csv_path = write(tmp_path, csv_text([row(exporter_name=name), row(declaration_id="T-2")]))
    from_csv = read_declarations(csv_path)
    assert from_csv.ok and from_csv.declarations[0].exporter.name == name


def test_an_id_is_text_not_a_number(tmp_path: Path) -> None:
    """`123` and `"123"` would be one declaration (and `00123` would lose its zeros)."""
    lines = [
        declaration(declaration_id="123"),
        declaration(declaration_id=123),
        declaration(declaration_id="J-3", exporter={"name": "X", "country": "KZ", "id": 42}),
    ]
    result = read_declarations(write_jsonl(tmp_path, lines))
    assert ids(result) == ["123"]
    assert [(e.line, e.field, e.reason) for e in result.errors] == [
        (2, "declaration_id", "value must be text (a string), not a number"),
        (3, "exporter.id", "value must be text (a string), not a number"),
    ]
    assert result.rejected == ["J-3"]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("20230214", "not an ISO date (YYYY-MM-DD)"),
        ("2023-W07-2", "not an ISO date (YYYY-MM-DD)"),
        ("２０２３-02-14", "not an ISO date (YYYY-MM-DD)"),
        ("0001-01-01", "outside 1900 to 2099"),
        ("9999-12-31", "outside 1900 to 2099"),
    ],
)
def test_a_date_is_yyyy_mm_dd_within_bounds(tmp_path: Path, text: str, reason: str) -> None:
    result = read_declarations(write(tmp_path, csv_text([row(declared_at=text)])))
    (error,) = result.errors
    assert error.field == "declared_at" and reason in error.reason


def test_item_numbers_are_1_to_999(tmp_path: Path) -> None:
    for bad in ("1000", "٣", "9" * 5000):
        result = read_declarations(write(tmp_path, csv_text([row(item_no=bad)])))
        (error,) = result.errors
        assert error.field == "item_no" and "from 1 to 999" in error.reason


def test_post_screen_refuses_an_out_of_range_quantity_and_stores_nothing(tmp_path: Path) -> None:
    """Before: HTTP 500 after storing the declaration, which then broke every re-screen."""
    from diversion.home import Home
    from diversion.screening.records import DeclarationRecords
    from diversion.store import open_store
    from diversion.store.engine import default_url
    from tests.test_api import RED, Api

    home = Home(tmp_path / "home")
    store = open_store(home, default_url(home))
    api = Api(store, tmp_path / "home")
    item = dict(RED["items"][0], quantity="1e30", licence_no="KZ-ANY")  # type: ignore[index]
    response = api.call("ana", "POST", "/screen", json={**RED, "items": [item]})
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert (error["declaration_id"], error["field"]) == ("API-1", "items.0.quantity")
    assert "out of range" in error["reason"]
    assert len(DeclarationRecords(store)) == 0
