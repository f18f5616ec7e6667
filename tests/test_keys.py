"""One identifier key and one legal-name key (diversion.matching.keys) for the licences, the
company registry, a party's history and imports, the suppressions and the matcher.

Before issue 20 the licences, the registry and the history compared identifiers without
spaces, dots, dashes and slashes only, and the licences compared names by a key of their own
(normality + rigour's legal forms). The tests below pin what the one rule changed.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

import diversion
from diversion.matching.keys import identifier_key, legal_name_key, same_legal_name
from diversion.screening.history import party_keys

SRC = Path(diversion.__file__).resolve().parent


def _old_identifier_key(identifier: str) -> str:
    """The rule licences/model.py had: only whitespace, dots, slashes and dashes removed."""
    return re.sub(r"[\s./\-]+", "", identifier).upper()


@pytest.mark.parametrize(
    ("value", "key"),
    [
        ("KZ 1234-56", "KZ123456"),
        ("kz1234/56", "KZ123456"),
        ("7707.083.893", "7707083893"),
        ("ИИН 123", "ИИН123"),
    ],
)
def test_identifiers_the_two_old_rules_agreed_on_keep_their_key(value: str, key: str) -> None:
    assert identifier_key(value) == _old_identifier_key(value) == key


@pytest.mark.parametrize(
    ("value", "old", "key"),
    [
        ("KZ#123456", "KZ#123456", "KZ123456"),
        ("123_456", "123_456", "123456"),
        ("(123) 456", "(123)456", "123456"),
        ("12–34", "12–34", "1234"),  # an en dash, not a hyphen
        ("No:5", "NO:5", "NO5"),
    ],
)
def test_identifiers_whose_key_changed_now_meet_their_plain_spelling(
    value: str, old: str, key: str
) -> None:
    """Other separators than space, dot, slash and dash no longer keep a number apart from
    itself in the licences, the registry and the history (the matcher already folded them)."""
    assert _old_identifier_key(value) == old
    assert identifier_key(value) == key == identifier_key(key)


def test_a_party_is_found_by_the_same_keys_in_the_history() -> None:
    assert party_keys("ТОО «Есиль Микрокомпонент»", "KZ#1234") == party_keys(
        "ESIL MIKROKOMPONENT TOO", "kz 1234"
    )


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("ТОО «Ертис Подшипник»", "Ертис  подшипник ТОО"),
        ("Gyumri Optics, L.L.C.", "GYUMRI OPTICS LLC"),
        ("ТОО «Ертис»", "Ertis LLP"),
        # the licences' old key kept a Latin "TOO" after the name and spelled Cyrillic
        # "Подшипник" as "Podsipnik": these two pairs were different holders before
        ("ESIL MIKROKOMPONENT TOO", "ТОО «Есиль Микрокомпонент»"),
        ("Ertis Podshipnik LLP", "ТОО «Ертис Подшипник»"),
    ],
)
def test_one_legal_name_in_any_layout_script_and_legal_form(one: str, other: str) -> None:
    assert same_legal_name(one, other)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Gyumri Optics", "Gyumri Optic"),
        ("Ertis Podsipnik", "Ertis Podshipnik"),
        # a name that is only a legal form is read as a word: the licences' old key made both
        # empty, so any two bare legal forms were one holder
        ("ТОО", "LLP"),
    ],
)
def test_a_near_miss_or_a_bare_legal_form_is_not_the_same_name(one: str, other: str) -> None:
    assert not same_legal_name(one, other)


def test_a_name_without_words_matches_nothing() -> None:
    assert legal_name_key("«» ., -") == ""
    assert not same_legal_name("«» ., -", "…")


def test_each_key_is_defined_once() -> None:
    """No other module defines its own identifier or legal-name key."""
    names = {"identifier_key", "legal_name_key", "name_key"}
    found = []
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and node.name in names:
                found.append((path.relative_to(SRC).as_posix(), node.name))
    assert sorted(found) == [
        ("matching/keys.py", "identifier_key"),
        ("matching/keys.py", "legal_name_key"),
    ]
