"""The CSL importer against the real trade.gov and BIS files, and against broken copies.

Expected counts are computed here from the raw files with the csv module, not copied from the
importer's output, so a row the importer lost or invented shows up as a difference.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from followthemoney.proxy import EntityProxy

from diversion.lists.importers.base import ListFormatError, Parsed, stable_id
from diversion.lists.importers.csl import read_csl
from tests.conftest import SHARED

DATA = SHARED / "lists" / "us-csl"
LEGACY = DATA / "csl-legacy-format-fragment.csv"
CURRENT = DATA / "csl-current-format-fragment.csv"
DPL = DATA / "bis-denied-persons.txt"
TYPES = {"Individual": "Person", "Entity": "Organization", "Vessel": "Vessel", "": "LegalEntity"}
EL = "Entity List (EL) - Bureau of Industry and Security"

Writer = Callable[..., Path]


def raw_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def dpl_rows() -> list[list[str]]:
    with DPL.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle, delimiter="\t"))[1:]


def header(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return next(csv.reader(handle))


@pytest.fixture(scope="module")
def legacy() -> Parsed:
    return read_csl([LEGACY])


@pytest.fixture(scope="module")
def current() -> Parsed:
    return read_csl([CURRENT])


@pytest.fixture(scope="module")
def dpl() -> Parsed:
    return read_csl([DPL])


def schemata(parsed: Parsed) -> Counter[str]:
    return Counter(e.schema.name for e in parsed.entities)


def parties(parsed: Parsed) -> Counter[str]:
    counts = schemata(parsed)
    del counts["Sanction"], counts["Address"]
    return counts


def by_id(parsed: Parsed, entity_id: str) -> EntityProxy:
    return next(e for e in parsed.entities if e.id == entity_id)


def sanctions_of(parsed: Parsed, target: EntityProxy) -> list[EntityProxy]:
    return [
        e for e in parsed.entities if e.schema.name == "Sanction" and e.get("entity") == [target.id]
    ]


def addresses_of(parsed: Parsed, party: EntityProxy) -> list[str]:
    """The full text of each Address entity the party links to, in order."""
    return [str(by_id(parsed, a).first("full")) for a in party.get("addressEntity")]


def address_texts(cells: list[str]) -> set[str]:
    """Distinct addresses in `addresses` cells; a lone country code is not an address."""
    return {
        " ".join(item.split()).removeprefix("and ")
        for cell in cells
        for item in cell.split(";")
        if "," in item
    }


# Counts ----------------------------------------------------------------------------------


def test_legacy_counts_match_the_raw_file(legacy: Parsed) -> None:
    rows = raw_rows(LEGACY)
    assert len(rows) == 115
    # Rows of one source with the same name and number are one party listed several times.
    keys = {(r["source"], r["name"].strip(), r["entity_number"]): r["type"] for r in rows}
    assert parties(legacy) == Counter(TYPES[t] for t in keys.values())
    assert schemata(legacy)["Sanction"] == 115
    assert schemata(legacy)["Address"] == len(address_texts([r["addresses"] for r in rows]))
    assert len({e.id for e in legacy.entities}) == len(legacy.entities)
    assert legacy.source == "US Consolidated Screening List" and legacy.published_at is None


def test_current_counts_match_the_raw_file(current: Parsed) -> None:
    rows = raw_rows(CURRENT)
    assert len(rows) == 13  # the file holds 13 records (12 newlines after the header)
    assert len({r["_id"] for r in rows}) == 13
    assert parties(current) == Counter(TYPES[r["type"]] for r in rows)
    assert schemata(current)["Sanction"] == 13
    assert schemata(current)["Address"] == len(address_texts([r["addresses"] for r in rows]))
    assert {f"csl-{r['_id']}" for r in rows} <= {e.id for e in current.entities}


def test_dpl_counts_match_the_raw_file(dpl: Parsed) -> None:
    rows = dpl_rows()
    assert len(rows) == 546
    keys = {(r[0].strip(), r[1].strip(), r[6]) for r in rows}
    # street, city, state, postal code, country; blank cells and spacing are not content
    parts = [[" ".join(r[i].split()) for i in (1, 2, 3, 5, 4)] for r in rows]
    addresses = {", ".join(v for v in p if v) for p in parts if any(p[:4])}
    assert schemata(dpl) == Counter(
        {"LegalEntity": len(keys), "Sanction": 546, "Address": len(addresses)}
    )
    assert dpl.source == "BIS Denied Persons List" and dpl.published_at is None


# Named entries ---------------------------------------------------------------------------


def test_entity_list_company_with_aliases_and_addresses(current: Parsed) -> None:
    cetc = by_id(current, "csl-99ed1b052fdb09695fae1ba87516d8a0882b0df04652e07aeb5ce7be")
    assert cetc.schema.name == "LegalEntity"  # BIS gives no type
    assert cetc.get("name") == [
        "China Electronics Technology Group Corporation 13th Research Institute (CETC 13)"
    ]
    assert cetc.get("alias") == [
        "Hebei Semiconductor Research Institute",
        "HSRI",
        "Hebei Institute of Semiconductors",
        "Hebei Semiconductor Institute",
        "Hebei Semiconductor",
        "CETC Research Institute 13",  # BIS wrote "and CETC Research Institute 13"
    ]
    expected = [
        "113 Hezuo Road, Shijiazhuang, Hebei, China",
        "21 Changsheng Street, Shijiazhuang, Hebei, China",
        "21 Changsheng Road, Shijiazhuang, Hebei, China, Shijiazhuang, Hebei Province, CN",
    ]
    assert addresses_of(current, cetc) == expected
    assert cetc.get("address") == expected and cetc.get("country") == ["cn"]
    assert all(by_id(current, a).get("country") == ["cn"] for a in cetc.get("addressEntity"))
    (sanction,) = sanctions_of(current, cetc)
    assert sanction.get("authority") == [EL]
    assert sanction.get("program") == ["Entity List (EL)"]
    assert sanction.get("listingDate") == ["2018-08-01"]
    assert sanction.get("summary") == ["Federal Register: 83 FR 37423; 87 FR 77505"]
    assert sanction.get("provisions") == [
        "License requirement: For all items subject to the EAR. (See §§ 734.9(g),3 746.8(a)(3), "
        "and 744.21(b) of the EAR)",
        "License policy: Policy of denial for all items subject to the EAR apart from food and "
        "medicine designated as EAR99, which will be reviewed on a case-by-case basis. "
        "See §§ 746.8(b) and 744.21(e).",
    ]


def test_sdn_person_with_birth_date_nationality_and_passport(current: Parsed) -> None:
    rim = by_id(current, "csl-52291")
    assert rim.schema.name == "Person"
    assert rim.get("name") == ["RIM, Ryong Nam"]
    assert rim.get("birthDate") == ["1978-12-05"]
    assert rim.get("nationality") == ["kp"]
    assert rim.get("passportNumber") == ["836238033"]
    assert rim.get("gender") == ["male"]
    assert rim.get("notes") == ["Passport: 836238033 (country KP)"]
    assert addresses_of(current, rim) == ["Shenyang, CN", "Pyongyang, KP"]
    assert sorted(rim.get("country")) == ["cn", "kp"]
    (sanction,) = sanctions_of(current, rim)
    assert sanction.get("program") == ["NPWMD"] and sanction.get("authorityId") == ["52291"]
    # Sanction terms in `ids` are provisions of the listing, not identifiers of the person.
    assert sanction.get("provisions") == [
        "Secondary sanctions risk: North Korea Sanctions Regulations, sections 510.201 and 510.210",
        "Transactions Prohibited For Persons Owned or Controlled By U.S. Financial Institutions: "
        "North Korea Sanctions Regulations section 510.214",
    ]
    assert "idNumber" not in rim.properties


def test_legacy_ids_read_number_first(legacy: Parsed) -> None:
    ssi = "Sectoral Sanctions Identifications List (SSI) - Treasury Department"
    transneft = by_id(legacy, stable_id("csl", ssi, "AK TRANSNEFT OAO", "17254"))
    assert transneft.schema.name == "Organization"
    assert transneft.get("alias") == [
        "OAO AK TRANSNEFT",
        "AKTSIONERNAYA KOMPANIYA PO TRANSPORTUNEFTI TRANSNEFT OAO",
        "OIL TRANSPORTING JOINT-STOCK COMPANY TRANSNEFT",
        "TRANSNEFT, JSC",
        "TRANSNEFT OJSC",
        "TRANSNEFT",
    ]
    assert addresses_of(legacy, transneft) == [
        "57 B. Polyanka ul., Moscow, 119180, RU",
        "57 Bolshaya. Polyanka, Moscow, 119180, RU",
    ]
    assert transneft.get("registrationNumber") == ["1027700049486"]
    assert transneft.get("ogrnCode") == ["1027700049486"]
    assert transneft.get("okpoCode") == ["00044463"]
    assert transneft.get("taxNumber") == ["7706061801"]
    assert transneft.get("innCode") == ["7706061801"]
    assert transneft.get("email") == ["transneft@ak.transneft.ru"]
    assert transneft.get("website") == ["http://www.transneft.ru/"]
    (sanction,) = sanctions_of(legacy, transneft)
    assert sanction.get("program") == ["UKRAINE-EO13662"]
    assert sanction.get("provisions") == [
        "Executive Order 13662 Directive Determination: Subject to Directive 2"
    ]
    assert sanction.get("sourceUrl") == ["http://bit.ly/1QWTIfE", "http://bit.ly/1MLgou0"]


def test_vessel_and_country_only_address(legacy: Parsed) -> None:
    sdn = "Specially Designated Nationals (SDN) - Treasury Department"
    darya = by_id(legacy, stable_id("csl", sdn, "ADRIAN DARYA 1", "27304"))
    assert darya.schema.name == "Vessel"
    assert darya.get("alias") == ["GRACE 1"] and darya.get("type") == ["Crude Oil Tanker"]
    assert darya.get("flag") == ["ir"] and darya.get("pastFlags") == ["pa"]
    assert darya.get("imoNumber") == ["IMO9116412"]
    institute = by_id(legacy, stable_id("csl", EL, "54th Research Institute of China", ""))
    assert institute.get("alias") == [
        "China Electronics Technology Group Corp. (CETC) 54th Research Institute",
        "Communication, Telemetry and Telecontrol Research Institute (CTI)",
        "Shijiazhuang Communication Observation and Control Technology Institute.",
    ]
    # "CN" in `addresses` is a country, not an address.
    assert institute.get("country") == ["cn"] and not institute.get("addressEntity")


def test_rows_of_one_party_merge_and_keep_each_listing(legacy: Parsed, dpl: Parsed) -> None:
    migeotte = by_id(legacy, stable_id("csl", EL, "Gunther Migeotte", ""))
    assert len(migeotte.get("addressEntity")) == 8  # 4 + 1 + 1 + 1 + 1 over five rows
    listed = sorted(str(s.first("listingDate")) for s in sanctions_of(legacy, migeotte))
    assert listed == ["2010-06-28", "2010-06-28", "2010-06-29", "2010-06-30", "2010-07-01"]
    hijazi = by_id(dpl, stable_id("bis-dpl", "ALI M HIJAZI", "", "1981-09-01"))
    assert addresses_of(dpl, hijazi) == ["HAUTE SAVOIE, FR", "GENEVA, CH"]
    first, second = sanctions_of(dpl, hijazi)
    assert first.id == f"{hijazi.id}-sanction" and second.id == f"{hijazi.id}-sanction-2"
    assert first.get("modifiedAt") == ["2018-06-13"] and first.get("reason") == ["ADDRESS ADDED"]


def test_dpl_row_whole(dpl: Parsed) -> None:
    key = stable_id("bis-dpl", "ADRIAN MANUEL HERNANDEZ", "3037 S. 69TH DRIVE", "2017-10-16")
    entity = by_id(dpl, key)
    assert entity.get("name") == ["ADRIAN MANUEL HERNANDEZ"]  # the file has a leading space
    (address_id,) = entity.get("addressEntity")
    address = by_id(dpl, address_id)
    assert address.get("full") == ["3037 S. 69TH DRIVE, PHONEIX, AZ, 85043"]
    assert address.get("street") == ["3037 S. 69TH DRIVE"] and address.get("state") == ["AZ"]
    assert not address.get("country")  # the file gives none; "AZ" is a state, not Azerbaijan
    (sanction,) = sanctions_of(dpl, entity)
    assert sanction.get("authority") == [
        "Denied Persons List (DPL) - Bureau of Industry and Security"
    ]
    assert sanction.get("listingDate") == ["2017-10-16"]
    assert sanction.get("endDate") == ["2020-10-13"]
    assert sanction.get("modifiedAt") == ["2017-10-23"]
    assert sanction.get("summary") == ["Federal Register: 82 F.R. 48792 10/20/2017"]
    assert sanction.get("provisions") == ["Standard order: Y"]


def test_dpl_country_that_is_no_country_is_kept_in_notes(dpl: Parsed) -> None:
    smith = next(e for e in dpl.entities if e.get("name", quiet=True) == ["STEPHEN EDWARD SMITH"])
    assert smith.get("notes") == ["Country: NM (not a country code)"]
    assert not smith.get("country")


def test_nonproliferation_scope_clause_leaves_the_name(current: Parsed) -> None:
    entity = by_id(current, "csl-233a4d725770c81fb561ffe3842c14010c2201971d6be62eca1e613b")
    assert entity.get("name") == ["Sinobright Import and Export Company"]
    (sanction,) = sanctions_of(current, entity)
    assert sanction.get("provisions") == [
        "Scope: and any successor, sub-unit, or subsidiary thereof"
    ]


# Address-only entries --------------------------------------------------------------------


@pytest.fixture
def write_current(tmp_path: Path) -> Writer:
    """A file in the current layout, with the real header, holding the rows given."""

    def write(*rows: dict[str, str], raw: bytes | None = None) -> Path:
        path = tmp_path / "consolidated.csv"
        if raw is not None:
            path.write_bytes(raw)
            return path
        columns = header(CURRENT)
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in columns})
        path.write_text(buffer.getvalue(), encoding="utf-8")
        return path

    return write


def el_row(**values: str) -> dict[str, str]:
    return {"source": EL, "source_list_url": "https://www.bis.doc.gov/", **values}


def test_address_only_entries_are_sanctioned_addresses(write_current: Writer) -> None:
    # Constructed rows: the addresses are two of the eight Hong Kong addresses BIS listed
    # without a party on 12 June 2024 (89 FR 51644).
    hollywood = "Room 1318-19, 13F, Hollywood Plaza, 610 Nathan Road, Mong Kok, Kowloon, Hong Kong"
    capital = "Unit D, 16/F One Capital Place, 18 Luard Rd, Wan Chai, Hong Kong"
    parsed = read_csl(
        [
            write_current(
                el_row(
                    _id="a1",
                    name=hollywood,
                    addresses=f"{hollywood}, HK",
                    start_date="2024-06-12",
                    federal_register_notice="89 FR 51644",
                ),
                el_row(_id="a2", name=capital),
                el_row(_id="p1", name="32 Group China Ltd.", addresses=f"{capital}, HK"),
            )
        ]
    )
    first, second = by_id(parsed, "csl-a1"), by_id(parsed, "csl-a2")
    assert first.schema.name == second.schema.name == "Address"
    assert first.get("full") == [hollywood, f"{hollywood}, HK"]
    assert first.get("country") == ["hk"] and second.get("country") == ["hk"]
    (sanction,) = sanctions_of(parsed, first)
    assert sanction.get("listingDate") == ["2024-06-12"]
    assert sanction.get("authority") == [EL]
    assert sanctions_of(parsed, second)
    party = by_id(parsed, "csl-p1")  # a name that starts with a number is still a party
    assert party.schema.name == "LegalEntity" and party.get("address") == [f"{capital}, HK"]


# The eight Hong Kong addresses of 89 FR 51644, as BIS published them.
HONG_KONG = [
    "Unit D, 16/F One Capital Place, 18 Luard Rd, Wan Chai, Hong Kong.",
    "Unit 04, 7/F Bright Way Tower, No. 33 Mong Kok Road, Kowloon, Hong Kong.",
    "Room 19C Lockhart Centre 301-307, Lockhart Rd. Wan Chai, Hong Kong.",
    "Room 803, Chevalier House 45-51, Chatham Road South, Tsim Sha Tsui, Hong Kong.",
    "Flat/RM 2309, 23/F, Ho King Commercial Centre, 2-16 Fa Yuen Street, Mong Kok, Kowloon, "
    "Hong Kong.",
    "Office 4, 16/F Ho King Commercial Centre, 2-16 Fayuen Street, Hong Kong.",
    "Room 1318-19, 13F, Hollywood Plaza, 610 Nathan Road, Mong Kok, Kowloon, Hong Kong.",
    "Room 1318-20, 13F, Hollywood Plaza, 610 Nathan Road, Mong Kok Kowloon, Hong Kong.",
]


@pytest.mark.parametrize(
    ("name", "kind", "schema"),
    [
        *[(address, "", "Address") for address in HONG_KONG],
        ("Office of the Chief Designer, Ministry of Defence, Moscow", "", "LegalEntity"),
        ("Unity Trading Co., Ltd., Shenzhen", "", "LegalEntity"),
        (
            "Room 803, Chevalier House 45-51, Chatham Road South, Hong Kong",
            "Entity",
            "Organization",
        ),
    ],
)
def test_address_only_rule(write_current: Writer, name: str, kind: str, schema: str) -> None:
    parsed = read_csl([write_current(el_row(_id="x", name=name, type=kind))])
    assert by_id(parsed, "csl-x").schema.name == schema


def test_no_real_party_is_taken_for_an_address(legacy: Parsed, current: Parsed) -> None:
    for parsed in (legacy, current):
        targets = {s.first("entity") for s in parsed.entities if s.schema.name == "Sanction"}
        assert not [e for e in parsed.entities if e.schema.name == "Address" and e.id in targets]


# Broken files ----------------------------------------------------------------------------


def legacy_text(*lines: str) -> str:
    return ",".join(header(LEGACY)) + "\n" + "".join(line + "\n" for line in lines)


def legacy_line(name: str = "ACME", start: str = "2020-01-02", kind: str = "") -> str:
    """A legacy row: source, entity_number, type, programs, name, ..., start_date, ..."""
    values = [""] * 28
    values[0], values[2], values[4], values[8] = EL, kind, name, start
    return ",".join(values)


@pytest.mark.parametrize(
    ("text", "where", "reason"),
    [
        (legacy_text(legacy_line()[:40]), "line 2", "fields, expected 28"),
        (legacy_text(legacy_line(), legacy_line(name="")), "line 3, column name", "required"),
        (legacy_text(legacy_line(start="2018-13-01")), "line 2, column start_date", "not a date"),
        (legacy_text(legacy_line(start="01/02/2020")), "line 2, column start_date", "not a date"),
        (legacy_text(legacy_line(kind="Spaceship")), "line 2, column type", "not one of"),
        ("source,name\nx,y\n", "line 1", "source_list_url"),
        ("", "", "empty"),
        (legacy_text(), "", "no entries"),
    ],
)  # fmt: skip
def test_malformed_csl_names_file_and_line(
    tmp_path: Path, text: str, where: str, reason: str
) -> None:
    path = tmp_path / "consolidated.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ListFormatError) as info:
        read_csl([path])
    assert info.value.file == str(path)
    assert info.value.where == where and reason in info.value.reason


def test_unknown_header_lists_the_expected_columns(tmp_path: Path) -> None:
    path = tmp_path / "consolidated.csv"
    path.write_text("name,country\nACME,RU\n", encoding="utf-8")
    with pytest.raises(ListFormatError) as info:
        read_csl([path])
    for column in ("source", "entity_number", "ids", "Street_Address", "FR_Citation"):
        assert column in info.value.reason


def test_line_numbers_count_quoted_line_breaks(tmp_path: Path) -> None:
    path = tmp_path / "consolidated.csv"
    multi = legacy_line(name='"ACME\nINTERNATIONAL"')
    path.write_text(legacy_text(multi, legacy_line(start="2020-02-30")), encoding="utf-8")
    with pytest.raises(ListFormatError) as info:
        read_csl([path])
    assert info.value.where == "line 4, column start_date"


def test_cp1252_file_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "consolidated.csv"
    path.write_bytes(legacy_text(legacy_line(), legacy_line(name="Société")).encode("cp1252"))
    with pytest.raises(ListFormatError) as info:
        read_csl([path])
    assert info.value.file == str(path)
    assert info.value.where == "line 3" and "not valid UTF-8" in info.value.reason


def test_bom_and_crlf_are_fine(tmp_path: Path) -> None:
    path = tmp_path / "consolidated.csv"
    text = legacy_text(legacy_line()).replace("\n", "\r\n")
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    parsed = read_csl([path])
    assert [e.first("name") for e in parsed.entities if e.schema.name == "LegalEntity"] == ["ACME"]


def test_bad_ids_and_birth_dates(write_current: Writer) -> None:
    with pytest.raises(ListFormatError) as info:
        read_csl([write_current(el_row(_id="x", name="ACME", ids="Passport"))])
    assert info.value.where == "line 2, column ids"
    with pytest.raises(ListFormatError) as info:
        read_csl([write_current(el_row(_id="x", name="A B", dates_of_birth="1960; circa 1962"))])
    assert info.value.where == "line 2, column dates_of_birth"


def test_unknown_id_types_are_kept(write_current: Writer) -> None:
    parsed = read_csl(
        [write_current(el_row(_id="x", name="ACME", ids="Kenyan ID No., 123456, KE"))]
    )
    acme = by_id(parsed, "csl-x")
    assert acme.get("idNumber") == ["123456"]
    assert acme.get("notes") == ["Kenyan ID No.: 123456 (country KE)"]


@pytest.mark.parametrize(
    ("line", "where", "reason"),
    [
        ('"ACME"\t"1 MAIN ST"', "line 2", "2 fields, expected 12"),
        ('""' + '\t""' * 6 + '\t""' * 5, "line 2, column Name", "required"),
        ('"ACME"' + '\t""' * 5 + '\t"13/45/2017"' + '\t""' * 5, "line 2, column Effective_Date",
         "not a date"),
    ],
)  # fmt: skip
def test_malformed_dpl_names_file_and_line(
    tmp_path: Path, line: str, where: str, reason: str
) -> None:
    with DPL.open(encoding="utf-8") as handle:
        first = handle.readline()
    path = tmp_path / "dpl.txt"
    path.write_text(first + line + "\n", encoding="utf-8")
    with pytest.raises(ListFormatError) as info:
        read_csl([path])
    assert info.value.file == str(path)
    assert info.value.where == where and reason in info.value.reason


def test_one_file_only() -> None:
    with pytest.raises(ListFormatError, match="exactly one file"):
        read_csl([LEGACY, CURRENT])
