"""Chinese names in Wade-Giles, read in pinyin: `Hsi Chin-p'ing` is Xi Jinping, `Mao Tse-tung`
Mao Zedong. Taiwan, older documents and many lists still spell Chinese names so.

The table comes from pypinyin, which spells every pinyin syllable in Wade-Giles too; read
backwards, and without the apostrophes that writers drop, a Wade-Giles syllable can stand for
several pinyin ones (`chin`: jin or qin), so a name gives every reading, up to a few.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import product

from pypinyin import Style
from pypinyin.pinyin_dict import pinyin_dict
from pypinyin.style import convert

from diversion.matching.text import to_ascii
from diversion.matching.text import words as words_of

MAX_READINGS = 8  # a name with more ambiguous syllables is not read


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[str, tuple[str, ...]], frozenset[str]]:
    """Wade-Giles syllable (no apostrophes) -> its pinyin syllables; and all pinyin syllables."""
    toned = {syllable for value in pinyin_dict.values() for syllable in value.split(",")}
    readings: dict[str, set[str]] = {}
    for syllable in toned:
        plain = convert(syllable, Style.NORMAL, True)
        wade_giles = convert(syllable, Style.WADEGILES, True).replace("'", "").lower()
        readings.setdefault(wade_giles, set()).add(plain)
    pinyin = frozenset(convert(s, Style.NORMAL, True) for s in toned)
    return {k: tuple(sorted(v)) for k, v in readings.items()}, pinyin


def readings(name: str) -> list[str]:
    """The pinyin readings of a name written wholly in Wade-Giles syllables, at least one of
    which pinyin does not have (`hsi`, `tse`, `chin`); else none. "Li Peng" is pinyin already;
    "Ho Chi Minh" is not Chinese."""
    syllables = [to_ascii(word) for word in words_of(name)]
    table, pinyin = _tables()
    if len(syllables) < 2 or not all(s in table for s in syllables):
        return []
    if all(s in pinyin for s in syllables):
        return []
    options = [table[s] for s in syllables]
    count = 1
    for option in options:
        count *= len(option)
    if count > MAX_READINGS:
        return []
    return [" ".join(reading) for reading in product(*options)]
