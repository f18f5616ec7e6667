"""One text-folding rule (diversion.folding) for the goods terms, the trade-flow areas and
column headers, and the last step of the matching's own ASCII spelling."""

from __future__ import annotations

from diversion.flows.areas import _fold as area_fold
from diversion.flows.layouts import fold as header_fold
from diversion.folding import ascii_word, fold_text
from diversion.goods.terms import controlled_terms, fold
from diversion.matching.text import to_ascii


def test_fold_text_keeps_lower_case_ascii_words() -> None:
    assert fold_text("Bolivie, État plurinational") == "bolivie etat plurinational"
    assert fold_text("  Drone -- UAV/quadcopter  ") == "drone uav quadcopter"
    assert fold_text("Шевченко") == "shevchenko"
    assert fold_text("Trade Value (US$)", "_") == "trade_value_us"
    assert fold_text("¿?") == ""


def test_ascii_word_drops_what_is_not_a_letter_or_digit() -> None:
    assert ascii_word("O'Brien-2") == "obrien2"
    assert ascii_word("Müller") == "muller"


def test_every_user_folds_with_the_one_rule() -> None:
    text = "Bolivie, État — Quadcopter's  PART (№ 5)"
    assert fold(text) == area_fold(text) == fold_text(text)
    assert header_fold(text) == fold_text(text, "_")
    # the matching spells hub-language letters by its own table first, then folds alike
    assert to_ascii("Obrien") == ascii_word("Obrien") == "obrien"


def test_controlled_terms_still_meet_descriptions_in_any_layout() -> None:
    found = {
        term.found_in("КВАДРОКОПТЕРЫ, 4 шт.; quad-copter DRONES")
        for term in controlled_terms().entries
    }
    assert "квадрокоптер" in found, found
