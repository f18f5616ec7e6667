"""Fuzzing every declaration reader and `POST /screen` (issue 24): generated files with bad
rows of every kind beside good ones. Nothing escapes as an exception, every row is used or
reported, a declaration with a bad row is never screened, and no other declaration loses its
result. Sizes are modest so the suite stays fast; DIVERSION_FUZZ_EXAMPLES raises them."""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diversion.declarations import read_declarations
from diversion.declarations.csv_format import COLUMNS
from diversion.declarations.import_records import read_import_records
from tests.conftest import BASE_ROW

EXAMPLES = int(os.environ.get("DIVERSION_FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
# garbage never holds a `Q`, so it can never spell a generated declaration id (Q-0, Q-1, ...)
GARBAGE = st.text(st.characters(exclude_characters="Q", exclude_categories=["Cs"]), max_size=30)
ODD = ["\u2028", "\u2029", "\u0085", "\x0b", "\x0c", "\u00a0", "\ufeff", "\u200b", "\x1c"]

# mutations that must make a row bad, and those that must leave it good
BREAKING = ["extra", "short", "stray_quote", "huge", "tiny", "date8", "long_row", "long_cell"]
NEUTRAL = ["odd_unicode", "inner_quote"]


def _mutate_cells(cells: dict[str, str], how: str, draw: st.DrawFn) -> dict[str, str]:
    if how == "huge":
        cells["value"] = draw(st.sampled_from(["1e999999999", "1e30", "9" * 39, "1e15"]))
    elif how == "tiny":
        cells["quantity"] = draw(st.sampled_from(["1e-999999999", "0.0000001", "1e-7"]))
    elif how == "date8":
        cells["declared_at"] = draw(st.sampled_from(["20230214", "2023-W07-2", "0001-01-01"]))
    elif how == "long_cell":
        cells["description"] = "W" * draw(st.integers(1001, 5000))
    elif how == "odd_unicode":
        cells["description"] = "Wheat" + "".join(draw(st.lists(st.sampled_from(ODD), min_size=1)))
    elif how == "inner_quote":
        cells["manufacturer"] = 'Завод "Прогресс", Almaty'
    return cells


@st.composite
def csv_files(draw: st.DrawFn) -> tuple[bytes, str, list[tuple[str, str | None]], list[str]]:
    """A declarations file: (bytes, delimiter, (id, mutation) per row, the rows' raw lines)."""
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    rows: list[tuple[str, str | None]] = []
    lines: list[str] = []
    header = io.StringIO()
    csv.writer(header, delimiter=delimiter, lineterminator="\n").writerow(COLUMNS)
    for n in range(draw(st.integers(1, 5))):
        declaration_id = f"Q-{n}"
        for item in range(1, draw(st.integers(1, 3)) + 1):
            how = draw(st.sampled_from([None] * 6 + BREAKING + NEUTRAL + ["garbage"]))
            cells = dict(BASE_ROW) | {"declaration_id": declaration_id, "item_no": str(item)}
            cells = _mutate_cells(cells, how or "", draw)
            buffer = io.StringIO()
            writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
            writer.writerow([cells.get(c, "") for c in COLUMNS])
            line = buffer.getvalue()
            if how == "extra":
                line = line.replace("\n", f"{delimiter}extra\n")
            elif how == "short":
                line = delimiter.join(line.split(delimiter)[:5]) + "\n"
            elif how == "stray_quote":
                at = line.index(f"{delimiter}Wheat") + 1
                line = line[:at] + '"' + line[at:]  # an opening quote that never closes
            elif how == "long_row":
                line = line.replace("Wheat", '"' + "W" * 100_001)  # over the row limit
            elif how == "garbage":
                at = draw(st.integers(len(declaration_id) + 1, len(line) - 1))
                line = line[:at] + draw(GARBAGE) + line[at:]
            rows.append((declaration_id, how))
            lines.append(line)
    order = draw(st.permutations(range(len(rows))))
    rows = [rows[i] for i in order]
    lines = [lines[i] for i in order]
    text = header.getvalue() + "".join(lines)
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    data = text.encode("utf-8")
    if draw(st.booleans()):
        data = codecs.BOM_UTF8 + data
    return data, delimiter, rows, lines


def _starts(lines: list[str]) -> list[int]:
    """The physical line each row starts on (the header is line 1)."""
    starts, line = [], 2
    for text in lines:
        starts.append(line)
        line += len(io.StringIO(text, newline="").readlines())
    return starts


@FUZZ
@given(csv_files())
def test_csv_rows_are_used_or_reported(case: tuple[bytes, str, list[Any], list[str]]) -> None:
    data, _, rows, lines = case
    with TemporaryDirectory() as folder:
        path = Path(folder, "fuzz.csv")
        path.write_bytes(data)
        result = read_declarations(path)
    accepted = {d.declaration_id: d for d in result.declarations}
    rejected = set(result.rejected)
    assert not accepted.keys() & rejected
    error_lines = {e.line for e in result.errors}
    bad = {d for d, how in rows if how is not None and how not in NEUTRAL}
    for (declaration_id, how), line in zip(rows, _starts(lines), strict=True):
        if how in BREAKING:
            assert declaration_id not in accepted, (how, result.errors)
            assert declaration_id in rejected, (how, result.errors)
            assert any(e.line == line and e.declaration_id == declaration_id
                       for e in result.errors) or (
                how in ("date8",)
                and any(e.declaration_id == declaration_id for e in result.errors)
            ), (how, line, result.errors)  # fmt: skip
        if declaration_id in accepted:
            assert how is None or how in NEUTRAL or how == "garbage"
        else:  # every row not used is reported, or its declaration is listed as not screened
            assert line in error_lines or declaration_id in rejected
    # one bad row never costs another declaration its result
    assert {d for d, _ in rows} - bad <= accepted.keys(), result.errors
    read = {d for d, _ in rows}
    assert read <= accepted.keys() | rejected  # read = screened + not screened
    for declaration_id, declaration in accepted.items():
        assert len(declaration.items) == sum(d == declaration_id for d, _ in rows)


@FUZZ
@given(csv_files())
def test_import_records_csv_never_raises(case: tuple[bytes, str, list[Any], list[str]]) -> None:
    """The same files as import records: wrong columns, but nothing escapes."""
    data, delimiter, _, _ = case
    header = delimiter.join(["document_no", "date", "importer_name", "hs_code", "quantity",
                             "value", "currency", "country_of_dispatch",
                             "country_of_manufacture"])  # fmt: skip
    body = data.removeprefix(codecs.BOM_UTF8).split(b"\n", 1)[-1]
    with TemporaryDirectory() as folder:
        path = Path(folder, "imports.csv")
        path.write_bytes(header.encode() + b"\n" + body)
        result = read_import_records(path)
    assert result.errors or result.records


@FUZZ
@given(st.binary(max_size=400), st.sampled_from(["d.csv", "d.jsonl", "i.csv", "i.jsonl"]))
def test_any_bytes_are_read_or_refused_never_raised(data: bytes, name: str) -> None:
    with TemporaryDirectory() as folder:
        path = Path(folder, name)
        path.write_bytes(data)
        if name.startswith("i"):
            records = read_import_records(path)
            assert records.errors or records.records
            return
        result = read_declarations(path)
    assert result.errors or result.declarations
    assert not {d.declaration_id for d in result.declarations} & set(result.rejected)


# -- JSON Lines ---------------------------------------------------------------------------


def _declaration(declaration_id: str) -> dict[str, Any]:
    return {
        "declaration_id": declaration_id,
        "declared_at": "2024-05-02",
        "procedure": "export",
        "exporter": {"name": "ТОО «Степной Зерновой Двор»", "country": "KZ"},
        "consignee": {"name": "Anadolu Un Sanayi A.Ş.", "country": "TR"},
        "country_of_dispatch": "KZ",
        "country_of_destination": "TR",
        "items": [{"item_no": 1, "hs_code": "1001.99", "description": "Wheat",
                   "country_of_origin": "KZ", "quantity": "120", "unit": "t",
                   "value": 30000, "currency": "USD"}],
    }  # fmt: skip


JSON_BREAKING = ["deep", "bigint", "id_number", "date8", "huge", "tiny", "truncated", "items_1000"]
JSON_NEUTRAL = ["odd_unicode", "float_value"]


def _json_line(declaration_id: str, how: str | None, draw: st.DrawFn) -> str:
    record = _declaration(declaration_id)
    item = record["items"][0]
    if how == "deep":
        depth = draw(st.sampled_from([1_000, 5_000, 50_000]))
        return json.dumps(record)[:-1] + ', "x": ' + "[" * depth + "]" * depth + "}"
    if how == "bigint":
        return json.dumps(record).replace('"value": 30000', '"value": ' + "9" * 5000)
    if how == "id_number":
        return json.dumps(record).replace(f'"{declaration_id}"', declaration_id[2:])
    if how == "date8":
        record["declared_at"] = "20240502"
    elif how == "huge":
        item["value"] = draw(st.sampled_from(["1e999999999", 1e300, 10**20, "1e15"]))
    elif how == "tiny":
        item["quantity"] = draw(st.sampled_from(["1e-999999999", 1e-300, "0.0000001"]))
    elif how == "items_1000":
        record["items"] = [dict(item, item_no=n) for n in range(1, 1001)]
    elif how == "odd_unicode":
        record["exporter"]["name"] += "".join(draw(st.lists(st.sampled_from(ODD), min_size=1)))
    elif how == "float_value":
        item["value"] = 30000.25
    text = json.dumps(record, ensure_ascii=draw(st.booleans()))
    if how == "truncated":
        text = text[: draw(st.integers(len(declaration_id) + 22, len(text) - 2))]  # id whole
    return text


@st.composite
def jsonl_files(draw: st.DrawFn) -> tuple[bytes, list[tuple[str, str | None]]]:
    lines: list[str] = []
    rows: list[tuple[str, str | None]] = []
    for n in range(draw(st.integers(1, 6))):
        how = draw(st.sampled_from([None] * 5 + JSON_BREAKING + JSON_NEUTRAL + ["garbage"]))
        declaration_id = f"Q-{n}"
        if how == "garbage":
            lines.append(draw(GARBAGE).replace("\n", " ").replace("\r", " "))
            how = "garbage" if lines[-1].strip() else "blank"
        else:
            lines.append(_json_line(declaration_id, how, draw))
        rows.append((declaration_id, how))
        if draw(st.integers(0, 4)) == 0:
            lines.append(draw(st.sampled_from(["", "  ", "\r"])))
            rows.append(("", "blank"))
    text = "\n".join(lines)
    data = text.encode("utf-8")
    if draw(st.booleans()):
        data = codecs.BOM_UTF8 + data
    return data, rows


@FUZZ
@given(jsonl_files())
def test_jsonl_lines_are_used_or_reported(case: tuple[bytes, list[Any]]) -> None:
    data, rows = case
    with TemporaryDirectory() as folder:
        path = Path(folder, "fuzz.jsonl")
        path.write_bytes(data)
        result = read_declarations(path)
        imports = read_import_records(path)  # the wrong fields, but nothing escapes
    assert imports.errors
    accepted = {d.declaration_id for d in result.declarations}
    rejected = set(result.rejected)
    assert not accepted & rejected
    if not data.removeprefix(codecs.BOM_UTF8).strip():
        assert [e.reason for e in result.errors] == ["file is empty"]
        return
    for line, (declaration_id, how) in enumerate(rows, start=1):
        if how == "blank":
            assert line not in {e.line for e in result.errors}
            continue
        if how is None or how in JSON_NEUTRAL:
            assert declaration_id in accepted, (how, result.errors)
        elif how == "garbage":
            assert any(e.line == line for e in result.errors), (line, result.errors)
        else:
            assert declaration_id not in accepted
            assert any(e.line == line for e in result.errors), (how, line, result.errors)
            if how not in ("id_number",):  # an id that is not text names nothing
                assert declaration_id in rejected, (how, result.errors)


# -- POST /screen ---------------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def screen_bodies(draw: st.DrawFn) -> tuple[str, list[str | None]]:
    """A body as text, and for each declaration in it the id it must be screened under (or
    None when it must be refused)."""
    kind = draw(st.sampled_from(["batch", "batch", "list", "one", "junk", "raw"]))
    if kind == "junk":
        return json.dumps(draw(JSON_VALUES)), []
    if kind == "raw":
        return draw(
            st.sampled_from(["[" * 50_000, "{" + '"a":' * 3000, "1" * 5000, "\xff", ""])
        ), []
    expected: list[str | None] = []
    records: list[Any] = []
    unparsable = False
    for n in range(1 if kind == "one" else draw(st.integers(1, 4))):
        how = draw(st.sampled_from([None] * 3 + JSON_BREAKING + JSON_NEUTRAL))
        declaration_id = f"API-FUZZ-{draw(st.integers(0, 10**9))}-{n}"
        line = _json_line(declaration_id, how, draw)
        if how in ("deep", "bigint"):
            unparsable = True  # Python's JSON parser may refuse the whole body: a 4xx for all
        try:
            records.append(json.loads(line))
        except (ValueError, RecursionError):
            records.append(line)  # a JSON string: refused as not an object
            how = "truncated"
        expected.append(declaration_id if how is None or how in JSON_NEUTRAL else None)
    if kind == "one":
        body: Any = records[0]
    elif kind == "list":
        body = records
    else:
        body = {"declarations": records}
    try:
        return json.dumps(body), [] if unparsable else expected
    except (ValueError, RecursionError):
        return "[]", []


@pytest.fixture(scope="module")
def fuzz_api(tmp_path_factory: pytest.TempPathFactory) -> Any:
    from diversion.home import Home
    from diversion.store import open_store
    from diversion.store.engine import default_url
    from tests.test_api import Api

    folder = tmp_path_factory.mktemp("api")
    home = Home(folder / "home")
    return Api(open_store(home, default_url(home)), folder / "home")


@settings(FUZZ, max_examples=max(10, EXAMPLES // 2))
@given(body=screen_bodies())
def test_post_screen_never_answers_5xx_and_accounts_for_every_declaration(
    fuzz_api: Any, body: tuple[str, list[str | None]]
) -> None:
    text, expected = body
    response = fuzz_api.client.post(
        "/screen",
        content=text.encode("utf-8", "surrogatepass"),
        headers={"Authorization": f"Bearer {fuzz_api.tokens['ana']}",
                 "Content-Type": "application/json"},
    )  # fmt: skip
    assert response.status_code < 500, response.text
    assert response.headers["content-type"].startswith("application/json")
    if not expected:
        return
    good = [d for d in expected if d is not None]
    answer = response.json()
    if not good:
        assert response.status_code == 422
        numbers = {e["declaration"] for e in answer["errors"]} if "errors" in answer else set()
        assert numbers == set(range(1, len(expected) + 1)) or not numbers
        return
    assert response.status_code == 200, answer
    assert [d["declaration_id"] for d in answer["decisions"]] == good
    refused = {e["declaration"] for e in answer["errors"]}
    assert refused == {n for n, d in enumerate(expected, start=1) if d is None}
