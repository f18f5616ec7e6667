import csv

import pytest
from hypothesis import given
from hypothesis import strategies as st

from diversion.goods import HsCodeError, load_chpl, parse_hs_code
from tests.conftest import SHARED


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("854231", "854231"),
        ("8542.31", "854231"),
        ("8542 31 000 0", "8542310000"),
        ("84821000", "84821000"),
    ],
)
def test_hs_codes_parse_to_digits(text: str, digits: str) -> None:
    assert parse_hs_code(text) == digits


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("85423", "5 digits"),
        ("85423100001", "11 digits"),
        ("8542-31", "only digits"),
        ("ABCDEF", "only digits"),
        ("", "empty"),
    ],
)
def test_bad_hs_codes_are_refused(text: str, reason: str) -> None:
    with pytest.raises(HsCodeError, match=reason):
        parse_hs_code(text)


@given(st.text(alphabet="0123456789", min_size=6, max_size=10), st.data())
def test_dots_and_spaces_are_layout_only(digits: str, data: st.DataObject) -> None:
    separators = data.draw(
        st.lists(st.sampled_from(["", ".", " "]), min_size=len(digits), max_size=len(digits))
    )
    written = "".join(d + s for d, s in zip(digits, separators, strict=True))
    assert parse_hs_code(written) == digits


def test_bundled_chpl_is_the_shared_list() -> None:
    chpl = load_chpl()
    with (SHARED / "goods" / "chpl.csv").open(encoding="utf-8") as handle:
        shared = {row["hs6"]: row["tier"] for row in csv.DictReader(handle)}
    assert len(chpl.entries) == 50
    assert {code: entry.tier for code, entry in chpl.entries.items()} == shared
    entry = chpl.lookup("8542310000")
    assert entry is not None and entry.tier == "1"
    assert chpl.lookup("1001990000") is None
    assert chpl.reference.version == "2024-02-23"
