"""Text-level folding of names: look-alike letters, scripts, tokens and romanisation keys.

Everything here works on one word or one string and knows nothing of names; `analysis`
decides what the words are. The tables come from `vocabulary`, the data files.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

from diversion.folding import ascii_word
from diversion.matching.vocabulary import vocabulary


def _combining_marks() -> str:
    """A character class of the combining marks: vowel signs of Indic scripts, Arabic and
    Hebrew vowel points, Thai tone marks. Python's `\\w` leaves them out, which cut "केशरी"
    into "क", "शर" at every vowel sign."""
    ranges: list[tuple[int, int]] = []
    for code in range(0x300, 0x20000):
        if unicodedata.category(chr(code)) in ("Mn", "Mc", "Me"):
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1] = (ranges[-1][0], code)
            else:
                ranges.append((code, code))
    return "".join(
        re.escape(chr(a)) if a == b else f"{re.escape(chr(a))}-{re.escape(chr(b))}"
        for a, b in ranges
    )


_LETTERS = rf"(?:[^\W_]|[{_combining_marks()}])+"
_RAW_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_WORD = re.compile(rf"{_LETTERS}(?:['’ʻʼ‘`]{_LETTERS})*", re.UNICODE)
_APOSTROPHES = re.compile(r"['’ʻʼ‘`]")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def script_of(char: str) -> str:
    """'cyrillic', 'latin', 'han', 'other' (by Unicode name, which is stable and cheap)."""
    if _HAN.match(char):
        return "han"
    name = unicodedata.name(char, "")
    if name.startswith("CYRILLIC"):
        return "cyrillic"
    if name.startswith("LATIN"):
        return "latin"
    if name.startswith("GREEK"):
        return "greek"
    return "other"


def _mixed(word: str) -> bool:
    scripts = {script_of(ch) for ch in word if ch.isalpha()}
    return "cyrillic" in scripts and "latin" in scripts


def homoglyph_readings(text: str) -> list[str]:
    """A text whose words mix Latin and Cyrillic look-alikes, read wholly in each script.

    Mixed spellings ("ВOСTOK" with Latin O, T, K) dodge naive screening. Which script the
    writer meant cannot be told from the letters alone, so both readings are returned and
    the matcher keeps the better. Case matters: "В" looks like "B", "в" does not.
    """
    if text.isascii() or not any(_mixed(word) for word in _RAW_WORD.findall(text)):
        return [text]
    table = vocabulary().homoglyphs
    cyrillic = "".join(table.to_cyrillic.get(ch, ch) for ch in text)
    latin = "".join(table.to_latin.get(ch, ch) for ch in text)
    return list(dict.fromkeys([cyrillic, latin]))


def words(text: str) -> list[str]:
    """Casefolded words; apostrophes inside a word (Uzbek o'g'li) stay in it."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


# Arabic vowel points, shadda, superscript alef and tatweel: most names in Arabic script are
# written without them, so a name written with them must read as one written without
_ARABIC_POINTS = re.compile("[\u064b-\u065f\u0670\u0640]")


@lru_cache(maxsize=200_000)
def to_ascii(word: str) -> str:
    """One folded word in ASCII: hub-language letters by our table, the rest by ICU (rigour);
    Arabic vowel points left out.

    Kazakh, Kyrgyz and Uzbek letters go first because ICU reads a word with "і" or "ў" as
    Ukrainian or Belarusian and then renders its other letters wrongly (ғ -> h).
    """
    letters = vocabulary().letters
    word = _ARABIC_POINTS.sub("", word)
    word = "".join(letters.get(ch, ch) for ch in word)
    word = _APOSTROPHES.sub("", word)
    return ascii_word(word)


def spelled(word: str) -> str:
    """A folded word in ASCII where its script can be romanised, else as it is written:
    neither ICU nor our tables read Khmer, Lao or Tibetan, and a name in them must still
    meet itself ("ហ៊ុន ម៉ាណែត")."""
    return to_ascii(word) or word


_DOUBLED = re.compile(r"(.)\1+", re.S)


@lru_cache(maxsize=200_000)
def romanisation_key(word: str) -> str:
    """An ASCII word with the spellings of one sound folded together (kh/x/h, yu/iu/ju ...).

    Used next to the plain form, never instead of it: a fold can join words that differ.
    """
    # doubled letters are a romanisation habit, not a difference; the folds run twice, so
    # that a letter doubled into a digraph folds alike ("РТЦ", rtts, is "RTC": тц gives
    # t + ts, which folds to tc, and tc is ц too) while "ЦСТ" (tsst) stays "CST"
    variants = vocabulary().fold_variants
    return _DOUBLED.sub(r"\1", variants(variants(word)))


@lru_cache(maxsize=200_000)
def skeleton(word: str) -> str:
    """The consonants of a word, a coarse key for blocking and vowel shifts: its first letter,
    unless a vowel (Uzbek o' against the Russian u at the start: Yoʻldoshev, read ioldoshev
    from Cyrillic Йўлдошев, and Yuldashev; O'rinboyev and Urinbaev), and the consonants
    after it."""
    key = romanisation_key(word)
    if len(key) <= 2:
        return key
    first = "" if key[0] in "aeiouy" else key[0]
    return first + "".join(ch for ch in key[1:] if ch not in "aeiouyhjw")


@lru_cache(maxsize=1)
def _to_simplified() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


@lru_cache(maxsize=20_000)
def simplified(han: str) -> str:
    """Traditional characters as simplified ones (華 -> 华, 長 -> 长), so that Hong Kong and
    Taiwan spellings meet mainland ones and pinyin reads 長安 as Chang'an, not Zhang'an."""
    return str(_to_simplified().convert(han))


def han_runs(text: str) -> list[tuple[bool, str]]:
    """Split text into (is_han, piece) runs."""
    pieces: list[tuple[bool, str]] = []
    position = 0
    for found in _HAN.finditer(text):
        if found.start() > position:
            pieces.append((False, text[position : found.start()]))
        pieces.append((True, found.group()))
        position = found.end()
    if position < len(text):
        pieces.append((False, text[position:]))
    return pieces
