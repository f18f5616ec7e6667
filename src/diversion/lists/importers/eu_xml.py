"""The EU Financial Sanctions Files (FSF) consolidated list, XML "full" edition v1.1.

The format (schema_1_1.xsd, namespace http://eu.europa.ec/fpi/fsd/export) carries almost
everything in attributes: one `sanctionEntity` per listing with its regulations, subject type,
name aliases, citizenships, birth dates, addresses and identifications. A `person` becomes a
Person, an `enterprise` an Organization; each gets one Sanction with the EU reference number.
Attributes this importer does not map (document flags, dates of issue, regulation details)
go to `notes` with a label rather than away.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from xml.etree.ElementTree import Element

from followthemoney.proxy import EntityProxy

from diversion.lists.importers.base import ListFormatError, Parsed, add_sanction, each_file, make
from diversion.lists.importers.xml import local
from diversion.lists.importers.xml_fields import (
    AddressParts,
    add_address,
    add_country,
    add_date,
    add_identifier,
    add_or_note,
    attr,
    child,
    children,
    clean,
    iso_date,
    iso_timestamp,
    leftover_attrs,
    leftovers,
    note,
    open_list,
    partial_date,
    register,
    require,
    texts,
    year_range,
)

parts = each_file  # each file is a whole list; several are parts of one

AUTHORITY = "European Union"
SOURCE = "EU Financial Sanctions Files (consolidated list)"
SCHEMATA = {"person": "Person", "enterprise": "Organization", "vessel": "Vessel"}
GENDERS = {"M": "male", "F": "female"}
CONTACT_PROPS = {"PHONE": "phone", "TEL": "phone", "EMAIL": "email", "WEB": "website"}
# Attributes every element may carry that say nothing about the listed party.
SANCTIONABLE = {"logicalId", "regulationLanguage"}
ENTITY_ATTRS = {
    "logicalId", "euReferenceNumber", "unitedNationId", "designationDate",
    "designationDetails", "delistingDate",
}  # fmt: skip
ENTITY_CHILDREN = {
    "regulation", "subjectType", "nameAlias", "citizenship", "birthdate", "address",
    "identification", "remark",
}  # fmt: skip
NAME_ATTRS = {
    "firstName", "middleName", "lastName", "wholeName", "function", "gender", "title",
    "nameLanguage", "strong", *SANCTIONABLE,
}  # fmt: skip
CITIZENSHIP_ATTRS = {"countryIso2Code", "countryDescription", "region", *SANCTIONABLE}
BIRTH_ATTRS = {
    "birthdate", "year", "monthOfYear", "dayOfMonth", "yearRangeFrom", "yearRangeTo", "circa",
    "calendarType",
    "city", "zipCode", "region", "place", "countryIso2Code", "countryDescription",
    *SANCTIONABLE,
}  # fmt: skip
ADDRESS_ATTRS = {
    "street", "city", "zipCode", "region", "place", "poBox", "countryIso2Code",
    "countryDescription", "asAtListingTime", *SANCTIONABLE,
}  # fmt: skip
ID_ATTRS = {
    "number", "latinNumber", "identificationTypeCode", "identificationTypeDescription",
    "countryIso2Code", "countryDescription", *SANCTIONABLE,
}  # fmt: skip
ID_DETAILS = (
    ("issuedBy", "issued by"), ("issueDate", "issued on"), ("validFrom", "valid from"),
    ("validTo", "valid to"), ("nameOnDocument", "name on document"), ("region", "region"),
)  # fmt: skip
ID_FLAGS = ("diplomatic", "knownExpired", "knownFalse", "reportedLost", "revokedByIssuer")
REGULATION_ATTRS = {
    "regulationType", "organisationType", "publicationDate", "entryIntoForceDate",
    "numberTitle", "programme", "logicalId",
}  # fmt: skip
# Children every element may carry: the regulation that added it (kept on the Sanction).
ELEMENT_CHILDREN = {"regulationSummary", "remark"}


def read_eu_xml(paths: Sequence[Path]) -> Parsed:
    path, root = open_list(paths, "the EU Financial Sanctions Files list", "export")
    parsed = Parsed(source=SOURCE, published_at=iso_timestamp(root.get("generationDate")))
    seen: set[str] = set()
    for number, element in enumerate(children(root, "sanctionEntity"), start=1):
        logical_id = attr(element, "logicalId")
        where = f"sanctionEntity #{number}" + (f" (logicalId {logical_id})" if logical_id else "")
        logical_id = require(path, logical_id, where, "the logicalId attribute")
        register(path, seen, f"eu-{logical_id}", where)
        entity = _party(path, parsed, element, f"eu-{logical_id}", where)
        _listing(parsed, entity, element)
    if not seen:
        raise ListFormatError(path, "", "the export holds no sanctionEntity records")
    return parsed


def _party(path: Path, parsed: Parsed, element: Element, entity_id: str, where: str) -> EntityProxy:
    subject = child(element, "subjectType")
    code = (attr(subject, "code") or "") if subject is not None else ""
    entity = make(SCHEMATA.get(code.lower(), "LegalEntity"), entity_id)
    if code.lower() not in SCHEMATA:
        note(entity, f"Subject type: {code or 'not given'}")
    aliases = children(element, "nameAlias")
    names = [n for n in (attr(a, "wholeName") or _joined_name(a) for a in aliases) if n]
    entity.add("name", require(path, names[0] if names else None, where, "a nameAlias name"))
    parsed.add(entity)
    for alias in aliases:
        _name_alias(entity, alias, names[0])
    for citizenship in children(element, "citizenship"):
        _citizenship(entity, citizenship)
    for birth in children(element, "birthdate"):
        _birth(entity, birth)
    for identification in children(element, "identification"):
        _identification(entity, identification)
    for index, address in enumerate(children(element, "address"), start=1):
        _address(parsed, entity, address, index)
    for remark in texts(element, "remark"):
        note(entity, remark)
    for text in leftovers(element, ENTITY_CHILDREN, "Field"):
        note(entity, text)
    for text in leftover_attrs(element, ENTITY_ATTRS, "Field"):
        note(entity, text)
    return entity


def _joined_name(alias: Element) -> str | None:
    parts = (attr(alias, key) for key in ("firstName", "middleName", "lastName"))
    return " ".join(p for p in parts if p) or None


def _name_alias(entity: EntityProxy, alias: Element, primary: str) -> None:
    """One name of the party: the first is its name, the rest aliases (weak if not strong)."""
    name = attr(alias, "wholeName") or _joined_name(alias)
    if name and name != primary:
        weak = (attr(alias, "strong") or "true").lower() == "false"
        entity.add("weakAlias" if weak else "alias", name)
    if entity.schema.is_a("Person"):
        entity.add("firstName", attr(alias, "firstName"))
        entity.add("middleName", attr(alias, "middleName"))
        entity.add("lastName", attr(alias, "lastName"))
        entity.add("title", attr(alias, "title"))
        entity.add("position", attr(alias, "function"))
        gender = attr(alias, "gender")
        add_or_note(entity, "gender", GENDERS.get(gender or "", gender), "Gender")
    else:
        for key, label in (("function", "Function"), ("title", "Title")):
            note(entity, f"{label}: {attr(alias, key)}" if attr(alias, key) else None)
    _element_notes(entity, alias, NAME_ATTRS, f"Name {name}")


def _citizenship(entity: EntityProxy, citizenship: Element) -> None:
    """EU "citizenship" is what other lists call nationality; FtM has both, so set both."""
    code, named = attr(citizenship, "countryIso2Code"), attr(citizenship, "countryDescription")
    for prop in ("nationality", "citizenship"):
        if prop in entity.schema.properties:
            add_country(entity, prop, "Citizenship", code, named)
    if "nationality" not in entity.schema.properties:
        add_country(entity, "country", "Country", code, named)
    if attr(citizenship, "region"):
        note(entity, f"Citizenship region: {attr(citizenship, 'region')}")
    _element_notes(entity, citizenship, CITIZENSHIP_ATTRS, "Citizenship")


def _birth(entity: EntityProxy, birth: Element) -> None:
    """A birth date (full, partial, or a range of years) and the place it gives."""
    if not entity.schema.is_a("Person"):
        given = ", ".join(f"{local(k)} {v}" for k, v in birth.attrib.items() if clean(v))
        note(entity, f"Birth details: {given}" if given else None)
        return
    full = attr(birth, "birthdate")
    add_date(entity, "birthDate", full, "Date of birth")
    if not full:
        day, month = attr(birth, "dayOfMonth"), attr(birth, "monthOfYear")
        entity.add("birthDate", partial_date(attr(birth, "year"), month, day))
    start, end = attr(birth, "yearRangeFrom"), attr(birth, "yearRangeTo")
    entity.add("birthDate", year_range(start, end))
    if start or end:
        note(entity, f"Date of birth between {start or '?'} and {end or '?'}")
    calendar = attr(birth, "calendarType")
    if calendar and calendar.upper() != "GREGORIAN":
        note(entity, f"Date of birth calendar: {calendar}")
    if (attr(birth, "circa") or "").lower() == "true":
        said = full or attr(birth, "year") or ""
        note(entity, f"Date of birth approximately {said}".strip())
    place_keys = ("place", "city", "zipCode", "region", "countryDescription")
    place = ", ".join(dict.fromkeys(p for p in (attr(birth, k) for k in place_keys) if p))
    entity.add("birthPlace", place or None)
    add_country(
        entity, "birthCountry", "Country of birth",
        attr(birth, "countryIso2Code"), attr(birth, "countryDescription"),
    )  # fmt: skip
    _element_notes(entity, birth, BIRTH_ATTRS, "Birth")


def _identification(entity: EntityProxy, identification: Element) -> None:
    """A document number on the party; its type, issuer, dates and flags in a note."""
    code = attr(identification, "identificationTypeCode") or ""
    described = attr(identification, "identificationTypeDescription") or ""
    number = attr(identification, "number")
    latin = attr(identification, "latinNumber")
    for value in dict.fromkeys(n for n in (number, latin) if n):
        add_identifier(entity, f"{code} {described}", value)
    country = attr(identification, "countryDescription") or attr(identification, "countryIso2Code")
    said = [described or code, country and f"issued by {country}"]
    details = ((label, attr(identification, key)) for key, label in ID_DETAILS)
    said += [f"{label} {value}" for label, value in details if value]
    said += [flag for flag in ID_FLAGS if (attr(identification, flag) or "") == "true"]
    head = number or latin or "(no number)"
    note(entity, f"Document {head}: {'; '.join(p for p in said if p)}")
    known = ID_ATTRS | set(ID_FLAGS) | {key for key, _ in ID_DETAILS}
    _element_notes(entity, identification, known, "Document")


def _address(parsed: Parsed, entity: EntityProxy, address: Element, index: int) -> None:
    parts = AddressParts(
        street=attr(address, "street"),
        city=", ".join(p for p in (attr(address, "city"), attr(address, "place")) if p) or None,
        postal_code=attr(address, "zipCode"),
        region=attr(address, "region"),
        po_box=attr(address, "poBox"),
        country=(attr(address, "countryIso2Code"), attr(address, "countryDescription")),
    )
    add_address(parsed, entity, index, parts)
    for contact in children(address, "contactInfo"):
        key, value = (attr(contact, "key") or "").upper(), attr(contact, "value")
        if key in CONTACT_PROPS:
            add_or_note(entity, CONTACT_PROPS[key], value, f"Contact {key.lower()}")
        else:
            note(entity, f"Contact {key.lower() or 'detail'}: {value}" if value else None)
    _element_notes(entity, address, ADDRESS_ATTRS, "Address", {"contactInfo"})


def _element_notes(
    entity: EntityProxy,
    element: Element,
    known_attrs: set[str],
    label: str,
    known_children: set[str] | None = None,
) -> None:
    """Remarks on one name, document or address, and its attributes nobody mapped."""
    for remark in texts(element, "remark"):
        note(entity, f"{label}: {remark}")
    for text in leftover_attrs(element, known_attrs, label):
        note(entity, text)
    for text in leftovers(element, ELEMENT_CHILDREN | (known_children or set()), label):
        note(entity, text)


def _listing(parsed: Parsed, entity: EntityProxy, element: Element) -> None:
    """The Sanction: programmes and regulations, the EU reference, the designation date."""
    regulations = children(element, "regulation")
    programmes = list(dict.fromkeys(p for p in (attr(r, "programme") for r in regulations) if p))
    urls = [u for r in regulations for u in texts(r, "publicationUrl")]
    for regulation in regulations:
        label = f"Regulation {attr(regulation, 'numberTitle') or attr(regulation, 'programme')}"
        _element_notes(entity, regulation, REGULATION_ATTRS, label, {"publicationUrl"})
    designated = attr(element, "designationDate")
    if designated and iso_date(designated) is None:
        note(entity, f"Designation date: {designated}")
    add_sanction(
        parsed, entity, AUTHORITY, programmes,
        authorityId=attr(element, "euReferenceNumber"),
        unscId=attr(element, "unitedNationId"),
        listingDate=iso_date(designated),
        endDate=iso_date(attr(element, "delistingDate")),
        reason=attr(element, "designationDetails"),
        description=[d for d in map(_regulation_text, regulations) if d],
        sourceUrl=urls,
    )  # fmt: skip


def _regulation_text(regulation: Element) -> str | None:
    """`regulation 2022/330 (OJ L53), published 2022-02-25, in force 2022-02-25`."""
    kind = " ".join(
        p for p in (attr(regulation, "organisationType"), attr(regulation, "regulationType")) if p
    )
    title = attr(regulation, "numberTitle")
    dates = [
        f"published {attr(regulation, 'publicationDate')}"
        if attr(regulation, "publicationDate") else None,
        f"in force {attr(regulation, 'entryIntoForceDate')}"
        if attr(regulation, "entryIntoForceDate") else None,
    ]  # fmt: skip
    text = ", ".join(p for p in (f"{kind or 'regulation'} {title}" if title else None, *dates) if p)
    return clean(text)
