"""English words written in Cyrillic by sound, read back in English (`data/loanwords.yml`).

"Креатив" is not a transliteration of "creative" but a transcription of how it sounds, so
transliterating it back gives "kreativ", two edits away. Both spellings are reduced to one
phonetic key by the file's rules (the English spelling's and the Cyrillic romanisation's), and a
Cyrillic word whose key is that of a listed English word is read as that word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rapidfuzz.distance import Indel

from diversion.matching.vocabulary import data_path
from diversion.reference import load_yaml

FILE = "loanwords.yml"
_VOWEL = "a"  # what `both` leaves of a run of vowels
SHORT_SIMILARITY = 0.8  # how alike the spellings of a word with two consonants must be

Rules = tuple[tuple[re.Pattern[str], str], ...]


def _rules(data: Any) -> Rules:
    return tuple(
        (re.compile(str(pattern)), str(replacement)) for pattern, replacement in data or []
    )


def _apply(word: str, *rule_sets: Rules) -> str:
    for rules in rule_sets:
        for pattern, replacement in rules:
            word = pattern.sub(replacement, word)
    return word


@dataclass(frozen=True)
class Loanwords:
    english: Rules
    cyrillic: Rules
    both: Rules
    min_consonants: int
    min_similarity: float
    taken_in: frozenset[str]  # Russian dictionary words that are English words taken in
    as_written: dict[str, str]  # short Cyrillic words -> the English word, as written
    by_key: dict[str, str]  # an English word's whole key -> the word
    by_consonants: dict[str, str]  # its consonants -> the word, when only one word has them

    def english_key(self, word: str) -> str:
        return _apply(word.lower(), self.english, self.both)

    def cyrillic_key(self, romanised: str) -> str:
        return _apply(romanised.lower(), self.cyrillic, self.both)

    def reading(self, romanised: str) -> str | None:
        """The English word a Cyrillic word (as romanised) is written for, or None: its key
        agrees with the word's and has three consonants or more (creative: kreativ), or its
        consonants agree and there are `min_consonants` of them (management: menedzhment);
        and the two spellings are at least `min_similarity` alike, so that a Russian word
        that only sounds like an English one (sibir, cyber) is left alone."""
        key = self.cyrillic_key(romanised)
        consonants = key.replace(_VOWEL, "")
        found = self.by_key.get(key) if len(consonants) >= 2 else None
        if found is not None and len(consonants) == 2:
            # two consonants say little: the spellings must be nearly alike (chaina, china)
            alike = Indel.normalized_similarity(romanised, found)
            found = found if alike >= SHORT_SIMILARITY else None
        if found is None and len(consonants) >= self.min_consonants:
            found = self.by_consonants.get(consonants)
        if found is None or found == romanised:
            return None
        return (
            found if Indel.normalized_similarity(romanised, found) >= self.min_similarity else None
        )


@lru_cache(maxsize=1)
def loanwords() -> Loanwords:
    data = load_yaml(data_path(FILE)) or {}
    english, cyrillic, both = (_rules(data.get(k)) for k in ("english", "cyrillic", "both"))
    by_key: dict[str, str] = {}
    consonants: dict[str, set[str]] = {}
    for word in sorted(str(w).lower() for w in data.get("words") or []):
        key = _apply(word, english, both)
        by_key.setdefault(key, word)
        consonants.setdefault(key.replace(_VOWEL, ""), set()).add(word)
    unique = {k: next(iter(ws)) for k, ws in consonants.items() if len(ws) == 1}
    return Loanwords(
        english,
        cyrillic,
        both,
        int(data.get("min_consonants", 4)),
        float(data.get("min_similarity", 0.6)),
        frozenset(str(w).replace("ё", "е") for w in data.get("taken_in") or []),
        {str(k): str(v) for k, v in (data.get("as_written") or {}).items()},
        by_key,
        unique,
    )


@lru_cache(maxsize=50_000)
def english_reading(word: str, romanised: str) -> str | None:
    """The English word a Cyrillic word of a firm's name stands for (креатив: creative). A word
    pymorphy3's Russian dictionary knows is a Russian word (Сибирь is not cyber, смерть not
    smart) unless the table lists it among the English words Russian has taken in (креатив,
    холдинг); a word it does not know (текнолоджис, лоджистикс) is read by sound."""
    table = loanwords()
    written = table.as_written.get(word)
    if written is not None:
        return written
    found = table.reading(romanised)
    if found is None:
        return None
    from diversion.matching.enterprise_words import morphology

    analyser = morphology()
    if analyser.word_is_known(word) and word.replace("ё", "е") not in table.taken_in:
        lemmas = {p.normal_form for p in analyser.parse(word) if p.is_known}
        if not lemmas & table.taken_in:
            return None
    return found
