"""OFAC importers: the legacy CSV set against the real files, the advanced XML against our fixture.

Expected counts are computed here from the raw files (bytes, lines, a plain csv.reader), not
taken from the importer, so a row the importer skipped or doubled shows up as a difference.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest
from followthemoney.proxy import EntityProxy
from followthemoney.types import registry

from diversion.lists import ListFormatError
from diversion.lists.importers import importer
from diversion.lists.importers.base import Parsed
from diversion.lists.importers.ofac_csv import parse_ofac_dates, read_ofac_csv, split_city
from diversion.lists.importers.ofac_xml import read_ofac_xml
from diversion.lists.model import check_references
from tests.conftest import SHARED

SDN_DIR = SHARED / "lists" / "ofac-sdn-2021"
CONS_DIR = SHARED / "lists" / "ofac-consolidated"
FIXTURE = Path(__file__).parent / "fixtures" / "ofac" / "SDN_ADVANCED.xml"
PARTY_SCHEMATA = ("Person", "Organization", "Vessel", "Airplane")
TYPE_SCHEMA = {"individual": "Person", "vessel": "Vessel", "aircraft": "Airplane"}


def raw_rows(path: Path) -> list[list[str]]:
    """The file's records, read the simplest way: drop Ctrl-Z, decode Latin-1, csv.reader."""
    text = path.read_bytes().rstrip(b"\x1a").decode("latin-1")
    return list(csv.reader(io.StringIO(text, newline="")))


def known_country(name: str) -> bool:
    """FtM knows it by OFAC's name, or by the name after "Region:"."""
    return any(registry.country.clean(n) for n in (name, name.split(":")[-1]))


def line_count(path: Path) -> int:
    return len(path.read_bytes().rstrip(b"\x1a").splitlines())


def by_id(parsed: Parsed) -> dict[str, EntityProxy]:
    return {str(e.id): e for e in parsed.entities}


def schemata(parsed: Parsed) -> Counter[str]:
    return Counter(e.schema.name for e in parsed.entities)


@pytest.fixture(scope="module")
def sdn() -> Parsed:
    return read_ofac_csv([SDN_DIR])


@pytest.fixture(scope="module")
def sdn_ids(sdn: Parsed) -> dict[str, EntityProxy]:
    return by_id(sdn)


@pytest.fixture(scope="module")
def cons() -> Parsed:
    return read_ofac_csv([CONS_DIR])


@pytest.fixture(scope="module")
def xml() -> Parsed:
    return read_ofac_xml([FIXTURE])


@pytest.fixture(scope="module")
def xml_ids(xml: Parsed) -> dict[str, EntityProxy]:
    return by_id(xml)


# --- The real legacy CSV sets: every row comes out, exactly once ---


def check_set(parsed: Parsed, folder: Path, prefix: str, primary: str) -> None:
    entities = by_id(parsed)
    rows = raw_rows(folder / primary)
    assert len(rows) == line_count(folder / primary)
    expected = Counter(TYPE_SCHEMA.get(row[2].strip(), "Organization") for row in rows)
    counts = schemata(parsed)
    assert {s: counts[s] for s in PARTY_SCHEMATA if counts[s]} == dict(expected)
    assert counts["Sanction"] == len(rows)
    for row in rows:
        party = entities[f"{prefix}-{row[0]}"]
        sanction = entities[f"{party.id}-sanction"]
        assert sanction.get("entity") == [party.id]
        assert sanction.get("authorityId") == [row[0]]

    add_name = "add.csv" if primary == "sdn.csv" else "cons_add.csv"
    adds = raw_rows(folder / add_name)
    assert len(adds) == line_count(folder / add_name)
    said = [r for r in adds if any(field.strip() != "-0-" for field in r[2:6])]
    assert counts["Address"] == len(said)
    links = sum(len(e.get("addressEntity", quiet=True)) for e in parsed.entities)
    assert links == len(said)
    for row in said:
        assert f"{prefix}-addr-{row[1]}" in entities[f"{prefix}-{row[0]}"].get("addressEntity")

    alt_name = "alt.csv" if primary == "sdn.csv" else "cons_alt.csv"
    alts = raw_rows(folder / alt_name)
    assert len(alts) == line_count(folder / alt_name)
    for row in alts:
        prop = "previousName" if row[2] == "fka" else "alias"
        name = registry.name.clean(row[3])  # FtM collapses spaces, drops enclosing quotes
        assert name in entities[f"{prefix}-{row[0]}"].get(prop), row

    unknown = [r[4].strip() for r in said if r[4].strip() != "-0-" and not known_country(r[4])]
    noted = [a for a in parsed.entities if a.schema.name == "Address" and a.get("notes")]
    assert sorted(n for a in noted for n in a.get("notes")) == sorted(
        f"country: {name!r} is not a country FollowTheMoney knows" for name in unknown
    )

    check_references(str(folder), entities)
    assert not [v for e in parsed.entities for _, v in e.itervalues() if v.strip() == "-0-"]


def test_sdn_set_counts(sdn: Parsed) -> None:
    assert sdn.source == "OFAC SDN" and sdn.published_at is None
    assert line_count(SDN_DIR / "sdn.csv") == 8976
    counts = schemata(sdn)
    assert sum(counts[s] for s in PARTY_SCHEMATA) == 8976
    assert counts["Sanction"] == 8976
    check_set(sdn, SDN_DIR, "ofac", "sdn.csv")


def test_consolidated_set_counts(cons: Parsed) -> None:
    assert cons.source == "OFAC Consolidated (non-SDN)"
    assert line_count(CONS_DIR / "cons_prim.csv") == 442
    check_set(cons, CONS_DIR, "ofac-cons", "cons_prim.csv")


def test_sdn_comments_continue_the_remarks(sdn_ids: dict[str, EntityProxy]) -> None:
    for row in raw_rows(SDN_DIR / "sdn_comments.csv"):
        (notes,) = sdn_ids[f"ofac-{row[0]}"].get("notes")
        assert notes.endswith(row[1].strip())
    assert "PROMO RAIZ S.A.S." in sdn_ids["ofac-12300"].get("notes")[0]


# --- Named real entries come out whole ---


def test_person_boyarkin(sdn_ids: dict[str, EntityProxy]) -> None:
    person = sdn_ids["ofac-26194"]
    assert person.schema.name == "Person"
    assert person.get("name") == ["BOYARKIN, Victor Alekseyevich"]
    assert person.get("alias") == [
        "BOYARKIN, Viktor", "BOYARKIN, Victor", "BOYARKIN, Victor Alekseevich", "BOYARKIN, V.A.",
    ]  # fmt: skip
    assert person.get("birthDate") == ["1958-10-12"]
    assert person.get("birthPlace") == ["Meschovsk, Russia"]
    assert person.get("nationality") == ["ru"] and person.get("citizenship") == ["ru"]
    assert person.get("gender") == ["male"]
    assert person.get("passportNumber") == ["200042334", "642348547"]
    assert "Linked To: DERIPASKA, Oleg Vladimirovich" in person.get("notes")[0]
    (address_id,) = person.get("addressEntity")
    address = sdn_ids[address_id]
    assert address_id == "ofac-addr-39722"
    assert address.get("street") == ["#189, 20, BLD1, Generala Beloborodova"]
    assert address.get("city") == ["Moscow"] and address.get("state") == ["Federal District"]
    assert address.get("postalCode") == ["125222"] and address.get("country") == ["ru"]
    sanction = sdn_ids["ofac-26194-sanction"]
    assert sanction.get("program") == ["UKRAINE-EO13661", "UKRAINE-EO13662"]
    assert sanction.get("authority") == ["US Treasury OFAC"]
    assert sanction.get("provisions") == [
        "Additional Sanctions Information - Subject to Secondary Sanctions"
    ]


def test_person_with_two_birth_dates_and_inn(sdn_ids: dict[str, EntityProxy]) -> None:
    person = sdn_ids["ofac-23230"]
    assert person.get("birthDate") == ["1949-01-01", "1949-12-31"]
    assert person.get("birthPlace") == ["Tashkent, Uzbekistan", "Israel"]
    assert person.get("passportNumber") == ["4507000833", "50465506", "5981915"]
    assert person.get("innCode") == ["770465002364"]  # "Tax ID No. ... (Russia)"
    assert person.get("idNumber") == ["313617722", "TKHLZH49T31Z154A", "304770000196297"]
    aliases = person.get("alias")
    assert len(aliases) == 16  # the alt.csv rows: OFAC's strong a.k.a.s
    assert "TOHTAHUNOV, Olimjon" in aliases
    weak = person.get("weakAlias")  # the 7 a.k.a.s of the remarks are OFAC's weak ones
    assert len(weak) == 7 and "LITTLE TAIWANESE" in weak and "LITTLE TAIWANESE" not in aliases


def test_russian_bank(sdn_ids: dict[str, EntityProxy]) -> None:
    bank = sdn_ids["ofac-16681"]
    assert bank.schema.name == "Organization"
    assert bank.get("name") == ["BANK ROSSIYA"]
    assert bank.get("previousName") == ["AKTSIONERNY BANK RUSSIAN FEDERATION"]
    assert bank.get("alias") == [
        "AB ROSSIYA, OAO", "OTKRYTOE AKTSIONERNOE OBSHCHESTVO AKTSIONERNY BANK ROSSIYA",
    ]  # fmt: skip
    assert bank.get("swiftBic") == ["ROSYRU2P"]
    assert bank.get("website") == ["http://www.abr.ru/"] and bank.get("email") == ["bank@abr.ru"]
    assert bank.get("ogrnCode") == ["1027800000084"] and bank.get("innCode") == ["7831000122"]
    assert bank.get("taxNumber") == ["7831000122"] and bank.get("okpoCode") == ["09804148"]
    assert bank.get("registrationNumber") == ["1027800000084", "09804148"]
    assert bank.get("address") == ["2 Liter A Pl. Rastrelli, Saint Petersburg 191124, Russia"]
    assert bank.get("country") == ["ru"]
    assert sdn_ids["ofac-16681-sanction"].get("program") == ["UKRAINE-EO13661"]


def test_vessel_artavil(sdn_ids: dict[str, EntityProxy]) -> None:
    vessel = sdn_ids["ofac-15036"]
    assert vessel.schema.name == "Vessel"
    assert vessel.get("imoNumber") == ["IMO9187629"] and vessel.get("mmsi") == ["572469210"]
    assert vessel.get("callSign") == ["T2EU4"]
    assert vessel.get("type") == ["Crude/Oil Products Tanker"]
    assert vessel.get("tonnage") == ["99144"] and vessel.get("grossRegisteredTonnage") == ["56068"]
    assert vessel.get("flag") == ["ir"] and vessel.get("pastFlags") == ["mt", "tv", "tz"]
    assert vessel.get("previousName") == ["ABADAN", "SHONA"]  # alt.csv f.k.a.s
    assert vessel.get("weakAlias") == ["ALPHA"]  # "f.k.a. 'ALPHA'" in the remarks: a weak one
    assert not vessel.get("addressEntity")  # its add.csv row is all -0-
    assert "Former Vessel Flag None Identified" in vessel.get("notes")[0]


def test_consolidated_entry(cons: Parsed) -> None:
    bank = by_id(cons)["ofac-cons-17016"]
    assert bank.get("name") == ["GAZPROMBANK JOINT STOCK COMPANY"]
    assert bank.get("leiCode") == ["253400WSS48YWMBUA688"]
    assert bank.get("innCode") == ["7744001497"] and bank.get("ogrnCode") == ["1027700167110"]
    assert len(bank.get("addressEntity")) == 5
    (comment,) = [r[1] for r in raw_rows(CONS_DIR / "cons_comments.csv") if r[0] == "17016"]
    assert bank.get("notes")[0].endswith(comment.strip())  # remarks + their continuation


# --- Quirks and input forms, on small files written here ---

SDN_ROW = '{num},"{name}","{kind}","SDGT] [IRAN",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,"{remarks}"\r\n'


def write_set(folder: Path, *, sdn: str, add: str = "", alt: str = "", comments: str = "") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in (("sdn.csv", sdn), ("add.csv", add), ("alt.csv", alt),
                       ("sdn_comments.csv", comments)):  # fmt: skip
        if text:
            (folder / name).write_bytes(text.encode("latin-1") + b"\x1a")
    return folder


SMALL_SDN = SDN_ROW.format(
    num=7, name="CAFÉ ÑANDÚ S.A.", kind="-0- ", remarks="Tax ID No. 12"
) + SDN_ROW.format(num=8, name="MÜLLER, Jörg", kind="individual", remarks="DOB circa 19")


def small_set(folder: Path) -> Path:
    """Latin-1 names, Ctrl-Z endings, `-0-` fields, a remark continued in the comments file."""
    add = '7,1,-0- ,"Genève 1211","Switzerland",-0- \r\n8,2,-0- ,-0- ,-0- ,-0- \r\n'
    alt = '8,3,"aka","MUELLER, Joerg",-0- \r\n'
    return write_set(folder, sdn=SMALL_SDN, add=add, alt=alt, comments='8,"70."\r\n')


def test_latin1_ctrl_z_and_empty_markers(tmp_path: Path) -> None:
    parsed = read_ofac_csv([small_set(tmp_path / "set")])
    entities = by_id(parsed)
    assert entities["ofac-7"].get("name") == ["CAFÉ ÑANDÚ S.A."]
    assert entities["ofac-7"].schema.name == "Organization"
    person = entities["ofac-8"]
    assert person.get("name") == ["MÜLLER, Jörg"] and person.get("alias") == ["MUELLER, Joerg"]
    assert person.get("birthDate") == ["1970"]  # the remark continues in sdn_comments.csv
    assert entities["ofac-addr-1"].get("city") == ["Genève"]
    assert entities["ofac-addr-1"].get("postalCode") == ["1211"]
    assert "ofac-addr-2" not in entities  # an all -0- address row says nothing
    assert entities["ofac-8-sanction"].get("program") == ["SDGT", "IRAN"]
    assert not [v for e in parsed.entities for _, v in e.itervalues() if "-0-" in v or "\x1a" in v]


def test_folder_files_and_optional_files(tmp_path: Path) -> None:
    folder = small_set(tmp_path / "set")
    files = sorted(folder.iterdir())
    as_folder = read_ofac_csv([folder])
    as_files = read_ofac_csv(files)
    assert [e.to_dict() for e in as_folder.entities] == [e.to_dict() for e in as_files.entities]
    only_primary = read_ofac_csv([folder / "sdn.csv"])
    assert schemata(only_primary) == Counter({"Organization": 1, "Person": 1, "Sanction": 2})
    assert importer("ofac-csv") is read_ofac_csv and importer("ofac-xml") is read_ofac_xml


def test_utf8_files_are_read_as_utf8(tmp_path: Path) -> None:
    folder = tmp_path / "set"
    folder.mkdir()
    row = SDN_ROW.format(num=9, name="ООО ВОСТОК", kind="-0-", remarks="-0-")
    (folder / "sdn.csv").write_bytes(row.encode("utf-8") + b"\x1a")
    assert by_id(read_ofac_csv([folder]))["ofac-9"].get("name") == ["ООО ВОСТОК"]


def assert_error(tmp_path: Path, files: dict[str, str], culprit: str, where: str, why: str) -> None:
    """The small set with `files` replaced must fail on `culprit` at `where` because `why`."""
    folder = write_set(tmp_path / "bad", sdn=SMALL_SDN)
    for name, text in files.items():
        (folder / name).write_bytes(text.encode("latin-1"))
    with pytest.raises(ListFormatError) as info:
        read_ofac_csv([folder])
    assert info.value.file == str(folder / culprit)
    assert info.value.where == where
    assert re.search(why, info.value.reason), info.value.reason


def test_truncated_row(tmp_path: Path) -> None:
    truncated = SDN_ROW.format(num=7, name="A", kind="-0-", remarks="-0-") + '8,"B","individual"'
    assert_error(tmp_path, {"sdn.csv": truncated}, "sdn.csv", "line 2", "3 fields where .* 12")


def test_non_numeric_ent_num(tmp_path: Path) -> None:
    bad = SDN_ROW.format(num=7, name="A", kind="-0-", remarks="-0-")
    bad += SDN_ROW.format(num="X8", name="B", kind="-0-", remarks="-0-")
    assert_error(tmp_path, {"sdn.csv": bad}, "sdn.csv", "line 2", "ent_num 'X8' is not a number")


def test_alias_for_unknown_entry(tmp_path: Path) -> None:
    alt = '7,1,"aka","A",-0- \r\n99,2,"aka","B",-0- \r\n'
    assert_error(tmp_path, {"alt.csv": alt}, "alt.csv", "line 2", "ent_num 99 is not an entry")


def test_address_for_unknown_entry_and_bad_alias_type(tmp_path: Path) -> None:
    add = '7,1,-0- ,"Havana","Cuba",-0- \r\n\r\n42,2,-0- ,-0- ,"Cuba",-0- \r\n'
    assert_error(tmp_path / "a", {"add.csv": add}, "add.csv", "line 3", "ent_num 42")
    alt = '7,1,"bogus","A",-0- \r\n'
    assert_error(tmp_path / "b", {"alt.csv": alt}, "alt.csv", "line 1", "not aka/fka/nka")


def test_header_row_and_xml_are_not_this_format(tmp_path: Path) -> None:
    header = "ent_num,SDN_Name,SDN_Type,Program,Title,Call_Sign,Vess_type,Tonnage,GRT,"
    header += "Vess_flag,Vess_owner,Remarks\r\n"
    assert_error(tmp_path / "h", {"sdn.csv": header}, "sdn.csv", "line 1", "header row")
    shutil.copy(FIXTURE, tmp_path / "sdn.csv")
    with pytest.raises(ListFormatError, match="XML or HTML, not OFAC's legacy CSV"):
        read_ofac_csv([tmp_path / "sdn.csv"])


def test_wrong_folders_and_file_sets(tmp_path: Path) -> None:
    with pytest.raises(ListFormatError, match=r"neither sdn\.csv nor cons_prim\.csv"):
        read_ofac_csv([tmp_path])
    folder = small_set(tmp_path / "set")
    with pytest.raises(ListFormatError, match=r"sdn\.csv is required"):
        read_ofac_csv([folder / "alt.csv"])
    (tmp_path / "cons_alt.csv").write_bytes(b"")
    with pytest.raises(ListFormatError, match="mixes files"):
        read_ofac_csv([folder / "sdn.csv", tmp_path / "cons_alt.csv"])
    with pytest.raises(ListFormatError, match="not a file of OFAC's legacy CSV set"):
        read_ofac_csv([FIXTURE])
    with pytest.raises(ListFormatError, match="cannot read file"):
        read_ofac_csv([tmp_path / "missing" / "sdn.csv"])


@pytest.mark.parametrize(
    ("text", "dates"),
    [
        ("12 Jan 1960", ["1960-01-12"]),
        ("Jan 1960", ["1960-01"]),
        ("1960", ["1960"]),
        ("circa 1960", ["1960"]),
        ("1960 to 1962", ["1960", "1961", "1962"]),
        ("01 Jan 1960 to 31 Jan 1960", ["1960-01"]),
        ("circa 1979-1981", ["1979", "1980", "1981"]),
        ("1900 to 1990", []),  # too wide to mean anything; stays in notes
        ("31 Feb 1960", []),
        ("sometime", []),
    ],
)
def test_ofac_dates(text: str, dates: list[str]) -> None:
    assert parse_ofac_dates(text) == dates


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("Liverpool, Merseyside L7 4JQ", ("Liverpool", "Merseyside", "L7 4JQ")),
        ("0578 Oslo", ("Oslo", None, "0578")),
        ("438864", (None, None, "438864")),
        ("Tehran", ("Tehran", None, None)),
    ],
)
def test_city_column(text: str, parts: tuple[str | None, ...]) -> None:
    assert split_city(text) == parts


# --- The advanced XML fixture ---


def test_xml_fixture_entities(xml: Parsed, xml_ids: dict[str, EntityProxy]) -> None:
    assert xml.source == "OFAC SDN" and xml.published_at == "2024-06-04"
    assert schemata(xml) == Counter(
        {"Person": 1, "Organization": 2, "Vessel": 1, "Address": 4, "Sanction": 4,
         "UnknownLink": 1}
    )  # fmt: skip
    check_references(str(FIXTURE), xml_ids)
    person = xml_ids["ofac-26194"]
    assert person.get("name") == ["BOYARKIN, Victor Alekseyevich"]
    assert person.get("lastName") == ["BOYARKIN"] and person.get("firstName") == ["Victor"]
    assert person.get("alias") == [
        "БОЯРКИН, Виктор Алексеевич", "BOYARKIN, Viktor", "BOYARKIN, Victor",
        "BOYARKIN, Victor Alekseevich",
    ]  # fmt: skip
    assert person.get("weakAlias") == ["BOYARKIN, V.A."]
    assert person.get("birthDate") == ["1958-10-12"]
    assert person.get("passportNumber") == ["200042334", "642348547"]
    assert "Passport 642348547 (Russia), expiration date 2022-05-14" in person.get("notes")
    assert "Acting for or on behalf of: OFAC profile 24283 (not in this file)" in person.get(
        "notes"
    )
    sanction = xml_ids["ofac-26194-sanction"]
    assert sanction.get("program") == ["UKRAINE-EO13661", "UKRAINE-EO13662"]
    assert sanction.get("listingDate") == ["2018-04-06"]
    assert sanction.get("authorityId") == ["26194"]


def test_xml_company_vessel_and_link(xml_ids: dict[str, EntityProxy]) -> None:
    bank = xml_ids["ofac-16681"]
    assert "ОТКРЫТОЕ АКЦИОНЕРНОЕ ОБЩЕСТВО АКЦИОНЕРНЫЙ БАНК «РОССИЯ»" in bank.get("alias")
    assert bank.get("ogrnCode") == ["1027800000084"] and bank.get("okpoCode") == ["09804148"]
    assert xml_ids["ofac-addr-25228"].get("notes") == ["Cyrillic: Санкт-Петербург"]
    vessel = xml_ids["ofac-15036"]
    assert vessel.get("imoNumber") == ["IMO9187629"] and vessel.get("type") == [
        "Crude/Oil Products Tanker"
    ]
    assert vessel.get("pastFlags") == ["mt", "tv", "tz"]
    link = xml_ids["ofac-rel-9001"]
    assert link.get("subject") == ["ofac-15036"] and link.get("object") == ["ofac-15117"]
    assert link.get("role") == ["Owned or Controlled By"]
    assert "Phone Number: (98)(21)(66153220)" in xml_ids["ofac-15117"].get("notes")


def test_csv_and_xml_agree_on_the_same_parties(
    sdn_ids: dict[str, EntityProxy], xml_ids: dict[str, EntityProxy]
) -> None:
    """Same ids, same names and identifiers from both formats of one list."""
    compared = (
        "name", "swiftBic", "ogrnCode", "innCode", "okpoCode", "taxNumber", "email", "website",
        "imoNumber", "mmsi", "callSign", "flag", "pastFlags", "birthDate", "passportNumber",
        "nationality", "citizenship", "gender", "address", "idNumber",
    )  # fmt: skip
    for entity_id in ("ofac-26194", "ofac-16681", "ofac-15036", "ofac-15117"):
        from_csv, from_xml = sdn_ids[entity_id], xml_ids[entity_id]
        assert from_csv.schema == from_xml.schema
        for prop in compared:
            pair = (from_csv.get(prop, quiet=True), from_xml.get(prop, quiet=True))
            assert sorted(pair[0]) == sorted(pair[1]), (entity_id, prop)
        names = set(from_xml.get("alias") + from_xml.get("weakAlias"))
        assert set(from_csv.get("alias")) <= names
        assert from_csv.get("addressEntity") == from_xml.get("addressEntity")
    assert sdn_ids["ofac-16681-sanction"].get("program") == xml_ids["ofac-16681-sanction"].get(
        "program"
    )


def test_xml_consolidated_ids(tmp_path: Path) -> None:
    path = tmp_path / "CONS_ADVANCED.xml"
    path.write_text(FIXTURE.read_text("utf-8").replace('ListID="1550"', 'ListID="91507"'), "utf-8")
    parsed = read_ofac_xml([path])
    assert parsed.source == "OFAC Consolidated (non-SDN)"
    entities = by_id(parsed)
    assert "ofac-cons-16681" in entities and "ofac-cons-addr-25228" in entities
    assert entities["ofac-cons-16681-sanction"].get("description") == [
        "Sectoral Sanctions Identifications List"
    ]


def test_xml_party_on_two_lists_and_a_false_feature(tmp_path: Path) -> None:
    text = FIXTURE.read_text("utf-8")
    second = (
        '<SanctionsEntry ID="16682" ProfileID="16681" ListID="91507">'
        '<SanctionsMeasure ID="1" SanctionsTypeID="1706"><Comment>test only</Comment>'
        "</SanctionsMeasure></SanctionsEntry></SanctionsEntries>"
    )
    text = text.replace("</SanctionsEntries>", second)
    text = text.replace('<FeatureVersion ID="516002" ReliabilityID="1">',
                        '<FeatureVersion ID="516002" ReliabilityID="1561">')  # fmt: skip
    path = tmp_path / "SDN_ADVANCED.xml"
    path.write_text(text, "utf-8")
    entities = by_id(read_ofac_xml([path]))
    assert entities["ofac-16681-sanction"].get("description") == ["SDN List"]
    other = entities["ofac-16681-sanction-16682"]
    assert other.get("description") == ["Sectoral Sanctions Identifications List"]
    assert other.get("provisions") == ["Reject: test only"] and not other.get("program")
    bank = entities["ofac-16681"]
    assert not bank.get("website")
    assert "Website (OFAC: reported false): www.abr.ru" in bank.get("notes")


HOSTILE = {
    "billion laughs": '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>\n'
    "<Sanctions>&lol2;</Sanctions>\n",
    "external entity": '<?xml version="1.0"?>\n'
    '<!DOCTYPE Sanctions [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<Sanctions>&x;</Sanctions>\n',
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_xml_is_refused(tmp_path: Path, name: str) -> None:
    path = tmp_path / "SDN_ADVANCED.xml"
    path.write_text(HOSTILE[name], "utf-8")
    with pytest.raises(ListFormatError, match="refused: the XML declares entities"):
        read_ofac_xml([path])


def test_truncated_wrong_root_and_broken_references(tmp_path: Path) -> None:
    text = FIXTURE.read_text("utf-8")
    path = tmp_path / "SDN_ADVANCED.xml"
    path.write_text(text[: text.index("<DistinctParties>") + 400], "utf-8")
    with pytest.raises(ListFormatError, match=r"line \d+, column \d+: malformed XML"):
        read_ofac_xml([path])
    with pytest.raises(ListFormatError, match="root element: <CONSOLIDATED_LIST> is not"):
        read_ofac_xml([SHARED / "lists" / "un" / "UN_consolidated.xml"])  # the UN's list
    path.write_text(text.replace('exports/ADVANCED_XML">', 'exports/OTHER">'), "utf-8")
    with pytest.raises(ListFormatError, match="is not OFAC's advanced XML"):
        read_ofac_xml([path])
    path.write_text(text.replace('IdentityID="41004"', 'IdentityID="999"', 1), "utf-8")
    with pytest.raises(ListFormatError, match="IDRegDocument ID=72008: IdentityID 999"):
        read_ofac_xml([path])
    path.write_text(text.replace('FeatureTypeID="1044"', 'FeatureTypeID="7777"'), "utf-8")
    with pytest.raises(ListFormatError, match="DistinctParty FixedRef=15036: FeatureType ID 7777"):
        read_ofac_xml([path])
    with pytest.raises(ListFormatError, match="takes exactly one file"):
        read_ofac_xml([FIXTURE, FIXTURE])


# --- Remarks as OpenSanctions reads them: weak a.k.a.s, identifiers, links, topics ---


def test_weak_akas_of_the_remarks_are_not_screened_as_names(
    sdn_ids: dict[str, EntityProxy],
) -> None:
    """KOJIC, Radomir: "a.k.a. 'MINEUR'" is a weak a.k.a.; a party called Mineur is no hit."""
    from diversion.lists.model import SanctionsList
    from diversion.matching.matcher import Matcher
    from diversion.reference import ReferenceData

    kojic = sdn_ids["ofac-8116"]
    assert kojic.get("weakAlias") == ["MINEUR"] and not kojic.get("alias")
    listed = SanctionsList.build(
        ReferenceData("ofac-sdn", "t", "0" * 64, "OFAC SDN", "tests", "public domain"),
        [kojic, sdn_ids["ofac-8116-sanction"]],
    )
    matcher = Matcher(listed)
    assert [m.entity_id for m in matcher.match("Radomir Kojic", schema="Person")] == ["ofac-8116"]
    assert matcher.match("Mineur", schema="Person", cutoff=0.5) == []


def test_identifiers_of_the_remarks_are_numbers(sdn: Parsed, cons: Parsed) -> None:
    """'Passport issued in Sarajevo, Bosnia-Herzegovina' names no passport: it stays a note."""
    id_props = {"passportNumber", "idNumber", "taxNumber", "registrationNumber", "vatCode",
                "innCode", "ogrnCode", "socialSecurityNumber"}  # fmt: skip
    values = [
        (str(e.id), prop.name, value)
        for parsed in (sdn, cons)
        for e in parsed.entities
        for prop, value in e.itervalues()
        if prop.name in id_props
    ]
    assert len(values) > 3000  # the check below looks at something
    assert [v for v in values if not any(ch.isdigit() for ch in v[2])] == []
    assert [v for v in values if "issued" in v[2].casefold()] == []
    kojic = by_id(sdn)["ofac-8116"]
    assert kojic.get("passportNumber") == ["3943074"]
    assert "Passport issued in Sarajevo, Bosnia-Herzegovina" in kojic.get("notes")[0]
    folio = [v for v in values if v[2].startswith("293481")]  # "293481 Distrito Federal (Mexico)"
    assert [v[2] for v in folio] == ["293481"]


def test_a_combined_tax_id_is_split() -> None:
    """No real file at hand writes two tax numbers in one remark; the issue's example does."""
    from followthemoney import model

    from diversion.lists.importers.ofac_csv import apply_remarks

    company = model.make_entity("Organization")
    company.id = "x"
    apply_remarks(company, "Tax ID No. 309644860 100113; National ID No. 660000 73767 (Belgium).")
    assert company.get("taxNumber") == ["309644860", "100113"]
    assert company.get("idNumber") == ["660000 73767"]  # not a tax id: one number with a space


def _linked_names(entity: EntityProxy) -> list[str]:
    parts = [p.strip() for note in entity.get("notes") for p in note.rstrip(".").split(";")]
    linked = [p.split(":", 1)[1] for p in parts if p.startswith("Linked To:")]
    return [" ".join(name.rstrip(". ").split()) for name in linked]


def test_linked_to_becomes_a_link(sdn: Parsed, sdn_ids: dict[str, EntityProxy]) -> None:
    links = [e for e in sdn.entities if e.schema.name == "UnknownLink"]
    remarks = sum(len(_linked_names(e)) for e in sdn.entities if e.schema.name in PARTY_SCHEMATA)
    raw = sum(
        (SDN_DIR / f).read_bytes().count(b"Linked To:") for f in ("sdn.csv", "sdn_comments.csv")
    )
    assert remarks == raw == 3408  # each found in the remarks, none lost
    assert len(links) == 3397  # the others name no entry of the file, or several
    for link in links:
        (subject,), (obj,) = link.get("subject"), link.get("object")
        assert link.get("role") == ["Linked To"]
        names = {
            " ".join(n.casefold().rstrip(". ").split())
            for n in sdn_ids[obj].get("name") + sdn_ids[obj].get("alias")
        }
        assert {n.casefold() for n in _linked_names(sdn_ids[subject])} & names, link.id
    # a Hizballah supporter, linked by name to the HIZBALLAH entry of the same file
    hizballah = next(e for e in sdn.entities if e.get("name", quiet=True) == ["HIZBALLAH"])
    linked = [e for e in links if e.get("object") == [hizballah.id]]
    assert len(linked) > 10
    assert all("HIZBALLAH" in _linked_names(sdn_ids[e.get("subject")[0]]) for e in linked)


def test_listed_parties_carry_topics_and_target(sdn: Parsed, cons: Parsed) -> None:
    for parsed in (sdn, cons):
        for entity in parsed.entities:
            listed = entity.schema.name in PARTY_SCHEMATA
            assert entity.context.get("target", False) is listed, entity.id
            assert entity.get("topics", quiet=True) == (["sanction"] if listed else []), entity.id
            if listed:
                assert entity.to_dict()["target"] is True  # written with the entity


def test_default_list_names_follow_the_files(sdn: Parsed, cons: Parsed) -> None:
    from diversion.lists.importers import parts

    assert (sdn.list_name, cons.list_name) == ("ofac-sdn", "ofac-cons")
    split = parts("ofac-csv", [SDN_DIR, CONS_DIR])
    assert [sorted(p.name for p in part) for part in split] == [
        ["add.csv", "alt.csv", "sdn.csv", "sdn_comments.csv"],
        ["cons_add.csv", "cons_alt.csv", "cons_comments.csv", "cons_prim.csv"],
    ]
