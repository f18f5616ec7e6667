"""The committed translated name-pair and address-pair sets (benchmarks/data, issue 21): they
read without an error and hold what docs/matching-translated-data.md says they hold.

The builder reads the shared data folder beside the clone, which a clean clone lacks, so only
its output is checked."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

from diversion.matching.pairs import read_pairs

DATA = Path(__file__).resolve().parents[1] / "benchmarks" / "data"
NAMES = DATA / "translated_pairs.csv"
ADDRESSES = DATA / "translated_addresses.csv"


def _key(a: str, b: str) -> tuple[str, ...]:
    return tuple(sorted((a.casefold().strip(), b.casefold().strip())))


def test_the_translated_name_pairs_read_without_errors_and_are_a_real_test() -> None:
    pairs, errors = read_pairs(NAMES, labelled=True)
    assert errors == []
    assert len(pairs) >= 300
    keys = [_key(p.name1, p.name2) for p in pairs]
    assert len(set(keys)) == len(keys)  # no pair twice, in either order
    assert all(k[0] != k[1] for k in keys)
    labels = Counter(p.is_match for p in pairs)
    assert labels[True] and labels[False]
    assert labels[False] * 3 >= len(pairs)  # at least a third hard negatives
    categories = {p.category for p in pairs}
    for needed in ("translation", "acronym", "cyrillic_translation", "cyrillic_loanword"):
        assert needed in categories
    assert all(p.category.startswith("hard_negative") for p in pairs if not p.is_match)


def test_derived_name_pairs_are_under_half_and_every_row_says_where_it_comes_from() -> None:
    with NAMES.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    kinds = Counter(r["notes"].split(":", 1)[0] for r in rows)
    assert set(kinds) <= {"real", "derived", "different entries", "controlled change"}
    assert kinds["derived"] * 2 < len(rows)
    assert kinds["real"] > kinds["derived"]
    assert all(r["source"] for r in rows)


def test_the_translated_address_pairs_read_and_hold_both_labels() -> None:
    with ADDRESSES.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and list(rows[0]) == [
        "address1",
        "address2",
        "is_match",
        "category",
        "source",
        "notes",
    ]
    assert len(rows) >= 40
    assert all(r["address1"].strip() and r["address2"].strip() for r in rows)
    assert {r["is_match"] for r in rows} == {"true", "false"}
    keys = [_key(r["address1"], r["address2"]) for r in rows]
    assert len(set(keys)) == len(keys)
    categories = {r["category"] for r in rows}
    assert {"hard_negative_other_house", "hard_negative_other_city"} <= categories
