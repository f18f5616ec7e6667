"""The EU FSF v1.1 importer against the hand-written fixture (see fixtures/eu/README.md)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from followthemoney.proxy import EntityProxy

from diversion.lists import ListFormatError
from diversion.lists.importers.eu_xml import read_eu_xml
from tests.lists.test_un import (
    UN,
    check_refuses_hostile,
    check_truncated,
    check_wrong_formats,
    write,
)

FIXTURE = Path(__file__).parent / "fixtures" / "eu" / "fsf_v1.1.xml"
NS = 'xmlns="http://eu.europa.ec/fpi/fsd/export"'


@pytest.fixture(scope="module")
def by_id() -> dict[str, EntityProxy]:
    return {str(e.id): e for e in read_eu_xml([FIXTURE]).entities}


def test_counts_and_publication_date() -> None:
    parsed = read_eu_xml([FIXTURE])
    assert parsed.published_at == "2026-03-02T18:07:31.123000+01:00"
    counts = Counter(e.schema.name for e in parsed.entities)
    assert counts == {"Person": 3, "Organization": 2, "Sanction": 5, "Address": 5}


def test_russian_person_comes_out_whole(by_id: dict[str, EntityProxy]) -> None:
    person = by_id["eu-900111"]
    assert person.schema.name == "Person"
    assert person.get("name") == ["Ivan Petrovich SIDOROV"]
    assert person.get("alias") == ["Иван Петрович СИДОРОВ"]
    assert person.get("weakAlias") == ["Vanya Sidorov"]
    assert person.get("firstName") == ["Ivan", "Иван"]
    assert person.get("lastName") == ["SIDOROV", "СИДОРОВ"]
    assert person.get("gender") == ["male"]
    assert person.get("position") == ["Deputy Director General of JSC Tekhnoprom Holding"]
    assert person.get("nationality") == ["ru"] and person.get("citizenship") == ["ru"]
    assert person.get("birthDate") == ["1971-05-03"]
    assert person.get("birthPlace") == ["Leningrad (now Saint Petersburg), RUSSIAN FEDERATION"]
    assert person.get("passportNumber") == ["721234567"]
    assert (
        "Document 721234567: National passport; issued by RUSSIAN FEDERATION; "
        "issued on 2018-09-14" in person.get("notes")
    )
    assert person.get("address") == ["Moscow, RUSSIAN FEDERATION"]
    assert by_id["eu-900111-address-1"].get("city") == ["Moscow"]
    sanction = by_id["eu-900111-sanction"]
    assert sanction.get("authority") == ["European Union"]
    assert sanction.get("program") == ["UKR"]
    assert sanction.get("authorityId") == ["EU.9001.11"]
    assert sanction.get("listingDate") == ["2022-04-08"]
    assert sanction.get("unscId") == []
    assert sanction.get("description") == [
        "council amendment 2022/581 (OJ L110), published 2022-04-08, in force 2022-04-08"
    ]


def test_enterprise_with_numbers_and_two_addresses(by_id: dict[str, EntityProxy]) -> None:
    company = by_id["eu-900222"]
    assert company.schema.name == "Organization"
    assert company.get("name") == ["Limited Liability Company Tekhnoprom Trade"]
    assert company.get("alias") == ["ООО «Технопром Трейд»", "OOO Tekhnoprom Treid"]
    assert company.get("ogrnCode") == ["1157746123457"]
    assert company.get("innCode") == ["7705123452"]
    assert company.get("country") == ["ru", "kz"]
    assert company.get("phone") == ["+74951234567"]
    assert company.get("website") == ["http://tekhnoprom-trade.example/"]
    moscow, almaty = by_id["eu-900222-address-1"], by_id["eu-900222-address-2"]
    assert moscow.get("street") == ["ul. Bolshaya Ordynka 40, building 3, office 12"]
    assert moscow.get("postalCode") == ["119017"] and moscow.get("country") == ["ru"]
    assert almaty.get("full") == ["Abay Avenue 150/230, 050046, Almaty, KAZAKHSTAN"]
    assert company.get("addressEntity") == [moscow.id, almaty.id]
    assert company.get("address") == [moscow.get("full")[0], almaty.get("full")[0]]


def test_un_linked_entry(by_id: dict[str, EntityProxy]) -> None:
    person = by_id["eu-900333"]
    assert person.get("alias") == ["أبو خالد التستي"]
    assert person.get("weakAlias") == ["Abu Khalid"]
    assert person.get("birthDate") == ["1980"]
    assert "Date of birth approximately 1980" in person.get("notes")
    assert person.get("nationality") == []  # citizenship "00" / UNKNOWN says nothing
    assert person.get("birthCountry") == ["sy"]
    assert any("N 0123456" in n and "knownExpired" in n for n in person.get("notes"))
    sanction = by_id["eu-900333-sanction"]
    assert sanction.get("unscId") == ["QDi.901"]
    assert sanction.get("program") == ["TAQA"]


def test_ranges_ids_and_values_ftm_rejects(by_id: dict[str, EntityProxy]) -> None:
    judge = by_id["eu-900444"]
    assert judge.get("birthDate") == ["1975", "1976", "1977"]
    assert "Date of birth between 1975 and 1977" in judge.get("notes")
    assert judge.get("idNumber") == ["4150375A001PB1"] and judge.get("gender") == ["female"]
    shipping = by_id["eu-900555"]
    assert shipping.get("imoNumber") == []
    assert shipping.get("registrationNumber") == ["6112345"]
    assert any("not a valid imoNumber" in n for n in shipping.get("notes"))
    kosovo = by_id["eu-900555-address-2"]
    assert kosovo.get("full") == ["KOSOVO UNDER UNSCR 1244/99"]
    assert "Address country: KOSOVO UNDER UNSCR 1244/99" in kosovo.get("notes")
    assert by_id["eu-900555-address-1"].get("postOfficeBox") == ["P.O. Box 123456"]


def test_unmapped_attributes_and_children_reach_the_notes(tmp_path: Path) -> None:
    text = (
        f'<export {NS} generationDate="2026-01-01"><sanctionEntity logicalId="1" futureFlag="x">'
        '<subjectType code="aircraft"/><nameAlias wholeName="RA-12345" strong="true"/>'
        '<address city="Minsk" countryIso2Code="BY"><contactInfo key="FAX" value="+375 17 1"/>'
        "</address><newElement>kept</newElement></sanctionEntity></export>"
    )
    entity = read_eu_xml([write(tmp_path, "eu.xml", text)]).entities[0]
    assert entity.schema.name == "LegalEntity"
    notes = entity.get("notes")
    assert "Subject type: aircraft" in notes
    assert "Field futureFlag: x" in notes and "Field newElement: kept" in notes
    assert "Contact fax: +375 17 1" in notes


@pytest.mark.parametrize(
    ("body", "where", "reason"),
    [
        (
            '<sanctionEntity><nameAlias wholeName="A"/></sanctionEntity>',
            "sanctionEntity #1",
            "logicalId",
        ),
        ('<sanctionEntity logicalId="5"/>', "sanctionEntity #1 (logicalId 5)", "nameAlias"),
        (
            '<sanctionEntity logicalId="5"><nameAlias wholeName="A"/></sanctionEntity>'
            '<sanctionEntity logicalId="5"><nameAlias wholeName="B"/></sanctionEntity>',
            "sanctionEntity #2 (logicalId 5)",
            "appears twice",
        ),
    ],
)
def test_bad_records_are_errors(tmp_path: Path, body: str, where: str, reason: str) -> None:
    with pytest.raises(ListFormatError) as info:
        read_eu_xml([write(tmp_path, "eu.xml", f"<export {NS}>{body}</export>")])
    assert info.value.where == where and reason in info.value.reason


def test_empty_export_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ListFormatError, match="no sanctionEntity"):
        read_eu_xml([write(tmp_path, "eu.xml", f"<export {NS}/>")])


def test_hostile_xml_is_refused(tmp_path: Path) -> None:
    check_refuses_hostile(read_eu_xml, "export", tmp_path)


def test_truncated_xml_names_line_and_column(tmp_path: Path) -> None:
    check_truncated(read_eu_xml, FIXTURE, tmp_path)


def test_wrong_format_names_the_root(tmp_path: Path) -> None:
    check_wrong_formats(read_eu_xml, UN, "CONSOLIDATED_LIST", tmp_path)


def test_data_in_attributes_of_unknown_elements_is_kept(tmp_path: Path) -> None:
    text = (
        f'<export {NS}><sanctionEntity logicalId="2"><nameAlias wholeName="A"/>'
        '<additionalInformation key="vessel" value="MV ALPHA"/>'
        '<regulation programme="RUS" numberTitle="2024/1"><remark>corrigendum</remark>'
        "</regulation></sanctionEntity></export>"
    )
    notes = read_eu_xml([write(tmp_path, "eu.xml", text)]).entities[0].get("notes")
    assert "Field additionalInformation: key vessel; value MV ALPHA" in notes
    assert "Regulation 2024/1: corrigendum" in notes
