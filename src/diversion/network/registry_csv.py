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

Any id the file uses works. FollowTheMoney ids allow only ASCII letters, digits, `.` and `-`
(at most 200 characters), and FtM drops a reference to any other id without a word: so an id it
cannot carry (`p_nurlan`, `ТОО 17`) becomes a readable slug and a digest of the id
(`registry_id`), the same for the entity and every edge that names it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from followthemoney.proxy import EntityProxy

from diversion.countries import CountryError, normalise_country
from diversion.lists.importers.base import (
    ListFormatError,
    Parsed,
    Records,
    csv_records,
    ftm_id,
    make,
)

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


def registry_id(raw: str) -> str:
    """The FtM id of a registry's own id (see `ftm_id`): p_nurlan -> p-nurlan-8f0c…"""
    return ftm_id(raw)


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def registry_rows(paths: Sequence[Path]) -> dict[Path, int]:
    """How many records each file holds (the header aside): what an import reads."""
    return {path: len(csv_records(path)[1]) for path in paths}


class _Faults:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.rows: set[tuple[Path, int]] = set()  # the rows with a fault: rejected

    def add(self, path: Path, line: int, column: str, reason: str) -> None:
        self.lines.append(f"{path}:{line}: {column}: {reason}")
        self.rows.add((path, line))


def _cells(
    path: Path, line: int, header: list[str], cells: list[str], fault: _Faults
) -> dict[str, str] | None:
    """A record as column -> trimmed value, or None (reported) when it has too few or too many
    fields."""
    if len(cells) != len(header):
        fault.add(path, line, "-", f"{len(cells)} fields where the header has {len(header)}")
        return None
    return {column: value.strip() for column, value in zip(header, cells, strict=True)}


def _check_header(path: Path, header: list[str], columns: tuple[str, ...]) -> None:
    missing = [c for c in columns if c not in header]
    unknown = [c for c in header if c not in columns]
    twice = sorted({c for c in header if header.count(c) > 1})
    if twice:
        raise ListFormatError(path, "line 1", f"columns given twice: {', '.join(twice)}")
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
    entity = make(schema, registry_id(row["id"]))
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


def edge_registry_id(path: Path, line: int, kind: str, source_id: str, target_id: str) -> str:
    """The FtM id of the edge on `line` of the relations file: its file, type, ends and line."""
    ends = f"{registry_id(source_id)}-{registry_id(target_id)}"
    return registry_id(f"{path.stem}-{kind}-{ends}-{line}")


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
    source, target = registry_id(row["source_id"]), registry_id(row["target_id"])
    edge_id = edge_registry_id(path, line, kind, row["source_id"], row["target_id"])
    if kind == "ownership":
        entity = make("Ownership", edge_id)
        entity.add("owner", source)
        entity.add("asset", target)
        if row["percentage"]:
            entity.add("percentage", row["percentage"].rstrip("%").strip())
        if row["role"]:
            entity.add("role", row["role"])
    elif kind == "directorship":
        entity = make("Directorship", edge_id)
        entity.add("director", source)
        entity.add("organization", target)
        entity.add("role", row["role"] or "director")
    else:
        entity = make("Family", edge_id)
        entity.add("person", source)
        entity.add("relative", target)
        entity.add("relationship", row["role"] or "relative")
    if "start_date" in dates:
        entity.add("startDate", dates["start_date"])
    if "end_date" in dates:
        entity.add("endDate", dates["end_date"])
    return entity


def read_registry_csv(paths: Sequence[Path]) -> Parsed:
    """The entities file and (optionally) the relations file, as FtM entities: every row one
    entity, or the whole import refused with every fault of every row."""
    tables: dict[str, tuple[Path, list[str], Records]] = {}
    for path in paths:
        header, rows = csv_records(path)
        kind = "relations" if "type" in header and "source_id" in header else "entities"
        _check_header(path, header, RELATION_COLUMNS if kind == "relations" else ENTITY_COLUMNS)
        if kind in tables:
            raise ListFormatError(path, "", f"a second {kind} file (also {tables[kind][0]})")
        tables[kind] = (path, header, rows)
    if "entities" not in tables:
        raise ListFormatError(
            ", ".join(map(str, paths)), "", "no entities file (id, schema, name, ...)"
        )
    fault = _Faults()
    parsed = Parsed(source="Company registry (CSV)")
    ids: dict[str, str] = {}  # the file's id -> schema
    given: dict[str, tuple[str, int]] = {}  # FtM id -> the file's id and its line
    path, header, rows = tables["entities"]
    for line, cells in rows:
        row = _cells(path, line, header, cells, fault)
        if row is None:
            continue
        missing = [c for c in ("id", "schema", "name") if not row[c]]
        for column in missing:
            fault.add(path, line, column, "required")
        if missing:
            continue
        if row["id"] in ids:
            fault.add(path, line, "id", f"id {row['id']!r} given twice")
            continue
        ftm_id = registry_id(row["id"])
        if ftm_id in given:
            other, at = given[ftm_id]
            reason = f"id {row['id']!r} and {other!r} (line {at}) both read as {ftm_id!r}"
            fault.add(path, line, "id", reason)
            continue
        given[ftm_id] = (row["id"], line)
        entity = _entity(row, fault, path, line)
        ids[row["id"]] = row["schema"]
        if entity is not None:
            parsed.add(entity)
    read = len(rows)
    if "relations" in tables:
        path, header, rows = tables["relations"]
        read += len(rows)
        for line, cells in rows:
            row = _cells(path, line, header, cells, fault)
            if row is None:
                continue
            relation = _relation(row, ids, fault, path, line)
            if relation is not None:
                parsed.add(relation)
    if fault.lines:
        rejected = len(fault.rows)
        where = (
            f"{read:,} rows read, {read - rejected:,} fine, {rejected:,} rejected "
            f"({len(fault.lines):,} fault{'' if len(fault.lines) == 1 else 's'}); nothing imported"
        )
        raise ListFormatError(tables["entities"][0], where, "\n" + "\n".join(fault.lines))
    if not ids:
        raise ListFormatError(tables["entities"][0], "", "the registry holds no entities")
    return parsed
