"""A user's own list as CSV: the simplest way to screen against a bank's or ministry's list.

Columns: `id, schema, name, aliases, country, identifiers, address, program, reason, listed_at`.
`aliases` and `identifiers` are separated by semicolons; an identifier may say its kind
(`INN:7701234567`, `IMO:9123456`) or not (then it is a registration number, or an id number
for a person). Every bad row is an error with its line and column (the line a record starts
on). Any id works: one FtM cannot carry (`p_nurlan`, Cyrillic, spaces) is stored as `ftm_id`
makes it, so its Sanction keeps its reference to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from followthemoney.proxy import EntityProxy

from diversion.countries import CountryError, normalise_country
from diversion.lists.importers.base import (
    ListFormatError,
    Parsed,
    add_sanction,
    csv_records,
    ftm_id,
    make,
    one_file,
)

COLUMNS = (
    "id", "schema", "name", "aliases", "country", "identifiers",
    "address", "program", "reason", "listed_at",
)  # fmt: skip
SCHEMATA = ("Person", "Company", "Organization", "LegalEntity", "Vessel", "Address")
IDENTIFIER_KINDS = {
    "inn": "innCode",
    "ogrn": "ogrnCode",
    "bin": "registrationNumber",
    "reg": "registrationNumber",
    "registration": "registrationNumber",
    "tax": "taxNumber",
    "vat": "vatCode",
    "imo": "imoNumber",
    "passport": "passportNumber",
    "id": "idNumber",
    "lei": "leiCode",
    "swift": "swiftBic",
}
AUTHORITY = "User list"


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def _identifier(entity: EntityProxy, raw: str) -> tuple[str, str]:
    kind, sep, value = raw.partition(":")
    if sep and kind.strip().lower() in IDENTIFIER_KINDS:
        prop = IDENTIFIER_KINDS[kind.strip().lower()]
    else:
        prop, value = ("idNumber" if entity.schema.name == "Person" else "registrationNumber"), raw
    if prop not in entity.schema.properties:
        raise ValueError(f"a {entity.schema.name} has no {prop} (from {raw!r})")
    return prop, value.strip()


def _row_entity(row: dict[str, str]) -> EntityProxy:
    if row["schema"] not in SCHEMATA:
        raise KeyError("schema", f"{row['schema']!r} is not one of {', '.join(SCHEMATA)}")
    entity = make(row["schema"], ftm_id(row["id"]))
    name_prop = "full" if row["schema"] == "Address" else "name"
    entity.add(name_prop, row["name"])
    if row["aliases"]:
        if "alias" not in entity.schema.properties:
            raise KeyError("aliases", f"a {row['schema']} has no aliases")
        entity.add("alias", _split(row["aliases"]))
    for country in _split(row["country"]):
        try:
            entity.add("country", normalise_country(country).lower())
        except CountryError as exc:
            raise KeyError("country", str(exc)) from None
    for raw in _split(row["identifiers"]):
        try:
            prop, value = _identifier(entity, raw)
        except ValueError as exc:
            raise KeyError("identifiers", str(exc)) from None
        entity.add(prop, value)
    if row["address"]:
        entity.add("full" if row["schema"] == "Address" else "address", row["address"])
    return entity


def read_user_csv(paths: Sequence[Path]) -> Parsed:
    path = one_file(paths, "a user CSV list")
    header, records = csv_records(path)
    if set(header) != set(COLUMNS) or len(header) != len(COLUMNS):
        missing = [c for c in COLUMNS if c not in header]
        unknown = [c for c in header if c not in COLUMNS]
        raise ListFormatError(
            path,
            "line 1",
            f"header must be {', '.join(COLUMNS)} (missing: {missing}; unknown: {unknown})",
        )
    parsed = Parsed(source=f"User list {path.name}")
    seen: dict[str, tuple[str, int]] = {}  # FtM id -> the file's id and its line
    for line, cells in records:
        if len(cells) != len(COLUMNS):
            reason = f"row does not have {len(COLUMNS)} fields (it has {len(cells)})"
            raise ListFormatError(path, f"line {line}", reason)
        row = {k: v.strip() for k, v in zip(header, cells, strict=True)}
        for required in ("id", "schema", "name"):
            if not row[required]:
                raise ListFormatError(path, f"line {line}, column {required}", "required")
        entity_id = ftm_id(row["id"])
        if entity_id in seen:
            other, at = seen[entity_id]
            reason = (
                f"id {row['id']!r} given twice"
                if other == row["id"]
                else f"id {row['id']!r} and {other!r} (line {at}) both read as {entity_id!r}"
            )
            raise ListFormatError(path, f"line {line}, column id", reason)
        seen[entity_id] = (row["id"], line)
        try:
            entity = _row_entity(row)
        except KeyError as exc:
            column, reason = exc.args
            raise ListFormatError(path, f"line {line}, column {column}", reason) from None
        if row["listed_at"]:
            try:
                date.fromisoformat(row["listed_at"])
            except ValueError:
                raise ListFormatError(
                    path,
                    f"line {line}, column listed_at",
                    f"{row['listed_at']!r} is not an ISO date",
                ) from None
        parsed.add(entity)
        add_sanction(
            parsed, entity, AUTHORITY, _split(row["program"]),
            topics=(), reason=row["reason"] or None, listingDate=row["listed_at"] or None,
        )  # fmt: skip
    if not seen:
        raise ListFormatError(path, "", "the list holds no entries")
    return parsed
