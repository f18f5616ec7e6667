"""Helpers the official-list XML importers share (UN, EU, UK).

Each list spells dates, countries, identifiers and addresses its own way, but the rules for
turning them into FtM values are the same: keep every value, clean what FtM can clean, and
put the original text in `notes` whenever FtM would otherwise drop it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from xml.etree.ElementTree import Element

from followthemoney.proxy import EntityProxy
from followthemoney.types import registry

from diversion.lists.importers.base import ListFormatError, Parsed, make, one_file
from diversion.lists.importers.xml import expect_root, local, parse_xml

_SPACE = re.compile(r"\s+")
_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?=$|[T\s+-]|Z)")
_DMY = re.compile(r"^(dd|\d{1,2})[/.](mm|\d{1,2})[/.](\d{4})$", re.IGNORECASE)
# Values that stand for "not known"; FtM would read "na" as Namibia.
_NO_COUNTRY = {"na", "n/a", "unknown", "00", "-", "none"}
_MAX_YEAR_RANGE = 15


def clean(value: str | None) -> str | None:
    """Whitespace collapsed to single spaces; None when blank. Lists wrap long values."""
    if value is None:
        return None
    value = _SPACE.sub(" ", value).strip()
    return value or None


def child(element: Element, name: str) -> Element | None:
    """The first direct child with this local name, whatever its namespace."""
    for item in element:
        if local(item.tag) == name:
            return item
    return None


def children(element: Element, name: str) -> list[Element]:
    return [item for item in element if local(item.tag) == name]


def descendants(element: Element, *path: str) -> list[Element]:
    """Elements reached by a path of local names: `descendants(e, "DOBs", "DOB")`."""
    found = [element]
    for name in path:
        found = [item for parent in found for item in children(parent, name)]
    return found


def child_text(element: Element, name: str) -> str | None:
    found = child(element, name)
    return None if found is None else clean(found.text)


def texts(element: Element, *path: str) -> list[str]:
    """Every non-blank text at `path`, in document order, without repeats."""
    values = (clean(item.text) for item in descendants(element, *path))
    return list(dict.fromkeys(v for v in values if v))


def attr(element: Element, name: str) -> str | None:
    return clean(element.get(name))


def note(entity: EntityProxy, text: str | None) -> None:
    """Free text the entity keeps for a human reader (remarks, values FtM cannot hold)."""
    if text:
        entity.add("notes", text)


def add_or_note(entity: EntityProxy, prop: str, value: str | None, label: str) -> bool:
    """Add a value FtM accepts; otherwise keep the original text in notes. True if added.

    FtM drops what it cannot clean without a word (an INN with a bad check digit, a phone
    number it cannot parse, "M" as a gender); this is the one place that notices.
    """
    if not value:
        return False
    schema_prop = entity.schema.get(prop)
    if schema_prop is not None and entity.unsafe_add(schema_prop, value) is not None:
        return True
    note(entity, f"{label}: {value}")
    return False


def add_identifier(entity: EntityProxy, kind: str, number: str | None) -> None:
    """An identifier under the property its kind names, else a generic number plus a note."""
    if not number:
        return
    prop = identifier_prop(entity, kind)
    if entity.unsafe_add(entity.schema.properties[prop], number) is not None:
        return
    generic = "idNumber" if entity.schema.is_a("Person") else "registrationNumber"
    entity.add(generic, number)
    note(entity, f"{kind.strip()} {number}: not a valid {prop}, kept as {generic}")


def partial_date(year: str | None, month: str | None = None, day: str | None = None) -> str | None:
    """An ISO date as precise as the parts allow: "1971", "1971-05" or "1971-05-03"."""
    if not year or not year.isdigit() or len(year) != 4:
        return None
    if not month or not month.isdigit() or not 1 <= int(month) <= 12:
        return year
    if not day or not day.isdigit() or not 1 <= int(day) <= 31:
        return f"{year}-{int(month):02d}"
    return f"{year}-{int(month):02d}-{int(day):02d}"


def iso_date(raw: str | None) -> str | None:
    """A (partial) ISO date from the spellings lists use, or None when it is not a date.

    `2012-12-31`, `2015-04-07-04:00`, `2026-02-27T00:00:09Z`, `1971`, `25/01/2001`,
    `dd/mm/1971` (day and month unknown) and `dd/03/1971` all work.
    """
    value = clean(raw)
    if not value:
        return None
    match = _ISO.match(value) or _DMY.match(value)
    if match is None:
        return None
    if match.re is _DMY:
        day, month, year = match.groups()
    else:
        year, month, day = match.groups()
    return partial_date(year, month, day if month else None)


def iso_timestamp(raw: str | None) -> str | None:
    """A publication stamp as ISO: a full datetime is kept as given, else its (partial) date."""
    value = clean(raw)
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).isoformat()
    except ValueError:
        return iso_date(value)


def add_date(entity: EntityProxy, prop: str, raw: str | None, label: str) -> None:
    """Add a date FtM can hold; keep text that is no date in notes."""
    if not clean(raw):
        return
    value = iso_date(raw)
    if value is None:
        note(entity, f"{label}: {clean(raw)}")
    else:
        entity.add(prop, value)


def year_range(start: str | None, end: str | None) -> list[str]:
    """Every year of an inclusive range ("born between 1955 and 1958"), if it is short."""
    if not (start and end and start.isdigit() and end.isdigit()):
        return []
    first, last = int(start), int(end)
    if not 0 <= last - first <= _MAX_YEAR_RANGE:
        return []
    return [str(year) for year in range(first, last + 1)]


def country_code(*candidates: str | None) -> str | None:
    """The first candidate FtM reads as a country (code or name), else None."""
    for raw in candidates:
        value = clean(raw)
        if value and value.lower() not in _NO_COUNTRY:
            code = registry.country.clean(value)
            if code is not None:
                return str(code)
    return None


def add_country(entity: EntityProxy, prop: str, label: str, *candidates: str | None) -> None:
    """Add a country given as code or name; note the original text when FtM cannot read it.

    The first candidate FtM understands wins (a list may give an ISO code and a name).
    Only "unknown" placeholders (`00`, `UNKNOWN`) are dropped, since they say nothing.
    """
    code = country_code(*candidates)
    if code is not None:
        entity.add(prop, code)
        return
    given = [c for c in map(clean, candidates) if c and c.upper() not in {"00", "UNKNOWN"}]
    if given:
        note(entity, f"{label}: {' / '.join(given)}")


def split_names(raw: str | None) -> list[str]:
    """The names in one alias field: lists pack variants as `A; B` or `X (A; B)`."""
    value = clean(raw)
    if not value:
        return []
    if ";" not in value:
        return [value]
    names: list[str] = []
    head, inner = _outer_parenthesis(value)
    if inner is not None:
        names.append(head)
        value = inner
    for part in re.split(r";|\s[b-z]\)\s", value):
        part = re.sub(r"\s*\(original script\)$", "", part.strip(), flags=re.IGNORECASE)
        names.append(part.strip())
    return list(dict.fromkeys(n for n in names if n))


def _outer_parenthesis(value: str) -> tuple[str, str | None]:
    """`X (A; B)` -> ("X", "A; B"): the first parenthesis that encloses the list to the end."""
    if not value.endswith(")"):
        return value, None
    for index, char in enumerate(value):
        if char == "(" and _balanced(value[index + 1 : -1]) and ";" in value[index:]:
            return value[:index].strip(), value[index + 1 : -1]
    return value, None


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def identifier_prop(entity: EntityProxy, kind: str) -> str:
    """The FtM property for an identifier of a described kind, one the entity's schema has.

    `kind` is the list's own wording ("Passport", "passport", "National Identification
    Number", "regnumber", "INN"...). Anything unrecognised becomes a generic id number (a
    person) or registration number (anything else); callers keep the wording in notes.
    """
    words = kind.lower()
    wanted = [
        ("passport", "passportNumber"), ("pasaporte", "passportNumber"),
        ("passeport", "passportNumber"), ("inn", "innCode"), ("ogrn", "ogrnCode"),
        ("swift", "swiftBic"), ("bic", "swiftBic"), ("imo", "imoNumber"),
        ("social security", "socialSecurityNumber"), ("ssn", "socialSecurityNumber"),
        ("tax", "taxNumber"), ("fiscal", "taxNumber"), ("vat", "vatCode"),
        ("regnumber", "registrationNumber"), ("registration", "registrationNumber"),
        ("lei", "leiCode"),
    ]  # fmt: skip
    for word, prop in wanted:
        if re.search(rf"\b{word}", words) and prop in entity.schema.properties:
            return prop
    return "idNumber" if entity.schema.is_a("Person") else "registrationNumber"


@dataclass(frozen=True)
class AddressParts:
    """One address as a list gives it; `full` is built from the parts when absent."""

    street: str | None = None
    city: str | None = None
    postal_code: str | None = None
    region: str | None = None
    po_box: str | None = None
    country: Sequence[str | None] = ()  # code and/or name, best first
    full: str | None = None
    remarks: str | None = None

    def text(self) -> str | None:
        if self.full:
            return self.full
        parts = [self.street, self.po_box, self.postal_code, self.city, self.region]
        parts.append(self.country_name())
        return ", ".join(dict.fromkeys(p for p in parts if p)) or None

    def country_name(self) -> str | None:
        """The country as words for the full address: the list's name, else FtM's."""
        named = next((c for c in map(clean, self.country) if c and len(c) > 2), None)
        if named and named.upper() != "UNKNOWN":
            return named
        code = country_code(*self.country)
        return None if code is None else str(registry.country.caption(code))


def add_address(parsed: Parsed, owner: EntityProxy, index: int, parts: AddressParts) -> None:
    """An Address entity linked from `owner`, plus the flat `address` string on the owner."""
    full = parts.text()
    if not full:
        note(owner, f"Address: {parts.remarks}" if parts.remarks else None)
        return
    address = make("Address", f"{owner.id}-address-{index}")
    address.add("full", full)
    address.add("street", parts.street)
    address.add("city", parts.city)
    address.add("postalCode", parts.postal_code)
    address.add("region", parts.region)
    address.add("postOfficeBox", parts.po_box)
    address.add("remarks", parts.remarks)
    add_country(address, "country", "Address country", *parts.country)
    parsed.add(address)
    owner.add("addressEntity", address.id)
    owner.add("address", full)
    owner.add("country", address.get("country"))


def leftovers(element: Element, known: Iterable[str], label: str) -> Iterator[str]:
    """`label TAG: text` for every child element this importer does not map.

    Official formats grow new fields; they must reach the notes, not vanish.
    """
    skip = set(known)
    for item in element:
        name = local(item.tag)
        if name in skip:
            continue
        value = _content(item)
        if value:
            yield f"{label} {name}: {value}"


def _content(element: Element) -> str | None:
    """An element's text, or its attributes when it carries data only there."""
    text = clean(" ".join(element.itertext()))
    pairs = (f"{local(k)} {clean(v)}" for k, v in element.attrib.items() if clean(v))
    return text or clean("; ".join(pairs))


def unmapped_leaves(element: Element, known: set[str], prefix: str = "") -> Iterator[str]:
    """`Path/To/Leaf: text` for every leaf below `element` whose path is not in `known`.

    For formats nested several levels deep (the UK list), where a new field may appear at
    any depth; `known` holds paths like `Names/Name/Name1`.
    """
    for item in element:
        path = f"{prefix}{local(item.tag)}"
        if len(item):
            yield from unmapped_leaves(item, known, f"{path}/")
        elif path not in known and _content(item):
            yield f"{path}: {_content(item)}"


def leftover_attrs(element: Element, known: Iterable[str], label: str) -> Iterator[str]:
    """`label name: value` for every attribute this importer does not map."""
    skip = set(known)
    for name, raw in element.attrib.items():
        value = clean(raw)
        if local(name) not in skip and value:
            yield f"{label} {local(name)}: {value}"


def sniff_xml(path: Path, what: str) -> None:
    """Refuse a file that is not XML at all (a CSV, say) with a message that says so."""
    try:
        with path.open("rb") as handle:
            head = handle.read(2048)
    except OSError as exc:
        raise ListFormatError(path, "", f"cannot read file: {exc.strerror or exc}") from None
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if start.startswith(b"<") or not start:
        return
    first = start.split(b"\n", 1)[0].decode("utf-8", "replace")[:60]
    kind = "a CSV or text file" if ("," in first or ";" in first or "\t" in first) else "not XML"
    raise ListFormatError(
        path, "line 1", f"this is {kind} (it starts {first!r}); {what} is an XML file"
    )


def open_list(paths: Sequence[Path], what: str, *roots: str) -> tuple[Path, Element]:
    """The one XML file of a list and its root, checked to be the expected format."""
    path = one_file(paths, what)
    sniff_xml(path, what)
    root = parse_xml(path)
    expect_root(path, root, *roots)
    return path, root


def register(path: Path, seen: set[str], entity_id: str, where: str) -> None:
    """Refuse a record whose id an earlier record already took (ids must be unique)."""
    if entity_id in seen:
        raise ListFormatError(path, where, f"id {entity_id} appears twice")
    seen.add(entity_id)


def require(path: Path, value: str | None, where: str, what: str) -> str:
    if not value:
        raise ListFormatError(path, where, f"{what} is missing")
    return value
