"""The UK Sanctions List (FCDO) importer against the hand-written fixture (fixtures/uk)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from followthemoney.proxy import EntityProxy

from diversion.lists import ListFormatError
from diversion.lists.importers.uk import read_uk
from tests.lists.test_un import (
    UN,
    check_refuses_hostile,
    check_truncated,
    check_wrong_formats,
    write,
)

FIXTURE = Path(__file__).parent / "fixtures" / "uk" / "UK-Sanctions-List.xml"
RUSSIA = "The Russia (Sanctions) (EU Exit) Regulations 2019"


@pytest.fixture(scope="module")
def by_id() -> dict[str, EntityProxy]:
    return {str(e.id): e for e in read_uk([FIXTURE]).entities}


def test_counts_and_publication_date() -> None:
    parsed = read_uk([FIXTURE])
    assert parsed.published_at == "2026-03-02"
    counts = Counter(e.schema.name for e in parsed.entities)
    assert counts == {"Person": 2, "Organization": 1, "Vessel": 1, "Sanction": 4, "Address": 4}


def test_individual_comes_out_whole(by_id: dict[str, EntityProxy]) -> None:
    person = by_id["uk-RUS9001"]
    assert person.get("name") == ["Ivan Petrovich SIDOROV"]
    assert person.get("alias") == ["Ivan Petrovitch SIDOROV", "Иван Петрович СИДОРОВ"]
    assert person.get("weakAlias") == ["Vanya SIDOROV"]
    assert person.get("firstName") == ["Ivan"] and person.get("lastName") == ["SIDOROV"]
    assert person.get("middleName") == ["Petrovich", "Petrovitch"]
    assert person.get("title") == ["Mr"]
    assert person.get("birthDate") == ["1971-05-03", "1970"]
    assert person.get("nationality") == ["ru"] and person.get("gender") == ["male"]
    assert person.get("position") == ["Deputy Director General, Tekhnoprom Holding JSC"]
    assert person.get("birthPlace") == ["Leningrad, Russia"] and person.get("birthCountry") == [
        "ru"
    ]
    assert person.get("passportNumber") == ["721234567"]
    assert person.get("idNumber") == ["4509 123456"]
    notes = person.get("notes")
    assert "Passport 721234567: Russian foreign travel passport, issued 14/09/2018" in notes
    assert "National id 4509 123456: Russian internal passport" in notes
    assert "OFSI group ID: 19001" in notes
    assert person.get("address") == ["Moscow, Russia"]
    sanction = by_id["uk-RUS9001-sanction"]
    assert sanction.get("authority") == ["United Kingdom (FCDO)"]
    assert sanction.get("program") == [RUSSIA]
    assert sanction.get("authorityId") == ["RUS9001"]
    assert sanction.get("listingDate") == ["2022-03-24"]
    assert sanction.get("modifiedAt") == ["2026-01-15"]
    assert sanction.get("provisions") == ["Asset freeze", "Trust services sanctions", "Travel Ban"]
    assert sanction.get("reason")[0].startswith("Deputy Director General")


def test_entity_comes_out_whole(by_id: dict[str, EntityProxy]) -> None:
    company = by_id["uk-RUS9002"]
    assert company.schema.name == "Organization"
    assert company.get("name") == ["TEKHNOPROM TRADE LLC"]
    assert company.get("alias") == ["OOO TEKHNOPROM TREID", "ООО «ТЕХНОПРОМ ТРЕЙД»"]
    assert company.get("legalForm") == ["Limited Liability Company"]
    assert company.get("registrationNumber") == ["1157746123457"]
    assert company.get("email") == ["info@tekhnoprom-trade.example"]
    assert company.get("phone") == ["+74951234567"]
    assert "Parent company: Tekhnoprom Holding JSC" in company.get("notes")
    moscow, almaty = by_id["uk-RUS9002-address-1"], by_id["uk-RUS9002-address-2"]
    assert moscow.get("street") == ["ul. Bolshaya Ordynka 40, building 3, office 12"]
    assert moscow.get("city") == ["Moscow"] and moscow.get("postalCode") == ["119017"]
    assert almaty.get("country") == ["kz"]
    assert company.get("country") == ["ru", "kz"]


def test_ship_comes_out_whole(by_id: dict[str, EntityProxy]) -> None:
    ship = by_id["uk-RUS9003"]
    assert ship.schema.name == "Vessel"
    assert ship.get("name") == ["SEA FALCON"] and ship.get("alias") == ["FALCON I"]
    assert ship.get("imoNumber") == ["IMO9562233"]
    assert ship.get("flag") == ["cm"] and ship.get("pastFlags") == ["pa"]
    assert ship.get("type") == ["Crude Oil Tanker"]
    assert ship.get("tonnage") == ["81380"] and ship.get("buildDate") == ["2004"]
    notes = ship.get("notes")
    assert "Current owner/operator: Blue Horizon Ship Management FZE" in notes
    assert "ShipDetails/Ship/LengthOfShip: 244" in notes  # unmapped, but kept
    assert by_id["uk-RUS9003-sanction"].get("provisions") == ["Ship specification"]


def test_un_designation(by_id: dict[str, EntityProxy]) -> None:
    person = by_id["uk-AFG9004"]
    assert person.get("alias") == ["Haji Abdul Qadir", "عبد القادر التستي"]  # "ALias" casing
    assert person.get("birthDate") == ["1965"]
    assert "Date of birth: circa 1966" in person.get("notes")
    assert person.get("title") == ["Maulavi"] and person.get("nationality") == ["af"]
    sanction = by_id["uk-AFG9004-sanction"]
    assert sanction.get("unscId") == ["TAi.901"]
    assert sanction.get("listingDate") == ["2001-01-25"]
    assert sanction.get("reason") == []
    assert sanction.get("description") == ["Designation source: UN"]


@pytest.mark.parametrize(
    ("body", "where", "reason"),
    [
        ("<Designation><Names/></Designation>", "Designation #1", "UniqueID"),
        (
            "<Designation><UniqueID>X1</UniqueID></Designation>",
            "Designation #1 (UniqueID X1)",
            "Names/Name",
        ),
        (
            "<Designation><UniqueID>X1</UniqueID><Names><Name><Name6>A</Name6></Name></Names>"
            "</Designation><Designation><UniqueID>X1</UniqueID><Names><Name><Name6>B</Name6>"
            "</Name></Names></Designation>",
            "Designation #2 (UniqueID X1)",
            "appears twice",
        ),
    ],
)
def test_bad_records_are_errors(tmp_path: Path, body: str, where: str, reason: str) -> None:
    with pytest.raises(ListFormatError) as info:
        read_uk([write(tmp_path, "uk.xml", f"<Designations>{body}</Designations>")])
    assert info.value.where == where and reason in info.value.reason


def test_unknown_type_is_kept_as_legal_entity(tmp_path: Path) -> None:
    text = (
        "<Designations><Designation><UniqueID>X2</UniqueID><IndividualEntityShip>Aircraft"
        "</IndividualEntityShip><Names><Name><Name6>RA-1</Name6><NameType>Primary Name"
        "</NameType></Name></Names></Designation></Designations>"
    )
    entity = read_uk([write(tmp_path, "uk.xml", text)]).entities[0]
    assert entity.schema.name == "LegalEntity"
    assert "Designation type: Aircraft" in entity.get("notes")


def test_empty_list_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ListFormatError, match="no Designation"):
        read_uk([write(tmp_path, "uk.xml", "<Designations/>")])


def test_hostile_xml_is_refused(tmp_path: Path) -> None:
    check_refuses_hostile(read_uk, "Designations", tmp_path)


def test_truncated_xml_names_line_and_column(tmp_path: Path) -> None:
    check_truncated(read_uk, FIXTURE, tmp_path)


def test_wrong_format_names_the_root(tmp_path: Path) -> None:
    check_wrong_formats(read_uk, UN, "CONSOLIDATED_LIST", tmp_path)


def test_csv_edition_is_refused_with_a_reason(tmp_path: Path) -> None:
    csv = write(tmp_path, "UK-Sanctions-List.csv", "Report Date: 02-Mar-2026\nUnique ID,Name 6\n")
    with pytest.raises(ListFormatError, match="XML edition"):
        read_uk([csv])
