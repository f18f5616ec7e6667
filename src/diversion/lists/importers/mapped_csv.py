"""A list published as a CSV of its own shape, read through a mapping file (`mapping.py`).

The importer takes two files: the table and its mapping (`.yml`). Both are fingerprinted into
the snapshot, so an auditor can tell which mapping read which table. Each row becomes one
entity and the Sanction that records its listing. Values are cleaned by their FtM type: dates
by the mapping's formats, countries to ISO codes, phone numbers to E.164 (international form,
dialled in a country of the row when printed without one) so that the shared-phone rule can
compare them with the registry's, e-mails and addresses of web sites as FtM reads them.

A row that cannot be read is a fault naming file, line, column and reason. The import reads
every row first and stops with all faults at once; one fault and nothing is imported. A value
FtM refuses is a fault too, unless its column says `invalid: notes`: then it is kept, as
printed, in the entity's notes.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from followthemoney.exc import InvalidData
from followthemoney.property import Property
from followthemoney.proxy import EntityProxy
from followthemoney.types import registry

from diversion.countries import CountryError, normalise_country
from diversion.lists.importers.base import ListFormatError, Parsed, make, read_text, stable_id
from diversion.lists.importers.mapping import Column, Mapping, load_mapping

MAX_SHOWN = 200  # faults listed in the message; the count says how many there are
LABELLED = re.compile(r"^(?P<value>.*?)\s*\((?P<label>[^()]*)\)\s*$")
COUNTRY_PROPS = ("country", "jurisdiction", "nationality", "mainCountry")


class _Faults:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.lines: list[str] = []
        self.rows: set[int] = set()

    def add(self, line: int, column: str, reason: str) -> None:
        self.rows.add(line)
        self.lines.append(f"line {line}, column {column}: {reason}")


def _split(cell: str, separator: str | None) -> list[str]:
    """The values of a cell. A one-character separator reads the cell as CSV, so a value that
    holds the separator can be quoted ("Foo; Bar"; Baz is two values)."""
    if separator is None:
        parts = [cell]
    elif len(separator) == 1:
        reader = csv.reader(io.StringIO(cell, newline=""), delimiter=separator,
                            skipinitialspace=True)  # fmt: skip
        parts = [part for row in reader for part in row]
    else:
        parts = cell.split(separator)
    return [part.strip() for part in parts if part.strip()]


def _date(value: str, formats: Sequence[str]) -> str | None:
    """An ISO date, as precise as the format that reads it (a year alone stays a year)."""
    for fmt in formats:
        try:
            parsed = datetime.strptime(value, fmt)
        except ValueError:
            continue
        if "%d" in fmt or "%j" in fmt:
            return parsed.date().isoformat()
        if any(code in fmt for code in ("%m", "%b", "%B")):
            return parsed.strftime("%Y-%m")
        return parsed.strftime("%Y")
    return None


def _phone(value: str, countries: Sequence[str]) -> str | None:
    """E.164, as printed or else as dialled in one of the row's countries."""
    for hint in (None, *countries):
        try:
            cleaned = registry.phone.clean_text(value, format=hint)
        except InvalidData:  # a country with no dialling plan of its own
            continue
        if cleaned is not None:
            return cleaned
    return None


def _clean(
    prop: Property, value: str, mapping: Mapping, entity: EntityProxy
) -> tuple[str | None, str]:
    """The value as FtM keeps it, or None and why not."""
    kind = prop.type
    if kind == registry.date:
        formats = ", ".join(mapping.date_formats)
        return _date(value, mapping.date_formats), f"{value!r} is not a date ({formats})"
    if kind == registry.country:
        try:
            return normalise_country(value).lower(), ""
        except CountryError as exc:
            return None, str(exc)
    if kind == registry.phone:
        countries = sorted({c for p in COUNTRY_PROPS for c in entity.get(p, quiet=True)})
        dialled = f" or dialled in {', '.join(countries)}" if countries else ""
        return _phone(value, countries), f"{value!r} is not a phone number (as printed{dialled})"
    cleaned = kind.clean_text(value, proxy=entity)
    return cleaned, f"{value!r} is not a valid {kind.name}"


def _last_part_country(address: str) -> str | None:
    """The country an address ends in ("…, Astana, Republic of Kazakhstan"), if it names one."""
    last = address.rsplit(",", 1)[-1].strip()
    if not last or any(ch.isdigit() for ch in last):
        return None
    try:
        return normalise_country(last).lower()
    except CountryError:
        return None  # a city or a region, not a country


def _fill(
    target: EntityProxy,
    entity: EntityProxy,
    column: Column,
    cell: str,
    mapping: Mapping,
    faults: _Faults,
    line: int,
) -> None:
    """Add one cell's values to the entity or its Sanction (`target`)."""
    for raw in _split(cell, column.split):
        prop_name, value = column.prop, raw
        labelled = LABELLED.match(raw) if column.labels else None
        if labelled:
            value = labelled["value"]
            label = labelled["label"].strip().lower()
            if label in column.labels:
                prop_name = column.labels[label]
            else:
                entity.add("notes", f"{column.name}: {raw}")  # the label says what it is
        prop = target.schema.get(prop_name)
        if prop is None:
            faults.add(line, column.name, f"a {target.schema.name} has no {prop_name}")
            continue
        cleaned, why = _clean(prop, value, mapping, entity)
        if cleaned is None:
            if column.invalid == "notes":
                entity.add("notes", f"{column.name}: {raw}")
            else:
                faults.add(line, column.name, why)
            continue
        target.add(prop, cleaned, cleaned=True)
        if column.country_from_last_part and (country := _last_part_country(value)):
            entity.add("country", country, cleaned=True)


def _row_entities(
    row: dict[str, str], mapping: Mapping, faults: _Faults, line: int, ids: dict[str, int]
) -> tuple[EntityProxy, EntityProxy] | None:
    before = len(faults.lines)
    for name, allowed in mapping.expect.items():
        if row[name] not in allowed:
            faults.add(
                line, name,
                f"{row[name]!r} is not {' or '.join(allowed)}: the mapping {mapping.name!r} "
                f"reads only those rows (select them first, or use another mapping)",
            )  # fmt: skip
    schema = row[mapping.schema_column] if mapping.schema_column else mapping.schemata[0]
    if schema not in mapping.schemata:
        faults.add(
            line, mapping.schema_column or "schema",
            f"{schema!r} is not one of {', '.join(mapping.schemata)}",
        )  # fmt: skip
        return None
    entity_id = row.get(mapping.id_column, "") if mapping.id_column else ""
    if entity_id:
        entity_id = f"{mapping.id_prefix}-{entity_id}"
    elif mapping.id_from:
        parts = [row.get(c, "") for c in mapping.id_from]
        if any(parts):
            entity_id = stable_id(mapping.id_prefix, schema, *parts)
    if not entity_id:
        faults.add(line, mapping.id_column or ", ".join(mapping.id_from), "no id")
        return None
    if entity_id in ids:
        faults.add(line, mapping.id_column or "id",
                   f"id {entity_id!r} given twice (also line {ids[entity_id]})")  # fmt: skip
        return None
    ids[entity_id] = line
    entity = make(schema, entity_id)
    sanction = make("Sanction", f"{entity_id}-sanction")
    sanction.add("entity", entity_id)
    for prop, values in mapping.sanction.items():
        sanction.add(prop, list(values))
    phones = []
    for column in mapping.columns.values():
        cell = row.get(column.name, "")
        if not cell:
            if column.required:
                faults.add(line, column.name, "required")
            continue
        if entity.schema.get(column.prop) is not None and (
            entity.schema.properties[column.prop].type == registry.phone
        ):
            phones.append((column, cell))  # last: the row's countries are their dialling hints
            continue
        target = sanction if column.sanction else entity
        _fill(target, entity, column, cell, mapping, faults, line)
    for column, cell in phones:
        _fill(entity, entity, column, cell, mapping, faults, line)
    entity.add("topics", list(mapping.topics), cleaned=True)
    if len(faults.lines) > before:
        return None
    return entity, sanction


def _check_header(path: Path, header: list[str], mapping: Mapping) -> None:
    faults = []
    repeated = sorted({c for c in header if header.count(c) > 1})
    if repeated:
        faults.append(f"columns given twice: {', '.join(repeated)}")
    unknown = [c for c in header if c not in mapping.known_columns]
    if unknown:
        faults.append(
            f"columns the mapping {mapping.name!r} does not name: {', '.join(unknown)} "
            "(map them under columns, or list them under ignore)"
        )
    needed = [c.name for c in mapping.columns.values() if c.required]
    needed += [c for c in (mapping.schema_column, *mapping.expect, *mapping.select) if c]
    if mapping.id_column and not mapping.id_from:
        needed.append(mapping.id_column)
    missing = [c for c in dict.fromkeys(needed) if c not in header]
    if missing:
        faults.append(f"required columns missing: {', '.join(missing)}")
    if faults:
        raise ListFormatError(path, "line 1", "; ".join(faults))


def _files(paths: Sequence[Path]) -> tuple[Path, Path]:
    mappings = [p for p in paths if p.suffix.lower() in (".yml", ".yaml")]
    tables = [p for p in paths if p not in mappings]
    given = ", ".join(map(str, paths)) or "(none)"
    if len(mappings) != 1 or len(tables) != 1:
        raise ListFormatError(
            given, "", "a mapped CSV takes one table and one mapping file (.yml): "
            "`diversion lists import mapped-csv TABLE.csv --mapping NAME|FILE`",
        )  # fmt: skip
    return tables[0], mappings[0]


def read_mapped_csv(paths: Sequence[Path]) -> Parsed:
    table, mapping_path = _files(paths)
    mapping = load_mapping(mapping_path)
    text = read_text(table)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=mapping.delimiter)
    try:
        header = [c.strip() for c in next(reader)]
    except StopIteration:
        raise ListFormatError(table, "", "the file is empty (no header)") from None
    except csv.Error as exc:
        raise ListFormatError(table, "line 1", f"not a CSV: {exc}") from None
    _check_header(table, header, mapping)
    parsed = Parsed(source=mapping.label)
    faults = _Faults(table)
    ids: dict[str, int] = {}
    rows = 0
    end = reader.line_num
    while True:
        start = end + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            faults.add(start, "-", f"not a CSV row: {exc}")
            break  # the reader cannot resume after a broken quote
        end = reader.line_num
        if not cells:
            continue  # an empty line is no row
        rows += 1
        if len(cells) != len(header):
            faults.add(start, "-", f"{len(cells)} fields, the header has {len(header)}")
            continue
        row = {name: value.strip() for name, value in zip(header, cells, strict=True)}
        outside = [(c, row[c]) for c, values in mapping.select.items() if row[c] not in values]
        if outside:
            why = ", ".join(f"{c} {v!r}" for c, v in outside) + " (not selected by the mapping)"
            parsed.left_out[why] = parsed.left_out.get(why, 0) + 1
            continue
        found = _row_entities(row, mapping, faults, start, ids)
        if found is not None:
            parsed.entities.extend(found)
    if faults.lines:
        shown = faults.lines[:MAX_SHOWN]
        if len(faults.lines) > MAX_SHOWN:
            shown.append(f"... and {len(faults.lines) - MAX_SHOWN} more")
        raise ListFormatError(
            table,
            f"{len(faults.lines)} fault(s) in {len(faults.rows)} of {rows} rows",
            "nothing imported\n" + "\n".join(shown),
        )
    if not rows:
        raise ListFormatError(table, "", "the table holds no rows")
    parsed.rows = rows
    if not parsed.entities:
        selected = "; ".join(f"{c}: {', '.join(v)}" for c, v in mapping.select.items())
        raise ListFormatError(table, "", f"none of its {rows} rows is selected ({selected})")
    return parsed
