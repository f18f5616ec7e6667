"""The name-analysis tables, read once from the data files in `matching/data/`.

Each file holds facts with their sources (see `data/SOURCES.md`); this module only turns them
into lookups. Surface forms in the files are written as people write them (ТОО, T.O.O.,
有限公司); they are folded here the same way names are, so the files never need to know how.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from pypinyin import lazy_pinyin
from rapidfuzz import process
from rapidfuzz.distance import OSA

from diversion.folding import ascii_word
from diversion.reference import ReferenceData, describe, load_yaml, package_file

FILES = (
    "legal_forms.yml",
    "transliteration.yml",
    "patronymics.yml",
    "chinese.yml",
    "homoglyphs.yml",
    "generic_words.yml",
    "common_words.yml",
    "nicknames.yml",
    "korean.yml",
    "arabic.yml",
    "enterprise_words.yml",
    "loanwords.yml",
)
HANGUL_FIRST = 0xAC00  # 가, the first Hangul syllable block
MISSPELT_FORM_LENGTH = 10  # a word of a legal form this long is recognised with one typo
CACHED_FORM_SPELLINGS = 50_000  # long words whose legal-form reading is kept
_SPLIT = re.compile(r"[^\W_]+", re.UNICODE)
_APOSTROPHES = re.compile(r"['’ʻʼ‘`]")


def data_path(name: str) -> Path:
    return package_file("diversion.matching", f"data/{name}")


def references() -> list[ReferenceData]:
    """The descriptors of every table name analysis uses, for decisions to record."""
    return [describe(data_path(name)) for name in FILES]


@dataclass(frozen=True)
class Homoglyphs:
    to_latin: dict[str, str]
    to_cyrillic: dict[str, str]


@dataclass(frozen=True)
class HangulLetters:
    """The Latin spellings of Hangul's initials, vowels and finals, each a pair: South
    Korean Revised Romanization and the North Korean official spelling (`korean.yml`)."""

    initials: tuple[tuple[str, str], ...]
    vowels: tuple[tuple[str, str], ...]
    finals: tuple[tuple[str, str], ...]

    def read(self, syllable: str) -> tuple[str, str] | None:
        """A Hangul syllable block in both spellings (정: jeong, jong), or None."""
        code = ord(syllable) - HANGUL_FIRST
        if not 0 <= code < len(self.initials) * len(self.vowels) * len(self.finals):
            return None
        per_initial = len(self.vowels) * len(self.finals)
        initial, vowel, final = (
            self.initials[code // per_initial],
            self.vowels[code % per_initial // len(self.finals)],
            self.finals[code % len(self.finals)],
        )
        return (
            initial[0] + vowel[0] + final[0],
            initial[1] + vowel[1] + final[1],
        )


@dataclass(frozen=True)
class AbjadReading:
    """How a romanisation key is read to compare a word in Arabic script with a Latin one
    (`arabic.yml`): each spelling stands for a class, vowels are the classes A, I and U."""

    classes: dict[str, str]  # spelling -> class
    article: str = ""
    semivowels: dict[str, str] = field(default_factory=dict)  # consonant class -> vowel class
    persian: dict[str, str] = field(default_factory=dict)  # letter -> as Persian reads it
    # words Persian writes with a final ی that Arabic writes ى, as Arabic writes them
    alef_maksura: dict[str, str] = field(default_factory=dict)
    _pattern: re.Pattern[str] | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        ordered = sorted(self.classes, key=lambda s: (-len(s), s))
        pattern = re.compile("|".join(re.escape(s) for s in ordered) + "|.") if ordered else None
        object.__setattr__(self, "_pattern", pattern)

    def read(self, key: str) -> tuple[str, ...]:
        """The key as classes, a class repeated once (mohamed: m U h A m I d)."""
        if self._pattern is None:
            return tuple(key)
        out: list[str] = []
        for spelling in self._pattern.findall(key):
            found = self.classes.get(spelling, spelling)
            if not out or out[-1] != found:
                out.append(found)
        return tuple(out)


@dataclass(frozen=True)
class GermanReading:
    """Names as German spells Russian ones, read the English way (`transliteration.yml`,
    `german_reading`): which words only German spelling makes, and their re-spelling."""

    contains: tuple[str, ...] = ()
    endings: tuple[str, ...] = ()
    respell: dict[str, str] = field(default_factory=dict)
    _pattern: re.Pattern[str] | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        ordered = sorted(self.respell, key=lambda s: (-len(s), s))
        pattern = re.compile("|".join(re.escape(s) for s in ordered)) if ordered else None
        object.__setattr__(self, "_pattern", pattern)

    def marks(self, word: str) -> bool:
        """Whether a folded ASCII word is spelled as only German spells (Schojgu, Lawrow)."""
        return word.endswith(self.endings) or any(run in word for run in self.contains)

    def read(self, word: str) -> str:
        if self._pattern is None:
            return word
        return self._pattern.sub(lambda found: self.respell[found.group()], word)


@dataclass
class Vocabulary:
    letters: dict[str, str]
    homoglyphs: Homoglyphs
    variants: dict[str, str]  # romanisation variant -> the group's key spelling
    legal_forms: dict[tuple[str, ...], str]  # folded token sequence -> class
    legal_form_classes: dict[str, str]
    han_legal_forms: dict[str, str]  # Han surface form -> class
    abbreviations: dict[str, str]
    generic: frozenset[str]
    stopwords: frozenset[str]
    person_titles: frozenset[str]
    patronymic_suffixes: tuple[str, ...]
    patronymic_words: frozenset[str]
    han_places: dict[str, str]
    han_words: dict[str, str]
    # Han company words, places and forms of two or more characters by their pinyin, syllables
    # joined ("guoji"): (English rendering or legal-form class, kind)
    pinyin_words: dict[str, tuple[str, str]]
    places: frozenset[str]
    # numbers written as words ("forty", "first") -> their digits, firm names only
    number_words: dict[str, str] = field(default_factory=dict)
    # a given name's forms (William, Bill, Billy) share a group number
    nicknames: dict[str, frozenset[int]] = field(default_factory=dict)
    hangul: HangulLetters = field(default_factory=lambda: HangulLetters((), (), ()))
    abjad: AbjadReading = field(default_factory=lambda: AbjadReading({}))
    # words of firms' names in Arabic script, folded, -> their English reading
    arabic_firm_words: dict[str, str] = field(default_factory=dict)
    german: GermanReading = field(default_factory=GermanReading)
    # (letter, letters it follows, key, shortest word) at the end of a word
    word_endings: tuple[tuple[str, str, str, int], ...] = ()
    _variant_pattern: re.Pattern[str] | None = field(default=None, repr=False)
    _longest_form: int = field(default=1)
    _long_form_words: tuple[str, ...] = field(default=())
    _form_spellings: dict[str, str] = field(default_factory=dict, repr=False)
    longest_han: int = field(default=1)  # characters of the longest Han form, place or word

    def __post_init__(self) -> None:
        ordered = sorted(self.variants, key=lambda v: (-len(v), v))
        self._variant_pattern = (
            re.compile("|".join(re.escape(v) for v in ordered)) if ordered else None
        )
        self._longest_form = max((len(f) for f in self.legal_forms), default=1)
        self._long_form_words = tuple(
            sorted({w for f in self.legal_forms for w in f if len(w) >= MISSPELT_FORM_LENGTH})
        )
        han_tables = (self.han_legal_forms, self.han_places, self.han_words)
        self.longest_han = max((len(k) for table in han_tables for k in table), default=1)

    def patronymic_suffix(self, token: str) -> str | None:
        """The longest patronymic suffix the word ends in, leaving three letters before it."""
        if not token.endswith(self.patronymic_suffixes):  # one C call rules out most words
            return None
        for suffix in self.patronymic_suffixes:  # longest first
            if token.endswith(suffix) and len(token) >= len(suffix) + 3:
                return suffix
        return None

    def fold_variants(self, word: str) -> str:
        """Scan left to right, taking the longest variant spelling at each place (one
        regular expression of the variants, longest first, does the scan in C); then the
        word's ending (`word_endings`)."""
        if self._variant_pattern is None:
            return word
        word = self._variant_pattern.sub(self._variant_of, word)
        for letter, after, key, min_length in self.word_endings:
            if len(word) >= min_length and word.endswith(letter) and word[-2:-1] in after:
                word = word[: -len(letter)] + key
        return word

    def _variant_of(self, found: re.Match[str]) -> str:
        return self.variants[found.group()]

    def form_spelling(self, token: str) -> str:
        """The word of a legal form a long word misspells by one letter ("Aktiengeselschaft"),
        else the word itself. Only words this long: a shorter one is too often a name."""
        if len(token) < MISSPELT_FORM_LENGTH or not self._long_form_words:
            return token
        spelled = self._form_spellings.get(token)
        if spelled is None:
            if len(self._form_spellings) >= CACHED_FORM_SPELLINGS:
                self._form_spellings.clear()
            found = process.extractOne(
                token, self._long_form_words, scorer=OSA.distance, score_cutoff=1
            )
            spelled = self._form_spellings[token] = token if found is None else str(found[0])
        return spelled

    def legal_form_at(self, tokens: list[str], start: int) -> tuple[int, str] | None:
        """The longest legal form starting at `start`: (its length in tokens, its class)."""
        for size in range(min(self._longest_form, len(tokens) - start), 0, -1):
            found = self.legal_forms.get(tuple(tokens[start : start + size]))
            if found is not None:
                return size, found
        return None


def fold_surface(text: str, letters: dict[str, str]) -> list[str]:
    """A surface form from a data file, folded to ASCII tokens as names are."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(letters.get(ch, ch) for ch in text)
    text = _APOSTROPHES.sub("", text)
    tokens = []
    for word in _SPLIT.findall(text):
        folded = ascii_word(word)
        if folded:
            tokens.append(folded)
    return tokens


def _strings(value: Any) -> Iterator[str]:
    if value is None:
        return
    if isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)
    else:
        yield str(value)


def _has_han(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in text)


def _letters(data: dict[str, Any]) -> dict[str, str]:
    letters: dict[str, str] = {}
    for letter, renderings in (data.get("letters") or {}).items():
        first = next(_strings(renderings), "")
        first = _APOSTROPHES.sub("", first)
        for form in {str(letter).lower(), str(letter).upper()}:
            # a letter of a script without case (ة) is its lower case
            letters[form] = first.capitalize() if form.isupper() else first.lower()
    return letters


def _word_endings(data: dict[str, Any]) -> tuple[tuple[str, str, str, int], ...]:
    return tuple(
        (str(e["letter"]), str(e["after"]), str(e["key"]), int(e["min_length"]))
        for e in data.get("word_endings") or []
    )


def _variants(data: dict[str, Any]) -> dict[str, str]:
    """Each group folds to its shortest spelling (the first of equals), itself included, so
    that the left-to-right scan reads `ia` as one unit and not as `i` + `a`."""
    variants: dict[str, str] = {}
    for group in data.get("latin_variants") or []:
        spellings = [_APOSTROPHES.sub("", s).lower() for s in _strings(group)]
        spellings = [s for s in spellings if s and s.isascii() and s.isalpha()]
        if len(spellings) < 2:
            continue
        target = min(spellings, key=len)
        for spelling in spellings:
            variants.setdefault(spelling, target)
    return variants


def _homoglyphs(data: Any) -> Homoglyphs:
    to_latin: dict[str, str] = {}
    to_cyrillic: dict[str, str] = {}

    def pairs(node: Any) -> Iterable[dict[str, Any]]:
        if isinstance(node, dict):
            if "cyrillic" in node and "latin" in node:
                yield node
            else:
                for value in node.values():
                    yield from pairs(value)
        elif isinstance(node, list):
            for value in node:
                yield from pairs(value)

    for pair in pairs(data):
        cyrillic, latin = str(pair["cyrillic"]), str(pair["latin"])
        if len(cyrillic) == 1 and len(latin) == 1:
            to_latin.setdefault(cyrillic, latin)
            to_cyrillic.setdefault(latin, cyrillic)
    return Homoglyphs(to_latin, to_cyrillic)


def _legal_forms(
    data: dict[str, Any], letters: dict[str, str]
) -> tuple[dict[tuple[str, ...], str], dict[str, str]]:
    folded: dict[tuple[str, ...], str] = {}
    han: dict[str, str] = {}
    for entry in data.get("forms") or []:
        form_class = str(entry["class"])
        for surface in _strings(entry.get("forms")):
            if _has_han(surface):
                han.setdefault(surface, form_class)
                continue
            tokens = tuple(fold_surface(surface, letters))
            if tokens:
                folded.setdefault(tokens, form_class)
    return folded, han


def _single_words(values: Iterable[str], letters: dict[str, str]) -> frozenset[str]:
    return frozenset(token for value in values for token in fold_surface(value, letters))


def _patronymics(
    data: dict[str, Any], letters: dict[str, str]
) -> tuple[tuple[str, ...], frozenset[str]]:
    suffixes: set[str] = set()
    for entry in data.get("suffixes") or []:
        for spelling in _strings([entry.get("suffix"), entry.get("spellings")]):
            suffixes.update(fold_surface(spelling.lstrip("-"), letters))
    spelled: list[str] = []
    for entry in data.get("words") or []:
        spelled.extend(_strings([entry.get("word"), entry.get("spellings")]))
    return tuple(sorted(suffixes, key=len, reverse=True)), _single_words(spelled, letters)


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    transliteration = load_yaml(data_path("transliteration.yml")) or {}
    arabic = load_yaml(data_path("arabic.yml")) or {}
    letters = {**_letters(transliteration), **_letters(arabic)}
    forms, han_forms = _legal_forms(load_yaml(data_path("legal_forms.yml")), letters)
    classes = {
        str(k): str(v)
        for k, v in (load_yaml(data_path("legal_forms.yml")).get("classes") or {}).items()
    }
    generic = load_yaml(data_path("generic_words.yml")) or {}
    abbreviations: dict[str, str] = {}
    for written, expansion in (generic.get("abbreviations") or {}).items():
        keys = fold_surface(str(written), letters)
        expanded = fold_surface(next(_strings(expansion), ""), letters)
        if len(keys) == 1 and expanded:
            abbreviations.setdefault(keys[0], " ".join(expanded))
    chinese = load_yaml(data_path("chinese.yml")) or {}
    han_places = {
        str(p["han"]): " ".join(fold_surface(str(p["en"]), letters))
        for p in chinese.get("places") or []
        if p.get("en")
    }
    han_words = {
        str(w["han"]): " ".join(fold_surface(next(_strings(w["en"]), ""), letters))
        for w in chinese.get("words") or []
        if w.get("en")
    }
    suffixes, patronymic_words = _patronymics(
        load_yaml(data_path("patronymics.yml")) or {}, letters
    )
    pinyin_words: dict[str, tuple[str, str]] = {}
    for table, kind in ((han_forms, "form"), (han_places, "place"), (han_words, "generic")):
        for han, value in sorted(table.items()):
            if len(han) >= 2 and value:
                pinyin_words.setdefault("".join(lazy_pinyin(han)), (value, kind))
    nicknames: dict[str, set[int]] = {}
    raw_groups = (load_yaml(data_path("nicknames.yml")) or {}).get("groups") or []
    for number, group in enumerate(raw_groups):
        for form in group:
            tokens = fold_surface(str(form), letters)
            if len(tokens) == 1:
                nicknames.setdefault(tokens[0], set()).add(number)
    number_words: dict[str, str] = {}
    for digits, spelled in (generic.get("number_words") or {}).items():
        for word in _single_words(_strings(spelled), letters):
            number_words.setdefault(word, str(digits))
    korean = load_yaml(data_path("korean.yml")) or {}
    hangul = HangulLetters(
        *(
            tuple(zip(korean[table]["rr"], korean[table]["dprk"], strict=True))
            for table in ("initials", "vowels", "finals")
        )
    )
    persian = arabic.get("persian") or {}
    abjad = AbjadReading(
        {
            str(spelling): str(reading)
            for reading, spellings in (arabic.get("reading") or {}).items()
            for spelling in _strings(spellings)
        },
        str(arabic.get("article") or ""),
        {str(k): str(v) for k, v in (arabic.get("semivowels") or {}).items()},
        {str(k): str(v) for k, v in (persian.get("letters") or {}).items()},
        {str(w): str(w)[:-1] + "ى" for w in _strings(persian.get("alef_maksura"))},
    )
    arabic_firm_words: dict[str, str] = {}
    for written, english in (arabic.get("firm_words") or {}).items():
        keys = fold_surface(str(written), letters)
        if len(keys) == 1:
            arabic_firm_words.setdefault(keys[0], " ".join(fold_surface(str(english), letters)))
    german = transliteration.get("german_reading") or {}
    markers = german.get("markers") or {}
    return Vocabulary(
        german=GermanReading(
            tuple(_strings(markers.get("contains"))),
            tuple(_strings(markers.get("endings"))),
            {str(k): str(v) for k, v in (german.get("respell") or {}).items()},
        ),
        abjad=abjad,
        arabic_firm_words=arabic_firm_words,
        hangul=hangul,
        number_words=number_words,
        nicknames={name: frozenset(groups) for name, groups in nicknames.items()},
        letters=letters,
        homoglyphs=_homoglyphs(load_yaml(data_path("homoglyphs.yml"))),
        variants=_variants(transliteration),
        word_endings=_word_endings(transliteration),
        legal_forms=forms,
        legal_form_classes=classes,
        han_legal_forms=han_forms,
        abbreviations=abbreviations,
        generic=_single_words(_strings(generic.get("generic")), letters),
        stopwords=_single_words(_strings(generic.get("stopwords")), letters),
        person_titles=_single_words(_strings(generic.get("person_titles")), letters),
        patronymic_suffixes=suffixes,
        patronymic_words=patronymic_words,
        han_places=han_places,
        han_words=han_words,
        pinyin_words=pinyin_words,
        places=frozenset(
            token for place in han_places.values() for token in place.split() if len(token) > 3
        ),
    )
