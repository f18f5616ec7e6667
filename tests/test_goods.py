"""Goods codes (HS, TN VED), the bundled CHPL and the HS 2017/2022 concordance."""

import csv
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from diversion.goods import (
    GoodsCode,
    HsCodeError,
    load_chpl,
    load_concordance,
    load_control_lists,
    parse_code_prefix,
    parse_hs_code,
)
from diversion.goods.concordance import COLUMNS
from tests.conftest import SHARED


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("854231", "854231"),
        ("8542.31", "854231"),
        ("8542 31 000 0", "8542310000"),
        ("84821000", "84821000"),
        (" 8471.50.000.0 ", "8471500000"),
    ],
)
def test_hs_codes_parse_to_digits(text: str, digits: str) -> None:
    assert parse_hs_code(text) == digits


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("85423", "5 digits; it needs 6, 8 or 10"),
        ("8542310", "7 digits; it needs 6, 8 or 10"),
        ("854231000", "9 digits; it needs 6, 8 or 10"),
        ("85423100001", "11 digits"),
        ("8542-31", "only digits"),
        ("ABCDEF", "only digits"),
        ("", "empty"),
    ],
)
def test_bad_hs_codes_are_refused(text: str, reason: str) -> None:
    with pytest.raises(HsCodeError, match=reason):
        parse_hs_code(text)


@given(st.sampled_from([6, 8, 10]), st.data())
def test_dots_and_spaces_are_layout_only(length: int, data: st.DataObject) -> None:
    digits = data.draw(st.text(alphabet="0123456789", min_size=length, max_size=length))
    separators = data.draw(
        st.lists(st.sampled_from(["", ".", " "]), min_size=len(digits), max_size=len(digits))
    )
    written = "".join(d + s for d, s in zip(digits, separators, strict=True))
    assert parse_hs_code(written) == digits


@given(st.integers(min_value=1, max_value=14).filter(lambda n: n not in (6, 8, 10)))
def test_only_six_eight_or_ten_digits_are_codes(length: int) -> None:
    with pytest.raises(HsCodeError, match=f"has {length} digits"):
        parse_hs_code("1" * length)


@pytest.mark.parametrize(("text", "digits"), [("93", "93"), ("8806", "8806"), ("8542.3", "85423")])
def test_prefixes_have_two_to_ten_digits(text: str, digits: str) -> None:
    assert parse_code_prefix(text) == digits


@pytest.mark.parametrize("text", ["8", "85423100001", "85a"])
def test_bad_prefixes_are_refused(text: str) -> None:
    with pytest.raises(HsCodeError):
        parse_code_prefix(text)


def test_chapter_heading_and_subheading_of_a_code() -> None:
    code = GoodsCode.parse("8542.31.9000")
    assert (code.chapter, code.heading, code.hs6, code.national) == ("85", "8542", "854231", "9000")
    assert code.dotted() == "8542.31.9000"
    six = GoodsCode.parse("930630")
    assert (six.chapter, six.heading, six.national, six.dotted()) == ("93", "9306", "", "9306.30")


def test_bundled_chpl_is_the_shared_list() -> None:
    chpl = load_chpl()
    with (SHARED / "goods" / "chpl.csv").open(encoding="utf-8") as handle:
        shared = {row["hs6"]: row["tier"] for row in csv.DictReader(handle)}
    assert len(chpl.entries) == 50
    assert {entry.codes[0]: entry.tier for entry in chpl.entries} == shared
    entry = chpl.lookup("8542310000")
    assert entry is not None and entry.tier == "1" and entry.id == "854231"
    assert entry.legal_basis.startswith("Common High Priority List")
    assert entry.licence_required and entry.valid_from is None and entry.valid_to is None
    assert chpl.lookup("1001990000") is None
    assert chpl.reference.version == "2024-02-23"


# -- the HS 2017 / HS 2022 concordance ---------------------------------------------------------


def test_concordance_rows_for_chpl_codes() -> None:
    concordance = load_concordance()
    assert [r.hs2022 for r in concordance.successors("880330")] == ["880730"]
    assert {r.hs2022 for r in concordance.successors("8541.50.000.0".replace(".", ""))} == {
        "854151",
        "854159",
    }
    assert [r.hs2017 for r in concordance.predecessors("854800")] == ["854890"]
    assert concordance.deleted("880330") and not concordance.deleted("880730")
    assert concordance.equivalents("880730") == ("880730", "880330")
    assert concordance.reference.id == "hs-concordance"


def test_every_hs2022_only_chpl_code_has_an_hs2017_predecessor() -> None:
    """The CHPL codes HS 2022 created are reachable from HS 2017, and every HS 2017 code the
    table names leads to a code some bundled list controls."""
    lists = load_control_lists()
    concordance = lists.concordance
    chpl = {entry.codes[0] for entry in lists.get("chpl").entries}
    for code in ("880730", "854151", "854159", "854149", "852589", "854800"):
        assert code in chpl
        assert concordance.predecessors(code), code
    for old in {row.hs2017 for row in concordance.rows}:
        assert lists.lookup(old), old


@pytest.mark.parametrize(
    ("old", "new", "certain"),
    [
        ("880330", "880730", True),  # renumbered
        ("8803300000", "880730", True),  # a 10-digit TN VED line of 2017
        ("854150", "854151", True),  # split, every part on the CHPL
        ("854890", "854800", True),
        ("854140", "854149", False),  # split; LEDs and solar cells are not on the CHPL
        ("852580", "852589", False),
    ],
)
def test_an_hs2017_code_finds_the_hs2022_chpl_entry(old: str, new: str, certain: bool) -> None:
    hits = [hit for hit in load_control_lists().lookup(old, lists="chpl")]
    assert new in {hit.entry.id for hit in hits}
    hit = next(hit for hit in hits if hit.entry.id == new)
    assert (hit.looked_up, hit.certain) == (new, certain)
    assert hit.evidence()["concordance"][0]["hs2017"] == old[:6]


def test_a_code_valid_in_both_editions_is_not_translated() -> None:
    lists = load_control_lists()
    assert lists.lookup("880220") == []  # manned aircraft in HS 2022; was also drones in 2017
    (hit,) = lists.lookup("901310", lists="chpl")
    assert hit.via == () and hit.certain


def test_an_entry_written_in_hs2017_finds_hs2022_declarations(tmp_path: Path) -> None:
    from tests.test_control_lists import write_list

    path = write_list(tmp_path, "codes,category\n880330,aircraft parts\n854150,semiconductors\n")
    lists = load_control_lists(extra=[path])
    (hit,) = lists.lookup("8807300000", lists="user-list")
    assert (hit.entry_code, hit.looked_up, hit.certain) == ("880330", "880330", True)
    assert [h.entry.id for h in lists.lookup("854159", lists="user-list")] == ["854150"]
    # 8806 goods came partly from 8525.80: an entry for 8525.80 may or may not cover a drone
    (partial,) = load_control_lists(
        extra=[write_list(tmp_path, "codes,category\n852580,cameras\n", name="cams.csv")]
    ).lookup("880622", lists="user-list")
    assert not partial.certain


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("hs2017,hs2022,relation\n", "columns must be"),
        (",".join(COLUMNS) + "\n88033,880730,renumbered,x\n", "hs2017: '88033' is not a six"),
        (",".join(COLUMNS) + "\n880330,880730,moved,x\n", "relation: 'moved' is not one of"),
        (",".join(COLUMNS) + "\n880330,880730,split,\n880330,880730,split,\n", "listed twice"),
        (",".join(COLUMNS) + "\n854150,854151,split,\n854151,854152,split,\n", "both sides"),
        (
            ",".join(COLUMNS) + "\n880330,880730,renumbered,\n880330,880790,renumbered,\n",
            "several successors",
        ),
    ],
)
def test_a_broken_concordance_is_refused(tmp_path: Path, content: str, reason: str) -> None:
    path = tmp_path / "concordance.csv"
    path.write_text(content, encoding="utf-8")
    (tmp_path / "concordance.csv.meta.yml").write_text(
        "id: c\nversion: '1'\ntitle: t\nsource: s\nlicence: l\n", encoding="utf-8"
    )
    with pytest.raises(ValueError, match=reason):
        load_concordance(path)
