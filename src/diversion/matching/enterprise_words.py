"""The words of enterprise names read in English, whatever language and script they are
written in (`data/enterprise_words.yml`).

"Научно-производственное объединение «Заря»", "Nauchno-Proizvodstvennoe Obedinenie Zarya",
"NPO Zarya" and "Scientific Production Association Zarya" are one name: each word of the
table's entries, in any of its forms, is read as its English rendering, so that the matcher
compares "scientific production association zarya" on every side. Russian words are listed
once, as dictionary forms; pymorphy3 gives their inflected forms (завода, заводом), and each form
is folded like a name so that its transliterations are read too. Firm names only.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from diversion.matching.text import romanisation_key
from diversion.matching.vocabulary import data_path, fold_surface, vocabulary
from diversion.reference import load_yaml

FILE = "enterprise_words.yml"


@dataclass(frozen=True)
class Reading:
    """Words of a name read in English: how many tokens, and the English words."""

    size: int
    english: tuple[str, ...]
    translated: bool  # from another language (noted in explanations), not an English synonym


@dataclass(frozen=True)
class EnterpriseWords:
    # the romanisation keys of a form's words -> the English words it is read as, and whether
    # the form is another language's (an English synonym, works for plant, is not)
    phrases: dict[tuple[str, ...], tuple[tuple[str, ...], bool]]
    # a written acronym, folded -> its expansion in its own language, folded
    acronyms: dict[str, str]
    # (ending of a Russian adjective's lemma, letters that make the place's name)
    place_endings: tuple[tuple[str, str], ...]
    longest: int
    first_keys: frozenset[str]  # the key of every form's first word

    def reading_at(self, tokens: Sequence[str], start: int) -> Reading | None:
        """The longest form of the table starting at `start`, as English words; None when no
        form starts there or the form already is its English reading."""
        if romanisation_key(tokens[start]) not in self.first_keys:
            return None  # most words begin no form: one lookup says so
        for size in range(min(self.longest, len(tokens) - start), 0, -1):
            keys = tuple(romanisation_key(t) for t in tokens[start : start + size])
            found = self.phrases.get(keys)
            if found is not None:
                english, translated = found
                if tuple(tokens[start : start + size]) == english:
                    return None
                return Reading(size, english, translated)
        return None


def _forms(entry: dict[str, Any]) -> Iterator[tuple[str, bool]]:
    """Every written form of an entry, and whether it is another language's: its English
    synonyms, the Russian lemmas with all their inflected forms, and the Kazakh, Kyrgyz and
    Uzbek forms as listed."""
    yield from ((str(w), False) for w in entry.get("also") or [])
    for lemma in [*(entry.get("ru") or []), *(entry.get("ru_predicted") or [])]:
        yield from ((form, True) for form in russian_forms(str(lemma)))
    for language in ("kk", "ky", "uz", "forms"):
        yield from ((str(w), True) for w in entry.get(language) or [])


@lru_cache(maxsize=1)
def morphology() -> Any:
    """pymorphy3's Russian analyser, loaded once (about 0.1 s) when a table is first built."""
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang="ru")


def russian_forms(lemma: str) -> list[str]:
    """The lemma and every inflected form pymorphy3's dictionary gives for it: the parse whose
    normal form is the lemma itself, so that завод gives завода and заводами, not забота."""
    forms = [lemma]
    for parse in morphology().parse(lemma):
        if parse.normal_form == lemma.replace("ё", "е") or parse.normal_form == lemma:
            forms.extend(form.word for form in parse.lexeme)
            break
    return list(dict.fromkeys(forms))


@lru_cache(maxsize=1)
def enterprise_words() -> EnterpriseWords:
    data = load_yaml(data_path(FILE)) or {}
    letters = vocabulary().letters
    phrases: dict[tuple[str, ...], tuple[tuple[str, ...], bool]] = {}
    for entry in data.get("words") or []:
        english = tuple(fold_surface(str(entry["en"]), letters))
        phrases.setdefault(tuple(romanisation_key(w) for w in english), (english, False))
        for form, translated in _forms(entry):
            folded = fold_surface(form, letters)
            if folded:
                keys = tuple(romanisation_key(w) for w in folded)
                phrases.setdefault(keys, (english, translated))
    acronyms: dict[str, str] = {}
    for written, expansion in (data.get("acronyms") or {}).items():
        folded = fold_surface(str(written), letters)
        first = expansion[0] if isinstance(expansion, list) else expansion
        if len(folded) == 1:
            acronyms.setdefault(folded[0], " ".join(fold_surface(str(first), letters)))
    endings = tuple((str(e[0]), str(e[1])) for e in data.get("place_adjectives") or [])
    longest = max((len(k) for k in phrases), default=1)
    first = frozenset(keys[0] for keys in phrases)
    return EnterpriseWords(phrases, acronyms, endings, longest, first)


@lru_cache(maxsize=20_000)
def place_of_adjective(word: str) -> str | None:
    """The place a Russian adjective names (Бийский: Бийск, Казанского: Казань), as pymorphy3's
    dictionary knows it as a geographical name; None for other words."""
    if not word.endswith(("ий", "ой", "ый", "ого", "ому", "ым", "ом", "ая", "ое", "ую", "ой")):
        return None
    analyser = morphology()
    lemmas = [str(p.normal_form) for p in analyser.parse(word) if "ADJF" in p.tag]
    if not lemmas:
        return None
    lemma = lemmas[0]
    for ending, added in enterprise_words().place_endings:
        if not lemma.endswith(ending) or len(lemma) <= len(ending) + 1:
            continue
        place = lemma[: -len(ending)] + added
        for parse in analyser.parse(place):
            if "Geox" in parse.tag and parse.is_known and parse.normal_form == place:
                return place
    return None
