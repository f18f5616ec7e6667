"""A word written in Arabic script against a Latin one: the same consonants, and the long
vowels the Arabic-script word writes.

Arabic script leaves short vowels out (محمد, romanised "mhmd", is Muhammad or Mohammed), so
no edit distance joins the two spellings. Both words are read as classes of letters
(`data/arabic.yml`, on their romanisation keys); they fit when their consonant classes are
the same, in order, and each long vowel the Arabic-script word writes between two consonants
is written in the Latin word there too: محمود (Mahmoud) is not Mohammed.
"""

from __future__ import annotations

import re
from functools import lru_cache

from diversion.matching.vocabulary import vocabulary

VOWELS = frozenset({"A", "I", "U"})
ALEF = "A"  # a long a; before l, the article's alef, written with any vowel (عبدالله Abdullah)
_ARABIC = "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff"
ARABIC_LETTER = re.compile(f"[{_ARABIC}]")
OTHER_LETTER = re.compile(rf"[^\W\d_{_ARABIC}]")

_TS = re.compile(r"c(?!h)")  # a key's c that is not the ch of چ: a folded ts or tz
MAX_READINGS = 8  # readings of a word's semivowels (three waws)
Reading = tuple[str, ...]


@lru_cache(maxsize=100_000)
def in_arabic_script(text: str) -> bool:
    """Whether a name is written wholly in Arabic script; one that mixes scripts ("Daniel
    ميّاد") is compared as names in other scripts are."""
    return ARABIC_LETTER.search(text) is not None and OTHER_LETTER.search(text) is None


def persian_reading(name: str) -> str | None:
    """A name in Arabic script as Persian reads it, where that differs: ض and ذ as z (رضا
    Reza), and the final ی of Arabic names ending in alef maksura as ى (مصطفی Mostafa).
    None for a name Persian reads as Arabic does."""
    if not in_arabic_script(name):
        return None
    abjad = vocabulary().abjad
    words = [abjad.alef_maksura.get(word.replace("ي", "ی"), word) for word in name.split(" ")]
    read = "".join(abjad.persian.get(ch, ch) for ch in " ".join(words))
    return read if read != name else None


def _consonants(reading: Reading) -> str:
    return " ".join(unit for unit in reading if unit not in VOWELS)


@lru_cache(maxsize=200_000)
def arabic_consonants(key: str) -> frozenset[str]:
    """The consonants of a word in Arabic script, in every reading `fits` tries ("m h d" for
    محمد): the keys by which it finds its Latin spellings."""
    return frozenset(_consonants(r) for r in arabic_readings(key)) - {""}


@lru_cache(maxsize=200_000)
def latin_consonants(key: str) -> frozenset[str]:
    """The consonants of a Latin word, in every reading `fits` tries ("m h d" for Mohammed)."""
    return frozenset(_consonants(r) for r in latin_readings(key)) - {""}


@lru_cache(maxsize=100_000)
def arabic_readings(key: str) -> tuple[Reading, ...]:
    """An Arabic-script word as read, with each waw a consonant or a long vowel (موسوی
    Mousavi: the first a vowel, the second a v), without the article joined to it
    (الرحمن), and with t and s apart where the key folds them together."""
    abjad = vocabulary().abjad
    spellings = [key]
    article = abjad.article
    if article and key.startswith(article) and len(key) > len(article) + 2:
        spellings.append(key[len(article) :])
    # keys fold ts and tz to c, but in Arabic script t and s (or z) are two letters that only
    # stand together because short vowels are not written (مرتزی, Morteza: mrci)
    spellings += [_TS.sub("ts", s) for s in spellings if _TS.search(s)]
    readings: list[Reading] = []
    for spelling in spellings:
        readings.extend(_semivowel_readings(abjad.read(spelling), abjad.semivowels))
    return tuple(readings)


def _semivowel_readings(reading: Reading, semivowels: dict[str, str]) -> list[Reading]:
    """Each semivowel after the first letter also read as its vowel (a word starts with a
    consonant: عواض is Awad, not Iyad)."""
    found: list[list[str]] = [[]]
    for at, unit in enumerate(reading):
        vowel = semivowels.get(unit)
        if vowel is None or at == 0 or len(found) >= MAX_READINGS:
            found = [[*f, unit] for f in found]
        else:
            found = [[*f, u] for f in found for u in (unit, vowel)]
    return [_collapsed(f) for f in found]


def _collapsed(units: list[str]) -> Reading:
    return tuple(u for i, u in enumerate(units) if i == 0 or units[i - 1] != u)


@lru_cache(maxsize=200_000)
def latin_readings(key: str) -> tuple[Reading, ...]:
    """A Latin word as read, and as it may stand for letters Arabic script writes otherwise:
    v as f and p as b (Arabic writes a foreign v with ف, a p with ب: Vladimir, Perez; Persian
    has its own p, پ, which only p meets), without a silent final e (Therese) or an h after
    the last vowel (Fatimah against فاطمة)."""
    abjad = vocabulary().abjad
    spellings = {key, key.replace("v", "f"), key.replace("p", "b")}
    spellings.update([s[:-1] for s in spellings if len(s) > 3 and s.endswith("e")])
    found: list[Reading] = []
    for spelling in sorted(spellings):
        reading = abjad.read(spelling)
        found.append(reading)
        if len(reading) > 2 and reading[-1] == "h" and reading[-2] in VOWELS:
            found.append(reading[:-1])
    return tuple(found)


def _gaps(reading: Reading) -> tuple[tuple[str, ...], list[set[str]]]:
    """The consonants, and the vowels after each of them (before the next)."""
    letters: list[str] = []
    after: list[set[str]] = []
    for unit in reading:
        if unit in VOWELS:
            if after:  # vowels before the first consonant are left aside
                after[-1].add(unit)
        else:
            letters.append(unit)
            after.append(set())
    return tuple(letters), after


def _fits(arabic: Reading, latin: Reading) -> int:
    """The consonants, when the Latin reading spells the Arabic one: the same consonants;
    the long vowels written, each where it is written; at most one vowel more than Arabic
    script writes between two consonants (a short vowel); and a vowel that ends the Latin
    word written at the end (Salim is not Salami); and a word in Arabic script that starts
    with a vowel letter (alef: Ahmad, Ismail) not spelled with a consonant first (one that
    starts with ayn, which ICU leaves out, may be: عمر Omar)."""
    letters, arabic_after = _gaps(arabic)
    latin_letters, latin_after = _gaps(latin)
    if not letters or letters != latin_letters:
        return 0
    if arabic[0] in VOWELS and latin[0] not in VOWELS:
        return 0  # a word that starts with alef starts with a vowel: أحمد is not Hammad
    for at, (written, spelled) in enumerate(zip(arabic_after, latin_after, strict=True)):
        if len(spelled) > len(written) + 1:
            return 0
        for vowel in written:
            if vowel != ALEF:
                alike = vowel in spelled
            elif at + 1 < len(letters) and letters[at + 1] == "l":
                alike = bool(spelled)
            else:
                alike = ALEF in spelled
            if not alike:
                return 0
    if latin[-1] in VOWELS and latin[-1] not in arabic_after[-1]:
        return 0
    return len(letters)


@lru_cache(maxsize=200_000)
def fits(arabic_key: str, latin_key: str) -> int:
    """How many consonants an Arabic-script word (by its romanisation key) shares, in order,
    with a Latin word it may be a spelling of; 0 if it cannot be."""
    if arabic_consonants(arabic_key).isdisjoint(latin_consonants(latin_key)):
        return 0  # most words: no reading of the one has the other's consonants
    return max(
        (_fits(a, b) for a in arabic_readings(arabic_key) for b in latin_readings(latin_key)),
        default=0,
    )


_DOUBLED_VOWEL = re.compile(r"(aa|ee|ii|oo|uu)")


def writes_long_vowels(arabic_key: str, latin_text: str) -> bool:
    """Whether the Arabic-script word writes the long vowels a Latin spelling marks by
    doubling them (Mahmood, Saeedi, Dawood: a waw, a ya), which keys fold away: محمد is not
    Mahmood."""
    doubled = set(_DOUBLED_VOWEL.findall(latin_text))
    if not doubled:
        return True
    read = vocabulary().abjad.read
    written = {unit for reading in arabic_readings(arabic_key) for unit in reading}
    return all(read(vowel[0])[0] in written for vowel in doubled)
