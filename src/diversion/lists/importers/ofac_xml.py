"""OFAC's advanced XML (`SDN_ADVANCED.xml`, `CONS_ADVANCED.xml`): the UN-designed sanctions model.

Everything in it is normalised: a party's names, features (birth date, nationality, address,
vessel flag ...) and documents point by numeric id at reference-value sets (AliasType,
FeatureType, IDRegDocType ...), at top-level Locations and at IDRegDocuments; listings live in
SanctionsEntries keyed by profile. We resolve every id to its *name* and decide by name, never
by number: OFAC does not promise its ids are stable, and its names are the labels the legacy CSV
remarks use, so the label -> FtM property table is shared with `ofac_csv`. A value no property
can hold becomes a `notes` line ("Phone Number: (98)(21)(66153220)"), never nothing.

Ids match the CSV importer so both formats of one list compare: `ofac-<FixedRef>` for parties
on the SDN list, `ofac-cons-<FixedRef>` for parties only on non-SDN lists, and
`ofac-addr-<Location ID>` (OFAC's location id is the CSV's add_num).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from xml.etree.ElementTree import Element

from followthemoney.proxy import EntityProxy

from diversion.lists.importers.base import (
    ListFormatError,
    Parsed,
    add_sanction,
    each_file,
    make,
    one_file,
)
from diversion.lists.importers.ofac_csv import (
    AUTHORITY,
    CONSOLIDATED,
    FACTS,
    PROVISION,
    SDN,
    apply_fact,
    fact_key,
    put_first,
    span_dates,
)
from diversion.lists.importers.xml import expect_root, local, parse_xml, text

parts = each_file  # each file is a whole list; several are parts of one

NAMESPACES = (
    "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ADVANCED_XML",
    "http://www.un.org/sanctions/1.0",  # before OFAC's Sanctions List Service (May 2024)
)
SDN_LIST = "SDN List"
NAME_PARTS = {
    "Last Name": "lastName", "First Name": "firstName", "Middle Name": "middleName",
    "Patronymic": "fatherName", "Matronymic": "motherName",
}  # fmt: skip
# Location part types (LocPartType) and the Address properties that hold them.
ADDRESS_PARTS = {
    "ADDRESS1": "street", "ADDRESS2": "street2", "ADDRESS3": "street2", "CITY": "city",
    "STATE/PROVINCE": "state", "POSTAL CODE": "postalCode", "REGION": "region",
    "UNKNOWN": "remarks",
}  # fmt: skip
# Who issued a document can say more than its type: "Registration ID" issued by "OGRN".
AUTHORITY_PROPS = {
    "inn": "innCode",
    "ogrn": "ogrnCode",
    "international maritime organization": "imoNumber",
}


@dataclass
class _Party:
    """A party while it is being read: its entity and what its listing will say."""

    entity: EntityProxy
    fixed_ref: str
    prefix: str
    provisions: list[str] = field(default_factory=list)


class _Document:
    """The parsed file with its id lookups; every lookup that fails names what it looked for."""

    def __init__(self, path: Path, root: Element) -> None:
        self.path = path
        self.root = root
        self.ns = namespace(root)
        if self.ns not in NAMESPACES:
            raise self.error("root element", f"namespace {self.ns!r} is not OFAC's advanced XML")
        self.refs: dict[str, dict[str, Element]] = {}
        for value_set in self.require(root, "ReferenceValueSets", "root element"):
            for item in value_set:
                self.refs.setdefault(local(item.tag), {})[item.get("ID", "")] = item
        self.locations = {loc.get("ID", ""): loc for loc in self.all(root, "Locations/Location")}
        self.addresses: dict[str, EntityProxy] = {}

    def q(self, path: str) -> str:
        if not self.ns:
            return path
        return "/".join(f"{{{self.ns}}}{part}" for part in path.split("/"))

    def all(self, element: Element, path: str) -> list[Element]:
        return element.findall(self.q(path))

    def one(self, element: Element, path: str) -> Element | None:
        return element.find(self.q(path))

    def require(self, element: Element, path: str, where: str) -> Element:
        found = self.one(element, path)
        if found is None:
            raise ListFormatError(self.path, where, f"<{path}> is missing")
        return found

    def error(self, where: str, reason: str) -> ListFormatError:
        return ListFormatError(self.path, where, reason)

    def ref(self, kind: str, ref_id: str | None, where: str) -> Element:
        """The reference value `ref_id` of set `kind` (AliasType, FeatureType ...)."""
        item = self.refs.get(kind, {}).get(ref_id or "")
        if item is None:
            raise self.error(where, f"{kind} ID {ref_id} is not in ReferenceValueSets")
        return item

    def name(self, kind: str, ref_id: str | None, where: str) -> str:
        return text(self.ref(kind, ref_id, where)) or ""


def namespace(element: Element) -> str:
    return element.tag[1:].split("}", 1)[0] if element.tag.startswith("{") else ""


def _attr(doc: _Document, element: Element, name: str, where: str) -> str:
    found = element.get(name)
    if not found:
        raise doc.error(where, f"<{local(element.tag)}> has no {name}")
    return found


# --- Dates ---


def _point(doc: _Document, element: Element | None, where: str) -> date | None:
    if element is None:
        return None
    parts = [text(doc.one(element, name)) for name in ("Year", "Month", "Day")]
    if not all(parts):
        raise doc.error(where, f"<{local(element.tag)}> needs Year, Month and Day")
    try:
        return date(*(int(part or "") for part in parts))
    except ValueError:
        raise doc.error(where, f"{'-'.join(map(str, parts))} is not a date") from None


def _period(doc: _Document, period: Element, where: str) -> list[str]:
    """A DatePeriod as FtM dates: from the earliest start to the latest end it allows."""
    first = _point(doc, doc.one(period, "Start/From"), where) or _point(
        doc, doc.one(period, "Start/To"), where
    )
    last = _point(doc, doc.one(period, "End/To"), where) or _point(
        doc, doc.one(period, "End/From"), where
    )
    if first is None and last is None:
        return []
    return span_dates(first or last or date.min, last or first or date.min)


def _published(doc: _Document) -> str | None:
    issued = doc.one(doc.root, "DateOfIssue")
    found = _point(doc, issued, "DateOfIssue")
    return found.isoformat() if found else None


# --- Names ---


def _rendered(parts: list[tuple[str, str]]) -> str:
    """Name parts as OFAC's CSV writes them, "LAST, First Middle", so the formats compare."""
    last = [value for kind, value in parts if kind == "Last Name"]
    rest = [value for kind, value in parts if kind != "Last Name"]
    if last and rest:
        return f"{' '.join(last)}, {' '.join(rest)}"
    return " ".join(value for _, value in parts)


def _name_parts(
    doc: _Document, identity: Element, name: Element, where: str
) -> list[tuple[str, str]]:
    groups = {
        group.get("ID", ""): doc.name("NamePartType", group.get("NamePartTypeID"), where)
        for group in doc.all(identity, "NamePartGroups/MasterNamePartGroup/NamePartGroup")
    }
    parts: list[tuple[str, str]] = []
    for value in doc.all(name, "DocumentedNamePart/NamePartValue"):
        if text(value):
            parts.append((groups.get(value.get("NamePartGroupID", ""), ""), text(value) or ""))
    return parts


def _alias_prop(doc: _Document, alias: Element, where: str) -> str:
    kind = doc.name("AliasType", alias.get("AliasTypeID"), where)
    if kind.casefold() == "f.k.a.":
        return "previousName"
    return "weakAlias" if alias.get("LowQuality") == "true" else "alias"


def _add_names(doc: _Document, identity: Element, entity: EntityProxy, where: str) -> None:
    """The primary Latin name as `name` (and its parts), every other rendering as an alias."""
    for alias in doc.all(identity, "Alias"):
        primary = alias.get("Primary") == "true"
        prop = "alias" if primary else _alias_prop(doc, alias, where)
        names = doc.all(alias, "DocumentedName")
        statuses = [doc.name("DocNameStatus", n.get("DocNameStatusID"), where) for n in names]
        main = statuses.index("Primary Latin") if "Primary Latin" in statuses else 0
        for index, documented in enumerate(names):
            parts = _name_parts(doc, identity, documented, where)
            if primary and index == main and not entity.has("name"):
                entity.add("name", _rendered(parts))
                for kind, value in parts:
                    put_first(entity, (NAME_PARTS.get(kind, ""),), value)
            else:
                entity.add(prop, _rendered(parts))


# --- Locations ---


def _country(doc: _Document, location: Element, where: str) -> tuple[str | None, str | None]:
    """(OFAC's country name, ISO code) of a location."""
    found = doc.one(location, "LocationCountry")
    if found is None:
        return None, None
    country = doc.ref("Country", found.get("CountryID"), where)
    return text(country), country.get("ISO2")


def _location_parts(
    doc: _Document, location: Element, where: str
) -> tuple[dict[str, list[str]], list[str]]:
    """Primary values by part type (ADDRESS1, CITY ...) and the other-script variants."""
    parts: dict[str, list[str]] = {}
    variants: list[str] = []
    for part in doc.all(location, "LocationPart"):
        kind = doc.name("LocPartType", part.get("LocPartTypeID"), where).upper()
        for value in doc.all(part, "LocationPartValue"):
            found = text(doc.one(value, "Value"))
            if found and value.get("Primary") == "false":
                variants.append(f"{text(doc.one(value, 'Comment')) or kind}: {found}")
            elif found:
                parts.setdefault(kind, []).append(found)
    return parts, variants


def _full_address(parts: dict[str, list[str]], country: str | None) -> str:
    """The parts in the order OFAC's CSV writes them: street, "City, State Postal", country."""

    def get(kind: str) -> str:
        return " ".join(parts.get(kind, []))

    city = ", ".join(p for p in (get("CITY"), get("STATE/PROVINCE")) if p)
    city_line = " ".join(p for p in (city, get("POSTAL CODE")) if p)
    pieces = (get("ADDRESS1"), get("ADDRESS2"), get("ADDRESS3"), city_line, get("REGION"), country)
    return ", ".join(p for p in pieces if p)


def _address(doc: _Document, location_id: str, prefix: str, where: str) -> EntityProxy:
    """The Address entity of a Location, made once however many parties point at it."""
    address_prefix = SDN.address_prefix if prefix == SDN.id_prefix else CONSOLIDATED.address_prefix
    address_id = f"{address_prefix}-{location_id}"
    if address_id in doc.addresses:
        return doc.addresses[address_id]
    location = doc.locations.get(location_id)
    if location is None:
        raise doc.error(where, f"Location ID {location_id} is not in Locations")
    parts, variants = _location_parts(doc, location, f"Location ID={location_id}")
    country, iso2 = _country(doc, location, f"Location ID={location_id}")
    address = make("Address", address_id)
    address.add("full", _full_address(parts, country))
    for kind, prop in ADDRESS_PARTS.items():
        address.add(prop, parts.get(kind))
    if country and not put_first(address, ("country",), iso2 or country):
        address.add("notes", f"country: {country!r} is not a country FollowTheMoney knows")
    address.add("notes", variants)
    doc.addresses[address_id] = address
    return address


# --- Features ---


@dataclass
class _Values:
    """What one FeatureVersion says: texts, dates, locations."""

    texts: list[str] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)
    locations: list[str] = field(default_factory=list)


def _version_values(doc: _Document, version: Element, where: str) -> _Values:
    values = _Values()
    for detail in doc.all(version, "VersionDetail"):
        found = text(detail)
        if detail.get("DetailReferenceID"):
            found = doc.name("DetailReference", detail.get("DetailReferenceID"), where)
        if found:
            values.texts.append(found)
    for period in doc.all(version, "DatePeriod"):
        values.dates.extend(_period(doc, period, where))
    for located in doc.all(version, "VersionLocation"):
        values.locations.append(_attr(doc, located, "LocationID", where))
    return values


def _location_value(doc: _Document, location_id: str, where: str) -> str:
    """A location that stands for a value (a nationality, a flag): its country or its text."""
    location = doc.locations.get(location_id)
    if location is None:
        raise doc.error(where, f"Location ID {location_id} is not in Locations")
    country, iso2 = _country(doc, location, where)
    parts, _ = _location_parts(doc, location, where)
    if parts:
        return _full_address(parts, country)
    return iso2 or country or ""


def _apply_values(
    doc: _Document, party: _Party, label: str, values: _Values, where: str
) -> list[str]:
    """Put one feature's values on the party; return those nothing could hold."""
    entity, fact = party.entity, FACTS.get(fact_key(label))
    unplaced: list[str] = []
    if fact_key(label) == "location":
        for location_id in values.locations:
            address = _address(doc, location_id, party.prefix, where)
            entity.add("addressEntity", address.id)
            entity.add("address", address.first("full"))
            entity.add("country", address.get("country"))
        return unplaced
    date_props = fact.props if fact is not None and fact.kind == "date" else ()
    unplaced.extend(d for d in values.dates if not put_first(entity, date_props, d))
    located = [_location_value(doc, loc, where) for loc in values.locations]
    for found in [*values.texts, *located]:
        if not apply_fact(entity, label, found, country=""):
            unplaced.append(found)
    return unplaced


def _add_feature(doc: _Document, feature: Element, party: _Party, where: str) -> None:
    label = doc.name("FeatureType", feature.get("FeatureTypeID"), where)
    for version in doc.all(feature, "FeatureVersion"):
        values = _version_values(doc, version, where)
        reliability_id = version.get("ReliabilityID")
        reliability = doc.name("Reliability", reliability_id, where) if reliability_id else ""
        if PROVISION.match(label):
            party.provisions.append(" ".join([label, *values.texts]))
            continue
        if reliability.casefold() == "false":
            shown = [*values.texts, *values.dates, *values.locations]
            party.entity.add("notes", f"{label} (OFAC: reported false): {', '.join(shown)}")
            continue
        for found in _apply_values(doc, party, label, values, where):
            party.entity.add("notes", f"{label}: {found}")


# --- Documents ---


def _document_dates(doc: _Document, document: Element, where: str) -> list[str]:
    described = []
    for dated in doc.all(document, "DocumentDate"):
        kind = doc.name("IDRegDocDateType", dated.get("IDRegDocDateTypeID"), where)
        for period in doc.all(dated, "DatePeriod"):
            described.append(f"{kind.lower()} {' / '.join(_period(doc, period, where))}")
    return described


def _add_document(doc: _Document, document: Element, entity: EntityProxy) -> None:
    """An ID or registration document: its number as a property, its full story as a note."""
    where = f"IDRegDocument ID={document.get('ID')}"
    label = doc.name("IDRegDocType", document.get("IDRegDocTypeID"), where)
    number = text(doc.one(document, "IDRegistrationNo"))
    country_id = document.get("IssuedBy-CountryID")
    country = doc.name("Country", country_id, where) if country_id else None
    authority = text(doc.one(document, "IssuingAuthority"))
    validity = document.get("ValidityID")
    details = [*_document_dates(doc, document, where)]
    if authority:
        details.append(f"issued by {authority}")
    if validity and doc.name("Validity", validity, where).casefold() != "valid":
        details.append(doc.name("Validity", validity, where).lower())
    if number:
        apply_fact(entity, label, number, country=country or "")
        if authority and authority.casefold() in AUTHORITY_PROPS:
            put_first(entity, (AUTHORITY_PROPS[authority.casefold()],), number)
    shown = f"{label} {number or '(no number)'}" + (f" ({country})" if country else "")
    entity.add("notes", ", ".join([shown, *details]))


# --- Parties ---


def _schema(doc: _Document, profile: Element, where: str) -> tuple[str, str | None]:
    """(FtM schema, a note when OFAC's type has no precise FtM match)."""
    subtype = doc.ref("PartySubType", profile.get("PartySubTypeID"), where)
    sub_name = text(subtype) or ""
    if sub_name.casefold() == "vessel":
        return "Vessel", None
    if sub_name.casefold() == "aircraft":
        return "Airplane", None
    party_type = doc.name("PartyType", subtype.get("PartyTypeID"), where)
    schema = {"individual": "Person", "entity": "Organization", "other entity": "Organization"}
    if party_type.casefold() in schema:
        return schema[party_type.casefold()], None
    return "LegalEntity", f"OFAC party type: {party_type} / {sub_name}"


def _lists(doc: _Document, entries: list[Element], where: str) -> list[str]:
    return [doc.name("List", entry.get("ListID"), where) for entry in entries]


def _read_party(
    doc: _Document, element: Element, entries: dict[str, list[Element]], default_prefix: str
) -> tuple[_Party, dict[str, str], list[str]]:
    """A DistinctParty as an entity; also its identity ids and its profile ids."""
    fixed_ref = _attr(doc, element, "FixedRef", "DistinctParty")
    where = f"DistinctParty FixedRef={fixed_ref}"
    profiles = doc.all(element, "Profile")
    if not profiles:
        raise doc.error(where, "has no Profile")
    profile_ids = [_attr(doc, profile, "ID", where) for profile in profiles]
    listed = [name for pid in profile_ids for name in _lists(doc, entries.get(pid, []), where)]
    prefix = default_prefix
    if listed:
        prefix = SDN.id_prefix if SDN_LIST in listed else CONSOLIDATED.id_prefix
    schema, note = _schema(doc, profiles[0], where)
    party = _Party(make(schema, f"{prefix}-{fixed_ref}"), fixed_ref, prefix)
    party.entity.add("notes", note)
    party.entity.add("notes", [text(c) for c in doc.all(element, "Comment")])
    identities: dict[str, str] = {}
    for profile in profiles:
        for identity in doc.all(profile, "Identity"):
            identities[_attr(doc, identity, "ID", where)] = str(party.entity.id)
            _add_names(doc, identity, party.entity, where)
        for feature in doc.all(profile, "Feature"):
            _add_feature(doc, feature, party, where)
    if not party.entity.has("name"):
        raise doc.error(where, "has no primary name")
    return party, identities, profile_ids


# --- Listings and links ---


def _entry_props(doc: _Document, entry: Element, where: str) -> dict[str, list[str]]:
    props: dict[str, list[str]] = {"program": [], "provisions": [], "listingDate": [], "reason": []}
    for measure in doc.all(entry, "SanctionsMeasure"):
        kind = doc.refs.get("SanctionsType", {}).get(measure.get("SanctionsTypeID", ""))
        kind_name = (text(kind) if kind is not None else None) or ""
        comment = text(doc.one(measure, "Comment"))
        if comment and kind_name.casefold() in ("program", ""):
            props["program"].append(comment)
        elif kind_name:
            props["provisions"].append(": ".join(p for p in (kind_name, comment) if p))
    for event in doc.all(entry, "EntryEvent"):
        when = _point(doc, doc.one(event, "Date"), where)
        if when is not None:
            props["listingDate"].append(when.isoformat())
        basis = doc.name("LegalBasis", event.get("LegalBasisID"), where)
        if basis.casefold() != "unknown":
            props["reason"].append(basis)
    return props


def _add_sanctions(parsed: Parsed, doc: _Document, party: _Party, entries: list[Element]) -> None:
    """One Sanction per SanctionsEntry; the SDN (or only) listing keeps the CSV's id."""
    ordered = sorted(entries, key=lambda e: _lists(doc, [e], "SanctionsEntries") != [SDN_LIST])
    listings: list[Element | None] = [*ordered] or [None]
    for index, entry in enumerate(listings):
        props: dict[str, list[str]] = {"program": [], "provisions": []}
        suffix = "sanction"
        if entry is not None:
            where = f"SanctionsEntry ID={entry.get('ID')}"
            props = _entry_props(doc, entry, where)
            props["description"] = [doc.name("List", entry.get("ListID"), where)]
            suffix = "sanction" if index == 0 else f"sanction-{entry.get('ID')}"
        if index == 0:
            props["provisions"] = [*props["provisions"], *party.provisions]
        programs = props.pop("program")
        add_sanction(
            parsed, party.entity, AUTHORITY, programs, suffix=suffix,
            authorityId=party.fixed_ref, **props,
        )  # fmt: skip


def _add_relationships(parsed: Parsed, doc: _Document, by_profile: dict[str, _Party]) -> None:
    """Profile links as UnknownLinks; one to a profile outside this file becomes a note."""
    for link in doc.all(doc.root, "ProfileRelationships/ProfileRelationship"):
        where = f"ProfileRelationship ID={link.get('ID')}"
        source = by_profile.get(_attr(doc, link, "From-ProfileID", where))
        target_id = _attr(doc, link, "To-ProfileID", where)
        if source is None:
            raise doc.error(where, f"From-ProfileID {link.get('From-ProfileID')} is not a party")
        role = doc.name("RelationType", link.get("RelationTypeID"), where)
        if link.get("Former") == "true":
            role = f"{role} (former)"
        target = by_profile.get(target_id)
        if target is None:
            source.entity.add("notes", f"{role}: OFAC profile {target_id} (not in this file)")
            continue
        unknown = make("UnknownLink", f"{source.prefix}-rel-{_attr(doc, link, 'ID', where)}")
        unknown.add("subject", source.entity.id)
        unknown.add("object", target.entity.id)
        unknown.add("role", role)
        parsed.add(unknown)


def _entries_by_profile(doc: _Document) -> dict[str, list[Element]]:
    entries: dict[str, list[Element]] = {}
    for entry in doc.all(doc.root, "SanctionsEntries/SanctionsEntry"):
        profile_id = _attr(doc, entry, "ProfileID", f"SanctionsEntry ID={entry.get('ID')}")
        entries.setdefault(profile_id, []).append(entry)
    return entries


def _open(paths: Sequence[Path]) -> _Document:
    path = one_file(paths, "OFAC's advanced XML")
    root = parse_xml(path)
    expect_root(path, root, "Sanctions")
    doc = _Document(path, root)
    doc.require(root, "DistinctParties", "root element")
    return doc


def read_ofac_xml(paths: Sequence[Path]) -> Parsed:
    """Every party of SDN_ADVANCED.xml or CONS_ADVANCED.xml, with addresses, links, listings."""
    doc = _open(paths)
    entries = _entries_by_profile(doc)
    sdn_file = any(
        SDN_LIST in _lists(doc, listed, "SanctionsEntries") for listed in entries.values()
    )
    list_set = SDN if sdn_file or not entries else CONSOLIDATED
    default_prefix = list_set.id_prefix
    parsed = Parsed(source=list_set.source, list_name=list_set.list_name)
    parsed.published_at = _published(doc)
    parties: list[tuple[_Party, list[str]]] = []
    by_identity: dict[str, str] = {}
    for element in doc.all(doc.root, "DistinctParties/DistinctParty"):
        party, identities, profile_ids = _read_party(doc, element, entries, default_prefix)
        parties.append((party, profile_ids))
        by_identity.update(identities)
        parsed.add(party.entity)
    _attach_documents(doc, by_identity, {str(p.entity.id): p.entity for p, _ in parties})
    parsed.entities.extend(doc.addresses.values())
    by_profile = {pid: party for party, pids in parties for pid in pids}
    unknown = set(entries) - set(by_profile)
    if unknown:
        raise doc.error("SanctionsEntries", f"ProfileID {min(unknown)} is not a party's profile")
    for party, profile_ids in parties:
        listed = [entry for pid in profile_ids for entry in entries.get(pid, [])]
        _add_sanctions(parsed, doc, party, listed)
    _add_relationships(parsed, doc, by_profile)
    return parsed


def _attach_documents(
    doc: _Document, by_identity: dict[str, str], entities: dict[str, EntityProxy]
) -> None:
    for document in doc.all(doc.root, "IDRegDocuments/IDRegDocument"):
        where = f"IDRegDocument ID={document.get('ID')}"
        owner = by_identity.get(_attr(doc, document, "IdentityID", where))
        if owner is None:
            raise doc.error(where, f"IdentityID {document.get('IdentityID')} is not a party's")
        _add_document(doc, document, entities[owner])
