"""The UK Sanctions List (FCDO), XML edition: `UK-Sanctions-List.xml`.

This is the list of everyone designated under the Sanctions and Anti-Money Laundering Act
2018, for financial, trade, immigration and transport sanctions alike; it is not the older
OFSI Consolidated List. Each `Designation` is an individual (Person), entity (Organization) or
ship (Vessel) with one Sanction carrying its Unique ID, regime and statement of reasons.
Fields without an FtM property, and any field this importer does not know, go to `notes` as
`Path/To/Field: text`. Only the XML edition is read: a CSV is refused with a message saying so.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from xml.etree.ElementTree import Element

from followthemoney.proxy import EntityProxy

from diversion.lists.importers.base import ListFormatError, Parsed, add_sanction, each_file, make
from diversion.lists.importers.xml_fields import (
    AddressParts,
    add_address,
    add_country,
    add_date,
    add_identifier,
    add_or_note,
    child_text,
    children,
    descendants,
    iso_date,
    note,
    open_list,
    register,
    require,
    texts,
    unmapped_leaves,
)

parts = each_file  # each file is a whole list; several are parts of one

AUTHORITY = "United Kingdom (FCDO)"
SOURCE = "UK Sanctions List (FCDO)"
WHAT = "the UK Sanctions List (XML edition, UK-Sanctions-List.xml)"
SCHEMATA = {"individual": "Person", "entity": "Organization", "ship": "Vessel"}
NAME_PARTS = tuple(f"Name{i}" for i in range(1, 7))  # Name1 given name ... Name6 family name
ADDRESS_LINES = tuple(f"AddressLine{i}" for i in range(1, 7))
INDIVIDUAL = "IndividualDetails/Individual"
ENTITY = "EntityDetails/Entity"
SHIP = "ShipDetails/Ship"
CONTACTS = (
    (("PhoneNumbers", "PhoneNumber"), "phone", "Phone"),
    (("EmailAddresses", "EmailAddress"), "email", "Email"),
    (("Websites", "Website"), "website", "Website"),
)
# Related parties the list names in words only: kept as labelled notes.
RELATED = (
    (f"{ENTITY}/ParentCompanies/ParentCompany", "Parent company"),
    (f"{ENTITY}/Subsidiaries/Subsidiary", "Subsidiary"),
    (f"{SHIP}/CurrentOwnerOperators/CurrentOwnerOperator", "Current owner/operator"),
)
SHIP_FIELDS = (
    (("IMONumbers", "IMONumber"), "imoNumber", "IMO number"),
    (("TypeOfShipDetails", "TypeOfShip"), "type", "Type of ship"),
    (("TonnageOfShipDetails", "TonnageOfShip"), "tonnage", "Tonnage"),
    (("YearsBuilt", "YearBuilt"), "buildDate", "Year built"),
)
KNOWN = {
    "LastUpdated", "DateDesignated", "UniqueID", "OFSIGroupID", "UNReferenceNumber",
    "RegimeName", "IndividualEntityShip", "DesignationSource", "SanctionsImposed",
    "OtherInformation", "UKStatementofReasons", "Titles/Title",
    "NonLatinNames/NonLatinName/NameNonLatinScript",
    *(f"Names/Name/{tag}" for tag in (*NAME_PARTS, "NameType", "AliasStrength")),
    *(f"Addresses/Address/{tag}" for tag in (*ADDRESS_LINES, "AddressPostalCode")),
    "Addresses/Address/AddressCountry",
    *("/".join(path) for path, _, _ in CONTACTS),
    *(f"{INDIVIDUAL}/{path}" for path in (
        "DOBs/DOB", "Nationalities/Nationality", "Positions/Position", "Genders/Gender",
        "PassportDetails/Passport/PassportNumber",
        "PassportDetails/Passport/PassportAdditionalInformation",
        "NationalIdentifierDetails/NationalIdentifier/NationalIdentifierNumber",
        "NationalIdentifierDetails/NationalIdentifier/NationalIdentifierAdditionalInformation",
        "BirthDetails/Location/TownOfBirth", "BirthDetails/Location/CountryOfBirth",
    )),
    *(f"{ENTITY}/{path}" for path in (
        "TypeOfEntities/TypeOfEntity", "BusinessRegistrationNumbers/BusinessRegistrationNumber",
    )),
    *(f"{SHIP}/{'/'.join(path)}" for path, _, _ in SHIP_FIELDS),
    f"{SHIP}/CurrentBelievedFlagOfShips/CurrentBelievedFlagOfShip",
    f"{SHIP}/PreviousFlags/PreviousFlag",
    *(path for path, _ in RELATED),
}  # fmt: skip


def read_uk(paths: Sequence[Path]) -> Parsed:
    path, root = open_list(paths, WHAT, "Designations")
    parsed = Parsed(source=SOURCE, published_at=iso_date(child_text(root, "DateGenerated")))
    seen: set[str] = set()
    for number, designation in enumerate(children(root, "Designation"), start=1):
        unique_id = child_text(designation, "UniqueID")
        where = f"Designation #{number}" + (f" (UniqueID {unique_id})" if unique_id else "")
        entity_id = f"uk-{require(path, unique_id, where, 'UniqueID')}"
        register(path, seen, entity_id, where)
        entity = _party(path, parsed, designation, entity_id, where)
        _listing(parsed, entity, designation)
    if not seen:
        raise ListFormatError(path, "", "the list holds no Designation records")
    return parsed


def _party(
    path: Path, parsed: Parsed, designation: Element, entity_id: str, where: str
) -> EntityProxy:
    kind = child_text(designation, "IndividualEntityShip") or ""
    entity = make(SCHEMATA.get(kind.lower(), "LegalEntity"), entity_id)
    if kind.lower() not in SCHEMATA:
        note(entity, f"Designation type: {kind or 'not given'}")
    _names(path, entity, designation, where)
    parsed.add(entity)
    if entity.schema.is_a("Person"):
        _individual(entity, designation)
    elif entity.schema.is_a("Vessel"):
        _ship(entity, designation)
    else:
        _organisation(entity, designation)
    _addresses(parsed, entity, designation)
    for tags, prop, label in CONTACTS:
        for value in texts(designation, *tags):
            add_or_note(entity, prop, value, label)
    for related, label in RELATED:
        for value in texts(designation, *related.split("/")):
            note(entity, f"{label}: {value}")
    ofsi = child_text(designation, "OFSIGroupID")
    note(entity, f"OFSI group ID: {ofsi}" if ofsi else None)
    note(entity, child_text(designation, "OtherInformation"))
    for text in unmapped_leaves(designation, KNOWN):
        note(entity, text)
    return entity


def _full_name(name: Element) -> str | None:
    return " ".join(p for p in (child_text(name, tag) for tag in NAME_PARTS) if p) or None


def _names(path: Path, entity: EntityProxy, designation: Element, where: str) -> None:
    """The primary name, its spelling variations and aliases (weak when of low quality)."""
    names = descendants(designation, "Names", "Name")
    primary = [n for n in names if (child_text(n, "NameType") or "").lower() == "primary name"]
    first = primary[0] if primary else (names[0] if names else None)
    name = _full_name(first) if first is not None else None
    entity.add("name", require(path, name, where, "a Names/Name with Name1..Name6"))
    for item in names:
        full = _full_name(item)
        if item is not first and full and full != name:
            strength = (child_text(item, "AliasStrength") or "").lower()
            entity.add("weakAlias" if strength.startswith("low") else "alias", full)
        if entity.schema.is_a("Person") and (item in primary or _is_variation(item)):
            entity.add("firstName", child_text(item, "Name1"))
            entity.add("middleName", [child_text(item, tag) for tag in NAME_PARTS[1:5]])
            entity.add("lastName", child_text(item, "Name6"))
    entity.add("alias", texts(designation, "NonLatinNames", "NonLatinName", "NameNonLatinScript"))
    if "title" in entity.schema.properties:
        entity.add("title", texts(designation, "Titles", "Title"))
    else:
        for title in texts(designation, "Titles", "Title"):
            note(entity, f"Title: {title}")


def _is_variation(name: Element) -> bool:
    return (child_text(name, "NameType") or "").lower() == "primary name variation"


def _individual(person: EntityProxy, designation: Element) -> None:
    details = descendants(designation, *INDIVIDUAL.split("/"))
    for individual in details:
        for dob in texts(individual, "DOBs", "DOB"):
            add_date(person, "birthDate", dob, "Date of birth")
        for value in texts(individual, "Nationalities", "Nationality"):
            add_country(person, "nationality", "Nationality", value)
        person.add("position", texts(individual, "Positions", "Position"))
        for gender in texts(individual, "Genders", "Gender"):
            add_or_note(person, "gender", gender, "Gender")
        for place in descendants(individual, "BirthDetails", "Location"):
            town, country = child_text(place, "TownOfBirth"), child_text(place, "CountryOfBirth")
            person.add("birthPlace", ", ".join(p for p in (town, country) if p) or None)
            add_country(person, "birthCountry", "Country of birth", country)
        _documents(person, individual)


def _documents(person: EntityProxy, individual: Element) -> None:
    """Passport and national id numbers; what the list says about each goes to notes."""
    documents = (
        ("PassportDetails", "Passport", "Passport", "passport"),
        ("NationalIdentifierDetails", "NationalIdentifier", "NationalIdentifier", "national id"),
    )
    for group, tag, prefix, kind in documents:
        for document in descendants(individual, group, tag):
            number = child_text(document, f"{prefix}Number")
            add_identifier(person, kind, number)
            about = child_text(document, f"{prefix}AdditionalInformation")
            if about:
                note(person, f"{kind.capitalize()} {number or '(no number)'}: {about}")


def _organisation(entity: EntityProxy, designation: Element) -> None:
    for details in descendants(designation, *ENTITY.split("/")):
        entity.add("legalForm", texts(details, "TypeOfEntities", "TypeOfEntity"))
        for number in texts(details, "BusinessRegistrationNumbers", "BusinessRegistrationNumber"):
            add_identifier(entity, "registration", number)


def _ship(vessel: EntityProxy, designation: Element) -> None:
    for ship in descendants(designation, *SHIP.split("/")):
        for tags, prop, label in SHIP_FIELDS:
            for value in texts(ship, *tags):
                add_or_note(vessel, prop, value, label)
        for flag in texts(ship, "CurrentBelievedFlagOfShips", "CurrentBelievedFlagOfShip"):
            add_country(vessel, "flag", "Flag", flag)
        for flag in texts(ship, "PreviousFlags", "PreviousFlag"):
            add_country(vessel, "pastFlags", "Previous flag", flag)


def _addresses(parsed: Parsed, entity: EntityProxy, designation: Element) -> None:
    """AddressLine1-5 are street lines; AddressLine6 holds the town (or province)."""
    for index, address in enumerate(descendants(designation, "Addresses", "Address"), start=1):
        lines = [child_text(address, tag) for tag in ADDRESS_LINES[:5]]
        parts = AddressParts(
            street=", ".join(line for line in lines if line) or None,
            city=child_text(address, "AddressLine6"),
            postal_code=child_text(address, "AddressPostalCode"),
            country=(child_text(address, "AddressCountry"),),
        )
        add_address(parsed, entity, index, parts)


def _listing(parsed: Parsed, entity: EntityProxy, designation: Element) -> None:
    """The Sanction: regime, Unique ID, UN reference, dates, measures and reasons."""
    regime = child_text(designation, "RegimeName")
    designated = child_text(designation, "DateDesignated")
    if designated and iso_date(designated) is None:
        note(entity, f"Date designated: {designated}")
    measures = (child_text(designation, "SanctionsImposed") or "").split("|")
    source = child_text(designation, "DesignationSource")
    add_sanction(
        parsed, entity, AUTHORITY, [regime] if regime else [],
        authorityId=child_text(designation, "UniqueID"),
        unscId=child_text(designation, "UNReferenceNumber"),
        listingDate=iso_date(designated),
        modifiedAt=iso_date(child_text(designation, "LastUpdated")),
        reason=child_text(designation, "UKStatementofReasons"),
        provisions=[m.strip() for m in measures if m.strip()],
        description=f"Designation source: {source}" if source else None,
    )  # fmt: skip
