"""A company registry as two CSV files, read into FollowTheMoney entities.

`entities.csv`: one company or person a row:
    id, schema, name, aliases, registration_number, country, incorporation_date,
    dissolution_date, activity_code, address, phone, email, website, birth_date, nationality

`relations.csv`: one ownership or directorship a row:
    type, source_id, target_id, percentage, role, start_date, end_date

`type` is `ownership` (source owns `percentage` % of target), `directorship` (source is
`role` of target: director, founder, manager, accountant ...) or `family` (target is source's
`role`: son, daughter, spouse ...). Which file is which is told by
its header, so they can be given in any order. Every bad field of every row is reported as
file:line: column: reason, and a file with any fault imports nothing.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from followthemoney.proxy import EntityProxy

from diversion.countries import CountryError, normalise_country
from diversion.lists.importers.base import ListFormatError, Parsed, make, read_text

ENTITY_COLUMNS = (
    "id", "schema", "name", "aliases", "registration_number", "country", "incorporation_date",
    "dissolution_date", "activity_code", "address", "phone", "email", "website", "birth_date",
    "nationality",
)  # fmt: skip
RELATION_COLUMNS = (
    "type", "source_id", "target_id", "percentage", "role", "start_date", "end_date",
)  # fmt: skip
SCHEMATA = ("Company", "Organization", "LegalEntity", "Person")
PERSON_ONLY = ("birth_date", "nationality")
FIRM_ONLY = ("incorporation_date", "dissolution_date", "activity_code", "website")
# column -> FtM property
PROPERTIES = {
    "registration_number": "registrationNumber",
    "incorporation_date": "incorporationDate",
    "dissolution_date": "dissolutionDate",
    "activity_code": "classification",
    "address": "address",
    "phone": "phone",
    "email": "email",
    "website": "website",
    "birth_date": "birthDate",
}
DATES = ("incorporation_date", "dissolution_date", "birth_date", "start_date", "end_date")


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def _read(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    text = read_text(path)
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = list(reader.fieldnames or ())
    rows = []
    for row in reader:
        rows.append((reader.line_num, row))
    return header, rows


class _Faults:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, path: Path, line: int, column: str, reason: str) -> None:
        self.lines.append(f"{path}:{line}: {column}: {reason}")


def _check_header(path: Path, header: list[str], columns: tuple[str, ...]) -> None:
    missing = [c for c in columns if c not in header]
    unknown = [c for c in header if c not in columns]
    if missing or unknown:
        raise ListFormatError(
            path,
            "line 1",
            f"header must be {', '.join(columns)} (missing: {missing}; unknown: {unknown})",
        )


def _date(value: str) -> str:
    return date.fromisoformat(value).isoformat()


def _entity(row: dict[str, str], fault: _Faults, path: Path, line: int) -> EntityProxy | None:
    schema = row["schema"]
    if schema not in SCHEMATA:
        fault.add(path, line, "schema", f"{schema!r} is not one of {', '.join(SCHEMATA)}")
        return None
    entity = make(schema, row["id"])
    entity.add("name", row["name"])
    if row["aliases"]:
        entity.add("alias", _split(row["aliases"]))
    person = schema == "Person"
    for column, prop in PROPERTIES.items():
        value = row[column]
        if not value:
            continue
        if (person and column in FIRM_ONLY) or (not person and column in PERSON_ONLY):
            fault.add(path, line, column, f"a {schema} has no {column.replace('_', ' ')}")
            continue
        if column in DATES:
            try:
                value = _date(value)
            except ValueError:
                fault.add(path, line, column, f"{value!r} is not an ISO date (YYYY-MM-DD)")
                continue
        entity.add(prop, value)
    for column, prop in (("country", "country"), ("nationality", "nationality")):
        for value in _split(row[column]):
            if column == "nationality" and not person:
                fault.add(path, line, column, f"a {schema} has no nationality")
                continue
            try:
                entity.add(prop, normalise_country(value).lower())
            except CountryError as exc:
                fault.add(path, line, column, str(exc))
    return entity


def _relation(
    row: dict[str, str], ids: dict[str, str], fault: _Faults, path: Path, line: int
) -> EntityProxy | None:
    kind = row["type"].lower()
    start = len(fault.lines)
    for column in ("source_id", "target_id"):
        if row[column] not in ids:
            fault.add(path, line, column, f"no entity {row[column]!r} in the entities file")
    dates: dict[str, str] = {}
    for column in ("start_date", "end_date"):
        if row[column]:
            try:
                dates[column] = _date(row[column])
            except ValueError:
                fault.add(path, line, column, f"{row[column]!r} is not an ISO date (YYYY-MM-DD)")
    if kind == "ownership":
        if row["percentage"]:
            try:
                share = Decimal(row["percentage"].rstrip("%").strip())
            except InvalidOperation:
                share = Decimal(-1)
            if not Decimal(0) < share <= Decimal(100):
                fault.add(
                    path, line, "percentage", f"{row['percentage']!r} is not a share in (0, 100]"
                )
        if row["source_id"] in ids and ids.get(row["target_id"]) == "Person":
            fault.add(path, line, "target_id", "a person cannot be owned")
    elif kind == "directorship":
        if row["percentage"]:
            fault.add(path, line, "percentage", "a directorship has no percentage")
        if ids.get(row["target_id"]) == "Person":
            fault.add(path, line, "target_id", "a person has no directors")
    elif kind == "family":
        for column in ("source_id", "target_id"):
            if row[column] in ids and ids[row[column]] != "Person":
                fault.add(path, line, column, "family ties are between people")
        if row["percentage"]:
            fault.add(path, line, "percentage", "a family tie has no percentage")
    else:
        fault.add(path, line, "type", f"{row['type']!r} is not ownership, directorship or family")
    if len(fault.lines) > start:
        return None
    digest = f"{kind}-{row['source_id']}-{row['target_id']}-{line}"
    if kind == "ownership":
        entity = make("Ownership", f"{path.stem}-{digest}")
        entity.add("owner", row["source_id"])
        entity.add("asset", row["target_id"])
        if row["percentage"]:
            entity.add("percentage", row["percentage"].rstrip("%").strip())
        if row["role"]:
            entity.add("role", row["role"])
    elif kind == "directorship":
        entity = make("Directorship", f"{path.stem}-{digest}")
        entity.add("director", row["source_id"])
        entity.add("organization", row["target_id"])
        entity.add("role", row["role"] or "director")
    else:
        entity = make("Family", f"{path.stem}-{digest}")
        entity.add("person", row["source_id"])
        entity.add("relative", row["target_id"])
        entity.add("relationship", row["role"] or "relative")
    if "start_date" in dates:
        entity.add("startDate", dates["start_date"])
    if "end_date" in dates:
        entity.add("endDate", dates["end_date"])
    return entity


def read_registry_csv(paths: Sequence[Path]) -> Parsed:
    """The entities file and (optionally) the relations file, as FtM entities."""
    tables: dict[str, tuple[Path, list[tuple[int, dict[str, str]]]]] = {}
    for path in paths:
        header, rows = _read(path)
        kind = "relations" if "type" in header and "source_id" in header else "entities"
        _check_header(path, header, RELATION_COLUMNS if kind == "relations" else ENTITY_COLUMNS)
        if kind in tables:
            raise ListFormatError(path, "", f"a second {kind} file (also {tables[kind][0]})")
        tables[kind] = (path, rows)
    if "entities" not in tables:
        raise ListFormatError(
            ", ".join(map(str, paths)), "", "no entities file (id, schema, name, ...)"
        )
    fault = _Faults()
    parsed = Parsed(source="Company registry (CSV)")
    ids: dict[str, str] = {}
    path, rows = tables["entities"]
    width = len(ENTITY_COLUMNS)
    for line, raw in rows:
        if None in raw or any(v is None for v in raw.values()):
            fault.add(path, line, "-", f"row does not have {width} fields")
            continue
        row = {k: v.strip() for k, v in raw.items()}
        missing = [c for c in ("id", "schema", "name") if not row[c]]
        for column in missing:
            fault.add(path, line, column, "required")
        if missing:
            continue
        if row["id"] in ids:
            fault.add(path, line, "id", f"id {row['id']!r} given twice")
            continue
        entity = _entity(row, fault, path, line)
        ids[row["id"]] = row["schema"]
        if entity is not None:
            parsed.add(entity)
    if "relations" in tables:
        path, rows = tables["relations"]
        for line, raw in rows:
            if None in raw or any(v is None for v in raw.values()):
                fault.add(path, line, "-", f"row does not have {len(RELATION_COLUMNS)} fields")
                continue
            row = {k: v.strip() for k, v in raw.items()}
            relation = _relation(row, ids, fault, path, line)
            if relation is not None:
                parsed.add(relation)
    if fault.lines:
        shown = "\n".join(fault.lines)
        raise ListFormatError(tables["entities"][0], f"{len(fault.lines)} fault(s)", "\n" + shown)
    if not ids:
        raise ListFormatError(tables["entities"][0], "", "the registry holds no entities")
    return parsed
