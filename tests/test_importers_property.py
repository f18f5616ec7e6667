"""Every importer that reads rows, on generated files mixing good rows and broken ones (odd ids,
missing fields, extra cells, bad dates, odd unicode, quotes, fields over several lines): every
row is either in the result, traceable to it, or in the error report with its line, and the
counts add up (rows read = used + reported). Nothing is dropped without a word."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

from followthemoney import model
from followthemoney.types import registry
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from diversion.declarations.csv_format import COLUMNS as DECLARATION_COLUMNS
from diversion.declarations.read import read_declarations
from diversion.licences.csv_format import COLUMNS as LICENCE_COLUMNS
from diversion.licences.csv_format import read_licences
from diversion.lists.importers import ListFormatError
from diversion.lists.importers.base import ftm_id
from diversion.lists.importers.ofac_csv import read_ofac_csv
from diversion.lists.importers.user_csv import COLUMNS as USER_COLUMNS
from diversion.lists.importers.user_csv import read_user_csv
from diversion.network.registry_csv import (
    ENTITY_COLUMNS,
    RELATION_COLUMNS,
    edge_registry_id,
    read_registry_csv,
    registry_id,
)
from tests.conftest import BASE_ROW

SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)  # fmt: skip

# Odd text: any script, marks, emoji, quotes, commas, semicolons, tabs and line breaks; no NUL
# (a NUL is a broken file, not an odd value) and no lone surrogates (not encodable).
ODD = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=10)
SPECIAL = ("p_nurlan", "ТОО 17", "a.b", "a_b.c-d", " padded ", '"quoted"', "a,b;c", "x" * 250)
ODD_ID = st.one_of(st.sampled_from(SPECIAL), ODD).filter(lambda s: bool(s.strip()))


def text_with_letter(draw: st.DrawFn) -> str:
    """Odd text around a letter, so that it is never empty once trimmed."""
    return f"{draw(ODD)}N{draw(ODD)}"


@dataclass
class Row:
    cells: list[str]
    bad: bool  # broken on purpose: must be reported
    key: tuple[Any, ...] = ()  # what traces it in the result


@dataclass
class Written:
    path: Path
    rows: list[Row]
    starts: list[int]  # the line each row starts on


def write_rows(path: Path, header: list[str] | None, rows: list[Row], style: str) -> Written:
    """Rows written as a spreadsheet would: quoted as needed, CRLF or LF line ends."""
    buffer = io.StringIO(newline="")
    if style == "minimal":
        writer = csv.writer(buffer, lineterminator="\r\n")
    else:
        writer = csv.writer(buffer, lineterminator="\n", quoting=csv.QUOTE_ALL)
    if header is not None:
        writer.writerow(header)
    starts = []
    for row in rows:
        starts.append(len(io.StringIO(buffer.getvalue(), newline="").readlines()) + 1)
        writer.writerow(row.cells)
    path.write_bytes(buffer.getvalue().encode("utf-8"))
    return Written(path, rows, starts)


STYLES = st.sampled_from(["minimal", "all"])


def spans(written: Written) -> list[tuple[int, int]]:
    """(first line, line after the last) of each row."""
    # lines counted as `write_rows` counts the starts (and the csv module does): at \n, \r\n
    # and a lone \r, which a generated cell may hold
    text = written.path.read_bytes().decode("utf-8")
    total = len(io.StringIO(text, newline="").readlines()) + 1
    ends = [*written.starts[1:], total]
    return list(zip(written.starts, ends, strict=True))


def broken(cells: list[str], how: str) -> list[str]:
    return [*cells, "extra"] if how == "extra" else cells[:-1]


# -- the registry CSV -----------------------------------------------------------------------------

FAULT = re.compile(r"^(?P<path>.+?):(?P<line>\d+): (?P<column>[^:]+): ")


@st.composite
def registry_files(draw: st.DrawFn) -> tuple[list[Row], list[Row], str]:
    ids = draw(st.lists(ODD_ID, min_size=1, max_size=7, unique_by=lambda s: s.strip()))
    schemata = {
        i.strip(): draw(st.sampled_from(["Company", "Person", "Organization", "LegalEntity"]))
        for i in ids
    }
    entities: list[Row] = []
    for entity_id in ids:
        person = schemata[entity_id.strip()] == "Person"
        row = dict.fromkeys(ENTITY_COLUMNS, "")
        row |= {"id": entity_id, "schema": schemata[entity_id.strip()]}
        row["name"] = text_with_letter(draw)
        row["birth_date" if person else "incorporation_date"] = draw(
            st.sampled_from(["", "1990-02-28", "2022-03-09"])
        )
        entities.append(Row([row[c] for c in ENTITY_COLUMNS], False, ("entity", entity_id)))
    for n in range(draw(st.integers(0, 4))):
        how = draw(st.sampled_from(["date", "name", "schema", "extra", "short", "twice"]))
        row = dict.fromkeys(ENTITY_COLUMNS, "") | {"id": f"bad_{n}", "schema": "Company"}
        row["name"] = text_with_letter(draw)
        if how == "date":
            row["incorporation_date"] = draw(st.sampled_from(["2022-13-01", "09.03.2022", "x"]))
        elif how == "name":
            row["name"] = draw(st.sampled_from(["", "  "]))
        elif how == "schema":
            row["schema"] = "Ship"
        elif how == "twice":
            row["id"] = draw(st.sampled_from(ids))
        cells = [row[c] for c in ENTITY_COLUMNS]
        entities.append(Row(broken(cells, how) if how in ("extra", "short") else cells, True))
    relations: list[Row] = []
    for _ in range(draw(st.integers(0, 8))):
        source, target = draw(st.sampled_from(ids)), draw(st.sampled_from(ids))
        if schemata[target.strip()] == "Person" and schemata[source.strip()] != "Person":
            source, target = target, source
        row = dict.fromkeys(RELATION_COLUMNS, "") | {"source_id": source, "target_id": target}
        if schemata[target.strip()] == "Person":
            row |= {"type": "family", "role": "son"}
        elif draw(st.booleans()):
            row |= {"type": "ownership", "percentage": str(draw(st.integers(1, 100)))}
        else:
            row |= {"type": "directorship", "role": text_with_letter(draw)}
        row["start_date"] = draw(st.sampled_from(["", "2020-01-01"]))
        relations.append(Row([row[c] for c in RELATION_COLUMNS], False, ("edge", row)))
    for _ in range(draw(st.integers(0, 4))):
        how = draw(st.sampled_from(["ghost", "share", "date", "type", "extra", "short"]))
        firm = next((i for i in ids if schemata[i.strip()] != "Person"), None)
        if firm is None:
            how = draw(st.sampled_from(["ghost", "extra", "short", "type"]))
        target = firm or ids[0]
        row = dict.fromkeys(RELATION_COLUMNS, "")
        row |= {"type": "directorship", "source_id": ids[0], "target_id": target}
        if how == "ghost":
            row |= {"source_id": "ghost_" + draw(ODD), "type": "directorship"}
        elif how == "share":
            row |= {"type": "ownership", "percentage": draw(st.sampled_from(["0", "120", "x"]))}
        elif how == "date":
            row["end_date"] = draw(st.sampled_from(["2024-02-30", "soon"]))
        elif how == "type":
            row["type"] = "friendship"
        cells = [row[c] for c in RELATION_COLUMNS]
        if schemata[target.strip()] == "Person" and how in ("extra", "short", "ghost"):
            row["type"] = "family"  # a person's director would be a second fault
            cells = [row[c] for c in RELATION_COLUMNS]
        relations.append(Row(broken(cells, how) if how in ("extra", "short") else cells, True))
    # the good rows first, so that an id given twice is broken on its second row
    good, bad = entities[: len(ids)], entities[len(ids) :]
    return [*draw(st.permutations(good)), *bad], draw(st.permutations(relations)), draw(STYLES)


@SETTINGS
@given(registry_files())
def test_registry_rows_are_used_or_reported(files: tuple[list[Row], list[Row], str]) -> None:
    entity_rows, relation_rows, style = files
    with TemporaryDirectory() as folder:
        entities = write_rows(Path(folder, "ent_1.csv"), list(ENTITY_COLUMNS), entity_rows, style)
        relations = write_rows(
            Path(folder, "rel ations.csv"), list(RELATION_COLUMNS), relation_rows, style
        )
        written = [entities, relations]
        bad = {
            (str(w.path), s)
            for w in written
            for r, s in zip(w.rows, w.starts, strict=True)
            if r.bad
        }
        total = len(entity_rows) + len(relation_rows)
        try:
            parsed = read_registry_csv([relations.path, entities.path])
        except ListFormatError as exc:
            faults = str(exc).splitlines()
            reported = set()
            for fault in faults[1:]:
                match = FAULT.match(fault)
                assert match, fault
                reported.add((match["path"], int(match["line"])))
            assert reported == bad  # every broken row, and no good one
            assert (
                f"{total:,} rows read, {total - len(bad):,} fine, {len(bad):,} rejected"
                in (faults[0])
            )
            return
        assert not bad, f"broken rows imported: {sorted(bad)}"
    assert len(parsed.entities) == total  # one entity a row: read = used
    by_id = {str(e.id): e for e in parsed.entities}
    for entity in parsed.entities:  # ids FtM keeps, so no reference is lost downstream
        assert registry.entity.clean(str(entity.id)) == entity.id
    for row in entity_rows:
        entity = by_id[registry_id(row.key[1].strip())]
        assert entity.schema.name == row.cells[1].strip() and entity.get("name")
    ends = {"Ownership": ("owner", "asset"), "Directorship": ("director", "organization"),
            "Family": ("person", "relative")}  # fmt: skip
    for row, line in zip(relation_rows, relations.starts, strict=True):
        fields = row.key[1]
        source, target = fields["source_id"].strip(), fields["target_id"].strip()
        edge = by_id[edge_registry_id(relations.path, line, fields["type"], source, target)]
        props = ends[edge.schema.name]
        kept = model.get_proxy(edge.to_dict(), cleaned=False)  # as any FtM tool reads it
        assert kept.get(props[0]) == [registry_id(source)]
        assert kept.get(props[1]) == [registry_id(target)]


# -- a user's list (CSV) --------------------------------------------------------------------------


@st.composite
def user_lists(draw: st.DrawFn) -> tuple[list[Row], str]:
    ids = draw(st.lists(ODD_ID, min_size=1, max_size=6, unique_by=lambda s: s.strip()))
    rows = []
    for entity_id in ids:
        row = dict.fromkeys(USER_COLUMNS, "") | {"id": entity_id}
        row |= {"schema": draw(st.sampled_from(["Person", "Company", "Vessel"]))}
        row["name"] = text_with_letter(draw)
        row["aliases"] = draw(st.sampled_from(["", "Alias One; Алиас Два"]))
        row["program"] = draw(st.sampled_from(["", "RUSSIA-EO14024"]))
        row["listed_at"] = draw(st.sampled_from(["", "2024-02-23"]))
        rows.append(Row([row[c] for c in USER_COLUMNS], False, (entity_id.strip(),)))
    for n in range(draw(st.integers(0, 3))):
        how = draw(st.sampled_from(["date", "name", "schema", "extra", "short", "country"]))
        row = dict.fromkeys(USER_COLUMNS, "") | {"id": f"bad-{n}", "schema": "Company"}
        row["name"] = text_with_letter(draw)
        if how == "date":
            row["listed_at"] = "2024-02-30"
        elif how == "name":
            row["name"] = ""
        elif how == "schema":
            row["schema"] = "Ship"
        elif how == "country":
            row["country"] = "Narnia"
        cells = [row[c] for c in USER_COLUMNS]
        rows.append(Row(broken(cells, how) if how in ("extra", "short") else cells, True))
    return draw(st.permutations(rows)), draw(STYLES)


@SETTINGS
@given(user_lists())
def test_user_list_rows_are_used_or_reported(files: tuple[list[Row], str]) -> None:
    rows, style = files
    with TemporaryDirectory() as folder:
        written = write_rows(Path(folder, "my list.csv"), list(USER_COLUMNS), rows, style)
        bad = [s for r, s in zip(rows, written.starts, strict=True) if r.bad]
        try:
            parsed = read_user_csv([written.path])
        except ListFormatError as exc:
            assert bad, f"a good list refused: {exc}"
            # the import is whole or nothing, and says where: the first broken row
            assert exc.where.startswith(f"line {min(bad)}"), (str(exc), bad)
            return
    assert not bad
    listed = [e for e in parsed.entities if e.schema.name != "Sanction"]
    assert len(listed) == len(rows)  # read = used
    ids = {str(e.id) for e in listed}
    assert {ftm_id(r.key[0]) for r in rows} == ids
    sanctioned = {
        v for e in parsed.entities if e.schema.name == "Sanction" for v in e.get("entity")
    }
    assert sanctioned == ids  # every entity's listing kept its reference


# -- declarations (CSV and JSON Lines) -------------------------------------------------------------


@st.composite
def declaration_rows(draw: st.DrawFn) -> list[tuple[str, dict[str, str], str | None]]:
    """(declaration id, row, how it is broken or None), grouped by declaration."""
    rows = []
    for n in range(draw(st.integers(1, 4))):
        head = dict(BASE_ROW) | {
            "declaration_id": f"D-{n}",
            "exporter_name": text_with_letter(draw),
        }
        for item in range(1, draw(st.integers(1, 3)) + 1):
            row = head | {"item_no": str(item), "description": text_with_letter(draw)}
            how = draw(st.sampled_from([None, None, None, "hs", "date", "quantity", "extra"]))
            if how == "hs":
                row["hs_code"] = "12"
            elif how == "date":
                row["declared_at"] = "2024-02-30"
            elif how == "quantity":
                row["quantity"] = ""
            rows.append((f"D-{n}", row, how))
    return rows


@SETTINGS
@given(declaration_rows(), STYLES)
def test_declaration_csv_rows_are_used_or_reported(
    rows: list[tuple[str, dict[str, str], str | None]], style: str
) -> None:
    columns = list(DECLARATION_COLUMNS)
    written_rows = []
    for _, row, how in rows:
        cells = [str(row.get(c, "")) for c in columns]
        written_rows.append(
            Row(broken(cells, "extra") if how == "extra" else cells, how is not None)
        )
    with TemporaryDirectory() as folder:
        written = write_rows(Path(folder, "decl.csv"), columns, written_rows, style)
        result = read_declarations(written.path)
        row_lines = {n for start, end in spans(written) for n in range(start, end)}
    error_lines = {e.line for e in result.errors}
    accepted = {d.declaration_id: d for d in result.declarations}
    assert not set(accepted) & set(result.rejected)
    used = reported = 0
    for (declaration_id, row, how), line in zip(rows, written.starts, strict=True):
        if how == "date":  # a declaration's field is reported once, for the declaration
            assert any(
                e.field == "declared_at" and e.declaration_id == declaration_id
                for e in result.errors
            ), (how, line, result.errors)
        elif how is not None:
            assert line in error_lines, (how, line, result.errors)
        if declaration_id in accepted:
            numbers = [item.item_no for item in accepted[declaration_id].items]
            assert int(row["item_no"]) in numbers
            used += 1
        else:
            assert line in error_lines or declaration_id in result.rejected
            reported += 1
    assert used + reported == len(rows)
    assert used == sum(len(d.items) for d in result.declarations)
    # no error points at a line that is no row's (a bad row's lines are each read again)
    assert error_lines <= row_lines
    broken_ids = {d for d, _, how in rows if how is not None}
    assert set(accepted) == {d for d, _, _ in rows} - broken_ids


@SETTINGS
@given(declaration_rows(), st.booleans())
def test_declaration_jsonl_lines_are_used_or_reported(
    rows: list[tuple[str, dict[str, str], str | None]], duplicate: bool
) -> None:
    import json

    lines: list[tuple[str, str, bool]] = []  # (declaration id, text, broken)
    for declaration_id in dict.fromkeys(d for d, _, _ in rows):
        group = [(row, how) for d, row, how in rows if d == declaration_id]
        record: dict[str, Any] = {
            "declaration_id": declaration_id, "declared_at": group[0][0]["declared_at"],
            "procedure": "export", "country_of_dispatch": "KZ", "country_of_destination": "TR",
            "exporter": {"name": group[0][0]["exporter_name"], "country": "KZ"},
            "consignee": {"name": "Anadolu Un", "country": "TR"},
            "items": [{c: row[c] for c in ("item_no", "hs_code", "description",
                       "country_of_origin", "quantity", "value", "currency")} for row, _ in group],
        }  # fmt: skip
        # a JSON declaration has one declared_at, its first row's: a bad date on a later row
        # of the CSV-shaped draw is not written
        is_broken = group[0][1] == "date" or any(how not in (None, "date") for _, how in group)
        if any(how == "extra" for _, how in group):
            record["colour"] = "red"
        lines.append((declaration_id, json.dumps(record, ensure_ascii=False), is_broken))
    if duplicate:  # the same id twice: the second line is refused
        lines.append((lines[0][0], lines[0][1], True))
    lines.insert(len(lines) // 2, ("", "{not json", True))
    with TemporaryDirectory() as folder:
        path = Path(folder, "decl.jsonl")
        path.write_text("\n".join(text for _, text, _ in lines) + "\n", encoding="utf-8")
        result = read_declarations(path)
    error_lines = {e.line for e in result.errors}
    for number, (_, _, is_broken) in enumerate(lines, start=1):
        if is_broken:
            assert number in error_lines, (number, result.errors)
        else:
            assert number not in error_lines
    assert len(result.declarations) + len(error_lines) == len(lines)  # read = used + reported
    accepted = [d.declaration_id for d in result.declarations]
    assert len(accepted) == len(set(accepted))


# -- licences --------------------------------------------------------------------------------------


@st.composite
def licence_rows(draw: st.DrawFn) -> tuple[list[Row], str]:
    rows: list[Row] = []
    numbers = draw(
        st.lists(
            st.from_regex(r"[A-Z]{2}-[0-9]{1,6}", fullmatch=True),
            min_size=1, max_size=6, unique=True,
        )
    )  # fmt: skip
    for number in numbers:
        row = dict.fromkeys(LICENCE_COLUMNS, "") | {
            "licence_no": number, "holder_name": text_with_letter(draw), "type": "individual",
            "authority": "МТИ РК", "goods": draw(st.sampled_from(["8542", "8542.31; 85", "84"])),
            "destinations": draw(st.sampled_from(["", "TR; AE"])), "valid_from": "2024-01-01",
            "valid_to": "2024-12-31",
        }  # fmt: skip
        how = draw(st.sampled_from([None, None, "goods", "date", "to", "extra", "short", "twice"]))
        if how == "goods":
            row["goods"] = draw(st.sampled_from(["", "8", "abc"]))
        elif how == "date":
            row["valid_from"] = "2024-02-30"
        elif how == "to":
            row["valid_to"] = "2023-12-31"
        elif how == "twice" and number != numbers[0] and not rows[0].bad:
            row["licence_no"] = numbers[0]  # the number of the first row, which is good
        elif how == "twice":
            how = None
        cells = [row[c] for c in LICENCE_COLUMNS]
        rows.append(
            Row(broken(cells, how) if how in ("extra", "short") else cells, how is not None)
        )
    return rows, draw(STYLES)


@SETTINGS
@given(licence_rows())
def test_licence_rows_are_used_or_reported(files: tuple[list[Row], str]) -> None:
    rows, style = files
    with TemporaryDirectory() as folder:
        written = write_rows(Path(folder, "licences.csv"), list(LICENCE_COLUMNS), rows, style)
        result = read_licences(written.path)
    bad = {s for r, s in zip(rows, written.starts, strict=True) if r.bad}
    error_lines = {e.line for e in result.errors}
    assert error_lines == bad  # every broken row, and no good one
    if bad:
        assert result.licences == []  # whole or nothing
    else:
        assert len(result.licences) == len(rows)  # read = used
        assert sorted(result.lines.values()) == written.starts


# -- OFAC's legacy CSV (sdn.csv) -------------------------------------------------------------------


@st.composite
def sdn_rows(draw: st.DrawFn) -> tuple[list[Row], str]:
    rows = []
    numbers = draw(st.lists(st.integers(1, 99999), min_size=1, max_size=6, unique=True))
    for number in numbers:
        kind = draw(st.sampled_from(["-0-", "individual", "vessel"]))
        name = text_with_letter(draw).replace("\x1a", "")
        cells = [str(number), name, kind, "RUSSIA-EO14024", *["-0-"] * 7,
                 draw(st.sampled_from(["-0-", "DOB 12 Jan 1960.", "Linked To: X."]))]  # fmt: skip
        how = draw(st.sampled_from([None, None, None, "number", "name", "extra", "short"]))
        if how == "number":
            cells[0] = "12a"
        elif how == "name":
            cells[1] = "-0-"
        rows.append(Row(broken(cells, how) if how in ("extra", "short") else cells, how is not None,
                        (f"ofac-{number}",)))  # fmt: skip
    return rows, draw(STYLES)


@SETTINGS
@given(sdn_rows())
def test_ofac_sdn_rows_are_used_or_reported(files: tuple[list[Row], str]) -> None:
    rows, style = files
    with TemporaryDirectory() as folder:
        path = Path(folder, "sdn.csv")
        written = write_rows(path, None, rows, style)
        path.write_bytes(path.read_text("utf-8").encode("cp1252", "replace"))
        bad = [s for r, s in zip(rows, written.starts, strict=True) if r.bad]
        try:
            parsed = read_ofac_csv([path])
        except ListFormatError as exc:
            assert bad, f"a good file refused: {exc}"
            assert exc.where == f"line {min(bad)}", (str(exc), bad)
            return
    assert not bad
    listed = {str(e.id) for e in parsed.entities if e.schema.name != "Sanction"}
    assert listed == {r.key[0] for r in rows}  # read = used
