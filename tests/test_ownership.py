"""The ownership rules on OFAC's published examples (FAQ 398 and 401), at the 50 % edge, over
chains, cycles and dates; and Kazakh BINs."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from diversion.network.bin import BinError, bin_formed, check_digit, parse_bin
from diversion.network.ownership import EU, US, OwnershipRule, Stake, compute, describe_path


def stakes(*edges: tuple[str, str, int | str]) -> list[Stake]:
    return [
        Stake(owner, asset, Decimal(str(share)), edge_id=f"{owner}>{asset}")
        for owner, asset, share in edges
    ]


def blocked(edges: list[Stake], listed: set[str], rule: OwnershipRule = US) -> set[str]:
    return set(compute(edges, listed, rule).derived)


# -- OFAC FAQ 401: "indirectly" -------------------------------------------------------------------


def test_ofac_example_1_a_chain_of_fifty_percents() -> None:
    # X owns 50 % of A, A owns 50 % of B: A and B are blocked
    assert blocked(stakes(("X", "A", 50), ("A", "B", 50)), {"X"}) == {"A", "B"}


def test_ofac_example_2_two_blocked_subsidiaries_add_up() -> None:
    # X owns 50 % of A and of B; A and B each own 25 % of C: C is blocked
    edges = stakes(("X", "A", 50), ("X", "B", 50), ("A", "C", 25), ("B", "C", 25))
    result = compute(edges, {"X"})
    assert set(result.derived) == {"A", "B", "C"}
    assert result.derived["C"].total == 50
    assert sorted(result.paths("C")) == [
        [("X", None), ("A", Decimal(50)), ("C", Decimal(25))],
        [("X", None), ("B", Decimal(50)), ("C", Decimal(25))],
    ]


def test_ofac_example_3_direct_and_indirect_shares_add_up() -> None:
    # X owns 50 % of A and 10 % of B; A owns 40 % of B: B is blocked (10 + 40)
    edges = stakes(("X", "A", 50), ("X", "B", 10), ("A", "B", 40))
    result = compute(edges, {"X"})
    assert result.derived["B"].total == 50
    assert {s.owner for s in result.derived["B"].owners} == {"X", "A"}


def test_ofac_example_4_minority_owners_pass_nothing_on() -> None:
    # X owns 25 % of A and of B; A and B each own 50 % of C: none is blocked
    edges = stakes(("X", "A", 25), ("X", "B", 25), ("A", "C", 50), ("B", "C", 50))
    assert blocked(edges, {"X"}) == set()


# -- OFAC FAQ 398: aggregation across blocked persons ----------------------------------------------


def test_two_blocked_owners_of_25_percent_block_the_entity() -> None:
    assert blocked(stakes(("X", "A", 25), ("Y", "A", 25)), {"X", "Y"}) == {"A"}
    # only one of them blocked: 25 % is not enough
    assert blocked(stakes(("X", "A", 25), ("Y", "A", 25)), {"X"}) == set()


@pytest.mark.parametrize(
    ("share", "us", "eu"),
    [("49", False, False), ("49.99", False, False), ("50", True, False), ("50.01", True, True)],
)
def test_the_edge_of_fifty_percent_under_each_rule(share: str, us: bool, eu: bool) -> None:
    edges = stakes(("X", "A", share))
    assert ("A" in blocked(edges, {"X"}, US)) is us
    assert ("A" in blocked(edges, {"X"}, EU)) is eu


def test_a_cycle_ends_and_paths_do_not_loop() -> None:
    # A and B own each other; X's 30 % of A is not enough on its own, and B is not blocked
    edges = stakes(("X", "A", 30), ("A", "B", 60), ("B", "A", 40))
    assert blocked(edges, {"X"}) == set()
    # with 50 % A is blocked, so B (60 % A) is, and A's other owner B changes nothing
    edges = stakes(("X", "A", 50), ("A", "B", 60), ("B", "A", 40))
    result = compute(edges, {"X"})
    assert set(result.derived) == {"A", "B"}
    assert result.paths("B") == [[("X", None), ("A", Decimal(50)), ("B", Decimal(60))]]


def test_stakes_out_of_force_on_the_day_do_not_count() -> None:
    sold = Stake("X", "A", Decimal(60), date(2020, 1, 1), date(2022, 3, 31), "x-a")
    assert "A" in compute([sold], {"X"}, on=date(2022, 3, 1)).derived
    assert "A" not in compute([sold], {"X"}, on=date(2022, 4, 1)).derived
    unknown = Stake("X", "A", None, edge_id="x-a")
    assert not compute([unknown], {"X"}).derived


def test_a_path_reads_with_names_and_shares() -> None:
    result = compute(stakes(("X", "A", 50), ("A", "B", 75)), {"X"})
    names = {"X": "Listed Person", "A": "Alpha LLP", "B": "Beta LLC"}
    (chain,) = result.paths("B")
    assert describe_path(chain, names) == "Listed Person → 50 % → Alpha LLP → 75 % → Beta LLC"
    evidence = result.evidence("B")
    assert evidence["rule"] == "us" and evidence["total_share"] == "75"


@given(
    st.lists(
        st.tuples(st.sampled_from("ABCDEFG"), st.sampled_from("ABCDEFG"), st.integers(1, 100)),
        max_size=25,
    )
)
def test_derived_statuses_are_exactly_the_fixed_point(raw: list[tuple[str, str, int]]) -> None:
    edges = [Stake(o, a, Decimal(s), edge_id=f"{n}") for n, (o, a, s) in enumerate(raw) if o != a]
    result = compute(edges, {"A"})
    blocked_now = result.listed | set(result.derived)
    for entity in "BCDEFG":
        owners = [s for s in edges if s.asset == entity and s.owner in blocked_now]
        share = sum((s.share or Decimal(0) for s in owners), Decimal(0))
        assert (entity in blocked_now) == (share >= 50), entity
        if entity in result.derived:
            for chain in result.paths(entity):
                nodes = [node for node, _ in chain]
                assert nodes[0] == "A" and len(set(nodes)) == len(nodes)


# -- Kazakh BINs ----------------------------------------------------------------------------------


def test_a_real_bin_gives_its_month() -> None:
    # a real listed Astana firm registered in March 2022 (issue 6)
    found = parse_bin("220340015320")
    assert found.formed == date(2022, 3, 1)
    assert (found.kind, found.attribute) == ("resident legal entity", "head office")
    assert bin_formed("2203 4001 5320") == date(2022, 3, 1)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("220340015321", "check digit"),
        ("22034001532", "12 digits"),
        ("221340015320", "check digit"),  # month 13 and a wrong check digit: first fault wins
        ("229940015326", "not a month"),
        ("220370015329", "not a legal-entity type"),
    ],
)
def test_bad_bins_are_refused(text: str, reason: str) -> None:
    if reason not in ("check digit", "12 digits"):  # give the test number a valid check digit
        text = text[:11] + str(check_digit(text[:11]))
    with pytest.raises(BinError, match=reason):
        parse_bin(text, today=date(2026, 1, 1))
    assert bin_formed(text) is None
