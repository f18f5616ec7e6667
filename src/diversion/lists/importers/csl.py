"""The US Consolidated Screening List (trade.gov) and BIS's own Denied Persons List file.

The CSL merges the export-control and sanctions lists of Commerce (BIS: Entity, Denied
Persons, Unverified, Military End User lists), State (ITAR debarred, nonproliferation) and
Treasury (SDN and the non-SDN lists) into one CSV with one row per listing. Exporters screen
against it because it is the one file that holds the BIS lists, which OFAC's files do not.

Three layouts, told apart by the header alone:

* CSL, legacy: `source, entity_number, type, programs, name, ...` (28 columns);
* CSL, current: the same with a leading `_id`, the publisher's own record id;
* BIS Denied Persons List: tab-separated, quoted, `"Name" "Street_Address" ... "FR_Citation"`.

Mapping, and why:

* `type`: Individual -> Person, Vessel -> Vessel, Aircraft -> Airplane. "Entity" -> Organization:
  it covers banks and companies but also ministries, military units and armed groups, so
  Company would claim too much. An empty type (the BIS and State lists, DPL rows) ->
  LegalEntity: those lists mix people and firms and do not say which.
* Lists inside a cell (`addresses`, `alt_names`, `programs`, `dates_of_birth`, ...) are
  separated by ";"; BIS writes a leading "and " on the last item ("...; and CETC 13"), dropped.
* Every address becomes an `Address` entity (the full text, and its country when the text
  ends in one), linked by the party's `addressEntity` and copied to its flat `address`; its
  country is added to the party's. A "place" that is only a country ("CN") adds the country
  and no Address. Identical address texts share one Address entity. A country cell that names
  no country (the DPL has "NM", a US state, in its Country column) is kept in notes.
* `ids` holds groups separated by ";". The legacy layout writes `[country,] number, type`
  and the current one `type, number[, country][, issue date, expiry]`. Known types go to their
  FtM property (`ID_PROPS`); Russian tax and registration numbers also go to innCode/ogrnCode
  when FtM accepts them as such. Groups that are sanction terms, not identifiers (directive
  determinations, "Secondary sanctions risk:") become provisions of the listing's Sanction.
  Unknown types, and values a property refuses, go to idNumber (or the nearest identifier
  property the schema has) plus a note that says what they were.
* One `Sanction` per row: authority = the row's `source`, program = its `programs` (or the list
  name when it gives none), authorityId = entity_number or _id, listingDate/endDate from the
  row, reason = remarks, summary = the Federal Register citation, provisions = licence terms.
* Address-only entries: since June 2024 (89 FR 51644) BIS lists addresses on the Entity List
  with no party, so that any consignee at that address needs a licence. Such a row becomes an
  `Address` entity carrying its own Sanction, so an address can be screened. A row counts as
  one when it is on the Entity List, has no type, and its name is itself an address: the name
  (with at least one comma) is one of the row's addresses or the start of one, or the name
  (with at least two commas) opens with a premises designator and a unit number ("Unit D,",
  "Room 1318-19,", "Flat/RM 2309,", "16/F,"). Company names that merely start with a number
  ("32 Group China Ltd.", "54th Research Institute of China") are not addresses.
* Ids: `csl-<_id>` when the row has one, else `stable_id("csl", source, name, entity_number)`;
  DPL rows `stable_id("bis-dpl", name, street, effective date)`. Rows that share an id are one
  party listed several times (the Entity List and the DPL give one row per address): they are
  merged into one entity and each row still gets its own Sanction, so nothing is dropped.

The CSL states no publication date, nor does the DPL file (only per-row updates).
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from followthemoney.proxy import EntityProxy

from diversion.countries import CountryError, normalise_country
from diversion.lists.importers.base import (
    ListFormatError,
    Parsed,
    add_sanction,
    each_file,
    make,
    one_file,
    stable_id,
)
from diversion.reference import load_yaml, package_file

parts = each_file  # several CSL files are parts of one list; the DPL file is a list of its own

LEGACY_COLUMNS = (
    "source", "entity_number", "type", "programs", "name", "title", "addresses",
    "federal_register_notice", "start_date", "end_date", "standard_order",
    "license_requirement", "license_policy", "call_sign", "vessel_type", "gross_tonnage",
    "gross_registered_tonnage", "vessel_flag", "vessel_owner", "remarks", "source_list_url",
    "alt_names", "citizenships", "dates_of_birth", "nationalities", "places_of_birth",
    "source_information_url", "ids",
)  # fmt: skip
CURRENT_COLUMNS = ("_id", *LEGACY_COLUMNS)
DPL_COLUMNS = (
    "Name", "Street_Address", "City", "State", "Country", "Postal_Code", "Effective_Date",
    "Expiration_Date", "Standard_Order", "Last_Update", "Action", "FR_Citation",
)  # fmt: skip
LAYOUTS = {"legacy": LEGACY_COLUMNS, "current": CURRENT_COLUMNS, "dpl": DPL_COLUMNS}

CSL_SOURCE = "US Consolidated Screening List"
DPL_SOURCE = "BIS Denied Persons List"
LIST_NAMES = {CSL_SOURCE: "us-csl", DPL_SOURCE: "bis-dpl"}  # default list name of each
_SOURCE_CODE = re.compile(r"\(([^()]+)\)")
DPL_AUTHORITY = "Denied Persons List (DPL) - Bureau of Industry and Security"
ENTITY_LIST = "Entity List (EL)"

SCHEMATA = {
    "Individual": "Person",
    "Entity": "Organization",
    "Vessel": "Vessel",
    "Aircraft": "Airplane",
    "": "LegalEntity",
}

# CSL id types (lower case, without trailing " -:.#") -> FtM property.
ID_PROPS = {
    "passport": "passportNumber",
    "diplomatic passport": "passportNumber",
    "national id no": "idNumber",
    "identification number": "idNumber",
    "cedula no": "idNumber",
    "personal id card": "idNumber",
    "ssn": "socialSecurityNumber",
    "tax id no": "taxNumber",
    "nit": "taxNumber",
    "ruc": "taxNumber",
    "rfc": "taxNumber",
    "cuit": "taxNumber",
    "v.a.t. number": "vatCode",
    "vat number": "vatCode",
    "registration id": "registrationNumber",
    "registration number": "registrationNumber",
    "business registration number": "registrationNumber",
    "business registration document": "registrationNumber",
    "company number": "registrationNumber",
    "commercial registry number": "registrationNumber",
    "matricula mercantil no": "registrationNumber",
    "public registration number": "registrationNumber",
    "certificate of incorporation number": "registrationNumber",
    "trade license no": "registrationNumber",
    "chamber of commerce number": "registrationNumber",
    "government gazette number": "okpoCode",  # OFAC's name for the Russian OKPO code
    "legal entity number": "leiCode",
    "d-u-n-s number": "dunsCode",
    "swift/bic": "swiftBic",
    "website": "website",
    "email address": "email",
    "phone number": "phone",
    "vessel registration identification": "imoNumber",
    "mmsi": "mmsi",
    "call sign": "callSign",
    "former vessel flag": "pastFlags",
    "other vessel flag": "flag",
    "vessel year of build": "buildDate",
    "gender": "gender",
    "aircraft manufacturer's serial number (msn)": "serialNumber",
    "aircraft model": "model",
    "aircraft tail number": "registrationNumber",
    "previous aircraft tail number": "registrationNumber",
    "aircraft manufacture date": "buildDate",
}
# Also tried as the Russian code when the party or the id is Russian; FtM checks the digits.
RUSSIAN_PROPS = {"taxNumber": "innCode", "registrationNumber": "ogrnCode"}
# Id "types" that are terms of the sanction, not identifiers of the party.
SANCTION_TERMS = ("directive", "sanction", "prohibited")
COUNTRY_PROPS = {"pastFlags", "flag"}
FALLBACK_PROPS = ("idNumber", "registrationNumber")

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
PARTIAL_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")
CODE = re.compile(r"[A-Z]{2}")
PREMISES = re.compile(
    r"^(?:(?:flat|rm|room|unit|office|suite|shop|block|blk|floor)\b[\s./]*"
    r"(?:(?:rm|room)\b[\s.]*)?(?:[\w-]*\d[\w-]*|[a-z])|\d+/?f)\b",
    re.IGNORECASE,
)
QUALIFIER = re.compile(r"^and (?:any|all|its) ", re.IGNORECASE)


@dataclass(frozen=True)
class Row:
    """One record of the file, with the line it starts on, for errors."""

    path: Path
    line: int
    values: dict[str, str]

    def __getitem__(self, column: str) -> str:
        return self.values.get(column, "")

    def fail(self, column: str, reason: str) -> ListFormatError:
        return ListFormatError(self.path, f"line {self.line}, column {column}", reason)


@dataclass(frozen=True)
class IdGroup:
    """One `ids` group: what the number is, the number, and what else it says."""

    kind: str
    number: str
    country: str | None = None
    dates: tuple[str, ...] = ()

    def note(self) -> str:
        extra = [f"country {self.country}"] if self.country else []
        extra += [f"dated {d}" for d in self.dates]
        return f"{self.kind}: {self.number}" + (f" ({'; '.join(extra)})" if extra else "")


class Collector:
    """The entities of one file; rows that name the same party are merged here."""

    def __init__(self, source: str) -> None:
        self.parsed = Parsed(source=source, list_name=LIST_NAMES[source])
        self.entities: dict[str, EntityProxy] = {}
        self.listings: Counter[str] = Counter()

    def entity(self, row: Row, schema: str, entity_id: str) -> EntityProxy:
        """The entity with this id, made on its first row and reused on later ones."""
        entity = self.entities.get(entity_id)
        if entity is None:
            entity = self.entities[entity_id] = self.parsed.add(make(schema, entity_id))
        elif entity.schema.name != schema:
            raise row.fail(
                "type", f"{entity_id} was a {entity.schema.name} on an earlier row, now {schema}"
            )
        return entity

    def address(self, prefix: str, full: str, country: str | None) -> EntityProxy:
        """One Address entity per distinct address text."""
        entity_id = stable_id(prefix, full)
        entity = self.entities.get(entity_id)
        if entity is None:
            entity = self.entities[entity_id] = self.parsed.add(make("Address", entity_id))
            entity.add("full", full)
            if country:
                entity.add("country", country.lower())
        return entity

    def link(self, party: EntityProxy, address: EntityProxy, full: str) -> None:
        party.add("addressEntity", address.id)
        party.add("address", full)
        party.add("country", address.get("country"))

    def sanction_suffix(self, target: EntityProxy) -> str:
        """`sanction` for a target's first listing, `sanction-2` for its second, ..."""
        self.listings[str(target.id)] += 1
        count = self.listings[str(target.id)]
        return "sanction" if count == 1 else f"sanction-{count}"


# Reading the file ------------------------------------------------------------------------


def _text(path: Path) -> str:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ListFormatError(path, "", f"cannot read file: {exc.strerror or exc}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ListFormatError(
            path, f"line {line}", f"not valid UTF-8 ({exc.reason}); save the file as UTF-8"
        ) from None


def _layout(path: Path, header: list[str]) -> str:
    """Which layout a header is, or an error that lists the columns each layout has."""
    for name, columns in LAYOUTS.items():
        if tuple(header) == columns:
            return name
    closest = max(LAYOUTS.values(), key=lambda columns: len(set(columns) & set(header)))
    missing = [c for c in closest if c not in header]
    unknown = [c for c in header if c not in closest]
    raise ListFormatError(
        path,
        "line 1",
        f"unknown header (missing: {missing}; unexpected: {unknown}). Expected the CSL columns "
        f"{', '.join(LEGACY_COLUMNS)} (the current layout adds a leading _id), or the BIS "
        f"Denied Persons List columns {', '.join(DPL_COLUMNS)}",
    )


def _rows(path: Path, text: str) -> tuple[str, Iterator[Row]]:
    """The layout of the file and its rows, each checked to have every column."""
    first = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter="\t" if "\t" in first else ",")
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise ListFormatError(path, "line 1", f"malformed CSV: {exc}") from None
    if not header:
        raise ListFormatError(path, "", "the file is empty")
    layout = _layout(path, header)
    columns = LAYOUTS[layout]

    def rows() -> Iterator[Row]:
        start = reader.line_num + 1
        while True:
            try:
                record = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise ListFormatError(path, f"line {start}", f"malformed CSV: {exc}") from None
            line, start = start, reader.line_num + 1
            if not record:
                continue  # a blank line holds no record
            if len(record) != len(columns):
                raise ListFormatError(
                    path, f"line {line}", f"{len(record)} fields, expected {len(columns)}"
                )
            yield Row(path, line, {c: v.strip() for c, v in zip(columns, record, strict=True)})

    return layout, rows()


def topics_of(source: str) -> list[str]:
    """OpenSanctions' topics for a CSL `source` ("Entity List (EL) - Bureau of Industry and
    Security" -> export.control), from `data/topics.yml`."""
    table = _topics()
    code = _SOURCE_CODE.search(source)
    if code is not None and code.group(1) in table["csl_sources"]:
        return list(table["csl_sources"][code.group(1)])
    department = source.rpartition(" - ")[2].strip()
    return list(table["departments"].get(department, table["default"]))


_TOPICS: dict[str, Any] = {}


def _topics() -> dict[str, Any]:
    if not _TOPICS:
        _TOPICS.update(load_yaml(package_file("diversion.lists", "data/topics.yml")))
    return _TOPICS


def read_csl(paths: Sequence[Path]) -> Parsed:
    """A CSL CSV (legacy or current columns) or the BIS Denied Persons List text file."""
    path = one_file(paths, "the Consolidated Screening List importer")
    layout, rows = _rows(path, _text(path))
    collector = Collector(DPL_SOURCE if layout == "dpl" else CSL_SOURCE)
    count = 0
    for row in rows:
        if layout == "dpl":
            _dpl_row(collector, row)
        else:
            _csl_row(collector, row, current=layout == "current")
        count += 1
    if not count:
        raise ListFormatError(path, "", "the list holds no entries")
    return collector.parsed


# Values ----------------------------------------------------------------------------------


def _split(text: str) -> list[str]:
    """The items of a ";"-separated cell, without BIS's "and " before the last one."""
    items = (" ".join(item.split()) for item in text.split(";"))
    return [item.removeprefix("and ") for item in items if item]


def _iso_date(row: Row, column: str) -> str | None:
    value = row[column]
    if not value:
        return None
    try:
        if ISO_DATE.fullmatch(value):
            return date.fromisoformat(value).isoformat()
    except ValueError:
        pass
    raise row.fail(column, f"{value!r} is not a date (YYYY-MM-DD)")


def _us_date(row: Row, column: str) -> str | None:
    """DPL dates are MM/DD/YYYY."""
    value = row[column]
    if not value:
        return None
    try:
        return datetime.strptime(value, "%m/%d/%Y").date().isoformat()
    except ValueError:
        raise row.fail(column, f"{value!r} is not a date (MM/DD/YYYY)") from None


def _birth_dates(row: Row) -> list[str]:
    """Dates of birth as the CSL gives them: a year, a year and month, or a full date."""
    dates = []
    for value in _split(row["dates_of_birth"]):
        try:
            if PARTIAL_DATE.fullmatch(value):
                date.fromisoformat((value + "-01-01")[:10])
                dates.append(value)
                continue
        except ValueError:
            pass
        raise row.fail("dates_of_birth", f"{value!r} is not a date (YYYY, YYYY-MM, YYYY-MM-DD)")
    return dates


def _country(entity: EntityProxy, label: str, value: str) -> str | None:
    """A country code; a value that is none (the DPL has "NM", a US state) stays in notes."""
    try:
        return normalise_country(value).lower()
    except CountryError:
        entity.add("notes", f"{label}: {value} (not a country code)")
        return None


def _trailing_country(text: str) -> str | None:
    """The country an address ends in ("..., Moscow, 115035, RU", "..., Hebei, China")."""
    last = text.rsplit(",", 1)[-1].strip()
    if not last or any(ch.isdigit() for ch in last):
        return None
    try:
        return normalise_country(last)
    except CountryError:
        return None  # a city or a state ("Kowloon", "TX"), not a country


def _put(entity: EntityProxy, prop: str, value: str, label: str) -> None:
    """Add a value if the schema has the property and FtM accepts it; else keep it in notes."""
    if not _put_quietly(entity, prop, value):
        entity.add("notes", f"{label}: {value}")


# CSL rows --------------------------------------------------------------------------------


def _csl_row(collector: Collector, row: Row, current: bool) -> None:
    for column in ("source", "name"):
        if not row[column]:
            raise row.fail(column, "required")
    if row["type"] not in SCHEMATA:
        known = ", ".join(t for t in SCHEMATA if t)
        raise row.fail("type", f"{row['type']!r} is not one of {known} (or empty)")
    start, end = _iso_date(row, "start_date"), _iso_date(row, "end_date")
    entity_id = (
        f"csl-{row['_id']}"
        if row["_id"]
        else stable_id("csl", row["source"], row["name"], row["entity_number"])
    )
    name, scope = _name_and_scope(row["name"])
    addresses = _split(row["addresses"])
    if _is_address_only(row, name, addresses):
        target, terms = _address_only(collector, row, entity_id, name, addresses), []
    else:
        schema = SCHEMATA[row["type"]]
        target = collector.entity(row, schema, entity_id)
        terms = _fill_party(collector, row, target, name, addresses, current)
    _csl_sanction(collector, row, target, start, end, [*scope, *terms])


def _name_and_scope(raw: str) -> tuple[str, list[str]]:
    """The name without a trailing scope clause ("; and any successor, sub-unit, ...")."""
    parts = [part.strip() for part in raw.split(";")]
    scope = [part for part in parts[1:] if QUALIFIER.match(part)]
    if not scope:
        return raw, []
    name = "; ".join(part for part in parts if part not in scope)
    return name, [f"Scope: {part}" for part in scope]


def _norm(text: str) -> str:
    return " ".join(text.casefold().split()).rstrip(".")


def _is_address_only(row: Row, name: str, addresses: list[str]) -> bool:
    """An Entity List row whose name is an address (see the module docstring)."""
    if not row["source"].startswith(ENTITY_LIST) or row["type"]:
        return False
    key = _norm(name)
    if "," in key and any(_norm(a) == key or _norm(a).startswith(key + ",") for a in addresses):
        return True
    return name.count(",") >= 2 and PREMISES.match(name) is not None


def _address_only(
    collector: Collector, row: Row, entity_id: str, name: str, addresses: list[str]
) -> EntityProxy:
    """The listed address itself, as an Address entity a Sanction can point to."""
    entity = collector.entity(row, "Address", entity_id)
    entity.add("full", name)
    for text in addresses:
        if _norm(text) != _norm(name):
            entity.add("full", text)
    for text in (name, *addresses):
        country = _trailing_country(text)
        if country:
            entity.add("country", country.lower())
    entity.add("alias", _split(row["alt_names"]))
    return entity


def _fill_party(
    collector: Collector,
    row: Row,
    entity: EntityProxy,
    name: str,
    addresses: list[str],
    current: bool,
) -> list[str]:
    """Names, addresses, personal and vessel details and ids; returns sanction terms."""
    entity.add("name", name)
    entity.add("alias", _split(row["alt_names"]))
    for text in addresses:
        _add_address(collector, entity, text)
    _person_details(row, entity)
    _vessel_details(row, entity)
    groups = [_id_group(row, text, current) for text in _split(row["ids"])]
    return [term for group in groups if (term := _apply_id(entity, group))]


def _add_address(collector: Collector, party: EntityProxy, text: str) -> None:
    country = _trailing_country(text)
    if country and "," not in text:
        party.add("country", country.lower())  # "CN": a country, not an address
        return
    collector.link(party, collector.address("csl-address", text, country), text)


def _person_details(row: Row, entity: EntityProxy) -> None:
    if row["title"]:
        _put(entity, "position", row["title"], "Title")
    for value in _birth_dates(row):
        _put(entity, "birthDate", value, "Date of birth")
    for value in _split(row["places_of_birth"]):
        _put(entity, "birthPlace", value, "Place of birth")
    is_person = entity.schema.is_a("Person")
    for column, prop, label in (
        ("nationalities", "nationality", "Nationality"),
        ("citizenships", "citizenship", "Citizenship"),
    ):
        for value in _split(row[column]):
            entity.add(prop if is_person else "country", _country(entity, label, value))


def _vessel_details(row: Row, entity: EntityProxy) -> None:
    for column, prop, label in (
        ("call_sign", "callSign", "Call sign"),
        ("vessel_type", "type", "Vessel type"),
        ("gross_tonnage", "tonnage", "Gross tonnage"),
        ("gross_registered_tonnage", "grossRegisteredTonnage", "Gross registered tonnage"),
    ):
        if row[column]:
            _put(entity, prop, row[column], label)
    if row["vessel_owner"]:  # a name, not an entity the Vessel's `owner` could point to
        entity.add("notes", f"Vessel owner: {row['vessel_owner']}")
    flag = _country(entity, "Vessel flag", row["vessel_flag"]) if row["vessel_flag"] else None
    if flag:
        _put(entity, "flag", flag, "Vessel flag")


# ids -------------------------------------------------------------------------------------


def _kind(label: str) -> str:
    return " ".join(label.lower().split()).rstrip(" -:.#")


def _id_group(row: Row, text: str, current: bool) -> IdGroup:
    """Parse one group: current `type, number[, country][, dates]`, legacy `[country,] number,
    type`. A number may itself hold commas, so only a two-letter code counts as a country."""
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if len(parts) < 2:
        raise row.fail("ids", f"{text!r} is not a 'type, number' group")
    if current:
        kind, rest = parts[0], parts[1:]
        dates: list[str] = []
        while len(rest) > 1 and ISO_DATE.fullmatch(rest[-1]):
            dates.insert(0, rest.pop())
        country = _code(rest[-1]) if len(rest) > 1 else None
        number = ", ".join(rest[:-1] if country else rest)
        return IdGroup(kind, number, country, tuple(dates))
    kind, rest = parts[-1], parts[:-1]
    country = _code(rest[0]) if len(rest) > 1 else None
    return IdGroup(kind, ", ".join(rest[1:] if country else rest), country)


def _code(value: str) -> str | None:
    if not CODE.fullmatch(value):
        return None
    try:
        return normalise_country(value)
    except CountryError:
        return None


def _apply_id(entity: EntityProxy, group: IdGroup) -> str | None:
    """Put one id on the entity; returns it as text when it is a term of the sanction."""
    kind = _kind(group.kind)
    if any(term in kind for term in SANCTION_TERMS):
        return f"{group.kind.rstrip(' -:')}: {group.number}"
    prop = ID_PROPS.get(kind)
    value = group.number
    if prop in COUNTRY_PROPS:
        value = (_code(value) or _trailing_country(value) or value).lower()
    if prop and _put_quietly(entity, prop, value):
        if group.country or group.dates:
            entity.add("notes", group.note())
        _russian_codes(entity, prop, group)
        return None
    for fallback in FALLBACK_PROPS:
        if _put_quietly(entity, fallback, group.number):
            break
    entity.add("notes", group.note())
    return None


def _put_quietly(entity: EntityProxy, prop: str, value: str) -> bool:
    properties = entity.schema.properties
    return prop in properties and entity.unsafe_add(properties[prop], value) is not None


def _russian_codes(entity: EntityProxy, prop: str, group: IdGroup) -> None:
    """INN and OGRN are what Russian declarations carry; OFAC calls them tax and reg. ids."""
    russian = group.country == "RU" or (group.country is None and "ru" in entity.get("country"))
    if russian and prop in RUSSIAN_PROPS:
        _put_quietly(entity, RUSSIAN_PROPS[prop], group.number)


# Sanctions -------------------------------------------------------------------------------


def _csl_sanction(
    collector: Collector,
    row: Row,
    target: EntityProxy,
    start: str | None,
    end: str | None,
    terms: list[str],
) -> None:
    source = row["source"]
    provisions = [
        f"License requirement: {row['license_requirement']}" if row["license_requirement"] else "",
        f"License policy: {row['license_policy']}" if row["license_policy"] else "",
        f"Standard order: {row['standard_order']}" if row["standard_order"] else "",
        *terms,
    ]
    urls = list(dict.fromkeys(u for u in (row["source_list_url"], row["source_information_url"])))
    frn = row["federal_register_notice"]
    add_sanction(
        collector.parsed,
        target,
        source,
        _split(row["programs"]) or [source.split(" - ")[0]],
        suffix=collector.sanction_suffix(target),
        topics=topics_of(source),
        authorityId=row["entity_number"] or row["_id"],
        listingDate=start,
        endDate=end,
        reason=row["remarks"],
        summary=f"Federal Register: {frn}" if frn else None,
        sourceUrl=[u for u in urls if u],
        provisions=[p for p in provisions if p],
    )


# The Denied Persons List file ------------------------------------------------------------


def _dpl_row(collector: Collector, row: Row) -> None:
    name = row["Name"]
    if not name:
        raise row.fail("Name", "required")
    effective = _us_date(row, "Effective_Date")
    expiration = _us_date(row, "Expiration_Date")
    updated = _iso_date(row, "Last_Update")
    entity_id = stable_id("bis-dpl", name, row["Street_Address"], effective or "")
    party = collector.entity(row, "LegalEntity", entity_id)
    party.add("name", name)
    _dpl_address(collector, row, party)
    citation = row["FR_Citation"]
    add_sanction(
        collector.parsed,
        party,
        DPL_AUTHORITY,
        [DPL_AUTHORITY.split(" - ")[0]],
        suffix=collector.sanction_suffix(party),
        topics=topics_of(DPL_AUTHORITY),
        listingDate=effective,
        endDate=expiration,
        modifiedAt=updated,
        reason=row["Action"],
        summary=f"Federal Register: {citation}" if citation else None,
        provisions=f"Standard order: {row['Standard_Order']}" if row["Standard_Order"] else None,
    )


def _dpl_address(collector: Collector, row: Row, party: EntityProxy) -> None:
    """The DPL gives the address in parts; the full text joins them as the CSL does."""
    country = _country(party, "Country", row["Country"]) if row["Country"] else None
    parts = ("Street_Address", "City", "State", "Postal_Code")
    if not any(row[p] for p in parts):
        if country:
            party.add("country", country)
        return
    full = ", ".join(" ".join(row[p].split()) for p in (*parts, "Country") if row[p])
    address = collector.address("bis-dpl-address", full, country)
    for column, prop in zip(parts, ("street", "city", "state", "postalCode"), strict=True):
        if row[column]:
            address.add(prop, row[column])
    collector.link(party, address, full)
