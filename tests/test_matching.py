from pathlib import Path

import pytest

from diversion.lists.bundled import load_ftm_file as load_ftm_list
from diversion.matching import Matcher, name_key
from tests.lists_fixture import write_list


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("ТОО «Элем Групп»", "ЖШС «Элем Групп»"),
        ("TOO Elem Group", "ELEM GROUP LLP"),
        ("Товарищество с ограниченной ответственностью «ELEM GROUP»", "Elem Group"),
        ("МЧЖ «Тошкент Савдо»", "Toshkent Savdo MChJ"),
        ("Shenzhen Huachengda Electronics Co., Ltd.", "SHENZHEN HUACHENGDA ELECTRONICS"),
    ],
)
def test_legal_forms_scripts_and_quotes_fold_away(a: str, b: str) -> None:
    assert name_key(a).replace("grupp", "group") == name_key(b).replace("grupp", "group")


def test_a_name_that_is_only_a_legal_form_keeps_it() -> None:
    assert name_key("LLC") == "llc"


@pytest.fixture
def matcher(tmp_path: Path) -> Matcher:
    return Matcher(load_ftm_list(write_list(tmp_path)))


def test_transliterated_name_matches_with_explanation(matcher: Matcher) -> None:
    (match,) = matcher.match("TOO Elem Grupp")
    assert match.entity_id == "t-elem" and match.method == "name"
    assert match.score >= 0.9
    assert "compared as 'elem grupp'" in match.explanation


def test_word_order_of_person_names(matcher: Matcher) -> None:
    (match,) = matcher.match("Mirzaev Shavkat")
    assert match.entity_id == "t-person" and match.score >= 0.9


def test_identifier_match_dominates_a_different_name(matcher: Matcher) -> None:
    (match,) = matcher.match("Completely Other Name", "7701 234 567")
    assert (match.entity_id, match.method, match.score) == ("t-vostok", "identifier", 1.0)
    assert "innCode" in match.explanation


@pytest.mark.parametrize("name", ["Elem Trading", "Alfa Group LLP", "Group", "Восток Логистик"])
def test_unrelated_names_do_not_match(matcher: Matcher, name: str) -> None:
    assert matcher.match(name) == []


def test_name_and_identifier_together_are_both_explained(matcher: Matcher) -> None:
    (match,) = matcher.match("АО Восток Прибор", "7701234567")
    assert (match.method, match.score) == ("identifier+name", 1.0)
    assert "innCode" in match.explanation and "compared as 'vostok pribor'" in match.explanation
