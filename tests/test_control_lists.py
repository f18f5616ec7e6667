"""Control lists as data: the loader, prefixes, exclusions, windows, user lists and their
errors (file, line, field, reason), the bundled lists and the `diversion goods` commands."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from diversion.goods import (
    ControlListErrors,
    bundled_lists,
    load_control_list,
    load_control_lists,
    read_control_list,
)
from diversion.goods.bundled import EXAMPLE, bundled_file
from tests.conftest import csv_text, row
from tests.test_cli import run

META = (
    "id: user-list\nversion: '2025-01-01'\ntitle: A user list\nsource: tests\nlicence: none\n"
    "defaults:\n  legal_basis: Test Act art. 1\n  source: the tests\n"
)


def write_list(folder: Path, content: str, meta: str = META, name: str = "list.csv") -> Path:
    """A list file and its sidecar; the sidecar gives legal_basis and source by default."""
    path = folder / name
    path.write_text(content, encoding="utf-8")
    path.with_name(name + ".meta.yml").write_text(meta, encoding="utf-8")
    return path


def errors_of(path: Path) -> list[tuple[str, int, str, str]]:
    control_list, errors = read_control_list(path)
    assert control_list is None
    return [(Path(e.file).name, e.line, e.field, e.reason) for e in errors]


# -- what an entry covers ----------------------------------------------------------------------


def test_prefixes_of_any_length_and_exclusions(tmp_path: Path) -> None:
    path = write_list(
        tmp_path,
        "codes,exclusions,category\n"
        '93,"9303;930621",arms\n'
        "8542.31,,chips\n"
        "8471500000,,one national line\n",
    )
    control_list = load_control_list(path)
    assert [e.id for e in control_list.entries] == ["93", "854231", "8471500000"]

    def ids(code: str) -> list[tuple[str, bool]]:
        return [(entry.id, certain) for entry, _, certain in control_list.match(code)]

    assert ids("9306300000") == [("93", True)]
    assert ids("930320") == []  # excluded heading
    assert ids("9306210000") == []  # excluded subheading, at any depth below it
    assert ids("930629") == [("93", True)]
    assert ids("8542319000") == [("854231", True)]
    assert ids("8471500000") == [("8471500000", True)]
    assert ids("8471509000") == []  # another national line of the same subheading
    # a declared subheading broader than a national-line entry: maybe, not certainly
    assert ids("847150") == [("8471500000", False)]


def test_a_code_shorter_than_an_exclusion_is_not_excluded(tmp_path: Path) -> None:
    path = write_list(tmp_path, "codes,exclusions,category\n8458,84581910,lathes\n")
    control_list = load_control_list(path)
    assert control_list.lookup("845819") is not None  # the declaration does not say enough
    assert control_list.lookup("8458191000") is None


def test_validity_window_includes_both_ends(tmp_path: Path) -> None:
    path = write_list(
        tmp_path, "codes,category,valid_from,valid_to\n850440,converters,2024-03-01,2024-03-31\n"
    )
    (entry,) = load_control_list(path).entries
    assert not entry.in_force(date(2024, 2, 29))
    assert entry.in_force(date(2024, 3, 1))
    assert entry.in_force(date(2024, 3, 31))
    assert not entry.in_force(date(2024, 4, 1))
    hits = load_control_lists(extra=[path]).lookup("850440", lists="user-list", on=date(2024, 4, 1))
    assert hits == []


def test_sidecar_defaults_fill_empty_fields(tmp_path: Path) -> None:
    path = write_list(
        tmp_path, "codes,category,legal_basis\n8806,drones,\n880730,parts,Own Act art. 2\n"
    )
    first, second = load_control_list(path).entries
    assert (first.legal_basis, first.source) == ("Test Act art. 1", "the tests")
    assert second.legal_basis == "Own Act art. 2"
    assert first.licence_required and first.line == 2 and second.line == 3


def test_yaml_list_with_every_field(tmp_path: Path) -> None:
    content = """\
entries:
  - id: cnc
    codes: ["8458", "8459.61"]
    exclusions: ["845819"]
    category: machine tools
    legal_basis: Decree 1
    valid_from: 2024-01-01
    valid_to: "2024-12-31"
    source: Gazette 1/2024
    description: CNC machine tools
    tier: A
    licence_required: no
"""
    meta = META + "jurisdiction: [UZ, Kazakhstan]\n"
    (entry,) = load_control_list(write_list(tmp_path, content, meta, "list.yml")).entries
    assert entry.codes == ("8458", "845961") and entry.exclusions == ("845819",)
    assert (entry.valid_from, entry.valid_to) == (date(2024, 1, 1), date(2024, 12, 31))
    assert (entry.tier, entry.licence_required, entry.line) == ("A", False, 2)
    control_list = load_control_list(tmp_path / "list.yml")
    assert control_list.jurisdiction == {"UZ", "KZ"}
    assert control_list.applies_in("KZ") and not control_list.applies_in("KG")


# -- bad user lists: file, line, field, reason -------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            "codes,category\n8542,chips\n85x,bad\n",
            [("list.csv", 3, "codes", "HS code or prefix '85x' may contain only digits")],
        ),
        ("codes,category\n8,short\n", [("list.csv", 2, "codes", "has 1 digits; it needs 2 to 10")]),
        ("codes,category,colour\n8542,chips,red\n", [("list.csv", 1, "colour", "unknown column")]),
        ("codes\n8542\n", [("list.csv", 2, "category", "required field is missing")]),
        (
            "codes,category,valid_from\n8542,chips,01.02.2024\n",
            [("list.csv", 2, "valid_from", "'01.02.2024' is not an ISO date (YYYY-MM-DD)")],
        ),
        (
            "codes,category,valid_from,valid_to\n8542,chips,2024-02-01,2024-01-31\n",
            [("list.csv", 2, "valid_to", "2024-01-31 is before valid_from 2024-02-01")],
        ),
        (
            "codes,exclusions,category\n8542,8541,chips\n",
            [("list.csv", 2, "exclusions", "8541 is not under any code of the entry (8542)")],
        ),
        (
            "codes,exclusions,category\n8542,8542,chips\n",
            [("list.csv", 2, "exclusions", "8542 excludes the whole of code 8542")],
        ),
        (
            "codes,category,licence_required\n8542,chips,maybe\n",
            [("list.csv", 2, "licence_required", "'maybe' is not true or false")],
        ),
        (
            "id,codes,category\nx,8542,chips\nx,8541,diodes\n",
            [("list.csv", 3, "id", "entry 'x' appears twice (also on line 2)")],
        ),
        ("codes,category\n8542,chips,extra\n", [("list.csv", 2, "-", "has 3 cells")]),
        ("codes,category\n", [("list.csv", 0, "-", "the list has no entries")]),
        ("", [("list.csv", 1, "-", "the file is empty (it needs a header row)")]),
        ("hs6,code,category\n8542,8541,x\n", [("list.csv", 1, "code", "column appears twice")]),
    ],
)
def test_bad_csv_lists_report_file_line_field_reason(
    tmp_path: Path, content: str, expected: list[tuple[str, int, str, str]]
) -> None:
    found = errors_of(write_list(tmp_path, content))
    assert [(f, line, field) for f, line, field, _ in found] == [e[:3] for e in expected]
    for (*_, reason), (*_, want) in zip(found, expected, strict=True):
        assert want in reason


def test_every_fault_of_a_list_is_reported_at_once(tmp_path: Path) -> None:
    path = write_list(tmp_path, "codes,category\n85x,a\n8542,\n93,arms\n")
    assert [(line, field) for _, line, field, _ in errors_of(path)] == [
        (2, "codes"),
        (3, "category"),
    ]
    with pytest.raises(ControlListErrors, match=r"list.csv:2: codes: .*85x"):
        load_control_list(path)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (
            "entries:\n  - codes: [8542]\n    category: chips\n",
            ("list.yml", 2, "codes", "8542 is not text: quote HS codes in YAML"),
        ),
        (
            "entries:\n  - codes: ['8542']\n    category: chips\n    colour: red\n",
            ("list.yml", 4, "colour", "unknown field"),
        ),
        (
            "entries:\n  - codes: ['8542']\n    category: chips\n"
            "    valid_to: 2024-01-01 10:00:00\n",
            ("list.yml", 4, "valid_to", "has a time; give a date"),
        ),
        (
            "entries:\n  - codes: ['8542']\n    category: [chips\n",
            ("list.yml", 4, "-", "not valid"),
        ),
        ("entries:\n  - '8542'\n", ("list.yml", 2, "-", "an entry must be a mapping")),
        ("list: {}\nentries: []\n", ("list.yml", 1, "list", "unknown key")),
        ("codes: ['8542']\n", ("list.yml", 1, "codes", "unknown key")),
        ("- codes: ['8542']\n", ("list.yml", 1, "-", "must be a YAML mapping")),
        (
            "entries:\n  - codes: ['8542']\n    codes: ['8541']\n    category: chips\n",
            ("list.yml", 3, "codes", "appears twice (also on line 2)"),
        ),
    ],
)
def test_bad_yaml_lists_report_file_line_field_reason(
    tmp_path: Path, content: str, expected: tuple[str, int, str, str]
) -> None:
    found = errors_of(write_list(tmp_path, content, name="list.yml"))
    assert found[0][:3] == expected[:3]
    assert expected[3] in found[0][3]


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        (META.replace("id: user-list\n", ""), (1, "id", "required key is missing")),
        (META + "colour: red\n", (9, "colour", "unknown key")),
        (META + "jurisdiction: [Narnia]\n", (9, "jurisdiction", "unknown country 'Narnia'")),
        (META + "example: perhaps\n", (9, "example", "is not true or false")),
        (META + "defaults: 3\n", (9, "defaults", "appears twice (also on line 6)")),
        (
            META.replace("defaults:\n  legal_basis: Test Act art. 1\n  source: the tests\n", "")
            + "defaults: 3\n",
            (6, "defaults", "must be a mapping"),
        ),
        (META.replace("  source: the tests\n", "  codes: '85'\n"), (8, "defaults.codes", "not an")),
        (META + "  valid_from: soon\n", (9, "defaults.valid_from", "'soon' is not an ISO date")),
    ],
)
def test_bad_sidecars_report_line_and_key(
    tmp_path: Path, meta: str, expected: tuple[int, str, str]
) -> None:
    found = errors_of(write_list(tmp_path, "codes,category,source\n8542,chips,x\n", meta))
    (file, line, field, reason), *_ = found
    assert (file, line, field) == ("list.csv.meta.yml", *expected[:2])
    assert expected[2] in reason


def test_a_list_without_sidecar_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text("codes,category,legal_basis,source\n8542,chips,Act,x\n", encoding="utf-8")
    ((file, _, _, reason),) = errors_of(path)
    assert file == "list.csv.meta.yml" and reason.startswith("missing")


def test_a_broken_user_list_stops_loading(tmp_path: Path) -> None:
    write_list(tmp_path, "codes,category\n85x,chips\n")
    with pytest.raises(ControlListErrors) as caught:
        load_control_lists(user_dir=tmp_path)
    assert [e.field for e in caught.value.errors] == ["codes"]


def test_two_lists_with_one_id_are_refused(tmp_path: Path) -> None:
    write_list(tmp_path, "codes,category\n8542,chips\n", META.replace("user-list", "chpl"))
    with pytest.raises(ValueError, match="loaded twice: chpl"):
        load_control_lists(user_dir=tmp_path)


# -- the bundled lists -------------------------------------------------------------------------


def test_bundled_lists_cite_legal_basis_and_source() -> None:
    lists = {control_list.id: control_list for control_list in bundled_lists()}
    assert set(lists) == {"chpl", "drones", "kz-military-goods"}
    for control_list in lists.values():
        assert control_list.reference.source and control_list.reference.licence
        assert not control_list.example
        for entry in control_list.entries:
            assert entry.legal_basis and entry.source and entry.category, entry
    military = lists["kz-military-goods"]
    assert military.jurisdiction == {"KZ"}
    assert {e.id for e in military.entries} == {
        "arms-and-ammunition",
        "armoured-vehicles",
        "warships",
        "weapon-sights",
    }
    for entry in military.entries:
        # a licence at any date; the suspensions' windows are the rule's, not the list's
        assert (entry.valid_from, entry.valid_to) == (None, None)
        assert entry.licence_required and "172-VII" in entry.legal_basis
        assert not entry.banned_destinations
    assert military.lookup("9303201000") is None  # hunting guns are excluded
    assert military.lookup("890610") is not None
    drones = lists["drones"]
    assert drones.lookup("8806220000") is not None and drones.lookup("880730") is not None
    assert drones.lookup("880220") is None
    for entry in drones.entries:  # Kazakhstan's ban of exports to Russia, October 2023
        assert entry.banned_destinations == {"RU"} and entry.banned_by == {"KZ"}
        assert entry.banned_from == date(2023, 10, 1)
        assert not entry.bans("KZ", "RU", date(2023, 9, 30))
        assert entry.bans("KZ", "RU", date(2023, 10, 1))
        assert not entry.bans("AM", "RU", date(2024, 1, 1))
        assert not entry.bans("KZ", "BY", date(2024, 1, 1))


def test_example_list_is_labelled_and_not_applied() -> None:
    example = load_control_list(bundled_file(EXAMPLE))
    assert example.example and "EXAMPLE" in example.title
    assert all("EXAMPLE" in entry.legal_basis for entry in example.entries)
    assert example.id not in load_control_lists()


# -- `diversion goods` -------------------------------------------------------------------------


def test_goods_lookup_shows_lists_entries_and_hs2017_translation(tmp_path: Path) -> None:
    result = run("goods", "lookup", "8803.30", "--home", str(tmp_path / "h"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "880730 (renumbered)" in result.stdout
    assert "chpl 2024-02-23" in result.stdout and "drone-parts" in result.stdout
    assert "banned:      exports from KZ to RU since 2023-10-01" in result.stdout
    as_json = run("goods", "lookup", "930630", "--date", "2023-09-01", "--json", cwd=tmp_path)
    hits = json.loads(as_json.stdout)["hits"]
    assert [(h["control_list"], h["entry"], h["in_force"]) for h in hits] == [
        ("kz-military-goods", "arms-and-ammunition", True)
    ]
    assert hits[0]["licence_required"] is True
    bad = run("goods", "lookup", "8542310", cwd=tmp_path)
    assert bad.returncode == 2 and "has 7 digits" in bad.stderr


def test_goods_check_add_ls_and_rm(tmp_path: Path) -> None:
    home = tmp_path / "home"
    good = write_list(tmp_path, "codes,category\n7403,copper\n")
    broken = write_list(tmp_path, "codes,category\n74x,copper\n", name="broken.csv")
    checked = run("goods", "check", str(good), str(broken), cwd=tmp_path)
    assert checked.returncode == 2
    assert f"{broken}:2: codes:" in checked.stderr and "user-list" in checked.stdout

    assert run("goods", "add", str(broken), "--home", str(home), cwd=tmp_path).returncode == 2
    added = run("goods", "add", str(good), "--home", str(home), cwd=tmp_path)
    assert added.returncode == 0, added.stderr
    assert (home / "control-lists" / "list.csv.meta.yml").exists()
    listed = run("goods", "ls", "--json", "--home", str(home), cwd=tmp_path)
    assert [r["id"] for r in json.loads(listed.stdout)][-1] == "user-list"

    # `screen` applies the added list
    source = tmp_path / "in.csv"
    source.write_text(csv_text([row(hs_code="7403.11")]), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    screened = run("screen", str(source), "--out", str(out), "--home", str(home), cwd=tmp_path)
    assert screened.returncode == 0, screened.stderr
    (decision,) = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert {r["code"] for r in decision["reasons"]} == {"goods.controlled", "licence.missing"}
    assert "user-list" in {ref["id"] for ref in decision["reference_data"]}

    removed = run("goods", "rm", "user-list", "--home", str(home), cwd=tmp_path)
    assert removed.returncode == 0, removed.stderr
    again = run("screen", str(source), "--out", str(out), "--home", str(home), cwd=tmp_path)
    assert json.loads(out.read_text("utf-8"))["reasons"] == [], again.stderr


def test_goods_add_refuses_an_example_list_unless_asked(tmp_path: Path) -> None:
    home = tmp_path / "home"
    example = bundled_file(EXAMPLE)
    refused = run("goods", "add", str(example), "--home", str(home), cwd=tmp_path)
    assert refused.returncode == 1 and "EXAMPLE list" in refused.stderr
    assert not (home / "control-lists").exists() or not any((home / "control-lists").iterdir())
    added = run("goods", "add", str(example), "--allow-example", "--home", str(home), cwd=tmp_path)
    assert added.returncode == 0, added.stderr
    assert sorted(p.name for p in (home / "control-lists").iterdir()) == [
        "example_national.yml",
        "example_national.yml.meta.yml",
    ]


def test_screen_stops_on_a_broken_list_in_the_home(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "control-lists").mkdir(parents=True)
    write_list(home / "control-lists", "codes,category\n74x,copper\n")
    source = tmp_path / "in.csv"
    source.write_text(csv_text([row()]), encoding="utf-8")
    result = run("screen", str(source), "--home", str(home), cwd=tmp_path)
    assert result.returncode == 1
    assert "list.csv:2: codes:" in result.stderr and "broken" in result.stderr


def test_a_list_entry_can_ban_destinations_and_a_ban_needs_destinations(tmp_path: Path) -> None:
    path = write_list(
        tmp_path,
        "id,codes,category,banned_destinations,banned_by,banned_from\n"
        "uav,8806,drones,RU;BY,KZ,2024-01-01\n"
        "odd,8807,parts,,KZ,2024-01-01\n",
    )
    assert errors_of(path) == [
        ("list.csv", 3, "banned_from", "has no banned_destinations to apply to"),
        ("list.csv", 3, "banned_by", "has no banned_destinations to apply to"),
    ]
    path.write_text(
        "id,codes,category,banned_destinations\nuav,8806,drones,ru;Belarus\n", encoding="utf-8"
    )
    (entry,) = load_control_list(path).entries
    assert entry.banned_destinations == {"RU", "BY"} and entry.banned_from is None
    assert entry.bans("UZ", "BY", date(2020, 1, 1))  # no banned_by: any dispatch
    assert entry.to_dict()["banned_destinations"] == ["BY", "RU"]
