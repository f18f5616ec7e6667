"""The UN consolidated list importer against the real file, plus broken and hostile input.

Expected counts are computed here from the file with plain ElementTree, not taken from the
importer, so a record the importer skipped or doubled shows up as a difference.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from followthemoney.proxy import EntityProxy
from followthemoney.types import registry

from diversion.lists import ListFormatError
from diversion.lists.importers.base import Parsed
from diversion.lists.importers.un_xml import read_un_xml
from diversion.lists.importers.xml_fields import iso_date, split_names, year_range
from tests.conftest import SHARED

UN = SHARED / "lists" / "un" / "UN_consolidated.xml"
EU_FIXTURE = Path(__file__).parent / "fixtures" / "eu" / "fsf_v1.1.xml"
Reader = Callable[[Sequence[Path]], Parsed]


@pytest.fixture(scope="module")
def parsed() -> Parsed:
    return read_un_xml([UN])


@pytest.fixture(scope="module")
def tree() -> ET.Element:
    return ET.parse(UN).getroot()  # the real file is trusted here; the importer is not


@pytest.fixture(scope="module")
def by_id(parsed: Parsed) -> dict[str, EntityProxy]:
    return {str(e.id): e for e in parsed.entities}


def squash(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def alnum(text: str | None) -> str:
    return re.sub(r"\W", "", text or "")


def test_every_record_becomes_one_party_and_one_sanction(parsed: Parsed, tree: ET.Element) -> None:
    individuals = len(tree.findall("INDIVIDUALS/INDIVIDUAL"))
    entities = len(tree.findall("ENTITIES/ENTITY"))
    counts = Counter(e.schema.name for e in parsed.entities)
    assert (individuals, entities) == (730, 273)
    assert counts["Person"] == individuals
    assert counts["Organization"] == entities
    assert counts["Sanction"] == individuals + entities == 1003
    ids = [str(e.id) for e in parsed.entities]
    assert len(ids) == len(set(ids))
    parties = {str(e.id) for e in parsed.entities if e.schema.name != "Sanction"}
    sanctioned = [
        t for e in parsed.entities if e.schema.name == "Sanction" for t in e.get("entity")
    ]
    assert sorted(sanctioned) == sorted(p for p in parties if not p.count("-address-"))


def test_publication_date_and_sanctions(parsed: Parsed, tree: ET.Element) -> None:
    assert parsed.published_at is not None
    assert parsed.published_at.startswith(tree.get("dateGenerated", "")[:19])
    sanctions = {e.get("entity")[0]: e for e in parsed.entities if e.schema.name == "Sanction"}
    for record in [*tree.iter("INDIVIDUAL"), *tree.iter("ENTITY")]:
        sanction = sanctions[f"un-{record.findtext('DATAID')}"]
        assert sanction.get("unscId") == [squash(record.findtext("REFERENCE_NUMBER"))]
        assert sanction.get("authorityId") == [squash(record.findtext("REFERENCE_NUMBER"))]
        assert sanction.get("program") == [squash(record.findtext("UN_LIST_TYPE"))]
        assert sanction.get("listingDate") == [(record.findtext("LISTED_ON") or "")[:10]]
        assert sanction.get("authority") == ["United Nations Security Council"]


def test_every_alias_is_kept(by_id: dict[str, EntityProxy], tree: ET.Element) -> None:
    props = {"Good": "alias", "a.k.a.": "alias", "Low": "weakAlias", "f.k.a.": "previousName"}
    seen = 0
    for record in [*tree.iter("INDIVIDUAL"), *tree.iter("ENTITY")]:
        entity = by_id[f"un-{record.findtext('DATAID')}"]
        for alias in [*record.iter("INDIVIDUAL_ALIAS"), *record.iter("ENTITY_ALIAS")]:
            name = squash(alias.findtext("ALIAS_NAME"))
            if not name:
                continue
            seen += 1
            if ";" in name:  # packed variants are split; the text as listed is in the notes
                assert f"Alias as listed: {name}" in entity.get("notes")
            else:  # FtM trims quotes around a name: '"HASSAN, Sheikh"'
                expected = registry.name.clean(name)
                assert expected in entity.get(props[squash(alias.findtext("QUALITY"))])
    assert seen == 1524 + 615 + 594 + 19


def test_original_script_names_are_aliases(by_id: dict[str, EntityProxy], tree: ET.Element) -> None:
    checked = 0
    for record in [*tree.iter("INDIVIDUAL"), *tree.iter("ENTITY")]:
        original = squash(record.findtext("NAME_ORIGINAL_SCRIPT"))
        if original:
            checked += 1
            assert original in by_id[f"un-{record.findtext('DATAID')}"].get("alias")
    assert checked == 378


def test_addresses_nationalities_and_documents(
    parsed: Parsed, by_id: dict[str, EntityProxy], tree: ET.Element
) -> None:
    fields = ("STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE", "COUNTRY")
    with_content = [
        a
        for a in [*tree.iter("INDIVIDUAL_ADDRESS"), *tree.iter("ENTITY_ADDRESS")]
        if any(squash(a.findtext(f)) for f in fields)
    ]
    addresses = [e for e in parsed.entities if e.schema.name == "Address"]
    assert len(addresses) == len(with_content)
    for address in addresses:
        owner = by_id[str(address.id).split("-address-")[0]]
        assert address.id in owner.get("addressEntity")
        assert address.get("full")[0] in owner.get("address")
    for person in tree.iter("INDIVIDUAL"):
        entity = by_id[f"un-{person.findtext('DATAID')}"]
        given = [squash(v.text) for v in person.iterfind("NATIONALITY/VALUE") if squash(v.text)]
        kept = entity.get("nationality") + [n for n in entity.get("notes") if "Nationality" in n]
        assert len(kept) >= len(set(given))
        for number in person.iterfind("INDIVIDUAL_DOCUMENT/NUMBER"):
            held = entity.get("passportNumber") + entity.get("idNumber") + entity.get("taxNumber")
            held += entity.get("socialSecurityNumber")
            assert alnum(number.text) in map(alnum, held)  # FtM writes 548-91-5411 as 548915411


def test_named_individual_comes_out_whole(parsed: Parsed, by_id: dict[str, EntityProxy]) -> None:
    person = by_id["un-111837"]  # QDi.149
    assert person.get("name") == ["NOUREDDINE BEN ALI BEN BELKASSEM AL-DRISSI"]
    assert person.get("firstName") == ["NOUREDDINE"] and person.get("lastName") == ["AL-DRISSI"]
    assert set(person.get("alias")) == {"نور الدين بن علي بن بلقاسم الدريسي", "Drissi Noureddine"}
    assert set(person.get("weakAlias")) == {"Abou Ali", "Faycal"}
    assert person.get("birthDate") == ["1964-04-30"]
    assert person.get("birthPlace") == ["Tunis, Tunisia"]
    assert person.get("nationality") == ["tn"]
    assert person.get("passportNumber") == ["L851940"]
    assert any("L851940" in n and "expired on 8 Sep. 2003" in n for n in person.get("notes"))
    assert person.get("address") == ["Via Plebiscito 3, Cremona, Italy"]
    address = by_id["un-111837-address-1"]
    assert address.get("street") == ["Via Plebiscito 3"] and address.get("country") == ["it"]
    sanction = by_id["un-111837-sanction"]
    assert sanction.get("unscId") == ["QDi.149"] and sanction.get("listingDate") == ["2003-11-12"]


def test_named_individual_with_ranges_and_partial_dates(by_id: dict[str, EntityProxy]) -> None:
    badege = by_id["un-6907993"]  # CDi.001: a year of birth only, address a country only
    assert badege.get("birthDate") == ["1971"]
    assert badege.get("nationality") == ["cd"] and badege.get("gender") == ["male"]
    assert badege.get("address") == ["Rwanda"] and badege.get("country") == ["rw"]
    akhund = by_id["un-110577"]  # TAi.002: two BETWEEN ranges of birth years
    assert {"1945", "1950", "1955", "1958"} <= set(akhund.get("birthDate"))
    assert "Date of birth between 1955 and 1958: Approximately" in akhund.get("notes")
    assert set(akhund.get("title")) == {"Mullah", "Haji"}


def test_named_entity_comes_out_whole(by_id: dict[str, EntityProxy]) -> None:
    entity = by_id["un-6908605"]  # QDe.154
    assert entity.schema.name == "Organization"
    assert entity.get("name") == ["SELSELAT AL-THAHAB"]
    assert "سلسلة الذهب للصرافة" in entity.get("alias")
    assert len(entity.get("alias")) == 7
    assert entity.get("address") == [
        "Al-Kadhumi Complex, Al-Harthia, Baghdad, Iraq",
        "Al-Abbas Street, Karbala, Iraq",
    ]
    assert entity.get("country") == ["iq"]
    assert by_id["un-6908516"].get("imoNumber") == ["IMO5342883"]  # KPe.022, from the comments


def test_placeholder_na_is_not_namibia(by_id: dict[str, EntityProxy]) -> None:
    people = [e for e in by_id.values() if e.schema.name == "Person"]
    entity = next(e for e in people if e.get("name") == ["FAIZULLAH KHAN NOORZAI"])
    assert entity.get("lastName") == ["NOORZAI"]
    assert all("na" not in e.get("nationality") for e in people)
    assert "Nationality: na" in by_id["un-690784"].get("notes")


# --- broken, hostile and wrong input, shared with the EU and UK tests --------------------

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE {root} [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<{root}>&lol3;</{root}>
"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE {root} [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<{root}>&xxe;</{root}>
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def check_refuses_hostile(read: Reader, root: str, tmp_path: Path) -> None:
    for template in (BILLION_LAUGHS, EXTERNAL_ENTITY):
        with pytest.raises(ListFormatError, match="refused: the XML declares entities"):
            read([write(tmp_path, "hostile.xml", template.replace("{root}", root))])


def check_truncated(read: Reader, good: Path, tmp_path: Path) -> None:
    text = good.read_text("utf-8")
    cut = write(tmp_path, "cut.xml", text[: len(text) * 2 // 3])
    with pytest.raises(ListFormatError) as info:
        read([cut])
    assert re.fullmatch(r"line \d+, column \d+", info.value.where)
    assert "malformed XML" in info.value.reason
    with pytest.raises(ListFormatError, match="mismatched tag"):
        read([write(tmp_path, "bad.xml", f"<{good.stem}><a></b></{good.stem}>")])


def check_wrong_formats(read: Reader, wrong_xml: Path, wrong_root: str, tmp_path: Path) -> None:
    with pytest.raises(ListFormatError) as info:
        read([wrong_xml])
    assert info.value.where == "root element" and f"<{wrong_root}>" in info.value.reason
    csv = write(tmp_path, "list.csv", "id,schema,name\nx,Person,Ivan\n")
    with pytest.raises(ListFormatError, match="CSV") as info:
        read([csv])
    assert info.value.where == "line 1"
    with pytest.raises(ListFormatError, match="exactly one file"):
        read([wrong_xml, csv])


def test_hostile_xml_is_refused(tmp_path: Path) -> None:
    check_refuses_hostile(read_un_xml, "CONSOLIDATED_LIST", tmp_path)


def test_truncated_xml_names_line_and_column(tmp_path: Path) -> None:
    check_truncated(read_un_xml, UN, tmp_path)


def test_wrong_format_names_the_root(tmp_path: Path) -> None:
    check_wrong_formats(read_un_xml, EU_FIXTURE, "export", tmp_path)


@pytest.mark.parametrize(
    ("body", "where", "reason"),
    [
        ("<INDIVIDUAL><FIRST_NAME>A</FIRST_NAME></INDIVIDUAL>", "INDIVIDUAL #1", "DATAID"),
        ("<INDIVIDUAL><DATAID>7</DATAID></INDIVIDUAL>", "INDIVIDUAL #1 (DATAID 7)", "FIRST_NAME"),
        (
            "<INDIVIDUAL><DATAID>7</DATAID><FIRST_NAME>A</FIRST_NAME>"
            "<REFERENCE_NUMBER>QDi.1</REFERENCE_NUMBER></INDIVIDUAL>"
            "<INDIVIDUAL><DATAID>7</DATAID><FIRST_NAME>B</FIRST_NAME>"
            "<REFERENCE_NUMBER>QDi.2</REFERENCE_NUMBER></INDIVIDUAL>",
            "INDIVIDUAL #2 (DATAID 7)",
            "appears twice",
        ),
    ],
)
def test_bad_records_are_errors(tmp_path: Path, body: str, where: str, reason: str) -> None:
    text = f"<CONSOLIDATED_LIST><INDIVIDUALS>{body}</INDIVIDUALS></CONSOLIDATED_LIST>"
    with pytest.raises(ListFormatError) as info:
        read_un_xml([write(tmp_path, "un.xml", text)])
    assert info.value.where == where and reason in info.value.reason


def test_empty_list_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ListFormatError, match="no INDIVIDUAL or ENTITY"):
        read_un_xml([write(tmp_path, "un.xml", "<CONSOLIDATED_LIST/>")])


def test_unknown_fields_reach_the_notes(tmp_path: Path) -> None:
    text = (
        "<CONSOLIDATED_LIST><ENTITIES><ENTITY><DATAID>9</DATAID><FIRST_NAME>X CO</FIRST_NAME>"
        "<UN_LIST_TYPE>DPRK</UN_LIST_TYPE><DELISTED_ON>2030-01-01</DELISTED_ON>"
        "<ENTITY_ADDRESS><COUNTRY>Narnia</COUNTRY><NOTE>as of 2020</NOTE></ENTITY_ADDRESS>"
        "</ENTITY></ENTITIES></CONSOLIDATED_LIST>"
    )
    entity, address, _ = read_un_xml([write(tmp_path, "un.xml", text)]).entities
    assert "Field DELISTED_ON: 2030-01-01" in entity.get("notes")
    assert address.get("full") == ["Narnia"] and address.get("remarks") == ["as of 2020"]
    assert "Address country: Narnia" in address.get("notes")


# --- the shared field helpers ------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2012-12-31", "2012-12-31"),
        ("2015-04-07-04:00", "2015-04-07"),
        ("2026-02-27T00:00:09.554Z", "2026-02-27"),
        ("1971", "1971"),
        ("25/01/2001", "2001-01-25"),
        ("dd/mm/1971", "1971"),
        ("dd/03/1971", "1971-03"),
        ("1971-13-01", "1971"),
        ("circa 1966", None),
        ("", None),
    ],
)
def test_iso_date(raw: str, expected: str | None) -> None:
    assert iso_date(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Abu Ali", ["Abu Ali"]),
        ("Azim Adhajani; Azim Agha-Jani", ["Azim Adhajani", "Azim Agha-Jani"]),
        ("حسن غول (Hassan Ghul; Hasan Gul)", ["حسن غول", "Hassan Ghul", "Hasan Gul"]),
        (
            "HTS (هيئة تحرير الشام (original script); Tahrir al-Sham)",
            ["HTS", "هيئة تحرير الشام", "Tahrir al-Sham"],
        ),
        ("A Sabet; B Sabet b) M. Karimi", ["A Sabet", "B Sabet", "M. Karimi"]),
    ],
)
def test_split_names(raw: str, expected: list[str]) -> None:
    assert split_names(raw) == expected


def test_year_range_is_bounded() -> None:
    assert year_range("1955", "1958") == ["1955", "1956", "1957", "1958"]
    assert year_range("1900", "2000") == [] and year_range("x", "1958") == []
