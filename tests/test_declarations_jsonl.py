"""The JSON Lines form, and its equivalence with the CSV form."""

import json
from pathlib import Path
from typing import Any

from diversion.declarations import read_declarations
from tests.conftest import DEMO


def declaration(**changes: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "declaration_id": "J-1",
        "declared_at": "2024-05-02",
        "procedure": "re-export",
        "exporter": {"name": "TOO Demo", "country": "KZ"},
        "consignee": {"name": "OOO Demo", "country": "RU", "id": "7700000000"},
        "end_user": None,
        "country_of_dispatch": "KZ",
        "country_of_destination": "RU",
        "items": [
            {
                "item_no": 1,
                "hs_code": "8542.31",
                "description": "Microcontrollers",
                "country_of_origin": "DE",
                "quantity": 2598,
                "value": 51960.0,
                "currency": "EUR",
            }
        ],
    }
    record.update(changes)
    return record


def write(tmp_path: Path, lines: list[Any]) -> Path:
    path = tmp_path / "d.jsonl"
    path.write_text(
        "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n",
        encoding="utf-8",
    )
    return path


def test_valid_line(tmp_path: Path) -> None:
    result = read_declarations(write(tmp_path, [declaration()]))
    assert result.ok
    (decl,) = result.declarations
    assert decl.items[0].hs_code == "854231" and decl.consignee.id == "7700000000"


def test_errors_name_the_nested_field(tmp_path: Path) -> None:
    bad_item = dict(declaration()["items"][0], hs_code="12", quantity="lots")
    lines = [
        declaration(declaration_id="OK"),
        declaration(
            declaration_id="BAD", items=[bad_item], exporter={"name": "X", "country": "Mordor"}
        ),
    ]
    result = read_declarations(write(tmp_path, lines))
    assert [d.declaration_id for d in result.declarations] == ["OK"]
    assert result.rejected == ["BAD"]
    fields = {e.field: e.reason for e in result.errors}
    assert set(fields) == {"exporter.country", "items[0].hs_code", "items[0].quantity"}
    assert all(e.line == 2 and e.declaration_id == "BAD" for e in result.errors)


def test_bad_json_unknown_fields_and_duplicates(tmp_path: Path) -> None:
    lines = [
        declaration(),
        "{not json",
        "[1, 2]",
        declaration(),
        declaration(declaration_id="J-2", colour="red"),
        declaration(declaration_id="J-3", items=[]),
    ]
    result = read_declarations(write(tmp_path, lines))
    found = [(e.line, e.field, e.reason) for e in result.errors]
    assert found[0][0:2] == (2, "-") and found[0][2].startswith("invalid JSON")
    assert found[1] == (3, "-", "a line must hold one JSON object")
    assert found[2] == (4, "declaration_id", "declaration already given on line 1")
    assert found[3] == (5, "colour", "unknown field")
    assert found[4] == (6, "items", "declaration has no goods items")
    assert [d.declaration_id for d in result.declarations] == ["J-1"]


def test_empty_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "e.jsonl"
    path.write_text("\n\n", encoding="utf-8")
    (error,) = read_declarations(path).errors
    assert error.reason == "file is empty"


def test_demo_jsonl_equals_demo_csv() -> None:
    from_csv = read_declarations(DEMO / "declarations.csv")
    from_jsonl = read_declarations(DEMO / "declarations.jsonl")
    assert from_csv.ok, from_csv.errors
    assert from_jsonl.ok, from_jsonl.errors
    assert len(from_csv.declarations) >= 40
    assert from_csv.declarations == from_jsonl.declarations
