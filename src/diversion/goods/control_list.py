"""Control lists as data: which goods a list names, under which category, legal basis and
validity window, and where each entry comes from.

A list is a CSV or YAML file of entries with a sidecar `NAME.meta.yml` (id, version, title,
source, licence, and optionally the countries it governs and defaults for its entries). The
fields are described in `data/control_list.schema.yml`; this module only knows how to read
their types. Bundled and user lists go through the same loader, and every fault is reported as
file:line: field: reason, all of them at once, so that a list is fixed in one pass.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from diversion.countries import normalise_country
from diversion.goods.hs import parse_code_prefix
from diversion.goods.schema import FieldSpec, load_schema
from diversion.reference import ReferenceData, describe, package_file

LIST_SUFFIXES = (".csv", ".yml", ".yaml")
FILE = "-"  # the field name of errors about a whole file or line


class ControlListError(ValueError):
    """One fault in a control list: where it is and why."""

    def __init__(self, file: str, line: int, field: str, reason: str) -> None:
        super().__init__(f"{file}:{line}: {field}: {reason}")
        self.file = file
        self.line = line
        self.field = field
        self.reason = reason


class ControlListErrors(ValueError):
    """Every fault of a list that could not be loaded."""

    def __init__(self, errors: list[ControlListError]) -> None:
        shown = "\n".join(str(error) for error in errors[:20])
        more = f"\n... and {len(errors) - 20} more" if len(errors) > 20 else ""
        super().__init__(f"{len(errors)} error(s) in control list:\n{shown}{more}")
        self.errors = errors


@dataclass(frozen=True)
class ControlListEntry:
    id: str
    codes: tuple[str, ...]
    category: str
    legal_basis: str
    source: str
    exclusions: tuple[str, ...] = ()
    valid_from: date | None = None
    valid_to: date | None = None
    description: str | None = None
    tier: str | None = None
    licence_required: bool = True
    banned_destinations: frozenset[str] = frozenset()
    banned_by: frozenset[str] = frozenset()
    banned_from: date | None = None
    line: int = 0
    extra: Mapping[str, Any] = field(default_factory=dict)

    def excluded_by(self, code: str) -> str | None:
        """The exclusion a code falls under. A code shorter than an exclusion is not excluded:
        the declaration does not say enough to take it out."""
        return next((ex for ex in self.exclusions if code.startswith(ex)), None)

    def in_force(self, on: date) -> bool:
        """Whether the entry applies on a day; both ends of the window are included."""
        if self.valid_from is not None and on < self.valid_from:
            return False
        return self.valid_to is None or on <= self.valid_to

    def bans(self, dispatch: str, country: str | None, on: date) -> bool:
        """Whether the entry bans exports from `dispatch` to `country` on a day (inside its own
        window); with no `banned_by`, the list's jurisdiction decides where it governs."""
        if country is None or country not in self.banned_destinations or not self.in_force(on):
            return False
        if self.banned_by and dispatch not in self.banned_by:
            return False
        return self.banned_from is None or on >= self.banned_from

    def window(self) -> str:
        if self.valid_from is None and self.valid_to is None:
            return "no end date"
        start = self.valid_from.isoformat() if self.valid_from else "…"
        end = self.valid_to.isoformat() if self.valid_to else "…"
        return f"{start} to {end}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "entry": self.id,
            "codes": list(self.codes),
            "exclusions": list(self.exclusions),
            "category": self.category,
            "legal_basis": self.legal_basis,
            "valid_from": self.valid_from.isoformat() if self.valid_from else None,
            "valid_to": self.valid_to.isoformat() if self.valid_to else None,
            "source": self.source,
            "description": self.description,
            "tier": self.tier,
            "licence_required": self.licence_required,
            "banned_destinations": sorted(self.banned_destinations),
            "banned_by": sorted(self.banned_by),
            "banned_from": self.banned_from.isoformat() if self.banned_from else None,
        }


@dataclass(frozen=True)
class ControlList:
    reference: ReferenceData
    entries: tuple[ControlListEntry, ...]
    jurisdiction: frozenset[str] = frozenset()
    example: bool = False
    path: str = ""

    @property
    def id(self) -> str:
        return self.reference.id

    @property
    def title(self) -> str:
        return self.reference.title

    @cached_property
    def _by_code(self) -> dict[str, list[ControlListEntry]]:
        index: dict[str, list[ControlListEntry]] = defaultdict(list)
        for entry in self.entries:
            for code in entry.codes:
                index[code].append(entry)
        return index

    @cached_property
    def _by_stem(self) -> dict[str, list[tuple[ControlListEntry, str]]]:
        """Entries by every proper prefix of their codes: finds entries narrower than a code."""
        index: dict[str, list[tuple[ControlListEntry, str]]] = defaultdict(list)
        for entry in self.entries:
            for code in entry.codes:
                for length in range(2, len(code)):
                    index[code[:length]].append((entry, code))
        return index

    def match(self, code: str) -> list[tuple[ControlListEntry, str, bool]]:
        """(entry, entry code, certain) for each entry that names the code, longest entry
        code first. An entry narrower than the code (8542.31.90 for a declared 8542.31)
        matches too, but not certainly: the item may or may not be under it."""
        found: dict[str, tuple[ControlListEntry, str, bool]] = {}
        for length in range(min(len(code), 10), 1, -1):
            for entry in self._by_code.get(code[:length], ()):
                if entry.id not in found and entry.excluded_by(code) is None:
                    found[entry.id] = (entry, code[:length], True)
        for entry, entry_code in self._by_stem.get(code, ()):
            if entry.id not in found:
                found[entry.id] = (entry, entry_code, False)
        return list(found.values())

    def lookup(self, hs_code: str) -> ControlListEntry | None:
        """The first entry that certainly names a code, ignoring dates."""
        return next((entry for entry, _, certain in self.match(hs_code) if certain), None)

    def entry(self, entry_id: str) -> ControlListEntry:
        for entry in self.entries:
            if entry.id == entry_id:
                return entry
        raise KeyError(f"control list {self.id} has no entry {entry_id!r}")

    def applies_in(self, country: str) -> bool:
        """Whether the list governs goods declared in a country (no jurisdiction: anywhere)."""
        return not self.jurisdiction or country in self.jurisdiction


# -- reading values of each type ---------------------------------------------------------------


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float | date):
        raise ValueError(f"must be text, not {type(value).__name__}")
    return str(value).strip() or None


def _pieces(value: Any, what: str) -> list[Any]:
    if isinstance(value, str):
        return [piece for piece in value.split(";") if piece.strip()]
    if isinstance(value, list):
        return value
    raise ValueError(f"{what} must be text separated by ';' or a YAML list")


def _codes(value: Any) -> tuple[str, ...] | None:
    if value is None:
        return None
    codes: list[str] = []
    for piece in _pieces(value, "codes"):
        if isinstance(piece, bool) or not isinstance(piece, str):
            raise ValueError(
                f"{piece!r} is not text: quote HS codes in YAML ('{piece}') so that leading "
                "zeros and dots survive"
            )
        codes.append(parse_code_prefix(piece))
    return tuple(dict.fromkeys(codes)) or None


def _date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        raise ValueError(f"{value.isoformat()} has a time; give a date (YYYY-MM-DD)")
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        raise ValueError(f"{text!r} is not an ISO date (YYYY-MM-DD)") from None


_TRUE = {"true", "yes", "1"}
_FALSE = {"false", "no", "0"}


def _bool(value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if not text:
        return None
    if text in _TRUE | _FALSE:
        return text in _TRUE
    raise ValueError(f"{value!r} is not true or false")


def _countries(value: Any) -> frozenset[str] | None:
    if value is None:
        return None
    codes = set()
    for piece in _pieces(value, "countries"):
        if not isinstance(piece, str):
            raise ValueError(f'{piece!r} is not a country code (quote codes such as "NO")')
        codes.add(normalise_country(piece))
    return frozenset(codes)


_READERS = {"text": _text, "codes": _codes, "date": _date, "bool": _bool, "countries": _countries}


def convert(spec: FieldSpec, value: Any) -> Any:
    """A field's value in its type, or ValueError with the reason."""
    return _READERS[spec.type](value)


# -- reading files -------------------------------------------------------------------------------

Located = dict[str, tuple[Any, int]]  # field -> (raw value, line)


class _Reader:
    """Collects the faults of one list while reading it."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.errors: list[ControlListError] = []

    def error(self, line: int, field_name: str, reason: str, file: Path | None = None) -> None:
        self.errors.append(ControlListError(str(file or self.path), line, field_name, reason))

    def yaml_root(self, path: Path) -> tuple[yaml.SafeLoader, yaml.MappingNode] | None:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            self.error(0, FILE, f"cannot read: {exc}", path)
            return None
        loader = yaml.SafeLoader(text)
        try:
            root = loader.get_single_node()
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            problem = getattr(exc, "problem", None) or str(exc)
            self.error(mark.line + 1 if mark else 1, FILE, f"not valid YAML: {problem}", path)
            return None
        if not isinstance(root, yaml.MappingNode):
            self.error(1, FILE, "must be a YAML mapping (key: value lines)", path)
            return None
        return loader, root

    def mapping(self, loader: yaml.SafeLoader, node: yaml.MappingNode, path: Path) -> Located:
        found: Located = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in found:
                self.error(line, key, f"appears twice (also on line {found[key][1]})", path)
                continue
            try:
                value = loader.construct_object(value_node, deep=True)
            except yaml.YAMLError as exc:
                self.error(line, key, f"unreadable value: {exc}", path)
                continue
            found[key] = (value, line)
        return found


def _read_meta(reader: _Reader) -> tuple[Located, Mapping[str, Any]] | None:
    """The sidecar's keys with their lines, and the entry defaults it gives."""
    meta_path = reader.path.with_name(reader.path.name + ".meta.yml")
    if not meta_path.exists():
        reader.error(
            0,
            FILE,
            "missing: every list needs it, with id, version, title, source, licence",
            meta_path,
        )
        return None
    loaded = reader.yaml_root(meta_path)
    if loaded is None:
        return None
    loader, root = loaded
    raw_defaults: Located = {}
    try:
        meta = reader.mapping(loader, root, meta_path)
        node = next((v for k, v in root.value if k.value == "defaults"), None)
        if isinstance(node, yaml.MappingNode):
            raw_defaults = reader.mapping(loader, node, meta_path)
        elif "defaults" in meta and meta["defaults"][0] is not None:
            reader.error(
                meta["defaults"][1],
                "defaults",
                "must be a mapping of entry fields to values",
                meta_path,
            )
    finally:
        loader.dispose()
    schema = load_schema()
    for key, (_, line) in meta.items():
        if key not in schema.list:
            reader.error(line, key, f"unknown key; known: {', '.join(schema.list)}", meta_path)
    for name, spec in schema.list.items():
        value, line = meta.get(name, (None, 1))
        if spec.type == "defaults":
            continue
        try:
            converted = convert(spec, value)
        except ValueError as exc:
            reader.error(line, name, str(exc), meta_path)
            continue
        if converted is None and spec.required:
            reader.error(line, name, "required key is missing", meta_path)
    defaults: dict[str, Any] = {}
    for name, (value, line) in raw_defaults.items():
        entry_spec = schema.entry.get(name)
        if entry_spec is None or name in ("id", "codes"):
            reader.error(
                line, f"defaults.{name}", "not an entry field that can have a default", meta_path
            )
            continue
        try:
            defaults[name] = convert(entry_spec, value)
        except ValueError as exc:
            reader.error(line, f"defaults.{name}", str(exc), meta_path)
    return meta, defaults


def _csv_records(reader: _Reader) -> Iterator[tuple[int, Located]]:
    schema = load_schema()
    try:
        handle = reader.path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        reader.error(0, FILE, f"cannot read: {exc}")
        return
    with handle:
        rows = csv.reader(handle)
        try:
            header = next(rows, None)
        except (csv.Error, UnicodeDecodeError) as exc:
            reader.error(1, FILE, f"not a readable CSV file: {exc}")
            return
        if not header:
            reader.error(1, FILE, "the file is empty (it needs a header row)")
            return
        columns: list[str | None] = []
        for cell in header:
            name = schema.entry_field(cell)
            if name is None:
                reader.error(1, cell, f"unknown column; known: {', '.join(schema.entry)}")
            elif name in columns:
                reader.error(1, cell, f"column appears twice (as {name})")
                name = None
            columns.append(name)
        previous = rows.line_num
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except (csv.Error, UnicodeDecodeError) as exc:
                reader.error(previous + 1, FILE, f"unreadable CSV: {exc}")
                return
            line, previous = previous + 1, rows.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) != len(header):
                reader.error(line, FILE, f"has {len(row)} cells; the header has {len(header)}")
                continue
            yield (
                line,
                {
                    name: (cell, line)
                    for name, cell in zip(columns, row, strict=True)
                    if name is not None and cell.strip()
                },
            )


def _yaml_records(reader: _Reader) -> Iterator[tuple[int, Located]]:
    schema = load_schema()
    loaded = reader.yaml_root(reader.path)
    if loaded is None:
        return
    loader, root = loaded
    try:
        top = reader.mapping(loader, root, reader.path)
        for key, (_, line) in top.items():
            if key != "entries":
                reader.error(
                    line,
                    key,
                    "unknown key: a list file has only `entries:` (what concerns the "
                    "whole list goes in its .meta.yml sidecar)",
                )
        entries_node = next(
            (value for key, value in root.value if key.value == "entries"),
            None,
        )
        if not isinstance(entries_node, yaml.SequenceNode):
            reader.error(1, "entries", "missing, or not a sequence of entries (- codes: ...)")
            return
        for node in entries_node.value:
            line = node.start_mark.line + 1
            if not isinstance(node, yaml.MappingNode):
                reader.error(line, FILE, "an entry must be a mapping (codes: ..., category: ...)")
                continue
            raw = reader.mapping(loader, node, reader.path)
            record: Located = {}
            for key, located in raw.items():
                name = schema.entry_field(key)
                if name is None:
                    reader.error(
                        located[1], key, f"unknown field; known: {', '.join(schema.entry)}"
                    )
                else:
                    record[name] = located
            yield line, record
    finally:
        loader.dispose()


def _entry(
    reader: _Reader, line: int, record: Located, defaults: Mapping[str, Any]
) -> ControlListEntry | None:
    schema = load_schema()
    values: dict[str, Any] = {}
    ok = True
    for name, spec in schema.entry.items():
        raw, at = record.get(name, (None, line))
        try:
            value = convert(spec, raw)
        except ValueError as exc:
            reader.error(at, name, str(exc))
            ok = False
            continue
        if value is None:
            value = defaults.get(name, spec.default)
        if value is None and spec.required:
            reader.error(
                line, name, "required field is missing (give it here or in the sidecar's defaults)"
            )
            ok = False
        values[name] = value
    if not ok:
        return None
    codes: tuple[str, ...] = values["codes"]
    for exclusion in values["exclusions"] or ():
        at = record.get("exclusions", (None, line))[1]
        under = [code for code in codes if exclusion.startswith(code)]
        if not under:
            reader.error(
                at,
                "exclusions",
                f"{exclusion} is not under any code of the entry "
                f"({', '.join(codes)}), so it excludes nothing",
            )
            ok = False
        elif exclusion in codes:
            reader.error(at, "exclusions", f"{exclusion} excludes the whole of code {exclusion}")
            ok = False
    start, end = values["valid_from"], values["valid_to"]
    if start is not None and end is not None and end < start:
        at = record.get("valid_to", (None, line))[1]
        reader.error(at, "valid_to", f"{end} is before valid_from {start}")
        ok = False
    for name in ("banned_from", "banned_by"):
        if values[name] and not values["banned_destinations"]:
            at = record.get(name, (None, line))[1]
            reader.error(at, name, "has no banned_destinations to apply to")
            ok = False
    if not ok:
        return None
    known = {f.name for f in ControlListEntry.__dataclass_fields__.values()}
    return ControlListEntry(
        id=values["id"] or "+".join(codes),
        codes=codes,
        category=values["category"],
        legal_basis=values["legal_basis"],
        source=values["source"],
        exclusions=values["exclusions"] or (),
        valid_from=start,
        valid_to=end,
        description=values["description"],
        tier=values["tier"],
        licence_required=bool(values["licence_required"]),
        banned_destinations=values["banned_destinations"] or frozenset(),
        banned_by=values["banned_by"] or frozenset(),
        banned_from=values["banned_from"],
        line=line,
        extra={k: v for k, v in values.items() if k not in known and v is not None},
    )


def read_control_list(path: Path) -> tuple[ControlList | None, list[ControlListError]]:
    """The list, or None and every fault found in it and its sidecar."""
    reader = _Reader(path)
    if path.suffix.lower() not in LIST_SUFFIXES:
        reader.error(0, FILE, f"a control list is a {', '.join(LIST_SUFFIXES)} file")
        return None, reader.errors
    read_meta = _read_meta(reader)
    records = _csv_records(reader) if path.suffix.lower() == ".csv" else _yaml_records(reader)
    defaults = read_meta[1] if read_meta else {}
    entries: list[ControlListEntry] = []
    seen: dict[str, int] = {}
    for line, record in records:
        entry = _entry(reader, line, record, defaults)
        if entry is None:
            continue
        if entry.id in seen:
            reader.error(
                line, "id", f"entry {entry.id!r} appears twice (also on line {seen[entry.id]})"
            )
            continue
        seen[entry.id] = line
        entries.append(entry)
    if not entries and not reader.errors:
        reader.error(0, FILE, "the list has no entries")
    if reader.errors or read_meta is None:
        return None, reader.errors
    meta = read_meta[0]
    schema = load_schema()
    return (
        ControlList(
            reference=describe(path),
            entries=tuple(entries),
            jurisdiction=convert(schema.list["jurisdiction"], meta.get("jurisdiction", (None,))[0])
            or frozenset(),
            example=bool(convert(schema.list["example"], meta.get("example", (None,))[0])),
            path=str(path),
        ),
        [],
    )


def load_control_list(path: Path) -> ControlList:
    """A list that must be whole: ControlListErrors (with every fault) otherwise."""
    control_list, errors = read_control_list(path)
    if control_list is None:
        raise ControlListErrors(errors)
    return control_list


def load_chpl(path: Path | None = None) -> ControlList:
    """The Common High Priority List shipped with the package."""
    return load_control_list(path or package_file("diversion.goods", "data/chpl.csv"))
