"""Names taken apart: which words carry the name, which are legal forms, generic words,
patronymics or numbers, each with the keys the matcher compares.

`analyse("ТОО «Элем Групп»", "Company")` gives the parts `elem` (name) and `grupp` (generic),
and the legal-form class `llc`. The same analysis runs on list names when the index is built
and on declaration names when they are screened, so both sides are folded alike.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import NamedTuple

from pypinyin import lazy_pinyin
from rigour.territories import get_territories

from diversion.matching import abjad, german, wade_giles
from diversion.matching.enterprise_words import enterprise_words, place_of_adjective
from diversion.matching.loanwords import english_reading
from diversion.matching.text import (
    han_runs,
    homoglyph_readings,
    romanisation_key,
    script_of,
    simplified,
    spelled,
    to_ascii,
)
from diversion.matching.text import words as words_of
from diversion.matching.vocabulary import vocabulary

# Kinds of name part, and how much each counts when names are compared.
NAME = "name"
GENERIC = "generic"
PLACE = "place"
PATRONYMIC = "patronymic"
NUMBER = "number"
INITIAL = "initial"
HANGUL = "hangul"  # a syllable of a person's name in Hangul, before it is spelled
# a word of Hangul syllable blocks only
HANGUL_WORD = re.compile(r"[\uac00-\ud7a3]+")

PERSON_SCHEMATA = frozenset({"Person"})
PINYIN_SPAN = 4  # words of a pinyin company word or form written apart ("you xian gong si")
# Arabic and Berber particles before a father's name: "Muhammad bin Salman"; in Arabic
# script they romanise without their vowels (بن, ابن, بنت, ولد: bn, abn, bnt, wld).
NASAB = frozenset(
    {"bin", "ibn", "ben", "bint", "binti", "ould", "walad", "bn", "abn", "bnt", "wld"}
)
# the words of a father's name that also open a name written family name first; "ben" is a
# given name there (Ben Netanyahu)
LEADING_NASAB = frozenset({"bin", "ibn", "bint", "binti"})
# the Arabic article as romanised inside names (al-Assad, el-Assad, Zia-ul-Haq)
ARTICLES = frozenset({"al", "el", "ul"})
_CONSONANTS_ONLY = re.compile(r"[bcdfghjklmnpqrstvwxz]{2,3}")
NO_VOWEL_NAMES = frozenset({"ng"})  # a surname with no vowel (Vietnamese, Cantonese)
_CYRILLIC_WORD = re.compile(r"[а-яё]{2,}")  # a casefolded Russian word
_ARABIC_LETTER = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff]")
# Roman numerals in firm names ("Bowne Global Solutions II") are numbers like any other.
ROMAN = {"ii": "2", "iii": "3", "iv": "4", "vi": "6", "vii": "7", "viii": "8", "ix": "9"}
# Digits written for letters in people's names ("Ig0r Sech1n") to dodge screening.
DIGIT_LETTERS = str.maketrans(
    {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "8": "b"}
)
_ORDINAL = re.compile(r"^(\d+)(?:st|nd|rd|th|[-]?(?:й|я|е|ый|ая|ое))$")
_QUOTED = re.compile(r"[«\"“„”]([^«»\"“”„]+)[»\"”“]")
_SLASHED = re.compile(r"(?<=[^\W\d_]{3})\s*/\s*(?=[^\W\d_]{3})")
_BRACKETED = re.compile(r"[(\[]([^()\[\]]+)[)\]]")
_FORMERLY = re.compile(
    r"^(?:formerly|f\.?k\.?a\.?|a\.?k\.?a\.?|also known as|ранее|бывш\.?)\s+", re.I
)


class Part(NamedTuple):
    """One word of a name, as written (folded to ASCII) and as a romanisation key. A named
    tuple: millions are made and hashed while candidates are scored."""

    text: str
    kind: str
    key: str

    @property
    def is_distinctive(self) -> bool:
        return self.kind in (NAME, PATRONYMIC, INITIAL)


@dataclass(frozen=True)
class Name:
    original: str
    schema: str
    parts: tuple[Part, ...]
    forms: frozenset[str] = field(default_factory=frozenset)  # legal-form classes
    form_words: tuple[str, ...] = ()  # the legal forms as written, for explanations
    # written in Han characters: its pinyin words are characters, and a letter changed in
    # them is another character ("liang" is not "jiang"), never a typo
    han: bool = False
    # the name written as its initials ("НИИ ТП" for "НИИ точного приборостроения"): it meets
    # a name written so, never another name's initials
    acronym: bool = False
    # words read in another language's rendering, for explanations ("zavod: plant")
    readings: tuple[str, ...] = field(default=(), compare=False)
    # the parts but numbers: what the matcher aligns (kept, since it reads them for every pair)
    words: tuple[Part, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "words", tuple(p for p in self.parts if p.kind != NUMBER))

    @property
    def numbers(self) -> frozenset[str]:
        return frozenset(p.text for p in self.parts if p.kind == NUMBER)

    @property
    def folded(self) -> str:
        return " ".join(p.text for p in self.parts)

    @property
    def is_person(self) -> bool:
        return self.schema in PERSON_SCHEMATA

    def dumps(self) -> str:
        """A compact one-line form for the on-disk index."""
        parts = " ".join(f"{_CODES[p.kind]}{p.text}/{p.key}" for p in self.parts)
        forms = ",".join(sorted(self.forms))
        han = ("h" if self.han else "") + ("a" if self.acronym else "")
        readings = "|".join(self.readings)
        return f"{self.schema}\t{forms}\t{parts}\t{'|'.join(self.form_words)}\t{han}\t{readings}"


_CODES = {NAME: "n", GENERIC: "g", PLACE: "p", PATRONYMIC: "f", NUMBER: "#", INITIAL: "i"}
_KINDS = {code: kind for kind, code in _CODES.items()}


def loads(original: str, line: str) -> Name:
    schema, forms, parts, form_words, han, readings = line.split("\t")
    out = []
    for chunk in parts.split(" ") if parts else []:
        text, key = chunk[1:].split("/", 1)
        out.append(Part(text, _KINDS[chunk[0]], key))
    return Name(
        original,
        schema,
        tuple(out),
        frozenset(f for f in forms.split(",") if f),
        tuple(w for w in form_words.split("|") if w),
        "h" in han,
        "a" in han,
        tuple(r for r in readings.split("|") if r),
    )


def split_aliases(name: str) -> list[str]:
    """The name, and the names written inside it in quotes or brackets.

    `ТОО «Элем Групп»` also gives `Элем Групп`; `Alfa Trading (formerly Beta Logistics)` gives
    `Alfa Trading` and `Beta Logistics`. Short bracketed notes such as "(HK)" are not names.
    """
    name = unicodedata.normalize("NFKC", name).strip()
    found = [name]
    for quoted in _QUOTED.findall(name):
        found.append(quoted.strip())
    brackets = [b for b in _BRACKETED.findall(name) if not _is_place(b)]
    if brackets:
        outside = _BRACKETED.sub(" ", name)
        found.append(" ".join(outside.split()))
        for inside in brackets:
            inside = _FORMERLY.sub("", inside.strip())
            if sum(ch.isalpha() for ch in inside) >= 5:
                found.append(inside)
    seen: dict[str, None] = {}
    for alias in found:
        if alias and sum(ch.isalnum() for ch in alias) >= 2:
            for reading in homoglyph_readings(alias):
                seen.setdefault(reading, None)
    return list(seen)


def _is_place(text: str) -> bool:
    """A bracketed place ("(Hong Kong)", "(U.K.)") qualifies the name; it is not an alias."""
    folded = [spelled(w) for w in words_of(text)]
    joined = "".join(folded)
    vocab = vocabulary()
    return bool(folded) and (
        len(joined) <= 3
        or joined in _country_words()
        or all(country_word(w) or w in vocab.places for w in folded)
        or " ".join(folded) in {"hong kong", "united kingdom", "united states", "new zealand"}
    )


def slashed_aliases(name: str) -> list[str]:
    """The names an organisation's name gives between slashes ("Al-Qa'ida/Islamic Army"),
    when there are words on both sides (not "A/S" or "c/o")."""
    pieces = [" ".join(p.split()) for p in _SLASHED.split(name)]
    return [p for p in pieces if p] if len(pieces) > 1 else []


def analyse_all(name: str, schema: str = "LegalEntity") -> list[Name]:
    """The name and its aliases, analysed. An alias cut out of the name ("Элем Групп" from
    "АО «Элем Групп»") keeps the name's legal form, so that forms still compare; a
    person's name in Wade-Giles gives its pinyin readings, one in German spelling its
    English one, and a name in Arabic script with ض or ذ its Persian one. A firm's name
    between slashes is an alias only with a word of its own: "Import/Export" gives no
    alias "Export Co"."""
    out: list[Name] = []
    whole: Name | None = None
    aliases = split_aliases(name)
    slashed = [] if schema in PERSON_SCHEMATA else slashed_aliases(aliases[0] if aliases else "")
    kept: list[str] = []
    for alias in aliases + [a for a in slashed if a not in aliases]:
        analysed = analyse(alias, schema)
        if whole is None:
            whole = analysed
        elif alias in slashed and not _has_own_word(analysed):
            continue
        elif not analysed.forms and whole.forms:
            analysed = replace(analysed, forms=whole.forms, form_words=whole.form_words)
        out.append(analysed)
        kept.append(alias)
    for alias in kept:
        for reading in _readings(alias, schema):
            out.append(replace(analyse(reading, schema), original=alias))
        initials = None if schema in PERSON_SCHEMATA else initials_form(alias)
        if initials:
            analysed = analyse(initials, schema)
            note = f"{' '.join(p.text for p in analysed.parts)} (its initials)"
            out.append(replace(analysed, original=alias, acronym=True, readings=(note,)))
    return out


def _readings(alias: str, schema: str) -> Iterator[str]:
    """The other ways a name may be read: a name in Arabic script as Persian reads it (رضا
    Reza); a person's name in Wade-Giles in pinyin ("Mao Tse-tung": mao ze dong), and one in
    the German spelling of Russian the English way ("Jurij Tschajka": yuriy chayka)."""
    persian = abjad.persian_reading(alias)
    if persian:
        yield persian
    if schema in PERSON_SCHEMATA:
        yield from wade_giles.readings(alias)
        respelled = german.reading(alias)
        if respelled:
            yield respelled


def initials_form(name: str) -> str | None:
    """A Soviet-style enterprise name as its acronym is written: an enterprise acronym (НИИ,
    НПО, ОКБ …, `enterprise_words.yml`) followed by two to four words of the name gives those
    words' initials, as the lists write them: "НИИ точного приборостроения" is also "НИИ ТП",
    "NII TP". The words before the acronym (a legal form) are kept. Two names read so are
    never compared (НИИ тяжёлого приборостроения is NII TP too): `Name.acronym`."""
    written = words_of(name)
    acronyms = enterprise_words().acronyms
    for at, word in enumerate(written):
        if spelled(word) in acronyms:
            rest = [w for w in written[at + 1 :] if spelled(w) not in vocabulary().stopwords]
            if 2 <= len(rest) <= 4 and all(len(w) >= 3 and w.isalpha() for w in rest):
                return " ".join([*written[: at + 1], "".join(w[0] for w in rest)])
            return None
    return None


def _has_own_word(name: Name) -> bool:
    """Whether a name has a word that is neither generic nor a legal form."""
    generic = vocabulary().generic
    forms = {w for words in name.form_words for w in words.split()}
    return any(
        p.kind in (NAME, PATRONYMIC) and p.text not in generic and p.text not in forms
        for p in name.parts
    )


def _han_tokens(run: str) -> list[tuple[str, str]]:
    """Han text as (token, kind) pairs: places and company words in English, legal forms
    as `form:CLASS`, and the rest in pinyin with its syllables joined (华诚达 -> huachengda)."""
    vocab = vocabulary()
    tables: list[tuple[dict[str, str], str]] = [
        (vocab.han_legal_forms, "form"),
        (vocab.han_places, PLACE),
        (vocab.han_words, GENERIC),
    ]
    longest = vocab.longest_han
    out: list[tuple[str, str]] = []
    rest: list[str] = []

    def flush() -> None:
        if rest:
            out.append(("".join(lazy_pinyin("".join(rest))), NAME))
            rest.clear()

    i = 0
    while i < len(run):
        for size in range(min(longest, len(run) - i), 0, -1):
            piece = run[i : i + size]
            hit = next(((table[piece], kind) for table, kind in tables if piece in table), None)
            if hit is not None:
                flush()
                value, kind = hit
                if kind == "form":
                    out.append((f"form:{value}", "form"))
                else:
                    out.extend((token, kind) for token in value.split())
                i += size
                break
        else:
            rest.append(run[i])
            i += 1
    flush()
    return out


def _read_pinyin(tokens: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Company words, places and legal forms written in pinyin ("Guoji Haiyun Youxian
    Gongsi") read as the Han ones are (international, shipping, llc), so that a firm's
    pinyin name meets its Han name and its English name."""
    table = vocabulary().pinyin_words
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(tokens):
        for size in range(min(PINYIN_SPAN, len(tokens) - i), 0, -1):
            span = tokens[i : i + size]
            if any(kind != NAME for _, kind in span):
                continue
            hit = table.get("".join(token for token, _ in span))
            if hit is not None:
                value, kind = hit
                if kind == "form":
                    out.append((f"form:{value}", "form"))
                else:
                    out.extend((token, kind) for token in value.split())
                i += size
                break
        else:
            out.append(tokens[i])
            i += 1
    return out


def _tokens(
    name: str,
    person: bool = False,
    notes: list[str] | None = None,
    written: dict[str, str] | None = None,
) -> list[tuple[str, str]]:
    """(ascii token, provisional kind) for every word of the name, Han included. A person's
    name in Hangul is read syllable by syllable (김정은: 김, 정, 은), as the lists write
    Korean names (Kim Jong Un); each syllable is spelled by `_part`. In a firm's name a
    Russian adjective made from a place is read as the place (Бийский: biysk), as English
    names the firm (Biysk Powder Plant); each such reading is added to `notes`, and the word as
    transliterated to `written`, by its reading."""
    out: list[tuple[str, str]] = []
    for is_han, piece in han_runs(unicodedata.normalize("NFKC", name)):
        if is_han:
            out.extend(_han_tokens(simplified(piece)))
            continue
        for word in words_of(piece):
            if person and HANGUL_WORD.fullmatch(word):
                out.extend((syllable, HANGUL) for syllable in word)
                continue
            folded = spelled(word)
            if not person and folded and _CYRILLIC_WORD.fullmatch(word):
                read = _read_cyrillic(word, folded)
                if read != folded:
                    if notes is not None:
                        notes.append(f"{folded}: {read}")
                    if written is not None:
                        written[read] = folded
                    folded = read
            ordinal = _ORDINAL.match(word.casefold())
            if ordinal:  # "13th", "1-й"
                out.append((ordinal.group(1), NUMBER))
            elif folded:
                out.append((folded, NUMBER if folded.isdigit() else NAME))
    return out


def _read_cyrillic(word: str, folded: str) -> str:
    """A Cyrillic word of a firm's name as English writes it: a Russian adjective made from
    a place as the place (Бийский: biysk), an English word written by sound as that word
    (Креатив: creative); else as transliterated."""
    place = place_of_adjective(word)
    if place is not None:
        return spelled(place)
    return english_reading(word, folded) or folded


def _read_numbers(tokens: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Numbers written as words in firm names read as digits ("Forty-Four" is 44, "First"
    is 1), so that they meet the digits."""
    table = vocabulary().number_words
    out: list[tuple[str, str]] = []
    for token, kind in tokens:
        if kind == NAME and token in table:
            token, kind = table[token], NUMBER
        if kind == NUMBER and out and out[-1][1] == NUMBER:
            tens, unit = out[-1][0], token
            if len(tens) == 2 and tens.endswith("0") and tens != "10" and len(unit) == 1:
                out[-1] = (str(int(tens) + int(unit)), NUMBER)  # forty four
                continue
        out.append((token, kind))
    return out


def patronymic_root(token: str) -> str:
    """The father's name inside a patronymic, so that its Russian, Kazakh, Kyrgyz and Uzbek
    forms meet: Asanbekovich, Asanbekuly and "Asanbek uulu" are all Asanbek."""
    suffix = vocabulary().patronymic_suffix(token)
    return token[: -len(suffix)] if suffix else token


def _is_patronymic(token: str) -> bool:
    return vocabulary().patronymic_suffix(token) is not None


@lru_cache(maxsize=100_000)
def analyse(name: str, schema: str = "LegalEntity") -> Name:
    """Take one name apart. Legal forms are only looked for in names of organisations."""
    vocab = vocabulary()
    person = schema in PERSON_SCHEMATA
    notes: list[str] = []
    written: dict[str, str] = {}  # a Cyrillic word read otherwise -> its transliteration
    tokens = _tokens(name, person, notes, written)
    if not person:
        tokens = _read_numbers(_read_pinyin(tokens))
    forms: set[str] = set()
    form_words: list[str] = []
    kept: list[tuple[str, str]] = []
    plain = [t if person or k != NAME else vocab.form_spelling(t) for t, k in tokens]
    i = 0
    while i < len(tokens):
        token, kind = tokens[i]
        if kind == "form":
            forms.add(token.split(":", 1)[1])
            form_words.append(token)
            i += 1
            continue
        hit = None if person or kind != NAME else vocab.legal_form_at(plain, i)
        if hit is not None:
            size, form_class = hit
            forms.add(form_class)
            form_words.append(" ".join(plain[i : i + size]))
            i += size
            continue
        kept.append((token, kind))
        i += 1
    arabic = _ARABIC_LETTER.search(name) is not None
    if person and not arabic:
        kept = _without_articles(kept)
        if name.isascii() or all(script_of(c) == "latin" for c in name if c.isalpha()):
            kept = _initials_run_together(kept)
    if not any(kind != "form" for _, kind in kept) and form_words and not person:
        # a name that is only a legal form ("LLC") keeps it as its name
        kept = [(w, NAME) for w in " ".join(form_words).split() if not w.startswith("form:")]
        forms = set()
    readings: list[str] = list(notes)
    if not person:
        kept = _in_english(kept, arabic, readings, written)
    parts: list[Part] = []
    for position, (token, kind) in enumerate(kept):
        part = _part(token, person, position, kept, kind, latin_words=not arabic)
        if token in written and part.kind != NUMBER:
            # read as English spells it (Транзит: transit) but keyed as transliterated, so the
            # name still meets its own Latin transliteration (TRANZIT) by key
            part = part._replace(key=romanisation_key(written[token]))
        parts.append(part)
    parts = [p for p in parts if p.kind != "stop"]
    if not person:
        parts = _join_letters(parts)
    if not any(p.kind not in (GENERIC, NUMBER) for p in parts):
        # only generic words (and numbers): the words are the name
        parts = [p if p.kind == NUMBER else Part(p.text, NAME, p.key) for p in parts]
    han = any(is_han for is_han, _ in han_runs(name))
    return Name(
        name,
        schema,
        tuple(parts),
        frozenset(forms),
        tuple(form_words),
        han,
        readings=tuple(readings),
    )


def _in_english(
    kept: list[tuple[str, str]],
    arabic: bool,
    readings: list[str],
    transliterated: dict[str, str] | None = None,
) -> list[tuple[str, str]]:
    """A firm's words with abbreviations written out and the words of enterprise names read
    in English (`enterprise_words.yml`): "NPO Zarya", "НПО «Заря»" and "Scientific Production
    Association Zarya" all read scientific production association zarya. Each word read so is
    noted in `readings` ("npo: scientific production association"); a word read from Cyrillic
    (`transliterated`) passes its transliteration on to the one English word it becomes."""
    vocab = vocabulary()
    table = enterprise_words()
    expanded: list[tuple[str, str, str]] = []  # (token, kind, the abbreviation it came from)
    for token, kind in kept:
        if kind != NAME:
            expanded.append((token, kind, ""))
            continue
        if arabic:  # firm words in Arabic script, read in English (arabic.yml)
            token = vocab.arabic_firm_words.get(token, token)
        written = vocab.abbreviations.get(token) or table.acronyms.get(token)
        if written is None:
            expanded.append((token, kind, ""))
            continue
        expanded.extend((piece, NAME, token) for piece in written.split())
    tokens = [token for token, _, _ in expanded]
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(expanded):
        token, kind, source = expanded[i]
        reading = table.reading_at(tokens, i) if kind == NAME else None
        if reading is None or any(k != NAME for _, k, _ in expanded[i : i + reading.size]):
            if source and (i == 0 or expanded[i - 1][2] != source):
                readings.append(f"{source}: {' '.join(t for t, _, s in expanded if s == source)}")
            out.append((token, kind))
            i += 1
            continue
        covered = expanded[i : i + reading.size]
        sources = {s for _, _, s in covered}
        written_as = sources.pop() if len(sources) == 1 and "" not in sources else None
        english = " ".join(reading.english)
        if written_as and (i == 0 or expanded[i - 1][2] != written_as):
            readings.append(f"{written_as}: {english}")
        elif written_as:
            last = readings[-1].rsplit(" ", 1)[-1]
            readings[-1] += f" {english}" if reading.english[0] != last else english[len(last) :]
        elif reading.translated:
            readings.append(f"{' '.join(tokens[i : i + reading.size])}: {english}")
        one_word = reading.size == 1 and len(reading.english) == 1
        if transliterated and one_word and token in transliterated:
            transliterated[reading.english[0]] = transliterated[token]
        for word in reading.english:
            if not out or out[-1] != (word, NAME):  # научно-исследовательский: one "scientific"
                out.append((word, NAME))
        i += reading.size
    return out


def _without_articles(kept: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A romanised person's name without the Arabic article inside it: al-Assad, el-Assad
    and Assad are one family name. "'Abd al-Aziz" is written "Abdul Aziz" too, so "abd" and
    its article become "abdul". (In Arabic script the article is joined to its word; a word
    "al" there is آل, "family of", and is kept.)"""
    out: list[tuple[str, str]] = []
    last = len(kept) - 1
    for i, (token, kind) in enumerate(kept):
        if token in ARTICLES and 0 < i < last:
            if out[-1][0] == "abd":
                out[-1] = ("abdul", kind)
            continue
        out.append((token, kind))
    return out


def _initials_run_together(kept: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A person's word of two or three consonants and nothing else, before the last word, is
    initials written together ("JC Juncker" is J. C. Juncker), unless it is a surname
    written so (Ng). The last word is more often a name cut short ("Belkassem Dr"). Latin
    names only: scripts that leave vowels out romanise to such words (Hebrew דוד, dwd)."""
    out: list[tuple[str, str]] = []
    for at, (token, kind) in enumerate(kept):
        if (
            at < len(kept) - 1
            and kind == NAME
            and _CONSONANTS_ONLY.fullmatch(token)
            and token not in NO_VOWEL_NAMES
        ):
            out.extend((letter, kind) for letter in token)
        else:
            out.append((token, kind))
    return out


def _join_letters(parts: list[Part]) -> list[Part]:
    """Initials of a firm are one word, in their order: "A.B.C." is "abc", not "cba"; an
    abbreviation written so is expanded ("U.S." is "united states")."""
    abbreviations = vocabulary().abbreviations
    out: list[Part] = []
    run: list[Part] = []
    for part in [*parts, Part("", "end", "")]:
        if part.kind == NAME and len(part.text) == 1 and part.text.isalpha():
            run.append(part)
            continue
        if len(run) > 1:
            text = "".join(p.text for p in run)
            if text in abbreviations:
                out.extend(_part(w, False, 0, []) for w in abbreviations[text].split())
            else:
                out.append(Part(text, NAME, romanisation_key(text)))
        else:
            out.extend(run)
        run = []
        if part.kind != "end":
            out.append(part)
    return out


@lru_cache(maxsize=1)
def _country_words() -> dict[str, str]:
    """One-word country names (and a few short forms) by their folded spelling."""
    words: dict[str, str] = {"uk": "GB", "usa": "US", "uae": "AE", "hk": "HK"}
    for territory in get_territories():
        if territory.alpha3 is None or territory.is_historical or not territory.is_country:
            continue
        for name in (territory.name, territory.full_name):
            folded = [to_ascii(w) for w in words_of(name or "")]
            if len(folded) == 1 and len(folded[0]) >= 4:
                words.setdefault(folded[0], str(territory.code).upper())
    return words


def country_word(token: str) -> str | None:
    """The country a word of a firm's name names ("Bowne Global Solutions Spain")."""
    return _country_words().get(token)


def _part(
    token: str,
    person: bool,
    position: int,
    kept: list[tuple[str, str]],
    kind: str = NAME,
    latin_words: bool = True,
) -> Part:
    """One word of a name. The stop words and titles are Latin words (`latin_words`): Arabic
    script romanised without its vowels makes words that look like them (عمر, Omar, is "mr")."""
    vocab = vocabulary()
    if kind == HANGUL:
        # spelled as South Korea does (a Hangul name against another compares these), keyed
        # as the lists spell North Korean names (Kim Jong Un), so that it meets them
        south, north = vocab.hangul.read(token) or (token, token)
        return Part(south, NAME, romanisation_key(north))
    if kind == NUMBER or (kind == NAME and token in ROMAN and not person and position > 0):
        number = ROMAN.get(token, token).lstrip("0") or "0"
        return Part(number, NUMBER, number)
    if person and kind == NAME and not token.isdigit() and any(ch.isdigit() for ch in token):
        token = token.translate(DIGIT_LETTERS)
    key = romanisation_key(token)
    if kind != NAME:
        return Part(token, kind, key)
    if latin_words and token in vocab.stopwords and len(kept) > 1:
        return Part(token, "stop", key)
    if person:
        if latin_words and token in vocab.person_titles and len(kept) > 2:
            return Part(token, "stop", key)
        # "bin" opens a father's name inside a name, not at its start ("Ben Netanyahu");
        # "bin" and "ibn" (not "ben") open one at the start of a longer name too, written
        # father's name first as the lists write family names ("BIN LADIN, Usama")
        opens_first = len(kept) > 2 and kept[0][0] in LEADING_NASAB
        if (token in vocab.patronymic_words or token in NASAB) and position > 0:
            return Part(token, "stop", key)
        if position == 0 and opens_first:
            return Part(token, "stop", key)
        following = kept[position + 1][0] if position + 1 < len(kept) else ""
        previous = kept[position - 1][0] if position > 1 or opens_first else ""
        if following in vocab.patronymic_words or _is_patronymic(token) or previous in NASAB:
            return Part(token, PATRONYMIC, romanisation_key(patronymic_root(token)))
        if len(token) == 1:
            return Part(token, INITIAL, key)
        return Part(token, NAME, key)
    if token in vocab.generic:
        return Part(token, GENERIC, key)
    if token in vocab.places or country_word(token):
        return Part(token, PLACE, key)
    return Part(token, NAME, key)
