"""The UN Security Council consolidated list, as the UN publishes it in XML (sc-sanctions.xsd).

Every INDIVIDUAL becomes a Person and every ENTITY an Organization (the list mixes groups,
companies and fronts), each with one Sanction carrying the UN reference number. Names, aliases
(original script included), dates and places of birth, documents, nationalities and addresses
are kept; whatever has no FtM property (document issue details, notes on dates, fields the
schema may grow) goes to `notes` with a label, never away.
"""

from __future__ import annotations

import re
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
    iso_date,
    iso_timestamp,
    leftovers,
    note,
    open_list,
    register,
    require,
    split_names,
    texts,
    year_range,
)

parts = each_file  # each file is a whole list; several are parts of one

AUTHORITY = "United Nations Security Council"
SOURCE = "UN Security Council consolidated list"
NAME_TAGS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
PLACEHOLDERS = {"na", "n/a"}  # the list writes "na" for a name part it does not have
# Bookkeeping the same on every record or meaningless outside the UN's database.
BOOKKEEPING = {"VERSIONNUM", "LIST_TYPE", "SORT_KEY", "SORT_KEY_LAST_MOD"}
COMMON = {
    "DATAID", "UN_LIST_TYPE", "REFERENCE_NUMBER", "LISTED_ON", "COMMENTS1",
    "LAST_DAY_UPDATED", "NAME_ORIGINAL_SCRIPT", *NAME_TAGS, *BOOKKEEPING,
}  # fmt: skip
INDIVIDUAL = {
    "GENDER", "DESIGNATION", "TITLE", "NATIONALITY", "INDIVIDUAL_ALIAS", "INDIVIDUAL_ADDRESS",
    "INDIVIDUAL_DATE_OF_BIRTH", "INDIVIDUAL_PLACE_OF_BIRTH", "INDIVIDUAL_DOCUMENT",
}  # fmt: skip
ENTITY = {"ENTITY_ALIAS", "ENTITY_ADDRESS"}
ALIAS_PROPS = {
    "good": "alias", "a.k.a.": "alias", "": "alias",
    "low": "weakAlias", "f.k.a.": "previousName",
}  # fmt: skip
ALIAS_FIELDS = {"QUALITY", "ALIAS_NAME", "DATE_OF_BIRTH", "CITY_OF_BIRTH", "COUNTRY_OF_BIRTH"}
PLACE_FIELDS = ("STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY")
DOB_FIELDS = {"TYPE_OF_DATE", "DATE", "YEAR", "FROM_YEAR", "TO_YEAR", "NOTE"}
DOCUMENT_FIELDS = {
    "TYPE_OF_DOCUMENT", "TYPE_OF_DOCUMENT2", "NUMBER", "ISSUING_COUNTRY", "COUNTRY_OF_ISSUE",
    "CITY_OF_ISSUE", "DATE_OF_ISSUE", "NOTE",
}  # fmt: skip
PLAIN_DOCUMENTS = {"passport", "national identification number"}
IMO = re.compile(r"\bIMO(?:\s+(?:number|no\.?))?\s*:?\s*(\d{7})\b", re.IGNORECASE)


def read_un_xml(paths: Sequence[Path]) -> Parsed:
    path, root = open_list(paths, "the UN consolidated list", "CONSOLIDATED_LIST")
    parsed = Parsed(source=SOURCE, published_at=iso_timestamp(root.get("dateGenerated")))
    seen: set[str] = set()
    for number, element in enumerate(_records(root, "INDIVIDUALS", "INDIVIDUAL"), start=1):
        where = _where(element, "INDIVIDUAL", number)
        _record(path, parsed, seen, element, where, _Individual)
    for number, element in enumerate(_records(root, "ENTITIES", "ENTITY"), start=1):
        where = _where(element, "ENTITY", number)
        _record(path, parsed, seen, element, where, _Organization)
    if not seen:
        raise ListFormatError(path, "", "the list holds no INDIVIDUAL or ENTITY records")
    return parsed


def _records(root: Element, group: str, tag: str) -> list[Element]:
    return [record for parent in children(root, group) for record in children(parent, tag)]


def _where(element: Element, tag: str, number: int) -> str:
    data_id = child_text(element, "DATAID")
    return f"{tag} #{number}" + (f" (DATAID {data_id})" if data_id else "")


def _record(
    path: Path,
    parsed: Parsed,
    seen: set[str],
    element: Element,
    where: str,
    build: type[_Party],
) -> None:
    data_id = require(path, child_text(element, "DATAID"), where, "DATAID")
    entity_id = f"un-{data_id}"
    register(path, seen, entity_id, where)
    name = require(path, _full_name(element), where, "FIRST_NAME (the name)")
    entity = build(parsed, element, entity_id, name).entity
    _listing(path, parsed, entity, element, where)


def _name_parts(element: Element) -> list[str]:
    parts = (child_text(element, tag) for tag in NAME_TAGS)
    return [p for p in parts if p and p.lower() not in PLACEHOLDERS]


def _full_name(element: Element) -> str | None:
    return " ".join(_name_parts(element)) or None


class _Party:
    """What individuals and entities share: names, aliases, addresses, remarks."""

    schema = "LegalEntity"
    alias_tag = ""
    address_tag = ""
    known: frozenset[str] = frozenset()

    def __init__(self, parsed: Parsed, element: Element, entity_id: str, name: str) -> None:
        self.parsed = parsed
        self.element = element
        self.entity = make(self.schema, entity_id)
        self.entity.add("name", name)
        parsed.add(self.entity)
        self.original_script()
        self.aliases()
        self.details()
        self.addresses()
        self.remarks()

    def details(self) -> None:
        """Schema-specific fields; the base has none."""

    def original_script(self) -> None:
        for raw in texts(self.element, "NAME_ORIGINAL_SCRIPT"):
            self.entity.add("alias", split_names(raw))

    def aliases(self) -> None:
        for alias in children(self.element, self.alias_tag):
            _alias(self.entity, alias)

    def addresses(self) -> None:
        index = 0
        for element in children(self.element, self.address_tag):
            parts = AddressParts(
                street=child_text(element, "STREET"),
                city=child_text(element, "CITY"),
                postal_code=child_text(element, "ZIP_CODE"),
                region=child_text(element, "STATE_PROVINCE"),
                country=(child_text(element, "COUNTRY"),),
                remarks=child_text(element, "NOTE"),
            )
            if parts.text() or parts.remarks:
                index += 1
                add_address(self.parsed, self.entity, index, parts)
            for text in leftovers(element, {*PLACE_FIELDS, "NOTE"}, "Address"):
                note(self.entity, text)

    def remarks(self) -> None:
        note(self.entity, child_text(self.element, "COMMENTS1"))
        updated = [d for d in map(iso_date, texts(self.element, "LAST_DAY_UPDATED", "VALUE")) if d]
        if updated:
            self.entity.add("modifiedAt", max(updated))
        for text in leftovers(self.element, COMMON | self.known, "Field"):
            note(self.entity, text)


class _Individual(_Party):
    schema = "Person"
    alias_tag = "INDIVIDUAL_ALIAS"
    address_tag = "INDIVIDUAL_ADDRESS"
    known = frozenset(INDIVIDUAL)

    def details(self) -> None:
        person, element = self.entity, self.element
        _name_fields(person, element)
        for value in texts(element, "NATIONALITY", "VALUE"):
            add_country(person, "nationality", "Nationality", value)
        person.add("position", texts(element, "DESIGNATION", "VALUE"))
        person.add("title", texts(element, "TITLE", "VALUE"))
        add_or_note(person, "gender", child_text(element, "GENDER"), "Gender")
        for dob in children(element, "INDIVIDUAL_DATE_OF_BIRTH"):
            _birth_date(person, dob)
        for place in children(element, "INDIVIDUAL_PLACE_OF_BIRTH"):
            _birth_place(person, place)
        for document in children(element, "INDIVIDUAL_DOCUMENT"):
            _document(person, document)


class _Organization(_Party):
    schema = "Organization"
    alias_tag = "ENTITY_ALIAS"
    address_tag = "ENTITY_ADDRESS"
    known = frozenset(ENTITY)

    def details(self) -> None:
        # DPRK shipping companies carry their IMO company number only in the comments.
        for number in IMO.findall(child_text(self.element, "COMMENTS1") or ""):
            add_or_note(self.entity, "imoNumber", number, "IMO number")


def _name_fields(person: EntityProxy, element: Element) -> None:
    """FIRST_NAME..FOURTH_NAME are name parts in the list's order, not a fixed role each."""
    parts = _name_parts(element)
    person.add("firstName", parts[:1])
    if len(parts) >= 2:
        person.add("lastName", parts[-1])
    if len(parts) >= 3:
        person.add("secondName", parts[1])
        person.add("middleName", parts[2:-1])


def _alias(entity: EntityProxy, alias: Element) -> None:
    raw = child_text(alias, "ALIAS_NAME")
    for text in leftovers(alias, ALIAS_FIELDS | {"NOTE"}, "Alias"):
        note(entity, text)
    if not raw:
        return
    quality = (child_text(alias, "QUALITY") or "").lower()
    names = split_names(raw)
    entity.add(ALIAS_PROPS.get(quality, "alias"), names)
    if quality not in ALIAS_PROPS:
        note(entity, f"Alias {raw}: quality {quality}")
    if names != [raw]:
        note(entity, f"Alias as listed: {raw}")
    if child_text(alias, "NOTE"):
        note(entity, f"Alias {raw}: {child_text(alias, 'NOTE')}")
    _alias_birth(entity, alias, raw)


def _alias_birth(entity: EntityProxy, alias: Element, raw: str) -> None:
    """Birth details given for one alias (a false identity): kept, and noted as the alias's."""
    born = child_text(alias, "DATE_OF_BIRTH")
    city = child_text(alias, "CITY_OF_BIRTH")
    country = child_text(alias, "COUNTRY_OF_BIRTH")
    if not (born or city or country):
        return
    if entity.schema.is_a("Person"):
        add_date(entity, "birthDate", born, f"Alias {raw} date of birth")
        entity.add("birthPlace", ", ".join(p for p in (city, country) if p) or None)
        add_country(entity, "birthCountry", "Alias country of birth", country)
    place = ", ".join(p for p in (city, country) if p)
    said = " ".join(p for p in (born and f"on {born}", place and f"in {place}") if p)
    note(entity, f"Alias {raw}: born {said}")


def _birth_date(person: EntityProxy, dob: Element) -> None:
    kind = (child_text(dob, "TYPE_OF_DATE") or "").upper()
    remark = child_text(dob, "NOTE")
    given = [v for v in (child_text(dob, "DATE"), child_text(dob, "YEAR")) if v]
    for value in given:
        add_date(person, "birthDate", value, "Date of birth")
    start, end = child_text(dob, "FROM_YEAR"), child_text(dob, "TO_YEAR")
    person.add("birthDate", year_range(start, end))
    qualified = kind not in {"EXACT", ""}  # APPROXIMATELY, BETWEEN or a new kind
    said = " / ".join(given)
    if start or end:
        said = f"between {start or '?'} and {end or '?'}"
    elif qualified:
        said = f"{kind.lower()} {said}"
    if remark or qualified or start or end:
        note(person, f"Date of birth {said}".strip() + (f": {remark}" if remark else ""))
    for text in leftovers(dob, DOB_FIELDS, "Date of birth"):
        note(person, text)


def _birth_place(person: EntityProxy, place: Element) -> None:
    parts = [child_text(place, tag) for tag in PLACE_FIELDS]
    person.add("birthPlace", ", ".join(dict.fromkeys(p for p in parts if p)) or None)
    add_country(person, "birthCountry", "Country of birth", child_text(place, "COUNTRY"))
    remark = child_text(place, "NOTE")
    if remark:
        note(person, f"Place of birth: {remark}")
    for text in leftovers(place, {*PLACE_FIELDS, "NOTE"}, "Place of birth"):
        note(person, text)


def _document(person: EntityProxy, document: Element) -> None:
    """A passport or id number on the person; issue details and odd types in a note."""
    kind = child_text(document, "TYPE_OF_DOCUMENT")
    kind2 = child_text(document, "TYPE_OF_DOCUMENT2")
    number = child_text(document, "NUMBER")
    if number:
        add_identifier(person, " ".join(k for k in (kind, kind2) if k), number)
    details = [
        kind2,
        _labelled("issued by", child_text(document, "ISSUING_COUNTRY")),
        _labelled("issued in", child_text(document, "CITY_OF_ISSUE")),
        _labelled("issued in", child_text(document, "COUNTRY_OF_ISSUE")),
        _labelled("issued on", child_text(document, "DATE_OF_ISSUE")),
        child_text(document, "NOTE"),
    ]
    extra = [d for d in details if d]
    plain = (kind or "").lower() in PLAIN_DOCUMENTS
    if extra or (kind and not plain) or (kind and not number):
        head = " ".join(p for p in (kind or "Document", number) if p)
        note(person, f"Document: {head}" + (f" ({'; '.join(extra)})" if extra else ""))
    for text in leftovers(document, DOCUMENT_FIELDS, "Document"):
        note(person, text)


def _labelled(label: str, value: str | None) -> str | None:
    return f"{label} {value}" if value else None


def _listing(path: Path, parsed: Parsed, entity: EntityProxy, element: Element, where: str) -> None:
    """The Sanction: the committee's list (program), the reference number and listing date."""
    reference = child_text(element, "REFERENCE_NUMBER")
    program = child_text(element, "UN_LIST_TYPE")
    if not reference and not program:
        raise ListFormatError(path, where, "REFERENCE_NUMBER and UN_LIST_TYPE are missing")
    listed = child_text(element, "LISTED_ON")
    if listed and iso_date(listed) is None:
        note(entity, f"Listed on: {listed}")
    add_sanction(
        parsed, entity, AUTHORITY, [program] if program else [],
        unscId=reference, authorityId=reference, listingDate=iso_date(listed),
    )  # fmt: skip
