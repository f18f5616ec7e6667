from pathlib import Path

import pytest

from diversion.lists import ListFormatError
from diversion.lists.importers.user_csv import read_user_csv

HEADER = "id,schema,name,aliases,country,identifiers,address,program,reason,listed_at\n"


def write(tmp_path: Path, body: str, header: str = HEADER) -> Path:
    path = tmp_path / "mine.csv"
    path.write_text(header + body, encoding="utf-8")
    return path


def test_rows_become_entities_with_sanctions(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'b1,Company,ТОО «Пример»,"TOO Primer; PRIMER LLP",Kazakhstan,"BIN:220440012302; 99887766",'
        '"Almaty, Abay 1",BANK-WATCH,Fronts for a listed buyer,2024-05-01\n'
        "p1,Person,Иван Петров,Ivan Petrov,RU,passport:4510123456,,BANK-WATCH,,\n",
    )
    parsed = read_user_csv([path])
    company, sanction, person, _ = parsed.entities
    assert company.get("alias") == ["TOO Primer", "PRIMER LLP"]
    assert company.get("country") == ["kz"]
    assert sorted(company.get("registrationNumber")) == ["220440012302", "99887766"]
    assert company.get("address") == ["Almaty, Abay 1"]
    assert sanction.get("entity") == ["b1"] and sanction.get("listingDate") == ["2024-05-01"]
    assert sanction.get("program") == ["BANK-WATCH"]
    assert person.get("passportNumber") == ["4510123456"]


@pytest.mark.parametrize(
    ("body", "where", "reason"),
    [
        ("x,Spaceship,A,,,,,,,\n", "line 2, column schema", "not one of"),
        ("x,Company,,,,,,,,\n", "line 2, column name", "required"),
        ("x,Company,A,,Narnia,,,,,\n", "line 2, column country", "unknown country"),
        ("x,Company,A,,,passport:1,,,,\n", "line 2, column identifiers", "no passportNumber"),
        ("x,Company,A,,,,,,,01/02/2024\n", "line 2, column listed_at", "not an ISO date"),
        ("x,Company,A,,,,,,,\nx,Company,B,,,,,,,\n", "line 3, column id", "given twice"),
        ("x,Company,A\n", "line 2", "does not have 10 fields"),
    ],
)
def test_bad_rows_name_line_and_column(tmp_path: Path, body: str, where: str, reason: str) -> None:
    with pytest.raises(ListFormatError) as info:
        read_user_csv([write(tmp_path, body)])
    assert info.value.where == where and reason in info.value.reason


def test_bad_header_and_empty_list(tmp_path: Path) -> None:
    with pytest.raises(ListFormatError, match="missing: \\['listed_at'\\]"):
        read_user_csv([write(tmp_path, "", header=HEADER.replace(",listed_at", ""))])
    with pytest.raises(ListFormatError, match="no entries"):
        read_user_csv([write(tmp_path, "")])
