"""The mapped CSV importer: a mapping file read and checked, the EU 833/2014 Annex IV table in
OpenSanctions' published shape read through the bundled mapping, every bad row reported, and
the whole path from the CLI import to a match and a shared phone at screening.

`fixtures/mapped/eu-833-annex-iv.csv` has the header of OpenSanctions' consolidated
32014R0833.csv at the revision read for this (it lacks motherName, sector, leiCode, ticker and
mmsi, optional columns of the mapping). Its rows 1, 2, 261, 490, 585, 606 and 666 are Annex IV
entries as transcribed there (Russian, Armenian, Uzbek, Kazakh); row 9001 is invented in the
same shape, a Kyrgyz supplier whose number is printed in national form.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from diversion.home import Home
from diversion.lists import ListFormatError
from diversion.lists.importers.mapped_csv import read_mapped_csv
from diversion.lists.importers.mapping import bundled_mappings, load_mapping, resolve_mapping
from diversion.lists.snapshots import ListStore
from diversion.network.graph import contacts_of
from diversion.network.registry_csv import ENTITY_COLUMNS
from diversion.store import open_store
from tests.conftest import csv_text, row
from tests.test_cli import run

ANNEX_IV = Path(__file__).parent / "lists" / "fixtures" / "mapped" / "eu-833-annex-iv.csv"
MAPPING = resolve_mapping("eu-833-annex-iv")


def annex_iv_rows() -> tuple[list[str], list[dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(ANNEX_IV.read_text("utf-8"), newline=""))
    return list(reader.fieldnames or ()), list(reader)


def write_table(path: Path, header: list[str], rows: list[dict[str, str]]) -> Path:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, header, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def by_id(paths: list[Path]) -> dict[str, dict[str, list[str]]]:
    return {str(e.id): e.to_dict()["properties"] for e in read_mapped_csv(paths).entities}


# -- the Annex IV table through the bundled mapping ----------------------------------------------


def test_annex_iv_rows_become_entities_with_their_listing() -> None:
    parsed = read_mapped_csv([ANNEX_IV, MAPPING])
    assert parsed.source == "EU 833/2014 Annex IV"
    _, rows = annex_iv_rows()
    # one entity and one Sanction per row, nothing else
    assert len(parsed.entities) == 2 * len(rows) == 16
    entities = by_id([ANNEX_IV, MAPPING])
    da_group = entities["eu-833-iv-666"]
    assert da_group["name"] == ["Da Group 22"] and da_group["country"] == ["kz"]
    assert da_group["registrationNumber"] == ["220340015320"]  # "(BIN)" read and dropped
    assert da_group["phone"] == ["+77052072477"]  # "+ 7 (705) 207-24-77"
    assert da_group["topics"] == ["export.control"]
    listing = entities["eu-833-iv-666-sanction"]
    assert listing["entity"] == ["eu-833-iv-666"] and listing["authority"] == ["European Union"]
    assert listing["startDate"] == ["2024-06-25"]  # printed 25.6.2024
    assert listing["programId"] == ["EU-RUS"] and listing["provisions"] == ["Export control"]
    assert "military end user" in listing["program"][0]


def test_labels_quoted_values_and_national_phone_numbers() -> None:
    entities = by_id([ANNEX_IV, MAPPING])
    sirius = entities["eu-833-iv-1"]
    assert sirius["innCode"] == ["7704730655"] and "registrationNumber" not in sirius
    assert sirius["alias"] == [
        "Открытое Акционерное Общество «Концерн «Сириус» (ОАО «Концерн «Сириус»)",
        "JSC Concern Sirius",
        "Kontsern Sirius",
    ]
    # a value quoted within the cell keeps its ";" and quotes as one alias
    arz = entities["eu-833-iv-261"]
    assert arz["alias"][1] == 'JSC “325 Aircraft Repair Plant"' and len(arz["alias"]) == 3
    assert arz["phone"] == ["+74959116942", "+78634334574"]  # "(8634) 33-45-74": dialled in RU
    # printed without a country prefix: dialled in the country the address ends in
    assert entities["eu-833-iv-585"]["phone"] == ["+998917962925"]
    assert entities["eu-833-iv-585"]["country"] == ["uz"]
    kyrgyz = entities["eu-833-iv-9001"]
    assert kyrgyz["phone"] == ["+996312623456", "+996555123456"]
    assert kyrgyz["taxNumber"] == ["01234567891011"]
    assert kyrgyz["registrationNumber"] == ["123456-3301-OOO"]
    assert kyrgyz["weakAlias"] == ["Ala-Too Trade"]
    assert entities["eu-833-iv-490"]["country"] == ["am"]


def test_values_ftm_refuses_are_kept_in_notes_not_dropped() -> None:
    entities = by_id([ANNEX_IV, MAPPING])
    # a number cut short in the annex, and two numbers sharing one area code
    assert entities["eu-833-iv-1"]["notes"] == ["phone: + 7 (495) 926-78-9"]
    assert entities["eu-833-iv-1"]["phone"] == ["+74957724282", "+79269986710"]
    assert entities["eu-833-iv-2"]["notes"] == ["phone: + 7 (495) 681-16-18, 681-10-39"]
    assert "phone" not in entities["eu-833-iv-2"]
    assert entities["eu-833-iv-9001"]["notes"] == ["email: not an e-mail"]
    assert entities["eu-833-iv-9001"]["email"] == ["office@alatoo-ct.kg"]


def test_phones_reach_the_network_contacts_as_digits() -> None:
    parsed = read_mapped_csv([ANNEX_IV, MAPPING])
    elem = next(e for e in parsed.entities if e.id == "eu-833-iv-606")
    assert contacts_of(elem) == {
        "phone:77789134756", "phone:77753918378", "email:sales@elemgroup.kz",
    }  # fmt: skip


def test_every_bad_row_is_reported_with_line_column_and_reason(tmp_path: Path) -> None:
    header, rows = annex_iv_rows()
    good = rows[6]  # Da Group 22
    bad = [
        rows[0],
        {**good, "recordId": "700", "schema": "Spaceship"},
        {**good, "recordId": "701", "name": ""},
        {**good, "recordId": "702", "startDate": "31.2.2024"},
        {**good, "recordId": "703", "annex": "III"},  # another annex: left out, not a fault
        {**good, "recordId": "1"},
        {**good, "recordId": "704", "passportNumber": "N1234567"},
        {**good, "recordId": "705", "registrationNumber": "123 (Passport No.)"},
        rows[1],
    ]
    path = write_table(tmp_path / "annex.csv", header, bad)
    with path.open("a", encoding="utf-8") as handle:
        handle.write("32014R0833,706,EU-RUS,IV\n")
    with pytest.raises(ListFormatError) as raised:
        read_mapped_csv([path, MAPPING])
    error = raised.value
    assert error.file == str(path)
    assert error.where == "6 fault(s) in 6 of 10 rows"
    lines = error.reason.splitlines()
    assert lines[0] == "nothing imported"
    assert lines[1:] == [
        "line 3, column schema: 'Spaceship' is not one of LegalEntity, Company, Organization, "
        "Person, Vessel",
        "line 4, column name: required",
        "line 5, column startDate: '31.2.2024' is not a date (%d.%m.%Y, %Y-%m-%d, %Y-%m, %Y, "
        "%d %B %Y, %d %b. %Y, %d %b %Y)",
        "line 7, column recordId: id 'eu-833-iv-1' given twice (also line 2)",
        "line 8, column passportNumber: a LegalEntity has no passportNumber",
        "line 11, column -: 4 fields, the header has 40",
    ]


def test_rows_of_other_annexes_are_left_out_and_counted(tmp_path: Path) -> None:
    """OpenSanctions' table holds every annex of 833/2014: the Annex IV mapping reads its
    Annex IV rows and counts the others by annex, so rows read = listed + left out."""
    header, rows = annex_iv_rows()
    others = [
        {**rows[0], "recordId": f"9{n}", "annex": annex, "name": f"Bank {n}"}
        for n, annex in enumerate(["III", "III", "XIX", "III"])
    ]
    path = write_table(tmp_path / "32014R0833.csv", header, [others[0], *rows, *others[1:]])
    parsed = read_mapped_csv([path, MAPPING])
    listed = [e for e in parsed.entities if e.schema.name != "Sanction"]
    assert len(listed) == len(rows)
    assert parsed.left_out == {
        "annex 'III' (not selected by the mapping)": 3,
        "annex 'XIX' (not selected by the mapping)": 1,
    }
    assert parsed.rows == len(rows) + len(others)
    only_others = write_table(tmp_path / "banks.csv", header, others)
    with pytest.raises(ListFormatError, match=r"none of its 4 rows is selected \(annex: IV\)"):
        read_mapped_csv([only_others, MAPPING])


def test_a_column_is_expected_or_selected_not_both(tmp_path: Path) -> None:
    mapping = tmp_path / "both.yml"
    mapping.write_text(
        "source: test\nschema: {column: schema}\nid: {column: recordId}\n"
        "sanction: {authority: Test}\nexpect: {annex: IV}\nselect: {annex: IV}\n"
        "columns: {name: name}\n",
        encoding="utf-8",
    )
    with pytest.raises(ListFormatError, match=r"select\.annex: the column is also under expect"):
        load_mapping(mapping)


def test_a_row_spanning_lines_is_reported_at_its_first_line(tmp_path: Path) -> None:
    header, rows = annex_iv_rows()
    spanning = {**rows[6], "recordId": "800", "address": "Office 1309,\nAstana, Kazakhstan"}
    path = write_table(
        tmp_path / "annex.csv", header, [rows[0], spanning, rows[1] | {"schema": "X"}]
    )
    with pytest.raises(ListFormatError) as raised:
        read_mapped_csv([path, MAPPING])
    assert raised.value.reason.splitlines()[1].startswith("line 5, column schema: 'X'")


def test_header_faults(tmp_path: Path) -> None:
    header, rows = annex_iv_rows()
    unknown = write_table(tmp_path / "a.csv", [*header, "comment"], rows)
    with pytest.raises(ListFormatError) as raised:
        read_mapped_csv([unknown, MAPPING])
    assert raised.value.where == "line 1"
    assert "does not name: comment (map them under columns, or list them under ignore)" in (
        raised.value.reason
    )
    no_name = write_table(tmp_path / "b.csv", [c for c in header if c != "name"], rows)
    with pytest.raises(ListFormatError, match="required columns missing: name"):
        read_mapped_csv([no_name, MAPPING])
    empty = tmp_path / "c.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(ListFormatError, match="empty"):
        read_mapped_csv([empty, MAPPING])
    header_only = write_table(tmp_path / "d.csv", header, [])
    with pytest.raises(ListFormatError, match="no rows"):
        read_mapped_csv([header_only, MAPPING])
    with pytest.raises(ListFormatError, match="one table and one mapping"):
        read_mapped_csv([ANNEX_IV])


# -- a user's own mapping ------------------------------------------------------------------------

BANK_MAPPING = """\
title: Bank watch list
source: our compliance team, weekly export
label: Bank watch list
list: bank-watch
delimiter: ";"
schema: Company
id: {prefix: bank, from: [Наименование, БИН]}
date_formats: ["%d/%m/%Y"]
topics: [sanction]
sanction:
  authority: Compliance
  program: [Bank watch]
columns:
  Наименование: {property: name, required: true}
  Другие названия: {property: alias, split: "|"}
  БИН: registrationNumber
  Страна: country
  Телефон: phone
  Дата: {sanction: listingDate}
ignore: [Комментарий]
"""


def test_a_users_mapping_with_fixed_schema_and_derived_ids(tmp_path: Path) -> None:
    mapping = tmp_path / "bank.yml"
    mapping.write_text(BANK_MAPPING, encoding="utf-8")
    table = tmp_path / "watch.csv"
    table.write_text(
        "Наименование;Другие названия;БИН;Страна;Телефон;Дата;Комментарий\n"
        "ТОО «Пример»;TOO Primer|Primer LLP;220440012302;Нарния;+7 727 258 1122;01/05/2024;\n"
        "Beta Trade;;;KZ;;;checked\n",
        encoding="utf-8",
    )
    with pytest.raises(ListFormatError) as raised:
        read_mapped_csv([table, mapping])
    # the default for a value FtM refuses is an error
    assert raised.value.where == "1 fault(s) in 1 of 2 rows"
    assert "line 2, column Страна: unknown country 'Нарния'" in raised.value.reason
    table.write_text(table.read_text("utf-8").replace("Нарния", "Казахстан"), "utf-8")
    parsed = read_mapped_csv([table, mapping])
    first, listing, second, _ = parsed.entities
    assert first.schema.name == "Company" and str(first.id).startswith("bank-")
    assert first.get("alias") == ["TOO Primer", "Primer LLP"]
    assert first.get("phone") == ["+77272581122"] and first.get("country") == ["kz"]
    assert listing.get("listingDate") == ["2024-05-01"] and listing.get("program") == ["Bank watch"]
    assert second.get("name") == ["Beta Trade"] and second.get("registrationNumber") == []
    # the id is stable: the same row, read again, has the same id
    assert read_mapped_csv([table, mapping]).entities[0].id == first.id
    bad_phone = tmp_path / "bad.csv"
    bad_phone.write_text("Наименование;БИН;Телефон\nGamma;1;12\n", encoding="utf-8")
    with pytest.raises(ListFormatError, match="column Телефон: '12' is not a phone number"):
        read_mapped_csv([bad_phone, mapping])


@pytest.mark.parametrize(
    ("change", "fault"),
    [
        (
            ("Телефон: phone", "Телефон: fone"),
            "columns.Телефон: unknown property 'fone' for Company",
        ),
        (("Телефон: phone", "Телефон: passportNumber"), "unknown property 'passportNumber'"),
        (("schema: Company", "schema: Spaceship"), "schema: 'Spaceship' is not a FollowTheMoney"),
        (("schema: Company", "schema: Thing"), "schema: 'Thing' is not a schema a listed party"),
        (
            ("topics: [sanction]", "topics: [sanctioned]"),
            "'sanctioned' is not a FollowTheMoney topic",
        ),
        (("title:", "colour: red\ntitle:"), "colour: unknown key"),
        (("  Наименование: {property: name, required: true}\n", ""), "no column fills the name"),
        (
            ("БИН: registrationNumber", "БИН: {property: registrationNumber, labels: {X: name}}"),
            "columns.БИН.labels.X: 'name' is not an identifier",
        ),
        (
            ("Дата: {sanction: listingDate}", "Дата: {sanction: entity}"),
            "'entity' refers to other entities",
        ),
        (
            ("Телефон: phone", "Телефон: {property: phone, invalid: drop}"),
            "'drop' is not one of error, notes",
        ),
        (("  authority: Compliance\n", ""), "sanction.authority: required"),
        (("ignore: [Комментарий]", "ignore: [БИН]"), "ignore.БИН: the column is also mapped"),
        (
            ("id: {prefix: bank, from: [Наименование, БИН]}", "id: {prefix: bank}"),
            "id: give the id column",
        ),
    ],
)
def test_mapping_faults_are_named(tmp_path: Path, change: tuple[str, str], fault: str) -> None:
    assert change[0] in BANK_MAPPING
    path = tmp_path / "bank.yml"
    path.write_text(BANK_MAPPING.replace(*change), encoding="utf-8")
    with pytest.raises(ListFormatError) as raised:
        load_mapping(path)
    assert raised.value.where.startswith("mapping, ") and fault in raised.value.reason


def test_mapping_yaml_errors_and_names() -> None:
    assert "eu-833-annex-iv" in bundled_mappings()
    assert load_mapping(MAPPING).list_name == "eu-833-annex-iv"
    with pytest.raises(ListFormatError, match="not a bundled mapping"):
        resolve_mapping("eu-833-annex-v")


def test_invalid_yaml_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yml"
    path.write_text("title: x\ncolumns:\n  name: [name\n", encoding="utf-8")
    with pytest.raises(ListFormatError) as raised:
        load_mapping(path)
    assert raised.value.where.startswith("line 4") and "not valid YAML" in raised.value.reason


# -- snapshots: the mapping is part of what was imported ------------------------------------------


def test_failed_import_keeps_the_active_snapshot(tmp_path: Path) -> None:
    lists = ListStore(open_store(Home(tmp_path / "home")))
    first = lists.import_files("mapped-csv", [ANNEX_IV, MAPPING], "eu-833-annex-iv")
    assert first.created and first.snapshot.counts == {"LegalEntity": 8, "Sanction": 8}
    assert [f["name"] for f in first.snapshot.files] == [
        "eu-833-annex-iv.csv",
        "eu-833-annex-iv.yml",
    ]
    header, rows = annex_iv_rows()
    broken = write_table(tmp_path / "annex.csv", header, [*rows, {**rows[0], "name": ""}])
    with pytest.raises(ListFormatError):
        lists.import_files("mapped-csv", [broken, MAPPING], "eu-833-annex-iv")
    active = lists.active("eu-833-annex-iv")
    assert active is not None and active.id == first.snapshot.id
    assert len(lists.snapshots("eu-833-annex-iv")) == 1


# -- the CLI, end to end ------------------------------------------------------------------------


def cli(*args: str, home: Path) -> tuple[int, str, str]:
    result = run(*args, "--home", str(home), cwd=home.parent)
    return result.returncode, result.stdout, result.stderr


def test_import_match_and_a_shared_phone_at_screening(tmp_path: Path) -> None:
    home = tmp_path / "home"
    header, rows = annex_iv_rows()
    banks = [{**rows[0], "recordId": f"9{n}", "annex": "III", "name": f"Bank {n}"} for n in (1, 2)]
    table = write_table(tmp_path / "32014R0833.csv", header, [*rows, *banks])
    code, out, err = cli(
        "lists", "import", "mapped-csv", str(table), "--mapping", "eu-833-annex-iv", home=home
    )
    assert code == 0, err
    # eight Annex IV rows: eight parties and their eight listings; two Annex III rows left out
    assert "Imported eu-833-annex-iv-0001 (EU 833/2014 Annex IV)" in out
    assert "16 entities: 8 LegalEntity, 8 Sanction" in out
    assert "10 rows read: 8 listed, 2 left out" in out
    assert "2 with annex 'III' (not selected by the mapping)" in out
    code, out, err = cli("match", "query", "DA GROUP 22 LLP", "--json", home=home)
    assert code == 0, err
    best = json.loads(out)[0]
    assert (best["entity_id"], best["source"]) == ("eu-833-iv-666", "eu-833-annex-iv-0001")
    code, out, _ = cli("match", "query", "Sirius", "--id", "7704730655", "--json", home=home)
    assert json.loads(out)[0]["entity_id"] == "eu-833-iv-1"  # the INN, its label dropped
    # a Kazakh firm in the registry, its phone written another way than the annex's
    registry = tmp_path / "entities.csv"
    firm = {
        "id": "kz-step", "schema": "Company", "name": "ТОО «Степь Электроникс»",
        "registration_number": "230140009981", "country": "KZ", "phone": "+7 705 207 2477",
    }  # fmt: skip
    registry.write_text(csv_text([firm], ENTITY_COLUMNS), encoding="utf-8")
    code, _, err = cli("network", "import", "registry-csv", str(registry), home=home)
    assert code == 0, err
    declarations = tmp_path / "in.csv"
    declarations.write_text(
        csv_text([row(exporter_name=firm["name"], exporter_id=firm["registration_number"])]),
        encoding="utf-8",
    )
    out_file = tmp_path / "out.jsonl"
    code, _, err = cli("screen", str(declarations), "--out", str(out_file), home=home)
    assert code == 0, err
    decision = json.loads(out_file.read_text("utf-8").splitlines()[0])
    (shared,) = [r for r in decision["reasons"] if r["code"] == "network.shared_officer"]
    (what,) = shared["evidence"]["shared"]
    assert what["value"] == "phone:77052072477" and what["with_role"] == "listed party"
    assert "Da Group 22 (eu-833-annex-iv)" in what["with"]


def test_cli_mapping_option_and_failed_import(tmp_path: Path) -> None:
    home = tmp_path / "home"
    code, _, err = cli("lists", "import", "mapped-csv", str(ANNEX_IV), home=home)
    assert code == 2 and "needs --mapping: one of eu-833-annex-iv" in err
    code, _, err = cli("lists", "import", "csv", str(ANNEX_IV), "--mapping", "x", home=home)
    assert code == 2 and "--mapping is for the mapped-csv format" in err
    code, _, err = cli(
        "lists", "import", "mapped-csv", str(ANNEX_IV), "--mapping", "eu-833", home=home
    )
    assert code == 2 and "not a bundled mapping" in err
    # a mapping file of the user's own, under its own list name
    own = tmp_path / "annex.yml"
    own.write_text(
        MAPPING.read_text("utf-8").replace("list: eu-833-annex-iv", "list: annex4"), "utf-8"
    )
    code, out, err = cli(
        "lists", "import", "mapped-csv", str(ANNEX_IV), "--mapping", str(own), home=home
    )
    assert code == 0 and "Imported annex4-0001" in out, err
    header, rows = annex_iv_rows()
    broken = write_table(tmp_path / "annex.csv", header, [*rows, rows[0]])
    code, _, err = cli(
        "lists", "import", "mapped-csv", str(broken), "--mapping", str(own), home=home
    )
    assert code == 1
    assert "1 fault(s) in 1 of 9 rows: nothing imported" in err
    assert "line 10, column recordId: id 'eu-833-iv-1' given twice (also line 2)" in err
    assert "active snapshot annex4-0001 unchanged" in err


def test_the_mapping_in_the_docs_is_valid(tmp_path: Path) -> None:
    docs = (Path(__file__).parents[1] / "docs" / "lists.md").read_text("utf-8")
    example = docs.split("### The mapping file", 1)[1].split("```yaml\n", 1)[1].split("```")[0]
    path = tmp_path / "bank.yml"
    path.write_text(example, encoding="utf-8")
    mapping = load_mapping(path)
    assert mapping.list_name == "bank-watch" and mapping.columns["inn"].prop == "innCode"
    assert mapping.columns["listed"].sanction and mapping.expect == {"status": ("active",)}
