"""A mapping file: how the columns of someone else's CSV become FollowTheMoney entities.

A mapping is data (YAML), as followthemoney's own schema files are; this module reads one and
checks it against the FtM model before any row is read, so that a typo in a property name is
an error in the mapping, not a silent gap in the list. The format is described in
docs/lists.md ("Mapped CSV"); the mappings that ship with the package are in
`diversion/lists/data/mappings/`.
"""

from __future__ import annotations

from collections.abc import Mapping as MappingType
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from followthemoney import model
from followthemoney.schema import Schema
from followthemoney.types import registry

from diversion.lists.importers.base import ListFormatError
from diversion.reference import package_file

TOP_KEYS = {
    "title", "source", "label", "list", "delimiter", "schema", "id", "split", "date_formats",
    "topics", "expect", "select", "sanction", "columns", "ignore",
}  # fmt: skip
COLUMN_KEYS = {"property", "sanction", "split", "required", "labels", "invalid", "country"}
INVALID = ("error", "notes")  # what becomes of a value FtM refuses for its property
DEFAULT_SCHEMATA = ("LegalEntity", "Company", "Organization", "Person")


@dataclass(frozen=True)
class Column:
    """What one CSV column fills: a property of the row's entity, or of its Sanction."""

    name: str
    prop: str
    sanction: bool = False  # True: the property is the Sanction's
    split: str | None = None  # the separator of several values in one cell
    required: bool = False  # the header must have the column and every row a value
    labels: dict[str, str] = field(default_factory=dict)  # "(Tax ID/INN)" -> innCode
    invalid: str = "error"
    country_from_last_part: bool = False  # "…, Republic of Kazakhstan" also gives country kz


@dataclass(frozen=True)
class Mapping:
    name: str
    path: Path
    title: str
    source: str  # where the table comes from (a citation, for people)
    label: str  # the list's name in snapshots and decisions
    list_name: str
    delimiter: str
    schemata: tuple[str, ...]  # the schemata a row may have
    schema_column: str | None  # None: every row is schemata[0]
    id_column: str | None
    id_prefix: str
    id_from: tuple[str, ...]  # columns a stable id is made of when the row has no id
    columns: dict[str, Column]
    ignore: frozenset[str]
    expect: dict[str, tuple[str, ...]]  # column -> the only values it may hold
    # column -> the values of the rows to read; the table's other rows are left out, counted
    # by value and reported with the import (a table that holds several lists in one)
    select: dict[str, tuple[str, ...]]
    date_formats: tuple[str, ...]
    topics: tuple[str, ...]
    sanction: dict[str, tuple[str, ...]]  # fixed properties of every row's Sanction

    @property
    def known_columns(self) -> set[str]:
        """Every column the mapping names: a row's other columns are errors."""
        named = set(self.columns) | set(self.ignore) | set(self.expect) | set(self.select)
        named |= set(self.id_from)
        for column in (self.schema_column, self.id_column):
            if column:
                named.add(column)
        return named


def bundled_mappings() -> dict[str, Path]:
    """The mappings that ship with the package, by name."""
    folder = package_file("diversion.lists", "data/mappings")
    return {p.stem: p for p in sorted(folder.glob("*.yml"))}


def resolve_mapping(name_or_path: str) -> Path:
    """A bundled mapping's name (`eu-833-annex-iv`) or the path of a mapping file."""
    bundled = bundled_mappings()
    if name_or_path in bundled:
        return bundled[name_or_path]
    path = Path(name_or_path)
    if path.suffix.lower() in (".yml", ".yaml") and path.is_file():
        return path
    raise ListFormatError(
        name_or_path,
        "",
        f"no such mapping file, and not a bundled mapping ({', '.join(bundled) or 'none'})",
    )


class _Checker:
    """Collects every fault of a mapping file, so that one run names them all."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.faults: list[str] = []

    def fault(self, where: str, reason: str) -> None:
        self.faults.append(f"{where}: {reason}")

    def raise_any(self) -> None:
        if self.faults:
            raise ListFormatError(
                self.path, f"mapping, {len(self.faults)} fault(s)", "\n" + "\n".join(self.faults)
            )


def _strings(value: Any) -> tuple[str, ...] | None:
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return (str(value),)
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return tuple(str(v) for v in value)
    return None


def _schemata(raw: Any, check: _Checker) -> tuple[tuple[str, ...], str | None]:
    names: tuple[str, ...]
    if isinstance(raw, str):
        names, column = (raw,), None
    elif isinstance(raw, dict) and isinstance(raw.get("column"), str):
        names = _strings(raw.get("allowed", list(DEFAULT_SCHEMATA))) or ()
        column = raw["column"]
        for key in set(raw) - {"column", "allowed"}:
            check.fault(f"schema.{key}", "unknown key (known: column, allowed)")
    else:
        check.fault("schema", "give a schema name (Company) or {column: ..., allowed: [...]}")
        return DEFAULT_SCHEMATA, None
    good = []
    for name in names:
        schema = model.get(name)
        if schema is None:
            check.fault("schema", f"{name!r} is not a FollowTheMoney schema")
        elif schema.abstract or not schema.is_a("Thing"):
            check.fault("schema", f"{name!r} is not a schema a listed party can have")
        else:
            good.append(name)
    if not good:
        check.fault("schema", "no schema a row may have")
    return tuple(good) or DEFAULT_SCHEMATA, column


def _holder(prop: str, schemata: list[Schema]) -> Schema:
    return next(s for s in schemata if prop in s.properties)


def _property_fault(prop: str, schemata: list[Schema]) -> str | None:
    """Why `prop` cannot be filled from a CSV cell for these schemata, or None."""
    holders = [s for s in schemata if prop in s.properties]
    if not holders:
        names = ", ".join(s.name for s in schemata)
        return f"unknown property {prop!r} for {names}"
    found = holders[0].properties[prop]
    if found.type == registry.entity or found.stub:
        return f"{prop!r} refers to other entities; a cell cannot fill it"
    return None


def _column(
    name: str, raw: Any, default_split: str | None, schemata: list[Schema], check: _Checker
) -> Column | None:
    where = f"columns.{name}"
    if isinstance(raw, str):
        raw = {"property": raw}
    if not isinstance(raw, dict):
        check.fault(where, "give a property name or {property: ..., split: ..., ...}")
        return None
    for key in set(raw) - COLUMN_KEYS:
        check.fault(f"{where}.{key}", f"unknown key (known: {', '.join(sorted(COLUMN_KEYS))})")
    entity_prop, sanction_prop = raw.get("property"), raw.get("sanction")
    if (entity_prop is None) == (sanction_prop is None):
        check.fault(where, "give exactly one of property (the entity's) or sanction (its listing)")
        return None
    prop = str(entity_prop if entity_prop is not None else sanction_prop)
    targets = schemata if entity_prop is not None else [model["Sanction"]]
    if (fault := _property_fault(prop, targets)) is not None:
        check.fault(where, fault)
        return None
    split = raw.get("split", default_split)
    if split is not None and (not isinstance(split, str) or not split):
        check.fault(f"{where}.split", "a separator is a non-empty text, or null for none")
        split = None
    invalid = str(raw.get("invalid", "error"))
    if invalid not in INVALID:
        check.fault(f"{where}.invalid", f"{invalid!r} is not one of {', '.join(INVALID)}")
    labels: dict[str, str] = {}
    raw_labels = raw.get("labels", {})
    if not isinstance(raw_labels, dict):
        check.fault(f"{where}.labels", "give a table of label: property")
        raw_labels = {}
    for label, target in raw_labels.items():
        if (fault := _property_fault(str(target), targets)) is not None:
            check.fault(f"{where}.labels.{label}", fault)
        elif _holder(str(target), targets).properties[str(target)].type != registry.identifier:
            check.fault(f"{where}.labels.{label}", f"{target!r} is not an identifier")
        else:
            labels[str(label).strip().lower()] = str(target)
    country = raw.get("country")
    if country not in (None, "last-part"):
        check.fault(f"{where}.country", "the only way to read a country is last-part")
    elif country and (entity_prop is None or not any("country" in s.properties for s in targets)):
        check.fault(f"{where}.country", "only an entity with a country can take one")
    return Column(
        name=name, prop=prop, sanction=sanction_prop is not None, split=split,
        required=bool(raw.get("required", False)), labels=labels, invalid=invalid,
        country_from_last_part=country == "last-part",
    )  # fmt: skip


def parse_mapping(path: Path, raw: Any) -> Mapping:
    """A mapping from the YAML it was read from; ListFormatError names every fault in it."""
    check = _Checker(path)
    if not isinstance(raw, dict):
        check.fault("(top)", "a mapping file is a YAML table (title:, schema:, columns:, ...)")
        check.raise_any()
    for key in set(raw) - TOP_KEYS:
        check.fault(key, f"unknown key (known: {', '.join(sorted(TOP_KEYS))})")
    for key in ("source", "columns"):
        if key not in raw:
            check.fault(key, "required")
    schemata, schema_column = _schemata(raw.get("schema", {"column": "schema"}), check)
    models = [model[s] for s in schemata]
    default_split = raw.get("split")
    if default_split is not None and not isinstance(default_split, str):
        check.fault("split", "a separator is a text, or null for none")
        default_split = None
    columns: dict[str, Column] = {}
    raw_columns = raw.get("columns") or {}
    if not isinstance(raw_columns, dict):
        check.fault("columns", "a table of column: property")
        raw_columns = {}
    for name, spec in raw_columns.items():
        column = _column(str(name), spec, default_split, models, check)
        if column is not None:
            columns[column.name] = column
    if not any(c.prop == "name" and not c.sanction for c in columns.values()):
        check.fault("columns", "no column fills the name")
    ident = raw.get("id", {})
    if not isinstance(ident, dict):
        check.fault("id", "give {column: ..., prefix: ..., from: [...]}")
        ident = {}
    for key in set(ident) - {"column", "prefix", "from"}:
        check.fault(f"id.{key}", "unknown key (known: column, prefix, from)")
    id_from = _strings(ident.get("from", [])) or ()
    if not ident.get("column") and not id_from:
        check.fault("id", "give the id column, or the columns a stable id is made from")
    ignore = _strings(raw.get("ignore", [])) or ()
    for name in set(ignore) & set(columns):
        check.fault(f"ignore.{name}", "the column is also mapped")
    expect = _column_values(raw, "expect", check)
    select = _column_values(raw, "select", check)
    for name in set(expect) & set(select):
        check.fault(f"select.{name}", "the column is also under expect")
    topics = _strings(raw.get("topics", [])) or ()
    for topic in topics:
        if topic not in registry.topic.names:
            check.fault("topics", f"{topic!r} is not a FollowTheMoney topic")
    date_formats = _strings(raw.get("date_formats", ["%Y-%m-%d"])) or ()
    sanction: dict[str, tuple[str, ...]] = {}
    raw_sanction = raw.get("sanction", {})
    if not isinstance(raw_sanction, dict):
        check.fault("sanction", "a table of Sanction property: value")
        raw_sanction = {}
    for prop, value in raw_sanction.items():
        fault = _property_fault(str(prop), [model["Sanction"]])
        values = _strings(value)
        if fault is not None:
            check.fault(f"sanction.{prop}", fault)
        elif values is None:
            check.fault(f"sanction.{prop}", "give a text or a list of texts")
        else:
            sanction[str(prop)] = values
    if "authority" not in sanction:
        check.fault("sanction.authority", "required: who lists these parties")
    delimiter = str(raw.get("delimiter", ","))
    if len(delimiter) != 1:
        check.fault("delimiter", "one character")
    check.raise_any()
    return Mapping(
        name=path.stem, path=path, title=str(raw.get("title", path.stem)),
        source=str(raw["source"]), label=str(raw.get("label", raw.get("title", path.stem))),
        list_name=str(raw.get("list", path.stem)), delimiter=delimiter, schemata=schemata,
        schema_column=schema_column, id_column=ident.get("column") or None,
        id_prefix=str(ident.get("prefix", path.stem)), id_from=id_from, columns=columns,
        ignore=frozenset(ignore), expect=expect, select=select, date_formats=date_formats,
        topics=topics, sanction=sanction,
    )  # fmt: skip


def _column_values(raw: dict[str, Any], key: str, check: _Checker) -> dict[str, tuple[str, ...]]:
    """`expect` or `select`: column -> the values it may hold, or whose rows are read."""
    found: dict[str, tuple[str, ...]] = {}
    table = raw.get(key, {})
    if not isinstance(table, MappingType):
        check.fault(key, "a table of column: [values]")
        return found
    for name, values in table.items():
        allowed = _strings(values)
        if not allowed:
            check.fault(f"{key}.{name}", "give the value or values of the column")
        else:
            found[str(name)] = allowed
    return found


def load_mapping(path: Path) -> Mapping:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ListFormatError(path, "", f"cannot read file: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ListFormatError(path, "", "not valid UTF-8") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = str(getattr(exc, "problem", None) or exc)
        raise ListFormatError(path, where, f"not valid YAML: {reason}") from None
    return parse_mapping(path, raw)
