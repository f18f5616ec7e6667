"""OFAC's legacy CSV set: the SDN list (`sdn.csv` ...) or the consolidated non-SDN list (`cons_*`).

Format facts, from OFAC's data specification and the files themselves: no header row; `-0-`,
usually padded with spaces, means empty; the text is Latin-1/cp1252; a Ctrl-Z (0x1A) byte ends
each file; fields are quoted. `sdn.csv` holds one row per listed party, `add.csv` its addresses,
`alt.csv` its other names and `sdn_comments.csv` the overflow of remarks too long for one field.

Remarks carry structured facts ("DOB 12 Jan 1960; Passport A1 (Iran)"). We lift those we can
into FtM properties and always keep the whole remarks text in `notes`, so a fact without a
property (a crypto wallet, a phone number FtM cannot parse) is never lost. An identifier is
only stored when it has a digit ("Passport issued in Sarajevo" names no passport), and a
combined tax id ("309644860 100113") is split into its numbers. The a.k.a.s in the remarks are
OFAC's *weak* a.k.a.s (the strong ones are in `alt.csv`): they go to `weakAlias`, which the
matcher does not screen on, as yente does. "Linked To: NAME" becomes an `UnknownLink` to the
entry of that name in the same file (left in the notes when the file holds no such entry).
Parties without a type are Organizations: the CSV cannot tell a company from a ministry or an
armed group, and Organization claims no more than the list says.

The fact vocabulary here is OFAC's, shared by the advanced XML (its FeatureType and IDRegDocType
names), so `ofac_xml` reuses `apply_fact`, `put_first` and `span_dates` from this module.
"""

from __future__ import annotations

import calendar
import codecs
import csv
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TextIO

from followthemoney.proxy import EntityProxy
from followthemoney.types import registry

from diversion.lists.importers.base import ListFormatError, Parsed, add_sanction, make

AUTHORITY = "US Treasury OFAC"
EMPTY = "-0-"
MAX_RANGE_YEARS = 20  # a wider "DOB 1940 to 1970" says nothing a screen can use; it stays a note


@dataclass(frozen=True)
class ListSet:
    """The four file names of one OFAC CSV set and the ids and name its entities get."""

    primary: str
    addresses: str
    aliases: str
    comments: str
    id_prefix: str
    address_prefix: str
    source: str
    list_name: str  # the default list name of this set

    def roles(self) -> dict[str, str]:
        return {
            "primary": self.primary,
            "addresses": self.addresses,
            "aliases": self.aliases,
            "comments": self.comments,
        }


SDN = ListSet(
    "sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv", "ofac", "ofac-addr", "OFAC SDN",
    "ofac-sdn",
)  # fmt: skip
CONSOLIDATED = ListSet(
    "cons_prim.csv", "cons_add.csv", "cons_alt.csv", "cons_comments.csv",
    "ofac-cons", "ofac-cons-addr", "OFAC Consolidated (non-SDN)", "ofac-cons",
)  # fmt: skip
LIST_SETS = (SDN, CONSOLIDATED)
WIDTHS = {"primary": 12, "addresses": 6, "aliases": 5, "comments": 2}
SCHEMATA = {"individual": "Person", "vessel": "Vessel", "aircraft": "Airplane", "": "Organization"}
ALIAS_PROPS = {"aka": "alias", "nka": "alias", "fka": "previousName"}


# --- Facts: OFAC's labels for identifiers and features, and the FtM properties they fill ---


@dataclass(frozen=True)
class Fact:
    """FtM properties tried in order (the first the schema has and accepts the value wins)."""

    props: tuple[str, ...]
    kind: str = "id"  # id: "A1 (Iran) issued ..."; text; date; country; name


def _facts(kind: str, props: tuple[str, ...], *labels: str) -> dict[str, Fact]:
    return {label.casefold(): Fact(props, kind) for label in labels}


PERSON_IDS = (
    "National ID No.", "Cedula No.", "D.N.I.", "C.U.R.P.", "C.U.I.P.", "C.U.I.",
    "Identification Number", "Personal ID Card", "Numero de Identidad", "Kenyan ID No.",
    "Turkish Identification Number", "Citizen's Card Number", "Birth Certificate Number",
    "Travel Document Number", "Electoral Registry No.", "Credencial electoral", "I.F.E.",
    "Driver's License No.", "Residency Number", "Public Security and Immigration No.",
    "National Foreign ID Number", "Tazkira National ID Card", "VisaNumberID", "Immigration No.",
    "Cartilla de Servicio Militar Nacional", "Pilot License Number", "LE Number",
)  # fmt: skip
TAX_IDS = (
    "Tax ID No.", "R.F.C.", "RFC", "C.U.I.T.", "RTN", "Italian Fiscal Code", "US FEIN", "NIT #",
    "RUC #", "RIF #", "C.I.F.", "Numero Unico de Identificacao Tributaria (NUIT)",
)  # fmt: skip
REGISTRATION_IDS = (
    "Registration ID", "Registration Number", "Company Number", "UK Company Number",
    "Business Registration Number", "Commercial Registry Number", "Matricula Mercantil No",
    "Folio Mercantil No.", "Business Registration Document #", "Trade License No.", "C.R. No.",
    "Chamber of Commerce Number", "Certificate of Incorporation Number", "Enterprise Number",
    "Public Registration Number", "Branch Unit Number", "Registered Charity No.",
    "Dubai Chamber of Commerce Membership No.", "Business Number", "File Number", "License",
    "SRE Permit No.", "Afghan Money Service Provider License Number", "Government Gazette Number",
)  # fmt: skip
FACTS: dict[str, Fact] = {
    **_facts("id", ("passportNumber", "idNumber"), "Passport", "Diplomatic Passport",
             "Passport Booklet"),
    **_facts("id", ("socialSecurityNumber", "idNumber"), "SSN"),
    **_facts("id", ("idNumber",), *PERSON_IDS),
    **_facts("id", ("taxNumber",), *TAX_IDS),
    **_facts("id", ("vatCode", "taxNumber"), "V.A.T. Number"),
    **_facts("id", ("registrationNumber", "idNumber"), *REGISTRATION_IDS),
    **_facts("id", ("uscCode", "registrationNumber"), "Unified Social Credit Code (USCC)",
             "United Social Credit Code Certificate (USCCC)"),
    **_facts("id", ("leiCode", "registrationNumber"), "Legal Entity Number"),
    **_facts("id", ("dunsCode",), "D-U-N-S Number"),
    **_facts("id", ("swiftBic",), "SWIFT/BIC"),
    **_facts("id", ("bikCode",), "BIK (RU)"),
    **_facts("id", ("isinCode",), "ISIN"),
    **_facts("id", ("innCode", "taxNumber"), "INN"),
    **_facts("id", ("ogrnCode", "registrationNumber"), "OGRN"),
    **_facts("id", ("imoNumber", "registrationNumber"), "Vessel Registration Identification",
             "IMO"),
    **_facts("id", ("mmsi",), "MMSI"),
    **_facts("id", ("registrationNumber",), "Aircraft Tail Number"),
    **_facts("id", ("serialNumber",),
             "Aircraft Construction Number (also called L/N or S/N or F/N)",
             "Aircraft Manufacturer's Serial Number (MSN)", "Aircraft Serial Identification"),
    **_facts("text", ("email",), "Email Address"),
    **_facts("text", ("website",), "Website"),
    **_facts("text", ("phone",), "Phone Number", "Telephone", "Telephone No.", "Phone No.",
             "PHONE"),
    **_facts("text", ("gender",), "Gender"),
    **_facts("text", ("birthPlace",), "POB", "Place of Birth"),
    **_facts("text", ("position",), "Title"),
    **_facts("text", ("sector",), "Organization Type"),
    **_facts("text", ("classification",), "Target Type"),
    **_facts("text", ("model",), "Aircraft Model"),
    **_facts("text", ("callSign",), "Vessel Call Sign"),
    **_facts("text", ("type",), "Vessel Type"),
    **_facts("text", ("tonnage",), "Vessel Tonnage"),
    **_facts("text", ("grossRegisteredTonnage",), "Vessel Gross Registered Tonnage", "GRT"),
    **_facts("date", ("birthDate",), "DOB", "Birthdate"),
    **_facts("date", ("incorporationDate",), "Organization Established Date"),
    **_facts("date", ("buildDate",), "Vessel Year of Build", "Aircraft Manufacture Date"),
    **_facts("country", ("nationality",), "nationality", "Nationality Country"),
    **_facts("country", ("citizenship",), "citizen", "Citizenship Country"),
    **_facts("country", ("flag",), "Vessel Flag"),
    **_facts("country", ("pastFlags",), "Former Vessel Flag"),
    **_facts("country", ("jurisdiction", "flag", "country"), "Nationality of Registration"),
    # Names in the remarks are OFAC's weak a.k.a.s (alt.csv holds the strong ones).
    **_facts("name", ("weakAlias",), "a.k.a.", "n.k.a.", "f.k.a."),
}  # fmt: skip
# Russian registers OFAC files under generic labels; with "(Russia)" they are these codes too.
RUSSIAN_IDS = {
    "tax id no.": "innCode",
    "registration id": "ogrnCode",
    "registration number": "ogrnCode",
    "business registration number": "ogrnCode",
    "public registration number": "ogrnCode",
    "government gazette number": "okpoCode",
}
# Remarks about the listing rather than the party: they go to the Sanction's provisions.
PROVISION = re.compile(
    r"^(?:Additional Sanctions Information|Secondary sanctions risk|Transactions Prohibited"
    r"|Executive Order \d+|CAATSA|IFCA|Listing Date|Effective Date|Purchase/Sales For"
    r"|Sanctions Information)",
    re.IGNORECASE,
)
_LABEL = re.compile(
    r"^(?:alt\.\s+)?("
    + "|".join(re.escape(label) for label in sorted(FACTS, key=len, reverse=True))
    + r")(?=[\s:#]|$)(.*)$",
    re.IGNORECASE | re.DOTALL,
)
_ALT = re.compile(r"^alt\.\s+", re.IGNORECASE)
_QUALIFIER = re.compile(r"\s+(?:issued|expires)\s.*$", re.IGNORECASE | re.DOTALL)
_COUNTRY_SUFFIX = re.compile(r"^(.*?)\s*\(([^()]+)\)$", re.DOTALL)
_IMO = re.compile(r"^IMO\s*\d{7}$", re.IGNORECASE)
_QUOTED = re.compile(r"^'(.*)'$", re.DOTALL)
_THOUSANDS = re.compile(r"^\d{1,3}(?:,\d{3})+$")
_LINKED = re.compile(r"^Linked To:\s*(.+?)\.?$", re.IGNORECASE | re.DOTALL)
# A place after the number ("293481 Distrito Federal", "181301-1 Cali"): words without digits.
_TRAILING_WORDS = re.compile(r"^(.*\d\S*?)(?:\s+[^\W\d][^\s\d]{2,})+$", re.DOTALL)
_COMBINED = re.compile(r"^\d{6,}(?:\s+\d{6,})+$")
TAX_PROPS = {"taxNumber", "innCode", "vatCode"}


def fact_key(label: str) -> str:
    """OFAC writes labels with varying case and trailing colons ("Organization Type:")."""
    return label.strip().rstrip(":-").strip().casefold()


def put_first(entity: EntityProxy, props: Sequence[str], value: str) -> bool:
    """Add `value` to the first of `props` the schema has and whose type accepts it."""
    value = value.strip()
    if not value:
        return False
    for name in props:
        prop = entity.schema.properties.get(name)
        if prop is not None and not prop.stub and entity.unsafe_add(prop, value) is not None:
            return True
    return False


def is_russia(country: str | None) -> bool:
    """Russian numbers get their FtM codes only when OFAC says Russia: checksums can collide."""
    return country is not None and registry.country.clean(country) == "ru"


def split_identifier(value: str) -> tuple[str, str | None]:
    """`A123 (Iran) issued 2001 expires 2011` -> ("A123", "Iran")."""
    value = _QUALIFIER.sub("", value.strip()).strip()
    match = _COUNTRY_SUFFIX.match(value)
    if match is None or not match.group(1):
        return value, None
    return match.group(1).strip(), match.group(2).strip()


def identifier_numbers(text: str, props: Sequence[str]) -> list[str]:
    """The identifiers a remark's value holds: none without a digit ("issued in Sarajevo",
    "Provisional"), a place written after the number dropped ("293481 Distrito Federal"), and
    a tax id of several numbers ("309644860 100113") split into them."""
    number = text.strip().lstrip("#:").strip().rstrip(".,").strip()
    if not any(ch.isdigit() for ch in number):
        return []
    trailing = _TRAILING_WORDS.match(number)
    if trailing is not None:
        number = trailing.group(1)
    if TAX_PROPS.intersection(props) and _COMBINED.match(number):
        return number.split()
    return [number]


def apply_identifier(
    entity: EntityProxy, key: str, fact: Fact, number: str, country: str | None
) -> bool:
    """An identifier under its label's properties, as an IMO number or Russian code if it is
    one; False (the remark stays only in the notes) when the value holds no identifier."""
    numbers = identifier_numbers(number, fact.props)
    stored = bool(numbers)
    for value in numbers:
        props = ("imoNumber", *fact.props) if _IMO.match(value) else fact.props
        stored = put_first(entity, props, value) and stored
        if key in RUSSIAN_IDS and is_russia(country):
            put_first(entity, (RUSSIAN_IDS[key],), value)
    return stored


def apply_fact(entity: EntityProxy, label: str, value: str, country: str | None = None) -> bool:
    """Store one labelled fact ("Passport", "A1 (Iran)"); False if nothing could hold it."""
    key = fact_key(label)
    fact = FACTS.get(key)
    value = value.strip().lstrip(":").strip()
    if fact is None or not value:
        return False
    if fact.kind == "id":
        number, found = split_identifier(value) if country is None else (value, country)
        return apply_identifier(entity, key, fact, number, found)
    if fact.kind == "date":
        stored = [put_first(entity, fact.props, d) for d in parse_ofac_dates(value)]
        return bool(stored) and all(stored)
    if fact.kind == "country":
        return put_first(entity, fact.props, re.sub(r"^possibly\s+", "", value, flags=re.I))
    if fact.kind == "name":
        quoted = _QUOTED.match(value)
        return put_first(entity, fact.props, quoted.group(1) if quoted else value)
    if _THOUSANDS.match(value):
        value = value.replace(",", "")
    return put_first(entity, fact.props, value)


def remark_parts(remarks: str) -> list[str]:
    """OFAC separates remark facts with "; " and closes the remarks with a full stop."""
    text = remarks.strip()
    if text.endswith("."):
        text = text[:-1]
    return [part.strip() for part in text.split(";") if part.strip()]


def apply_remarks(entity: EntityProxy, remarks: str) -> tuple[list[str], list[str]]:
    """Lift the facts out of OFAC remarks; return the parts that describe the sanction itself
    and the names the entry is "Linked To"."""
    entity.add("notes", remarks.strip())
    provisions: list[str] = []
    linked: list[str] = []
    for part in remark_parts(remarks):
        if PROVISION.match(_ALT.sub("", part)):
            provisions.append(part)
            continue
        link = _LINKED.match(part)
        if link is not None:
            linked.append(link.group(1).strip())
            continue
        match = _LABEL.match(part)
        if match is not None:
            apply_fact(entity, match.group(1), match.group(2))
    return provisions, linked


# --- Dates: OFAC's "12 Jan 1960", "Jan 1960", "1960", "circa 1960", "1960 to 1962" ---

_MONTHS = {name.casefold(): number for number, name in enumerate(calendar.month_abbr) if name}
_POINT = re.compile(r"^(?:(\d{1,2})\s+)?(?:([A-Za-z]{3})[a-z]*\.?\s+)?(\d{4})$")
_RANGE = re.compile(r"\s+to\s+|(?<=\d{4})\s*-\s*(?=\d{4}$)", re.IGNORECASE)


def _point(text: str) -> tuple[date, date] | None:
    """The first and last day a partial date can mean."""
    match = _POINT.match(text.strip())
    if match is None:
        return None
    day, month_name, year_text = match.groups()
    year = int(year_text)
    month = _MONTHS.get(month_name.casefold()) if month_name else None
    if (month_name or day) and month is None:
        return None
    try:
        if day and month:
            exact = date(year, month, int(day))
            return exact, exact
        if month:
            return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
        return date(year, 1, 1), date(year, 12, 31)
    except ValueError:
        return None


def span_dates(start: date, end: date) -> list[str]:
    """A period as FtM partial dates: one day, one month, one year, or each year of a range."""
    if end < start:
        return []
    if start == end:
        return [start.isoformat()]
    if (start.year, start.month) == (end.year, end.month):
        return [f"{start.year:04d}-{start.month:02d}"]
    if end.year - start.year >= MAX_RANGE_YEARS:
        return []
    return [f"{year:04d}" for year in range(start.year, end.year + 1)]


def parse_ofac_dates(text: str) -> list[str]:
    """ISO (partial) dates for an OFAC date text; empty if it is not one."""
    value = re.sub(r"^(?:circa|approximately|about)\s+", "", text.strip(), flags=re.IGNORECASE)
    ends = [_point(part) for part in _RANGE.split(value, maxsplit=1)]
    first, last = ends[0], ends[-1]
    if first is None or last is None:
        return []
    return span_dates(first[0], last[1])


# --- Files: which set, which file has which role ---


def _from_directory(folder: Path) -> tuple[ListSet, dict[str, Path]]:
    try:
        present = {child.name.casefold(): child for child in folder.iterdir() if child.is_file()}
    except OSError as exc:
        raise ListFormatError(folder, "", f"cannot read folder: {exc.strerror or exc}") from None
    found = [list_set for list_set in LIST_SETS if list_set.primary in present]
    if not found:
        raise ListFormatError(
            folder, "", "holds neither sdn.csv nor cons_prim.csv: not OFAC's legacy CSV set"
        )
    if len(found) > 1:
        raise ListFormatError(
            folder, "", "holds both the SDN and the consolidated set; pass the files of one"
        )
    roles = found[0].roles()
    return found[0], {role: present[name] for role, name in roles.items() if name in present}


def _from_files(paths: Sequence[Path]) -> tuple[ListSet, dict[str, Path]]:
    known = {name: (ls, role) for ls in LIST_SETS for role, name in ls.roles().items()}
    chosen: dict[str, Path] = {}
    sets: set[ListSet] = set()
    for path in paths:
        if path.name.casefold() not in known:
            raise ListFormatError(
                path, "", f"not a file of OFAC's legacy CSV set (expected {', '.join(known)})"
            )
        list_set, role = known[path.name.casefold()]
        if role in chosen:
            raise ListFormatError(path, "", f"{chosen[role]} was given already for {role}")
        sets.add(list_set)
        chosen[role] = path
    if len(sets) > 1:
        raise ListFormatError(paths[0], "", "mixes files of the SDN and the consolidated set")
    list_set = sets.pop()
    if "primary" not in chosen:
        raise ListFormatError(
            paths[0], "", f"{list_set.primary} is required: it holds the entries the others name"
        )
    return list_set, chosen


def parts(paths: Sequence[Path]) -> list[list[Path]]:
    """The files of each set among `paths` (folders or files): the SDN and the consolidated
    set given together are two lists, each imported as a whole. Other files in a folder are
    left to `locate`, which says what it expects; a file given by name is always passed on."""
    by_name = {name: ls for ls in LIST_SETS for name in ls.roles().values()}
    found: dict[ListSet, list[Path]] = {}
    others: list[Path] = []
    for path in paths:
        if path.is_dir():
            _from_directory_sets(path, found)
            continue
        list_set = by_name.get(path.name.casefold())
        if list_set is None:
            others.append(path)
        else:
            found.setdefault(list_set, []).append(path)
    groups = list(found.values())
    if others or not groups:  # files of neither set: the reader names them in its error
        groups.append(others)
    return groups


def _from_directory_sets(folder: Path, found: dict[ListSet, list[Path]]) -> None:
    try:
        present = {child.name.casefold(): child for child in folder.iterdir() if child.is_file()}
    except OSError as exc:
        raise ListFormatError(folder, "", f"cannot read folder: {exc.strerror or exc}") from None
    sets = [list_set for list_set in LIST_SETS if list_set.primary in present]
    if not sets:
        raise ListFormatError(
            folder, "", "holds neither sdn.csv nor cons_prim.csv: not OFAC's legacy CSV set"
        )
    for list_set in sets:
        files = [present[name] for name in list_set.roles().values() if name in present]
        found.setdefault(list_set, []).extend(files)


def locate(paths: Sequence[Path]) -> tuple[ListSet, dict[str, Path]]:
    """The set and its files, from one folder or from the files themselves."""
    if not paths:
        raise ListFormatError("(none)", "", "no files given: pass the folder or sdn.csv")
    if len(paths) == 1 and paths[0].is_dir():
        return _from_directory(paths[0])
    folders = [path for path in paths if path.is_dir()]
    if folders:
        raise ListFormatError(folders[0], "", "pass one folder, or files, not a mix")
    return _from_files(paths)


# --- Rows ---


CHUNK = 1 << 20  # bytes read at a time: a 2 GB file is never held whole


def _encoding(path: Path) -> str:
    """The file's encoding, found by reading it in chunks: UTF-8 if all of it decodes as
    UTF-8 (a Latin-1 text with accents almost never does; the reverse often does), else
    cp1252, else Latin-1. Refuses what is plainly not an OFAC CSV file."""
    try:
        with path.open("rb") as handle:
            start = handle.read(CHUNK)
            if start.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
                raise ListFormatError(
                    path,
                    "line 1",
                    "XML or HTML, not OFAC's legacy CSV (for SDN_ADVANCED.xml use ofac-xml)",
                )
            for encoding in ("utf-8-sig", "cp1252"):
                handle.seek(0)
                decoder = codecs.getincrementaldecoder(encoding)()
                try:
                    while chunk := handle.read(CHUNK):
                        decoder.decode(chunk)
                    decoder.decode(b"", final=True)
                except UnicodeDecodeError:
                    continue
                return encoding
    except OSError as exc:
        raise ListFormatError(path, "", f"cannot read file: {exc.strerror or exc}") from None
    return "latin-1"


def _lines(handle: TextIO) -> Iterator[str]:
    """The file's lines, without the Ctrl-Z that ends an OFAC file."""
    previous: str | None = None
    for line in handle:
        if previous is not None:
            yield previous
        previous = line
    if previous is not None:
        yield previous.rstrip("\x1a")


def _rows(path: Path, width: int) -> Iterator[tuple[int, list[str]]]:
    """(line, fields) for each record, with the line it starts on (a quoted field may span
    lines); every record must have the file's number of fields. Read as a stream."""
    encoding = _encoding(path)
    try:
        with path.open(encoding=encoding, newline="") as handle:
            reader = csv.reader(_lines(handle), strict=True)
            while True:
                start = reader.line_num + 1
                try:
                    row = next(reader)
                except StopIteration:
                    return
                except csv.Error as exc:
                    raise ListFormatError(path, f"line {start}", f"malformed CSV: {exc}") from None
                if not row or row == [""] or row == ["\x1a"]:
                    continue
                if len(row) != width:
                    raise ListFormatError(
                        path,
                        f"line {start}",
                        f"{len(row)} fields where OFAC's {path.name} has {width} "
                        "(truncated or not OFAC?)",
                    )
                yield start, row
    except OSError as exc:
        raise ListFormatError(path, "", f"cannot read file: {exc.strerror or exc}") from None


def cell(raw: str) -> str | None:
    """A field's text; None for OFAC's empty marker `-0-` (padded with spaces) or a blank."""
    text = raw.strip()
    return None if text in ("", EMPTY) else text


def _number(path: Path, line: int, column: str, raw: str) -> str:
    """A record number (ent_num, add_num, alt_num); the first thing a foreign CSV gets wrong."""
    text = raw.strip()
    if not (text.isascii() and text.isdigit()):
        hint = " (a header row? OFAC's legacy CSV has none)" if line == 1 else ""
        raise ListFormatError(path, f"line {line}", f"{column} {raw!r} is not a number{hint}")
    return str(int(text))


def _programs(raw: str) -> list[str]:
    """Programs as OFAC joins them: `SDGT] [IRAN` -> ["SDGT", "IRAN"]."""
    text = cell(raw) or ""
    return [part.strip(" []") for part in text.split("] [") if part.strip(" []")]


# --- Entities ---


@dataclass
class _Entry:
    entity: EntityProxy
    ent_num: str
    programs: list[str]
    remarks: str
    provisions: list[str] = field(default_factory=list)
    linked: list[str] = field(default_factory=list)  # names after "Linked To:"


def _add_vessel_columns(entity: EntityProxy, row: list[str]) -> None:
    columns = (
        ("callSign", row[5]), ("type", row[6]), ("tonnage", row[7]),
        ("grossRegisteredTonnage", row[8]), ("flag", row[9]),
    )  # fmt: skip
    for prop, raw in columns:
        text = cell(raw)
        if text and _THOUSANDS.match(text):
            text = text.replace(",", "")
        if text and not put_first(entity, (prop,), text):
            entity.add("notes", f"{prop}: {text}")
    owner = cell(row[10])
    if owner:
        entity.add("notes", f"Vessel owner: {owner}")


def _party(list_set: ListSet, path: Path, line: int, row: list[str]) -> _Entry:
    ent_num = _number(path, line, "ent_num", row[0])
    name = cell(row[1])
    if name is None:
        raise ListFormatError(path, f"line {line}", f"entry {ent_num} has no name")
    kind = (cell(row[2]) or "").casefold()
    if kind not in SCHEMATA:
        raise ListFormatError(
            path, f"line {line}", f"SDN_Type {row[2]!r} is not individual, vessel, aircraft or -0-"
        )
    entity = make(SCHEMATA[kind], f"{list_set.id_prefix}-{ent_num}")
    entity.add("name", name)
    title = cell(row[4])
    if title and not put_first(entity, ("position",), title):
        entity.add("notes", f"Title: {title}")
    _add_vessel_columns(entity, row)
    remarks = "" if cell(row[11]) is None else row[11]
    return _Entry(entity, ent_num, _programs(row[3]), remarks)


def _read_parties(list_set: ListSet, path: Path) -> dict[str, _Entry]:
    entries: dict[str, _Entry] = {}
    for line, row in _rows(path, WIDTHS["primary"]):
        entry = _party(list_set, path, line, row)
        if entry.ent_num in entries:
            raise ListFormatError(path, f"line {line}", f"ent_num {entry.ent_num} given twice")
        entries[entry.ent_num] = entry
    if not entries:
        raise ListFormatError(path, "", "the list holds no entries")
    return entries


def _owner(
    entries: dict[str, _Entry], list_set: ListSet, path: Path, line: int, raw: str
) -> _Entry:
    ent_num = _number(path, line, "ent_num", raw)
    if ent_num not in entries:
        raise ListFormatError(
            path, f"line {line}", f"ent_num {ent_num} is not an entry of {list_set.primary}"
        )
    return entries[ent_num]


def _read_comments(entries: dict[str, _Entry], list_set: ListSet, path: Path) -> None:
    """Remarks overflow: the comment continues the remarks mid-word, so it is appended as is."""
    for line, row in _rows(path, WIDTHS["comments"]):
        entry = _owner(entries, list_set, path, line, row[0])
        if cell(row[1]) is not None:
            entry.remarks += row[1]


def _read_aliases(entries: dict[str, _Entry], list_set: ListSet, path: Path) -> None:
    seen: set[str] = set()
    for line, row in _rows(path, WIDTHS["aliases"]):
        entry = _owner(entries, list_set, path, line, row[0])
        alt_num = _number(path, line, "alt_num", row[1])
        if alt_num in seen:
            raise ListFormatError(path, f"line {line}", f"alt_num {alt_num} given twice")
        seen.add(alt_num)
        kind = (cell(row[2]) or "").casefold()
        name = cell(row[3])
        if kind not in ALIAS_PROPS or name is None:
            raise ListFormatError(
                path, f"line {line}", f"alias type {row[2]!r} / name {row[3]!r} is not aka/fka/nka"
            )
        entry.entity.add(ALIAS_PROPS[kind], name)
        if cell(row[4]):
            entry.entity.add("notes", f"{kind} {name}: {cell(row[4])}")


_POSTAL_TAIL = re.compile(r"^(.*?)[\s,]+((?:\S*\d\S*)(?:\s+\S*\d\S*)*)$")
_POSTAL_HEAD = re.compile(r"^(\d[\w-]*)\s+(\D.*)$")


def split_city(text: str) -> tuple[str | None, str | None, str | None]:
    """OFAC's "City/State/Province/Postal Code" column -> (city, state, postal code).

    "Liverpool, Merseyside L7 4JQ" -> ("Liverpool", "Merseyside", "L7 4JQ"). A heuristic: the
    column has no structure, which is why the whole text also stays in the address's `full`.
    """
    postal: str | None = None
    rest = text
    tail, head = _POSTAL_TAIL.match(text), _POSTAL_HEAD.match(text)
    if tail is not None and tail.group(1):
        rest, postal = tail.group(1), tail.group(2)
    elif head is not None:
        postal, rest = head.group(1), head.group(2)
    elif any(ch.isdigit() for ch in text) and not any(ch.isalpha() for ch in text):
        return None, None, text
    city, _, state = rest.partition(",")
    return city.strip(" ,") or None, state.strip(" ,") or None, postal


def _address_entity(
    list_set: ListSet, add_num: str, street: str | None, city_line: str | None, country: str | None
) -> EntityProxy:
    address = make("Address", f"{list_set.address_prefix}-{add_num}")
    address.add("full", ", ".join(part for part in (street, city_line, country) if part))
    address.add("street", street)
    if city_line:
        city, state, postal = split_city(city_line)
        address.add("city", city)
        address.add("state", state)
        address.add("postalCode", postal)
    if country:
        _add_country(address, country)
    return address


def _add_country(address: EntityProxy, country: str) -> None:
    """OFAC's country name; one FtM does not know becomes a note, never silently nothing."""
    # "Region: Crimea": a territory OFAC names as such; FtM may know it by name alone.
    region = country.split(":", 1)[1].strip() if country.casefold().startswith("region:") else None
    address.add("region", region)
    if put_first(address, ("country",), country):
        return
    if region is None or not put_first(address, ("country",), region):
        address.add("notes", f"country: {country!r} is not a country FollowTheMoney knows")


def _read_addresses(
    parsed: Parsed, entries: dict[str, _Entry], list_set: ListSet, path: Path
) -> None:
    """One Address per row that says anything (OFAC writes an all `-0-` row for no address)."""
    seen: set[str] = set()
    for line, row in _rows(path, WIDTHS["addresses"]):
        entry = _owner(entries, list_set, path, line, row[0])
        add_num = _number(path, line, "add_num", row[1])
        if add_num in seen:
            raise ListFormatError(path, f"line {line}", f"add_num {add_num} given twice")
        seen.add(add_num)
        street, city_line, country, remarks = (cell(raw) for raw in row[2:6])
        if not any((street, city_line, country, remarks)):
            continue
        address = _address_entity(list_set, add_num, street, city_line, country)
        address.add("remarks", remarks)
        entry.entity.add("addressEntity", address.id)
        entry.entity.add("address", address.first("full"))
        for code in address.get("country"):
            entry.entity.add("country", code)
        parsed.add(address)


def read_ofac_csv(paths: Sequence[Path]) -> Parsed:
    """Every party of an OFAC legacy CSV set, its addresses, names and one Sanction each."""
    list_set, files = locate(paths)
    entries = _read_parties(list_set, files["primary"])
    if "comments" in files:
        _read_comments(entries, list_set, files["comments"])
    parsed = Parsed(source=list_set.source, list_name=list_set.list_name)
    for entry in entries.values():
        if entry.remarks.strip():
            entry.provisions, entry.linked = apply_remarks(entry.entity, entry.remarks)
        parsed.add(entry.entity)
    if "aliases" in files:
        _read_aliases(entries, list_set, files["aliases"])
    if "addresses" in files:
        _read_addresses(parsed, entries, list_set, files["addresses"])
    for entry in entries.values():
        add_sanction(
            parsed, entry.entity, AUTHORITY, entry.programs,
            authorityId=entry.ent_num, provisions=entry.provisions,
        )  # fmt: skip
    _add_links(parsed, entries, list_set)
    return parsed


def _add_links(parsed: Parsed, entries: dict[str, _Entry], list_set: ListSet) -> None:
    """ "Linked To: NAME" as an UnknownLink to the one entry of that name (any case, without a
    closing full stop): the one whose name it is, else the one with it as a strong alias. A
    name no entry, or several, bear stays only in the remarks note."""
    names: dict[str, set[str]] = {}
    aliases: dict[str, set[str]] = {}
    for entry in entries.values():
        for prop, index in (("name", names), ("alias", aliases)):
            for name in entry.entity.get(prop):
                index.setdefault(_name_key(name), set()).add(entry.ent_num)
    made: set[str] = set()
    for entry in entries.values():
        for name in entry.linked:
            key = _name_key(name)
            found = names.get(key, set()) - {entry.ent_num}
            if not found:
                found = aliases.get(key, set()) - {entry.ent_num}
            if len(found) != 1:
                continue
            other = entries[found.pop()]
            link_id = f"{list_set.id_prefix}-link-{entry.ent_num}-{other.ent_num}"
            if link_id in made:
                continue
            made.add(link_id)
            link = make("UnknownLink", link_id)
            link.add("subject", entry.entity.id)
            link.add("object", other.entity.id)
            link.add("role", "Linked To")
            parsed.add(link)


def _name_key(name: str) -> str:
    return " ".join(name.casefold().rstrip(". ").split())
