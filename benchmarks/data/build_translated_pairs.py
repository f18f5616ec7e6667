"""Build the labelled "translated" name-pair and address-pair sets from real list files.

    .venv/bin/python benchmarks/data/build_translated_pairs.py [--lists ../shared/data/lists]

Reads the real list files under `../shared/data/lists` (the OFAC SDN 2021 and consolidated CSV
sets, the UN consolidated XML and the FtM streams), never the network and never `diversion`.
Writes `translated_pairs.csv` and `translated_addresses.csv` next to this script and prints a
summary. The output is deterministic: sorted inputs and one seeded RNG.

The sets test matching across languages (issue 21): a Russian enterprise name in English
translation, in transliterated Russian, in Russian Cyrillic or as an acronym; an English firm
name written in Cyrillic by sound; addresses in Russian, Kazakh, Uzbek Latin and English.

* real positives: two names one list entry gives for the same party, kept only when they
  differ by translation (enterprise words, acronyms, legal forms, English words in Cyrillic)
  and their distinctive words agree: former names and nicknames are out;
* derived positives (`derived: <rule>`): a real listed name against the same name rewritten by
  one documented rule below (Russian Cyrillic rendering, English->Russian practical
  transcription, Russian legal form);
* hard negatives: two different list entries with the same translated frame, a real name
  against its frame with another distinctive word or one more word, numbered variants.

The tables here are the builder's own, independent of anything under src/: the matcher must
not be graded by its own tables. See docs/matching-translated-data.md.
"""

from __future__ import annotations

import argparse
import csv
import difflib
import json
import random
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from defusedxml import ElementTree

HERE = Path(__file__).resolve().parent
DEFAULT_LISTS = HERE.parents[2] / "shared" / "data" / "lists"
OUTPUT = HERE / "translated_pairs.csv"
ADDRESS_OUTPUT = HERE / "translated_addresses.csv"
COLUMNS = (
    "name1",
    "name2",
    "schema",
    "is_match",
    "category",
    "country1",
    "country2",
    "source",
    "notes",
)
ADDRESS_COLUMNS = ("address1", "address2", "is_match", "category", "source", "notes")
SEED = 20240321

CAP_REAL_PER_ENTRY = 4  # OFAC and UN entries
CAP_REAL_PER_RICH_ENTRY = 10  # FtM entries (many Cyrillic and English names)
CAP_REAL = {
    "translation": 60,
    "acronym": 30,
    "legal_form_translation": 30,
    "cyrillic_translation": 40,
    "cyrillic_legal_form": 20,
    "cyrillic_loanword": 20,
}
CAP_DERIVED = {
    "cyrillic_translation": 45,
    "cyrillic_legal_form": 25,
    "cyrillic_loanword": 40,
}
CAP_NEGATIVE = {
    "hard_negative_same_frame": 70,
    "hard_negative_extra_word": 30,
    "hard_negative_other_name": 40,
    "hard_negative_number": 16,
}

POST_SOVIET = ("RU", "BY", "KZ", "KG", "UZ", "AM")
# Transit hubs whose firms trade with Russia under English names (Russian papers write them in
# Cyrillic): their list entries are used for the English->Cyrillic rule only.
HUBS = ("AE", "TR", "CN", "HK")
# Russia-related programmes of the OFAC files; entries of other regimes are not used.
RUSSIA_PROGRAMS = re.compile(r"UKRAINE|RUSSIA|CYBER|BELARUS|MAGNIT|CAATSA - RUSSIA")
OTHER_REGIMES = re.compile(r"DPRK|IRAN|IFSR|IRGC|SYRIA|SDGT|VENEZUELA")

# --------------------------------------------------------------------------------------
# Scripts and folding (for selecting and classifying only; names are written as listed)
# --------------------------------------------------------------------------------------

CYRILLIC = re.compile(r"[\u0400-\u04FF]")
# Ukrainian and Belarusian letters, and non-ASCII Latin (EU-language translations FtM carries):
# not Russian and not English, so never used.
NOT_RUSSIAN = re.compile(r"[ІіЇїЄєҐґЎў]|[\u00C0-\u024F]|[\u0370-\u03FF]|[\u3040-\u9FFF]")
FOREIGN_WORDS = re.compile(
    r"\b(tovarystvo|aktsionerne|pidpryemstvo|kft|sociedad|soci[ée]t[ée]|groupe|cuideachta|"
    r"derzhavne|krymske|respublikanske|vidpovidalnistiu|obmezhenoiu|konserni|koncernen)\b",
    re.IGNORECASE,
)
QUOTES = "\"'«»“”„‘’`"

# Russian Cyrillic -> Latin, for comparison only (a loose BGN/PCGN reading).
CYR_TO_LAT = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya",
}  # fmt: skip


def romanise(word: str) -> str:
    return "".join(CYR_TO_LAT.get(ch, ch) for ch in word.lower())


def fold(word: str) -> str:
    """Lower-case Latin skeleton of one word: script and romanisation differences folded."""
    text = romanise(word)
    text = re.sub(r"[^a-z0-9]", "", text)
    for old, new in (
        ("shch", "sh"), ("sch", "sh"), ("kh", "h"), ("zh", "j"), ("ts", "c"), ("tz", "c"),
        ("x", "ks"), ("q", "k"), ("w", "v"), ("ck", "k"), ("ph", "f"), ("yu", "iu"),
        ("ya", "ia"), ("ye", "e"), ("y", "i"), ("ii", "i"), ("ou", "u"),
    ):  # fmt: skip
        text = text.replace(old, new)
    return re.sub(r"(.)\1", r"\1", text)


def ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


def words_alike(a: str, b: str) -> bool:
    """One word spelt two ways, romanised two ways, or as an adjective of the other
    (IZHEVSKIY/IZHEVSK): 0.75 alike after folding, or a shared stem of 5 letters."""
    fa, fb = fold(a), fold(b)
    if not fa or not fb:
        return False
    if fa == fb or ratio(fa, fb) >= 0.75:
        return True
    short, long_ = sorted((fa, fb), key=len)
    return len(short) >= 5 and long_.startswith(short[:-1])


def is_cyrillic(name: str) -> bool:
    return bool(CYRILLIC.search(name))


def usable(name: str) -> bool:
    """A listed name in Russian (Cyrillic or romanised) or English, and nothing else."""
    return bool(
        name
        and len(name) <= 160
        and not NOT_RUSSIAN.search(name)
        and not FOREIGN_WORDS.search(name)
        and not (is_cyrillic(name) and re.search(r"[A-Za-z]{2}", name))
    )


def split_words(name: str) -> list[str]:
    text = name.upper()
    for quote in QUOTES:
        text = text.replace(quote, " ")
    return [w for w in re.split(r"[^\w]+", text) if w]


# --------------------------------------------------------------------------------------
# The translation vocabulary (data): each concept in English, romanised Russian, Russian
# Cyrillic. Word stems, matched as prefixes of the upper-cased word; English first. From the
# names of Russian enterprises as the lists and the Russian registry (EGRUL) write them.
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Concept:
    name: str
    en: tuple[str, ...]
    ru: tuple[str, ...]  # romanised Russian
    cy: tuple[str, ...]  # Russian Cyrillic
    legal: bool = False  # part of a legal form


CONCEPTS = (
    # generic enterprise words
    Concept("research", ("SCIENTIFIC", "RESEARCH", "SCIENCE"), ("NAUCHN", "ISSLEDOVATEL"), ("НАУЧН", "ИССЛЕДОВАТЕЛЬСК")),  # noqa: E501
    Concept("production", ("PRODUCTION", "PRODUCING", "MANUFACTURING"), ("PROIZVODSTVENN", "PROIZVODSTV"), ("ПРОИЗВОДСТВЕНН",)),  # noqa: E501
    Concept("association", ("ASSOCIATION", "UNION"), ("OBEDINEN", "OBYEDINEN", "OBIEDINEN", "OB'EDINEN"), ("ОБЪЕДИНЕН",)),  # noqa: E501
    Concept("corporation", ("CORPORATION", "CORP"), ("KORPORATS",), ("КОРПОРАЦ",)),
    Concept("concern", ("CONCERN",), ("KONTSERN", "KONCERN"), ("КОНЦЕРН",)),
    Concept("plant", ("PLANT", "WORKS", "FACTORY", "DISTILLERY"), ("ZAVOD", "FABRIK"), ("ЗАВОД", "ФАБРИК")),  # noqa: E501
    Concept("combine", ("COMBINE", "MILL"), ("KOMBINAT",), ("КОМБИНАТ",)),
    Concept("institute", ("INSTITUTE",), ("INSTITUT",), ("ИНСТИТУТ",)),
    Concept("design", ("DESIGN",), ("KONSTRUKTOR",), ("КОНСТРУКТОР",)),
    Concept("bureau", ("BUREAU",), ("BYURO", "BURO"), ("БЮРО",)),
    Concept("enterprise", ("ENTERPRISE",), ("PREDPRIYAT", "PREDPRIIAT"), ("ПРЕДПРИЯТ",)),
    Concept("state", ("STATE", "GOVERNMENT"), ("GOSUDARSTVENN", "GOSUDARSTVEN"), ("ГОСУДАРСТВЕНН",)),  # noqa: E501
    Concept("federal", ("FEDERAL",), ("FEDERALN",), ("ФЕДЕРАЛЬН",)),
    Concept("unitary", ("UNITARY",), ("UNITARN",), ("УНИТАРН",)),
    Concept("treasury", ("TREASURY",), ("KAZENN",), ("КАЗЕНН",)),
    Concept("center", ("CENTER", "CENTRE"), ("TSENTR",), ("ЦЕНТР",)),
    Concept("experimental", ("EXPERIMENTAL",), ("EKSPERIMENTALN", "OPYTN"), ("ЭКСПЕРИМЕНТАЛЬН", "ОПЫТН")),  # noqa: E501
    Concept("central", ("CENTRAL",), ("TSENTRALN",), ("ЦЕНТРАЛЬН",)),
    Concept("main", ("MAIN", "LEAD", "HEAD"), ("GOLOVN",), ("ГОЛОВН",)),
    Concept("system", ("SYSTEM",), ("SISTEM",), ("СИСТЕМ",)),
    Concept("military", ("MILITARY",), ("VOENN", "VOYENN"), ("ВОЕНН",)),
    Concept("industrial", ("INDUSTRIAL", "INDUSTRY"), ("PROMYSHLENN",), ("ПРОМЫШЛЕНН",)),
    Concept("machine_building", ("MACHINE", "MACHINERY", "ENGINEERING"), ("MASHINOSTROITEL", "MASHINOSTROEN", "MASHINOSTROYEN"), ("МАШИНОСТРОИТЕЛЬН", "МАШИНОСТРОЕН")),  # noqa: E501
    Concept("instrument", ("INSTRUMENT",), ("PRIBOROSTROEN", "PRIBOROSTROITEL"), ("ПРИБОРОСТРОЕН", "ПРИБОРОСТРОИТЕЛЬН")),  # noqa: E501
    Concept("foreign_economic", ("FOREIGN",), ("VNESHNEEKONOMICH",), ("ВНЕШНЕЭКОНОМИЧ",)),
    Concept("economic", ("ECONOMIC",), (), ()),
    Concept("commercial", ("COMMERCIAL",), ("KOMMERCH",), ("КОММЕРЧ",)),
    Concept("investment", ("INVESTMENT",), ("INVESTITSION",), ("ИНВЕСТИЦИОН",)),
    Concept("insurance", ("INSURANCE",), ("STRAKHOV",), ("СТРАХОВ",)),
    Concept("transport", ("TRANSPORT",), ("TRANSPORTN",), ("ТРАНСПОРТН",)),
    Concept("technologies", ("TECHNOLOG",), ("TEKHNOLOG",), ("ТЕХНОЛОГ",)),
    Concept("unmanned", ("UNMANNED",), ("BESPILOTN",), ("БЕСПИЛОТН",)),
    Concept("powder", ("POWDER",), ("POROKHOV",), ("ПОРОХОВ",)),
    Concept("chemical", ("CHEMICAL",), ("KHIMICHESK",), ("ХИМИЧЕСК",)),
    Concept("metallurgical", ("METALLURGICAL", "STEEL"), ("METALLURGICH",), ("МЕТАЛЛУРГИЧ",)),
    Concept("electronic", ("ELECTRONIC",), ("ELEKTRONN",), ("ЭЛЕКТРОНН",)),
    Concept("aviation", ("AVIATION", "AIRCRAFT"), ("AVIATSION",), ("АВИАЦИОН",)),
    Concept("radio", ("RADIO",), ("RADIOTEKHN",), ("РАДИОТЕХН",)),
    Concept("optical", ("OPTICAL",), ("OPTICHESK",), ("ОПТИЧЕСК",)),
    Concept("testing", ("TESTING", "TEST"), ("ISPYTAT",), ("ИСПЫТАТ",)),
    Concept("detention", ("DETENTION", "PRETRIAL"), ("SLEDSTVENN", "IZOLYATOR"), ("СЛЕДСТВЕНН", "ИЗОЛЯТОР")),  # noqa: E501
    Concept("saint", ("SAINT", "ST"), ("SANKT",), ("САНКТ",)),
    Concept("company_word", ("COMPANY",), ("KOMPANI",), ("КОМПАНИ",)),
    # legal forms
    Concept("joint_stock", ("JOINT", "STOCK", "SHAREHOLDING"), ("AKTSIONERN", "AKCIONERN"), ("АКЦИОНЕРН",), legal=True),  # noqa: E501
    Concept("open", ("OPEN",), ("OTKRYT",), ("ОТКРЫТ",), legal=True),
    Concept("closed", ("CLOSED",), ("ZAKRYT",), ("ЗАКРЫТ",), legal=True),
    Concept("public", ("PUBLIC",), ("PUBLICHN",), ("ПУБЛИЧН",), legal=True),
    Concept("society", (), ("OBSHCHESTV", "OBSCHESTV", "OBSHCESTV"), ("ОБЩЕСТВ",), legal=True),
    Concept("limited", ("LIMITED", "LTD"), ("OGRANICHENN", "ORGANICHENN", "OGRANNICHENN"), ("ОГРАНИЧЕНН",), legal=True),  # noqa: E501
    Concept("liability", ("LIABILITY",), ("OTVETSTVENNOST", "OTVESTVENNOST"), ("ОТВЕТСТВЕННОСТ",), legal=True),  # noqa: E501
    Concept("company", ("COMPANY", "INCORPORATION"), (), (), legal=True),
)  # fmt: skip
# Words that carry nothing for the comparison (prepositions, "named after", initials).
STOP = {
    "AND", "OF", "THE", "FOR", "S", "I", "IM", "IMENI", "NAMED", "AFTER", "BY", "G", "NA",
    "ИМ", "ИМЕНИ", "С", "И", "Г", "ACADEMICIAN", "AKADEMIKA", "АКАДЕМИКА", "NO", "N", "№",
}  # fmt: skip
# Acronyms of Russian enterprise names and legal forms: (language, concepts, legal).
ACRONYMS: dict[str, tuple[str, tuple[str, ...], bool]] = {
    "NPO": ("ru", ("research", "production", "association"), False),
    "НПО": ("cy", ("research", "production", "association"), False),
    "NPK": ("ru", ("research", "production", "corporation"), False),
    "НПК": ("cy", ("research", "production", "corporation"), False),
    "NPP": ("ru", ("research", "production", "enterprise"), False),
    "НПП": ("cy", ("research", "production", "enterprise"), False),
    "NII": ("ru", ("research", "institute"), False),
    "НИИ": ("cy", ("research", "institute"), False),
    "TSNII": ("ru", ("central", "research", "institute"), False),
    "ЦНИИ": ("cy", ("central", "research", "institute"), False),
    "KB": ("ru", ("design", "bureau"), False),
    "КБ": ("cy", ("design", "bureau"), False),
    "OKB": ("ru", ("experimental", "design", "bureau"), False),
    "ОКБ": ("cy", ("experimental", "design", "bureau"), False),
    "GSKB": ("ru", ("main", "system", "design", "bureau"), False),
    "MSDB": ("en", ("main", "system", "design", "bureau"), False),
    "VPK": ("ru", ("military", "industrial", "corporation"), False),
    "MIC": ("en", ("military", "industrial", "corporation"), False),
    "VO": ("ru", ("foreign_economic", "association"), False),
    "FGUP": ("ru", ("federal", "state", "unitary", "enterprise"), False),
    "ФГУП": ("cy", ("federal", "state", "unitary", "enterprise"), False),
    "FSUE": ("en", ("federal", "state", "unitary", "enterprise"), False),
    "GUP": ("ru", ("state", "unitary", "enterprise"), False),
    "ГУП": ("cy", ("state", "unitary", "enterprise"), False),
    "FKP": ("ru", ("federal", "treasury", "enterprise"), False),
    "ФКП": ("cy", ("federal", "treasury", "enterprise"), False),
    "SIZO": ("ru", ("detention",), False),
    "СИЗО": ("cy", ("detention",), False),
    # legal forms
    "OOO": ("ru", ("limited", "liability", "society"), True),
    "ООО": ("cy", ("limited", "liability", "society"), True),
    "LLC": ("en", ("limited", "liability", "society"), True),
    "OAO": ("ru", ("open", "joint_stock", "society"), True),
    "ОАО": ("cy", ("open", "joint_stock", "society"), True),
    "OJSC": ("en", ("open", "joint_stock", "society"), True),
    "ZAO": ("ru", ("closed", "joint_stock", "society"), True),
    "ЗАО": ("cy", ("closed", "joint_stock", "society"), True),
    "CJSC": ("en", ("closed", "joint_stock", "society"), True),
    "PAO": ("ru", ("public", "joint_stock", "society"), True),
    "ПАО": ("cy", ("public", "joint_stock", "society"), True),
    "PJSC": ("en", ("public", "joint_stock", "society"), True),
    "AO": ("ru", ("joint_stock", "society"), True),
    "АО": ("cy", ("joint_stock", "society"), True),
    "JSC": ("en", ("joint_stock", "society"), True),
}
# "company" (English) is the "society" (obshchestvo) of a Russian legal form.
LEGAL_ALIASES = {"company": "society"}


@dataclass(frozen=True)
class Reading:
    """A name read word by word: generic concepts (with the language each is written in),
    acronyms, and the distinctive words left."""

    name: str
    concepts: frozenset[tuple[str, str]]  # (concept, language) of non-legal words
    legal: frozenset[tuple[str, str]]  # (concept, language) of legal-form words
    acronyms: tuple[str, ...]
    distinctive: tuple[str, ...]
    numbers: tuple[str, ...]

    def concept_names(self) -> frozenset[str]:
        return frozenset(c for c, _ in self.concepts)

    def legal_names(self) -> frozenset[str]:
        return frozenset(LEGAL_ALIASES.get(c, c) for c, _ in self.legal)


def concept_of(word: str) -> tuple[Concept, str] | None:
    for language in ("en", "ru", "cy"):
        for concept in CONCEPTS:
            stems: tuple[str, ...] = getattr(concept, language)
            for stem in stems:
                # short stems (CORP, LTD, ST) only as whole words; others with an ending of
                # at most five letters (TSENTR-ALNYY, not TSENTR-REMONT)
                exact = len(stem) <= 4
                if word == stem or (
                    not exact and word.startswith(stem) and len(word) - len(stem) <= 5
                ):
                    return concept, language
    return None


def read(name: str) -> Reading:
    concepts: set[tuple[str, str]] = set()
    legal: set[tuple[str, str]] = set()
    acronyms: list[str] = []
    distinctive: list[str] = []
    numbers: list[str] = []
    for word in split_words(name):
        if re.fullmatch(r"\d+\w*", word):
            numbers.append(re.sub(r"\D", "", word))
            continue
        if word in STOP or (len(word) == 1 and word.isalpha()):
            continue
        if word in ACRONYMS:
            language, parts, is_legal = ACRONYMS[word]
            (legal if is_legal else concepts).update((p, language) for p in parts)
            if not is_legal:
                acronyms.append(word)
            continue
        found = concept_of(word)
        if found:
            concept, language = found
            (legal if concept.legal else concepts).add((concept.name, language))
            continue
        distinctive.append(word)
    return Reading(
        name,
        frozenset(concepts),
        frozenset(legal),
        tuple(acronyms),
        tuple(distinctive),
        tuple(numbers),
    )


def distinctive_agree(a: Reading, b: Reading) -> bool:
    """Every distinctive word of each name has a spelling match in the other."""
    if not a.distinctive and not b.distinctive:
        return True

    def covered(xs: tuple[str, ...], ys: tuple[str, ...]) -> bool:
        joined = "".join(ys)
        return all(any(words_alike(x, y) for y in ys) or words_alike(x, joined) for x in xs)

    return (
        bool(a.distinctive)
        and bool(b.distinctive)
        and covered(a.distinctive, b.distinctive)
        and covered(b.distinctive, a.distinctive)
    )


def languages(reading: Reading, concept: str) -> set[str]:
    return {lang for c, lang in reading.concepts | reading.legal if c == concept}


def translated(a: Reading, b: Reading, legal: bool) -> bool:
    """Some concept both names carry is written in two languages."""
    pool = (a.legal | b.legal) if legal else (a.concepts | b.concepts)
    shared = {c for c, _ in pool}
    for concept in shared:
        la, lb = languages(a, concept), languages(b, concept)
        if la and lb and not la & lb:
            return True
    if legal:
        la = {lang for _, lang in a.legal}
        lb = {lang for _, lang in b.legal}
        return bool(la and lb and not la & lb)
    return False


def loanword(cyrillic: Reading, latin: Reading) -> bool:
    """A distinctive word of the Latin name written in Cyrillic by sound, not by its letters:
    the Cyrillic word romanised is not the Latin word (АЭРОСКАН -> AEROSKAN, not AEROSCAN)."""
    found = False
    for word in cyrillic.distinctive:
        matches = [w for w in latin.distinctive if words_alike(word, w)]
        if matches and romanise(word).upper() not in matches:
            found = True
    return found


def classify(a: str, b: str) -> str | None:
    """The kind of translation between two names of one party, or None when they are not a
    translation of each other (former names, nicknames, other words)."""
    if is_cyrillic(a) and is_cyrillic(b):
        return None
    ra, rb = read(a), read(b)
    if sorted(ra.numbers) != sorted(rb.numbers) or not distinctive_agree(ra, rb):
        return None
    if ra.concept_names() != rb.concept_names():
        return None
    if not ra.distinctive and len(ra.concept_names()) < 2:
        return None
    la, lb = ra.legal_names(), rb.legal_names()
    if la and lb and not (la <= lb or lb <= la):
        return None  # a different legal form (OAO against ZAO): a change, not a translation
    cyrillic = is_cyrillic(a) or is_cyrillic(b)
    if cyrillic:
        cy, lat = (ra, rb) if is_cyrillic(a) else (rb, ra)
        if translated(ra, rb, legal=False):
            return "cyrillic_translation"
        if loanword(cy, lat):
            return "cyrillic_loanword"
        if translated(ra, rb, legal=True):
            return "cyrillic_legal_form"
        return None
    if set(ra.acronyms) != set(rb.acronyms) and ra.concept_names():
        return "acronym"
    if translated(ra, rb, legal=False):
        return "translation"
    if translated(ra, rb, legal=True):
        return "legal_form_translation"
    return None


# --------------------------------------------------------------------------------------
# Reading the lists
# --------------------------------------------------------------------------------------


@dataclass
class Entry:
    source: str  # list and id, e.g. "ofac-sdn:16807"
    schema: str
    names: list[str]
    country: str
    addresses: list[str] = field(default_factory=list)
    russian: bool = True  # Russia-related; other entries of the hubs give English names only

    @property
    def family(self) -> str:
        """The list: OFAC SDN and consolidated are one list (one numbering)."""
        family = self.source.split(":", 1)[0]
        return "ofac" if family.startswith("ofac") else family

    @property
    def identity(self) -> str:
        """The party: OFAC SDN and consolidated files share one numbering."""
        family, ident = self.source.split(":", 1)
        return f"ofac:{ident}" if family.startswith("ofac") else self.source


COUNTRIES = {
    "russia": "RU", "belarus": "BY", "ukraine": "UA", "kazakhstan": "KZ", "kyrgyzstan": "KG",
    "uzbekistan": "UZ", "tajikistan": "TJ", "armenia": "AM", "georgia": "GE",
    "azerbaijan": "AZ", "china": "CN", "hong kong": "HK", "united arab emirates": "AE",
    "turkey": "TR", "cyprus": "CY", "switzerland": "CH", "latvia": "LV", "finland": "FI",
    "germany": "DE", "united kingdom": "GB", "seychelles": "SC", "singapore": "SG",
    "malaysia": "MY", "india": "IN", "serbia": "RS", "bulgaria": "BG", "estonia": "EE",
}  # fmt: skip
COMPANY_WORDS = re.compile(
    r"\b(LLC|LTD|LIMITED|CO|COMPANY|JSC|OJSC|CJSC|PJSC|OOO|OAO|ZAO|PAO|AO|BANK|"
    r"OBSHCHESTVO|CORPORATION|CONCERN|KONTSERN|GROUP|HOLDING|TRADING)\b|ООО|АО",
    re.IGNORECASE,
)


def schema_of(names: list[str]) -> str:
    text = " ".join(names)
    if COMPANY_WORDS.search(text):
        return "Company"
    return "Organization"


def clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().strip(",;").strip()


def read_ofac_csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes().decode("latin-1").replace("\x1a", "")
    return [
        ["" if c.strip() == "-0-" else c.strip() for c in row]
        for row in csv.reader(raw.splitlines())
        if row
    ]


def read_ofac(folder: Path, prefix: str, family: str) -> list[Entry]:
    rows = read_ofac_csv(folder / ("cons_prim.csv" if prefix else "sdn.csv"))
    alts: dict[str, list[str]] = defaultdict(list)
    for row in read_ofac_csv(folder / f"{prefix}alt.csv"):
        if len(row) >= 4 and row[3]:
            alts[row[0]].append(clean(row[3]))
    addresses: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for row in read_ofac_csv(folder / f"{prefix}add.csv"):
        if len(row) >= 5:
            addresses[row[0]].append((row[2], row[3], row[4]))
    entries = []
    for row in rows:
        ent, name, kind, program = row[0], row[1], row[2], row[3]
        if kind in ("individual", "vessel", "aircraft"):
            continue
        if OTHER_REGIMES.search(program):
            continue
        places = addresses.get(ent, [])
        codes = Counter(COUNTRIES.get(c.lower().strip("."), "") for _, _, c in places)
        codes.pop("", None)
        country = (
            "RU" if "RU" in codes else (sorted(codes, key=lambda c: (-codes[c], c)) or [""])[0]
        )
        russian = bool(RUSSIA_PROGRAMS.search(program)) or country in POST_SOVIET
        if not russian and country not in HUBS:
            continue
        names = [clean(name), *alts.get(ent, [])]
        entry = Entry(f"{family}:{ent}", schema_of(names), names, country, russian=russian)
        entry.addresses = [", ".join(p for p in place if p) for place in places if place[0]]
        entries.append(entry)
    return entries


def read_un(path: Path) -> list[Entry]:
    """UN entities of the former Soviet states (the UN list has few Russian enterprises)."""
    root = ElementTree.parse(str(path)).getroot()
    entries: list[Entry] = []
    if root is None:
        return entries
    for node in root.iter("ENTITY"):
        names = [clean(node.findtext("FIRST_NAME") or "")]
        original = clean(node.findtext("NAME_ORIGINAL_SCRIPT") or "")
        if original:
            names.append(original)
        for alias in node.findall("ENTITY_ALIAS"):
            if (alias.findtext("QUALITY") or "").strip() != "Low":
                names.append(clean(alias.findtext("ALIAS_NAME") or ""))
        codes = [
            COUNTRIES.get((a.findtext("COUNTRY") or "").strip().lower(), "")
            for a in node.findall("ENTITY_ADDRESS")
        ]
        codes = [c for c in codes if c in ("RU", "BY", "KZ", "KG", "UZ", "TJ", "AM")]
        if not codes:
            continue
        ref = clean(node.findtext("REFERENCE_NUMBER") or "")
        names = [n for n in names if n]
        entries.append(Entry(f"un:{ref}", schema_of(names), names, codes[0]))
    return entries


def read_ftm(folder: Path) -> list[Entry]:
    entries = []
    for path in sorted(folder.glob("*.json")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            data = json.loads(line)
            schema = data.get("schema", "")
            if schema not in ("Company", "Organization", "LegalEntity"):
                continue
            props = data.get("properties", {})
            names: list[str] = []
            for key in ("name", "alias", "weakAlias", "previousName"):
                names += [clean(n) for n in props.get(key, [])]
            countries = [
                c.upper() for c in props.get("country", []) + props.get("jurisdiction", [])
            ]
            entry = Entry(f"ftm:{data['id']}", schema, names, countries[0] if countries else "")
            entry.addresses = [clean(a) for a in props.get("address", [])]
            entries.append(entry)
    return entries


def load_entries(lists: Path) -> list[Entry]:
    entries = read_ofac(lists / "ofac-sdn-2021", "", "ofac-sdn")
    entries += read_ofac(lists / "ofac-consolidated", "cons_", "ofac-cons")
    entries += read_un(lists / "un" / "UN_consolidated.xml")
    entries += read_ftm(lists / "ftm")
    for entry in entries:
        seen: set[str] = set()
        names = []
        for name in entry.names:
            # "NPO Izhmash OAO;OJSC Concern Kalashnikov" is two names run together
            for part in name.split(";"):
                part = clean(part)
                if usable(part) and part.casefold() not in seen:
                    seen.add(part.casefold())
                    names.append(part)
        entry.names = names
    return [e for e in entries if e.names]


# --------------------------------------------------------------------------------------
# Pairs
# --------------------------------------------------------------------------------------


@dataclass
class Pair:
    name1: str
    name2: str
    schema: str
    is_match: bool
    category: str
    country1: str
    country2: str
    source: str
    notes: str

    @property
    def kind(self) -> str:
        if not self.is_match:
            return "negative"
        return "derived" if self.notes.startswith("derived") else "real"

    def key(self) -> tuple[str, str]:
        a, b = sorted((self.name1.casefold(), self.name2.casefold()))
        return a, b

    def row(self) -> dict[str, str]:
        return {
            "name1": self.name1,
            "name2": self.name2,
            "schema": self.schema,
            "is_match": "true" if self.is_match else "false",
            "category": self.category,
            "country1": self.country1,
            "country2": self.country2,
            "source": self.source,
            "notes": self.notes,
        }


def round_robin(groups: dict[str, list[Pair]], cap: int) -> list[Pair]:
    """Up to `cap` pairs taken one category at a time, so one kind does not crowd out others."""
    queues = {k: list(v) for k, v in sorted(groups.items())}
    taken: list[Pair] = []
    while len(taken) < cap and any(queues.values()):
        for key in sorted(queues):
            if queues[key] and len(taken) < cap:
                taken.append(queues[key].pop(0))
    return taken


def capped(pairs: list[Pair], caps: dict[str, int], rng: random.Random) -> list[Pair]:
    by_category: dict[str, list[Pair]] = defaultdict(list)
    for pair in pairs:
        by_category[pair.category].append(pair)
    kept: list[Pair] = []
    for category in sorted(by_category):
        found = by_category[category]
        cap = caps.get(category, len(found))
        kept += found if len(found) <= cap else rng.sample(found, cap)
    return kept


def real_pairs(entries: list[Entry], rng: random.Random) -> list[Pair]:
    found: list[Pair] = []
    for entry in entries:
        groups: dict[str, list[Pair]] = defaultdict(list)
        names = entry.names
        for i, a in enumerate(names):
            for b in names[i + 1 :]:
                category = classify(a, b)
                if category is None:
                    continue
                first, second = (b, a) if is_cyrillic(a) else (a, b)
                groups[category].append(
                    Pair(
                        first,
                        second,
                        entry.schema,
                        True,
                        category,
                        entry.country,
                        entry.country,
                        entry.source,
                        "real: two names of one list entry",
                    )
                )
        for category in groups:
            rng.shuffle(groups[category])
        rich = entry.source.startswith("ftm:")
        found += round_robin(groups, CAP_REAL_PER_RICH_ENTRY if rich else CAP_REAL_PER_ENTRY)
    return capped(found, CAP_REAL, rng)


# --------------------------------------------------------------------------------------
# Derived pairs: the rules
# --------------------------------------------------------------------------------------

# Romanised Russian -> Russian Cyrillic, longest first (the reverse of BGN/PCGN as the OFAC
# lists use it). Used for names romanised from Russian.
LATIN_TO_CYRILLIC = (
    ("SHCH", "Щ"), ("KH", "Х"), ("ZH", "Ж"), ("TS", "Ц"), ("CH", "Ч"), ("SH", "Ш"),
    ("YU", "Ю"), ("YA", "Я"), ("YO", "Ё"),
    ("A", "А"), ("B", "Б"), ("V", "В"), ("G", "Г"), ("D", "Д"), ("E", "Е"), ("Z", "З"),
    ("I", "И"), ("K", "К"), ("L", "Л"), ("M", "М"), ("N", "Н"), ("O", "О"), ("P", "П"),
    ("R", "Р"), ("S", "С"), ("T", "Т"), ("U", "У"), ("F", "Ф"), ("Y", "Ы"), ("C", "К"),
    ("X", "КС"), ("W", "В"), ("J", "Дж"), ("H", "Х"), ("Q", "К"), ("'", "Ь"),
)  # fmt: skip
# Whole romanised words whose Cyrillic the letter rules get wrong (hard and soft signs,
# -iy/-yy endings, "ye" after a vowel).
RUSSIAN_WORDS = {
    "OBEDINENIE": "ОБЪЕДИНЕНИЕ", "OBYEDINENIE": "ОБЪЕДИНЕНИЕ", "OBYEDINENYE": "ОБЪЕДИНЕНИЕ",
    "OGRANICHENNOI": "ОГРАНИЧЕННОЙ", "OGRANICHENNOY": "ОГРАНИЧЕННОЙ",
    "OTVETSTVENNOSTYU": "ОТВЕТСТВЕННОСТЬЮ", "MASHINOSTROITELNY": "МАШИНОСТРОИТЕЛЬНЫЙ",
    "MASHINOSTROITEL'NYI": "МАШИНОСТРОИТЕЛЬНЫЙ", "ISSLEDOVATELSKI": "ИССЛЕДОВАТЕЛЬСКИЙ",
    "ISSLEDOVATELSKIY": "ИССЛЕДОВАТЕЛЬСКИЙ", "EKSPERIMENTALNY": "ЭКСПЕРИМЕНТАЛЬНЫЙ",
    "EKSPERIMENTALNIY": "ЭКСПЕРИМЕНТАЛЬНЫЙ", "VNESHNEEKONOMICHESKOE": "ВНЕШНЕЭКОНОМИЧЕСКОЕ",
    "PROIZVODSTVENNOYE": "ПРОИЗВОДСТВЕННОЕ", "GOSUDARSTVENOYE": "ГОСУДАРСТВЕННОЕ",
    "PREDPRIYATIYE": "ПРЕДПРИЯТИЕ", "GOLOVNOYE": "ГОЛОВНОЕ", "KONSTRUKTORSKOYE": "КОНСТРУКТОРСКОЕ",
    "FEDERALNOE": "ФЕДЕРАЛЬНОЕ", "SISTEMY": "СИСТЕМЫ", "MASHINY": "МАШИНЫ", "GROUP": "ГРУП",
}  # fmt: skip
# Russian registry abbreviations of legal forms, written before the name in «» quotes.
RUSSIAN_LEGAL_FORMS = {
    ("limited", "liability", "society"): "ООО",
    ("joint_stock", "open", "society"): "ОАО",
    ("closed", "joint_stock", "society"): "ЗАО",
    ("joint_stock", "public", "society"): "ПАО",
    ("joint_stock", "society"): "АО",
}


def cyrillic_word(word: str) -> str:
    """One romanised Russian word in Cyrillic: RUSSIAN_WORDS, else LATIN_TO_CYRILLIC with the
    endings -IY/-YY/-YI/-OI as -ИЙ/-ЫЙ/-ЫЙ/-ОЙ, E at the start or after a vowel as Э/Е."""
    upper = word.upper()
    if upper in RUSSIAN_WORDS:
        return RUSSIAN_WORDS[upper]
    if not re.fullmatch(r"[A-Z']+", upper):
        return word
    ending = ""
    for tail, cyr in (("NIYE", "НЫЕ"), ("NYE", "НЫЕ"), ("NYKH", "НЫХ"), ("IY", "ИЙ"),
                      ("YY", "ЫЙ"), ("YI", "ЫЙ"), ("OI", "ОЙ"), ("OY", "ОЙ"), ("SKI", "СКИЙ"),
                      ("NY", "НЫЙ"), ("EI", "ЕЙ")):  # fmt: skip
        if upper.endswith(tail) and len(upper) > len(tail) + 2:
            upper, ending = upper[: -len(tail)], cyr
            break
    out = []
    i = 0
    while i < len(upper):
        if upper[i] == "E" and (i == 0 or upper[i - 1] == "A"):
            out.append("Э")
            i += 1
            continue
        if upper[i] == "Y" and i + 1 < len(upper) and upper[i + 1] == "E":
            out.append("Е")
            i += 2
            continue
        if (
            upper[i] == "Y"
            and i
            and upper[i - 1] in "AEIOU"
            and upper[i + 1 : i + 2] not in "AEIOU"
        ):
            out.append("Й")  # STROYTRANSGAZ: СТРОЙ-
            i += 1
            continue
        for latin, cyr in LATIN_TO_CYRILLIC:
            if upper.startswith(latin, i):
                out.append(cyr)
                i += len(latin)
                break
        else:
            out.append(upper[i])
            i += 1
    return re.sub("ТЕЛН", "ТЕЛЬН", "".join(out)) + ending


def sentence_case(words: list[str], originals: list[str]) -> str:
    """Russian sentence case: generic words lower-case, acronyms upper, names capitalised."""
    out = []
    for n, (word, original) in enumerate(zip(words, originals, strict=True)):
        if original in ACRONYMS or (len(original) <= 4 and not re.search("[AEIOUY]", original)):
            out.append(word.upper())
        elif concept_of(original) and n:
            out.append(word.lower())
        else:
            out.append(word[:1].upper() + word[1:].lower())
    return " ".join(out)


def russian_cyrillic(name: str, rng: random.Random) -> str | None:
    """A romanised Russian name in Russian Cyrillic, the legal form abbreviated in front and
    the rest in «» quotes as the Russian registry writes it (half the time in capitals, half
    in sentence case)."""
    reading = read(name)
    if reading.legal and any(lang == "en" for _, lang in reading.legal):
        return None  # an English legal form: not a Russian name
    if any(lang == "en" for _, lang in reading.concepts):
        return None
    words = split_words(name)
    form = RUSSIAN_LEGAL_FORMS.get(tuple(sorted(reading.legal_names())), "")
    if reading.legal_names() and not form:
        return None
    legal_words = [w for w in words if (w in ACRONYMS and ACRONYMS[w][2]) or _is_legal_word(w)]
    rest = [w for w in words if w not in legal_words]
    if not rest:
        return None
    body = " ".join(cyrillic_word(w) for w in rest)
    if rng.random() < 0.5:
        body = sentence_case([cyrillic_word(w) for w in rest], rest)
    # hyphenated romanised words stay hyphenated (NAUCHNO-PROIZVODSTVENNAYA)
    for hyphenated in re.findall(r"[A-Z']+(?:-[A-Z']+)+", name.upper()):
        parts = [cyrillic_word(p) for p in hyphenated.split("-")]
        originals = hyphenated.split("-")
        for joined in (" ".join(parts), sentence_case(parts, originals)):
            body = body.replace(joined, joined.replace(" ", "-"), 1)
            lowered = joined[:1] + joined[1:].lower()
            body = body.replace(lowered, lowered.replace(" ", "-"), 1)
    return f"{form} «{body}»" if form else body


def _is_legal_word(word: str) -> bool:
    found = concept_of(word)
    return bool(found and found[0].legal)


# English -> Russian practical transcription (as Russian firms write English names: the
# Russian registry and business press), by whole words for the common business words ...
PRACTICAL_WORDS = {
    "TRADING": "ТРЕЙДИНГ", "LOGISTICS": "ЛОДЖИСТИКС", "TECHNOLOGIES": "ТЕКНОЛОДЖИС",
    "TECHNOLOGY": "ТЕКНОЛОДЖИ", "GROUP": "ГРУПП", "INTERNATIONAL": "ИНТЕРНЭШНЛ",
    "SOLUTIONS": "СОЛЮШНС", "SYSTEMS": "СИСТЕМС", "HOLDING": "ХОЛДИНГ", "HOLDINGS": "ХОЛДИНГС",
    "INDUSTRIES": "ИНДАСТРИЗ", "ENGINEERING": "ИНЖИНИРИНГ", "MANAGEMENT": "МЕНЕДЖМЕНТ",
    "CONSULTING": "КОНСАЛТИНГ", "CAPITAL": "КЭПИТАЛ", "INVESTMENTS": "ИНВЕСТМЕНТС",
    "INVESTMENT": "ИНВЕСТМЕНТ", "SERVICES": "СЕРВИСЕЗ", "SERVICE": "СЕРВИС",
    "ENERGY": "ЭНЕРДЖИ", "GLOBAL": "ГЛОБАЛ", "SHIPPING": "ШИППИНГ", "MARINE": "МАРИН",
    "RESOURCES": "РЕСУРСЕЗ", "DEVELOPMENT": "ДЕВЕЛОПМЕНТ", "ELECTRONICS": "ЭЛЕКТРОНИКС",
    "COMPONENTS": "КОМПОНЕНТС", "SUPPLY": "САППЛАЙ", "PARTNERS": "ПАРТНЕРС",
    "GENERAL": "ДЖЕНЕРАЛ", "CREATIVE": "КРЕАТИВ", "ALPHA": "АЛЬФА", "ALFA": "АЛЬФА",
    "BETA": "БЕТА", "OIL": "ОЙЛ", "GAS": "ГАЗ", "TRANS": "ТРАНС", "FINANCE": "ФАЙНЕНС",
    "FINANCIAL": "ФАЙНЕНШЛ", "AVIATION": "ЭВИЭЙШН", "PETROLEUM": "ПЕТРОЛЕУМ",
    "EXPORT": "ЭКСПОРТ", "IMPORT": "ИМПОРТ", "NETWORK": "НЕТВОРК", "NETWORKS": "НЕТВОРКС",
    "SECURITY": "СЕКЬЮРИТИ", "MEDIA": "МЕДИА", "TRUST": "ТРАСТ", "ASSET": "ЭССЕТ",
    "ASSETS": "ЭССЕТС", "FUND": "ФАНД", "BRIDGE": "БРИДЖ", "STAR": "СТАР", "LINE": "ЛАЙН",
    "LINES": "ЛАЙНС", "TRAVEL": "ТРЭВЕЛ", "HOUSE": "ХАУС", "FLIGHT": "ФЛАЙТ",
    "SHIP": "ШИП", "MANAGEMENT,": "МЕНЕДЖМЕНТ", "AND": "ЭНД", "BANK": "БАНК",
    "EUROPE": "ЮРОП", "ASIA": "ЭЙЖА", "FIRST": "ФЕРСТ", "NEW": "НЬЮ", "SMART": "СМАРТ",
    "TECH": "ТЕК", "SUPPLIES": "САППЛАЙЗ", "CORPORATION": "КОРПОРЕЙШН", "CORP": "КОРП",
    "PROJECT": "ПРОДЖЕКТ", "EQUIPMENT": "ЭКВИПМЕНТ", "MACHINERY": "МАШИНЕРИ",
    "INDUSTRIAL": "ИНДАСТРИАЛ", "MARITIME": "МАРИТАЙМ", "EXPRESS": "ЭКСПРЕСС",
    "UNITED": "ЮНАЙТЕД", "ALLIANCE": "АЛЬЯНС", "CONSTRUCTION": "КОНСТРАКШН",
    "PLUS": "ПЛЮС", "PRO": "ПРО", "OCEAN": "ОУШЕН", "GOLD": "ГОЛД", "SKY": "СКАЙ",
    "AIR": "ЭЙР", "WORLD": "ВОРЛД", "TOBACCO": "ТОБАККО", "INTER": "ИНТЕР", "CHINA": "ЧАЙНА",
}  # fmt: skip
# ... and by letters for other words, only when the spelling reads as it is written
# (`phonetic_english`): no silent e, no gh, no vowel pairs other than those below.
ENGLISH_LETTERS = (
    ("SH", "Ш"), ("CH", "Ч"), ("TH", "Т"), ("PH", "Ф"), ("CK", "К"), ("EE", "И"), ("OO", "У"),
    ("QU", "КВ"), ("X", "КС"), ("J", "ДЖ"), ("W", "У"),
    ("A", "А"), ("B", "Б"), ("C", "К"), ("D", "Д"), ("E", "Е"), ("F", "Ф"), ("G", "Г"),
    ("H", "Х"), ("I", "И"), ("K", "К"), ("L", "Л"), ("M", "М"), ("N", "Н"), ("O", "О"),
    ("P", "П"), ("R", "Р"), ("S", "С"), ("T", "Т"), ("U", "У"), ("V", "В"), ("Y", "И"),
    ("Z", "З"),
)  # fmt: skip
# English legal forms -> the Russian abbreviation a Russian document writes before the name.
ENGLISH_TO_RUSSIAN_FORM = {
    "LLC": "ООО", "L.L.C.": "ООО", "LIMITED LIABILITY COMPANY": "ООО", "JSC": "АО",
    "JOINT STOCK COMPANY": "АО", "JOINT-STOCK COMPANY": "АО", "OPEN JOINT STOCK COMPANY": "ОАО",
    "OPEN JOINT-STOCK COMPANY": "ОАО", "CLOSED JOINT STOCK COMPANY": "ЗАО",
    "CLOSED JOINT-STOCK COMPANY": "ЗАО", "PUBLIC JOINT STOCK COMPANY": "ПАО",
    "PUBLIC JOINT-STOCK COMPANY": "ПАО", "PJSC": "ПАО", "OJSC": "ОАО", "CJSC": "ЗАО",
    "FEDERAL STATE UNITARY ENTERPRISE": "ФГУП", "FSUE": "ФГУП", "LTD": "ЛТД", "LTD.": "ЛТД",
    "LIMITED": "ЛИМИТЕД", "CO., LTD.": "КО., ЛТД.", "COMPANY LIMITED": "КОМПАНИ ЛИМИТЕД",
    "OOO": "ООО", "OAO": "ОАО", "AO": "АО", "ZAO": "ЗАО", "PAO": "ПАО",
}  # fmt: skip
# Forms a Russian document writes after a foreign name, in Cyrillic letters, not before it.
TRAILING_FORMS = ("ЛТД", "ЛИМИТЕД", "КО., ЛТД.", "КОМПАНИ ЛИМИТЕД")
LEGAL_FORM_PATTERN = re.compile(
    r"^(?P<pre>LIMITED LIABILITY COMPANY|(?:OPEN |CLOSED |PUBLIC )?JOINT[- ]STOCK COMPANY|"
    r"FEDERAL STATE UNITARY ENTERPRISE|"
    r"LLC|JSC|PJSC|OJSC|CJSC|OOO|OAO|AO|ZAO|PAO)\s+(?P<core>.+)$|"
    r"^(?P<core2>.+?),?\s+(?P<post>LIMITED LIABILITY COMPANY|"
    r"(?:OPEN |CLOSED |PUBLIC )?JOINT[- ]STOCK "
    r"COMPANY|L\.L\.C\.|LLC|"
    r"JSC|PJSC|OJSC|CJSC|CO\., LTD\.|COMPANY LIMITED|LIMITED|LTD\.?|OOO|OAO|AO|ZAO|PAO)$",
    re.IGNORECASE,
)


def phonetic_english(word: str) -> bool:
    return bool(
        re.fullmatch(r"[A-Z]{3,}", word)
        and not re.search(r"GH|E$|[AEIOU]{2}(?<!EE)(?<!OO)|Y[AEIOU]|C[EIY]|W", word)
    )


def english_in_cyrillic(word: str) -> str | None:
    upper = word.upper()
    if upper in PRACTICAL_WORDS:
        return PRACTICAL_WORDS[upper]
    if not phonetic_english(upper):
        return None
    out = []
    i = 0
    while i < len(upper):
        for latin, cyr in ENGLISH_LETTERS:
            if upper.startswith(latin, i):
                out.append(cyr)
                i += len(latin)
                break
    return "".join(out)


def split_legal_form(name: str) -> tuple[str, str] | None:
    """(legal form, core) of a name with a legal form before or after it."""
    match = LEGAL_FORM_PATTERN.match(name.strip())
    if not match:
        return None
    form = match.group("pre") or match.group("post")
    core = (match.group("core") or match.group("core2") or "").strip(" ,'\"")
    return (form.upper(), core) if core else None


def english_name_in_cyrillic(name: str) -> str | None:
    """An English firm name as a Russian document writes it: every word by the practical
    transcription (PRACTICAL_WORDS, else ENGLISH_LETTERS for phonetic words), the legal form
    as the Russian abbreviation in front and the name in «»."""
    parts = split_legal_form(name)
    form, core = parts if parts else ("", name)
    words = split_words(core)
    if not words or len(words) > 5:
        return None
    rendered = [english_in_cyrillic(w) for w in words]
    if any(r is None for r in rendered) or sum(w in PRACTICAL_WORDS for w in words) < 1:
        return None
    body = " ".join(r.capitalize() for r in rendered if r)
    russian_form = ENGLISH_TO_RUSSIAN_FORM.get(form, "")
    if form and not russian_form:
        return None
    if russian_form in TRAILING_FORMS:
        return f"{body} {russian_form.capitalize()}"
    return f"{russian_form} «{body}»" if russian_form else body


def english_words_only(name: str) -> bool:
    """Every word of the name is an English word (not romanised Russian): in the practical
    table or an English legal form."""
    parts = split_legal_form(name)
    core = parts[1] if parts else name
    words = split_words(core)
    known = [w for w in words if w in PRACTICAL_WORDS]
    return bool(known) and len(words) - len(known) <= 1


def romanised_russian(core: str, entry: Entry) -> bool:
    """The core of an English-form name is romanised Russian when the entry also gives it
    under a Russian legal form (OOO, OAO, OBSHCHESTVO ...): STROYTRANSGAZ LLC / STROYTRANSGAZ
    OOO. Short consonant-only words (acronyms read by letter names) are not."""
    words = split_words(core)
    if any(len(w) <= 4 and not re.search("[AEIOUY]", w) for w in words):
        return False
    if set(words) & {"OF", "THE", "AND", "FOR"}:
        return False  # English words
    for name in entry.names:
        reading = read(name)
        russian_form = any(lang == "ru" for _, lang in reading.legal)
        if russian_form and all(w in split_words(name) for w in words):
            return True
    return False


def derived_pairs(entries: list[Entry], real: list[Pair], rng: random.Random) -> list[Pair]:
    found: list[Pair] = []
    # 1. cyrillic_translation: the romanised Russian side of a real translation pair in
    #    Russian Cyrillic, against the English side.
    for pair in real:
        if pair.category not in ("translation", "acronym"):
            continue
        ra, rb = read(pair.name1), read(pair.name2)
        ru_side = [
            n
            for n, r in ((pair.name1, ra), (pair.name2, rb))
            if not any(lang == "en" for _, lang in r.concepts)
        ]
        en_side = [
            n
            for n, r in ((pair.name1, ra), (pair.name2, rb))
            if any(lang == "en" for _, lang in r.concepts)
        ]
        if len(ru_side) != 1 or len(en_side) != 1:
            continue
        cyrillic = russian_cyrillic(ru_side[0], rng)
        if cyrillic and classify(en_side[0], cyrillic) == "cyrillic_translation":
            found.append(
                Pair(
                    en_side[0],
                    cyrillic,
                    pair.schema,
                    True,
                    "cyrillic_translation",
                    pair.country1,
                    pair.country2,
                    pair.source,
                    f"derived: Russian Cyrillic of the entry's romanised name {ru_side[0]!r} "
                    "(LATIN_TO_CYRILLIC, RUSSIAN_WORDS, RUSSIAN_LEGAL_FORMS)",
                )
            )
    # 2. cyrillic_legal_form: a Russian entity's English-form name (X LLC, JSC X) against
    #    its romanised core in Cyrillic under the Russian abbreviation (ООО «X»).
    # 3. cyrillic_loanword: an English-word firm name by the practical transcription.
    for entry in entries:
        for name in entry.names:
            if is_cyrillic(name):
                continue
            parts = split_legal_form(name)
            if english_words_only(name) and not entry.russian:
                cyrillic = english_name_in_cyrillic(name)
                if cyrillic:
                    found.append(
                        Pair(
                            name,
                            cyrillic,
                            entry.schema,
                            True,
                            "cyrillic_loanword",
                            entry.country,
                            entry.country,
                            entry.source,
                            "derived: English words by the practical transcription "
                            "(PRACTICAL_WORDS, ENGLISH_LETTERS, ENGLISH_TO_RUSSIAN_FORM)",
                        )
                    )
                continue
            if not parts or not entry.russian:
                continue
            form, core = parts
            reading = read(core)
            if reading.concepts or not reading.distinctive or form in ("LIMITED", "LTD", "LTD."):
                continue
            if not romanised_russian(core, entry):
                continue
            russian_form = ENGLISH_TO_RUSSIAN_FORM.get(form)
            if not russian_form or form in ("OOO", "OAO", "AO", "ZAO", "PAO"):
                continue
            body = " ".join(cyrillic_word(w) for w in split_words(core))
            if re.search(r"[A-Z]", body):
                continue
            if rng.random() < 0.5:
                body = body[:1] + body[1:].lower()
            found.append(
                Pair(
                    name,
                    f"{russian_form} «{body}»",
                    entry.schema,
                    True,
                    "cyrillic_legal_form",
                    entry.country,
                    entry.country,
                    entry.source,
                    "derived: English legal form as the Russian abbreviation "
                    "(ENGLISH_TO_RUSSIAN_FORM), the romanised name in Cyrillic "
                    "(LATIN_TO_CYRILLIC)",
                )
            )
    return capped(found, CAP_DERIVED, rng)


# --------------------------------------------------------------------------------------
# Hard negatives
# --------------------------------------------------------------------------------------


def negative(a: Entry, b: Entry, n1: str, n2: str, category: str, note: str) -> Pair:
    return Pair(
        n1,
        n2,
        a.schema if a.schema == b.schema else "LegalEntity",
        False,
        category,
        a.country,
        b.country,
        a.source if a is b else f"{a.source}|{b.source}",
        note,
    )


def no_word_shared(a: Reading, b: Reading) -> bool:
    return not any(words_alike(x, y) for x in a.distinctive for y in b.distinctive)


def frame_negatives(entries: list[Entry], rng: random.Random) -> list[Pair]:
    """Two entries whose names share a translated frame (two or more enterprise concepts, or
    the same acronym) and no distinctive word; the two names picked in two languages when
    the entries allow it. And two entries where one name's distinctive words are the other's
    with one more word."""
    readings = [(e, n, read(n)) for e in entries for n in e.names]
    frame: list[Pair] = []
    extra: list[Pair] = []
    seen: set[tuple[str, str]] = set()
    for i, (ea, na, ra) in enumerate(readings):
        for eb, nb, rb in readings[i + 1 :]:
            if ea.identity == eb.identity or ea.family != eb.family:
                continue  # one party may be on two lists: negatives stay within one list
            key = (ea.identity, eb.identity)
            shared = ra.concept_names() & rb.concept_names()
            union = ra.concept_names() | rb.concept_names()
            if (
                len(shared) >= 2
                and len(shared) >= 0.6 * len(union)
                and ra.distinctive
                and rb.distinctive
                and no_word_shared(ra, rb)
                and ra.numbers == rb.numbers
            ):
                cross = {lang for _, lang in ra.concepts} != {lang for _, lang in rb.concepts}
                frame.append(
                    negative(
                        ea,
                        eb,
                        na,
                        nb,
                        "hard_negative_same_frame",
                        "different entries: same enterprise frame"
                        + (" in two languages" if cross else "")
                        + ", other distinctive words",
                    )
                )
                seen.add(key)
            elif ra.distinctive and rb.distinctive and key not in seen:
                short, long_ = sorted((ra, rb), key=lambda r: len(r.distinctive))
                folded = {fold(y) for y in long_.distinctive}
                if len(long_.distinctive) - len(short.distinctive) == 1 and all(
                    len(x) >= 4 and fold(x) in folded for x in short.distinctive
                ):
                    extra.append(
                        negative(
                            ea,
                            eb,
                            na,
                            nb,
                            "hard_negative_extra_word",
                            "different entries: one name has one distinctive word more",
                        )
                    )
                    seen.add(key)

    # at most one pair per two entries, preferring pairs across languages
    def one_per_entry_pair(pairs: list[Pair]) -> list[Pair]:
        best: dict[str, list[Pair]] = defaultdict(list)
        for pair in pairs:
            best[pair.source].append(pair)
        chosen = []
        for source in sorted(best):
            options = best[source]
            cross = [p for p in options if "two languages" in p.notes]
            chosen.append(rng.choice(cross or options))
        return chosen

    return one_per_entry_pair(frame) + one_per_entry_pair(extra)


def other_name_negatives(real: list[Pair], rng: random.Random) -> list[Pair]:
    """Controlled change: a real translation pair with one side's distinctive word replaced by
    the most alike distinctive word of another entry (not alike enough to be a spelling):
    the same translated frame, another party."""
    pool: dict[str, set[str]] = defaultdict(set)
    for pair in real:
        for name in (pair.name1, pair.name2):
            longest = sorted(read(name).distinctive, key=lambda w: (-len(w), w))
            if longest and len(longest[0]) >= 5:  # the name's main word: its longest
                pool["cy" if is_cyrillic(longest[0]) else "lat"].add(longest[0])
    found: list[Pair] = []
    for pair in real:
        target = pair.name2
        words = sorted(read(target).distinctive, key=lambda w: (-len(w), w))
        if not words or len(words[0]) < 5:
            continue
        word = words[0]
        script = "cy" if is_cyrillic(word) else "lat"
        mine = read(pair.name1).distinctive
        candidates = sorted(
            w
            for w in pool[script]
            if not words_alike(w, word)
            and fold(w) not in fold(word)
            and fold(word) not in fold(w)
            and not any(words_alike(w, m) for m in mine)
        )
        if not candidates:
            continue
        replacement = max(candidates, key=lambda w: (ratio(fold(w), fold(word)), w))
        changed = re.sub(re.escape(word), replacement, target, count=1, flags=re.IGNORECASE)
        if changed.upper() == target.upper():
            continue
        if not target.isupper():
            changed = re.sub(re.escape(replacement), replacement.capitalize(), changed)
        found.append(
            Pair(
                pair.name1,
                changed,
                pair.schema,
                False,
                "hard_negative_other_name",
                pair.country1,
                pair.country2,
                pair.source,
                f"controlled change: {pair.category} pair, {word} replaced by {replacement} "
                "(another entry's name)",
            )
        )
    return found


def ordinal(number: int) -> str:
    if 10 <= number % 100 <= 20:
        return f"{number}TH"
    return f"{number}{ {1: 'ST', 2: 'ND', 3: 'RD'}.get(number % 10, 'TH') }"


def number_negatives(entries: list[Entry], real: list[Pair], rng: random.Random) -> list[Pair]:
    """Controlled change: a numbered plant, institute, centre or bank against the same name
    (or its translation) with another number: another party."""
    found = []
    sources: list[tuple[str, str, Entry]] = []
    for entry in entries:
        numbered = [n for n in entry.names if re.search(r"\d", n) and read(n).concepts]
        for name in numbered:
            partners = [p for p in real if p.source == entry.source and name in (p.name1, p.name2)]
            other = ""
            if partners:
                p = partners[0]
                other = p.name2 if p.name1 == name else p.name1
            sources.append((name, other, entry))
    for name, other, entry in sources:
        for offset in (1, rng.choice((2, -1, 10))):

            def bump(text: str, offset: int = offset) -> str:
                changed = re.sub(r"\d+", lambda m: str(max(int(m.group()) + offset, 0)), text)
                return re.sub(
                    r"\b(\d+)(ST|ND|RD|TH)\b", lambda m: ordinal(int(m.group(1))), changed
                )

            against = other or name
            changed = bump(against)
            if changed == against or re.sub(r"\D", "", changed)[:1] == "0":
                continue
            found.append(
                Pair(
                    name,
                    changed,
                    entry.schema,
                    False,
                    "hard_negative_number",
                    entry.country,
                    entry.country,
                    entry.source,
                    f"controlled change: number {offset:+d}"
                    + (" on the translated name" if other else ""),
                )
            )
    return found


# Extra words a firm name may carry that make another firm (the "Alpha Trading LLC" /
# "Alpha Trading Investments Limited" case): distinctive, not legal forms.
EXTRA_WORDS = ("INVESTMENTS", "CAPITAL", "MARINE", "ENERGY", "RESOURCES", "DEVELOPMENT")


def extra_word_negatives(derived: list[Pair], rng: random.Random) -> list[Pair]:
    """Controlled change: a derived Cyrillic rendering of an English firm name against the
    listed English name with one more distinctive word."""
    found = []
    for pair in derived:
        if pair.category != "cyrillic_loanword":
            continue
        parts = split_legal_form(pair.name1)
        _form, core = parts if parts else ("", pair.name1)
        words = [w for w in EXTRA_WORDS if w not in core.upper()]
        word = rng.choice(words)
        if not core.isupper():
            word = word.capitalize()
        longer = f"{core} {word}"
        changed = pair.name1.replace(core, longer, 1) if core in pair.name1 else longer
        found.append(
            Pair(
                changed,
                pair.name2,
                pair.schema,
                False,
                "hard_negative_extra_word",
                pair.country1,
                pair.country2,
                pair.source,
                f"controlled change: {word} added to the English name of a cyrillic_loanword pair",
            )
        )
    return found


def negative_pairs(
    entries: list[Entry], real: list[Pair], derived: list[Pair], rng: random.Random
) -> list[Pair]:
    found = frame_negatives(entries, rng)
    found += other_name_negatives(
        real + [p for p in derived if p.category != "cyrillic_loanword"], rng
    )
    found += number_negatives(entries, real, rng)
    found += extra_word_negatives(derived, rng)
    return capped(found, CAP_NEGATIVE, rng)


# --------------------------------------------------------------------------------------
# Building the name-pair set
# --------------------------------------------------------------------------------------


def dedupe(pairs: Iterable[Pair]) -> Iterator[Pair]:
    seen: set[tuple[str, str]] = set()
    for pair in pairs:
        key = pair.key()
        if pair.name1.casefold() == pair.name2.casefold() or key in seen:
            continue
        seen.add(key)
        yield pair


def build(lists: Path) -> list[Pair]:
    rng = random.Random(SEED)
    entries = load_entries(lists)
    entries.sort(key=lambda e: e.source)
    russian = [e for e in entries if e.russian]
    real = real_pairs(russian, rng)
    derived = derived_pairs(entries, real, rng)
    negatives = negative_pairs(russian, real, derived, rng)
    pairs = list(dedupe([*real, *derived, *negatives]))
    labels: dict[tuple[str, str], set[bool]] = defaultdict(set)
    for pair in pairs:
        labels[pair.key()].add(pair.is_match)
    pairs = [p for p in pairs if len(labels[p.key()]) == 1]
    order = {"real": 0, "derived": 1, "negative": 2}
    pairs.sort(key=lambda p: (order[p.kind], p.category, p.source, p.name1, p.name2))
    return pairs


# --------------------------------------------------------------------------------------
# Addresses across scripts
# --------------------------------------------------------------------------------------

# Cities as English, Russian, the local language's official form, and (UZ) Uzbek Latin.
CITIES = {
    "moscow": ("Moscow", "Москва", "Москва"),
    "st. petersburg": ("St. Petersburg", "Санкт-Петербург", "Санкт-Петербург"),
    "almaty": ("Almaty", "Алматы", "Алматы"),
    "astana": ("Astana", "Астана", "Астана"),
    "tashkent": ("Tashkent", "Ташкент", "Toshkent"),
    "bishkek": ("Bishkek", "Бишкек", "Бишкек"),
    "minsk": ("Minsk", "Минск", "Мінск"),
}
OTHER_CITY = {
    "moscow": "st. petersburg", "st. petersburg": "moscow", "almaty": "astana",
    "astana": "almaty", "tashkent": "bishkek", "bishkek": "almaty", "minsk": "moscow",
}  # fmt: skip
# Street types: how the list writes them -> (English, Russian, Kazakh, Uzbek Latin).
STREET_TYPES = {
    "street": ("Street", "ул.", "көшесі", "ko'chasi"),
    "st": ("Street", "ул.", "көшесі", "ko'chasi"),
    "ul": ("Street", "ул.", "көшесі", "ko'chasi"),
    "ulitsa": ("Street", "улица", "көшесі", "ko'chasi"),
    "avenue": ("Avenue", "проспект", "даңғылы", "shoh ko'chasi"),
    "ave": ("Avenue", "пр-т", "даңғылы", "shoh ko'chasi"),
    "prospekt": ("Avenue", "проспект", "даңғылы", "shoh ko'chasi"),
    "prospect": ("Avenue", "проспект", "даңғылы", "shoh ko'chasi"),
    "lane": ("Lane", "пер.", "тұйық көшесі", "tor ko'chasi"),
    "per": ("Lane", "пер.", "тұйық көшесі", "tor ko'chasi"),
    "nab": ("Embankment", "наб.", "жағалауы", "sohili"),
    "shosse": ("Highway", "шоссе", "тас жолы", "shossesi"),
    "bulvar": ("Boulevard", "бульвар", "бульвары", "xiyoboni"),
    "sq": ("Square", "пл.", "алаңы", "maydoni"),
}
# Parts of a building: (English, Russian, Kazakh, Uzbek Latin).
UNITS = {
    "building": ("Building", "стр.", "ғимарат", "bino"),
    "str": ("Building", "стр.", "ғимарат", "bino"),
    "korp": ("Block", "корп.", "блок", "blok"),
    "office": ("Office", "офис", "кеңсе", "ofis"),
    "apartment": ("Apartment", "кв.", "пәтер", "xonadon"),
    "floor": ("Floor", "этаж", "қабат", "qavat"),
    "room": ("Room", "комн.", "бөлме", "xona"),
}


@dataclass
class Address:
    source: str
    listed: str  # as the list writes it (street line and city line)
    city: str  # key of CITIES
    postcode: str
    house: str
    street: str  # street name, romanised or English, as listed
    kind: str  # key of STREET_TYPES
    units: list[tuple[str, str]]  # (key of UNITS, number)


STREET_FIRST = re.compile(
    r"^(?:d\.\s*(?P<h1>\d+\s?[A-Za-z]?)\s*(?:(?P<u1>korp|str)\.\s*(?P<n1>\w+)\s*)?"
    r"(?P<k1>ul|nab|prospekt|shosse|per)\.?\s*(?P<s1>[A-Za-z][\w\s-]+?)|"
    r"(?P<h2>\d+[A-Za-z]?),?\s+(?P<s2>[A-Za-z][\w\s.-]+?)\s+(?P<k2>Street|St|Avenue|Ave|Lane|Prospekt|Prospect)\.?|"
    r"(?P<s3>[A-Za-z][\w\s-]+?)\s+(?P<k3>Street|Avenue|Prospekt)\s*,?\s*(?P<h3>\d+[A-Za-z]?)|"
    r"(?P<k4>Ulitsa|Bulvar|prospekt)\s+(?P<s4>[A-Za-z][\w\s-]+?),?\s+(?P<h4>\d+[A-Za-z]?))"
    r"(?P<rest>(?:,\s*(?:Building|Office|Apartment|Floor|Room)\s+\d+)*)$",
    re.IGNORECASE,
)


def parse_address(source: str, street: str, city_line: str) -> Address | None:
    """A listed address of a hub city whose street line has one of the common layouts."""
    city_match = re.match(r"^(?P<city>[A-Za-z. ]+?)\s*(?P<post>\d{6})?$", city_line.strip())
    if not city_match:
        return None
    city = city_match.group("city").strip().lower()
    if city not in CITIES:
        return None
    match = STREET_FIRST.match(street.strip())
    if not match:
        return None
    for n in "1234":
        if match.group(f"s{n}"):
            house = re.sub(r"\s", "", match.group(f"h{n}")).upper()
            name = match.group(f"s{n}").strip()
            kind = match.group(f"k{n}").lower().strip(".")
            break
    else:
        return None
    if len(name.split()) > 3:
        return None
    units = []
    if match.group("u1"):
        if not match.group("n1").isdigit():
            return None
        units.append((match.group("u1").lower(), match.group("n1")))
    for unit, number in re.findall(
        r"(Building|Office|Apartment|Floor|Room)\s+(\d+)", match.group("rest") or "", re.I
    ):
        units.append((unit.lower(), number))
    listed = f"{street}, {city_line}"
    return Address(source, listed, city, city_match.group("post") or "", house, name, kind, units)


def street_in_cyrillic(name: str, english_kind: bool) -> str:
    """A romanised street name in Cyrillic; a street named after a person (listed in English
    as "Timiryazev Street") takes the Russian genitive -а (ул. Тимирязева)."""
    words = [cyrillic_word(w) for w in name.split()]
    text = " ".join(w[:1] + w[1:].lower() for w in words)
    if english_kind and re.search(r"(ОВ|ЕВ|ИН)$", words[-1]):
        text += "а"
    return text


def render(address: Address, language: str, house: str | None = None,
           units: list[tuple[str, str]] | None = None, city: str | None = None,
           street: str | None = None) -> str:  # fmt: skip
    """The address in Russian (`ru`), Kazakh (`kk`), Uzbek Latin (`uz`) or English (`en`),
    in the order each writes it: city, street, house, units, postcode for ru/kk/uz."""
    house = house or address.house
    units = address.units if units is None else units
    city_key = city or address.city
    name = street or address.street
    english_kind = address.kind in ("street", "st", "avenue", "ave", "lane")
    en, ru, kk, uz = STREET_TYPES[address.kind]
    cities = CITIES[city_key]
    if language == "en":
        unit_text = "".join(f", {UNITS[u][0]} {n}" for u, n in units)
        street_en = " ".join(w.capitalize() for w in name.split())
        post = f" {address.postcode}" if address.postcode and city is None else ""
        return f"{house} {street_en} {en}{unit_text}, {cities[0]}{post}"
    street_cy = street_in_cyrillic(name, english_kind)
    if language == "ru":
        unit_text = "".join(f", {UNITS[u][1]} {n}" for u, n in units)
        post = f", {address.postcode}" if address.postcode and city is None else ""
        return f"г. {cities[1]}, {ru} {street_cy}, д. {house}{unit_text}{post}"
    if language == "kk":
        plain = street_in_cyrillic(name, False)
        unit_text = "".join(f", {n} {UNITS[u][2]}" for u, n in units)
        return f"{cities[2]} қ., {plain} {kk}, {house}{unit_text}"
    plain = " ".join(w.capitalize() for w in name.split())
    unit_text = "".join(f", {n}-{UNITS[u][3]}" for u, n in units)
    return f"{cities[2]} sh., {plain} {uz}, {house}-uy{unit_text}"


def languages_for(address: Address) -> list[str]:
    """Cross-language renderings: Russian everywhere, Kazakh in Kazakhstan, Uzbek Latin in
    Uzbekistan; English only for an address listed in romanised Russian (d. 16 ul. ...)."""
    found = ["ru"]
    if address.city in ("almaty", "astana"):
        found.append("kk")
    if address.city == "tashkent":
        found.append("uz")
    if address.kind in ("ul", "nab", "shosse", "per", "ulitsa", "bulvar", "prospekt"):
        found.append("en")
    return found


# Pairs the issue itself gives as examples (issue 21, "matching across languages").
ISSUE_ADDRESSES = (
    ("Астана, проспект Абая, 13, офис 1309", "13, Abay Avenue, office 1309, Astana", True),
    ("ул. Навои, 16А", "16A Navoi Street, Tashkent", True),
    ("Navoiy ko'chasi 16A", "16A Navoi Street, Tashkent", True),
)


@dataclass
class AddressPair:
    address1: str
    address2: str
    is_match: bool
    category: str
    source: str
    notes: str

    def key(self) -> tuple[str, str]:
        a, b = sorted((self.address1.casefold(), self.address2.casefold()))
        return a, b

    def row(self) -> dict[str, str]:
        return {
            "address1": self.address1,
            "address2": self.address2,
            "is_match": "true" if self.is_match else "false",
            "category": self.category,
            "source": self.source,
            "notes": self.notes,
        }


CAP_REAL_ADDRESSES_PER_ENTRY = 3


def numbers_of(text: str) -> list[str]:
    return sorted(re.findall(r"\d+", text))


def address_pairs(lists: Path, entries: list[Entry], rng: random.Random) -> list[AddressPair]:
    pairs = [
        AddressPair(a, b, m, "issue_example", "issue-21", "real: example given in issue 21")
        for a, b, m in ISSUE_ADDRESSES
    ]
    # real: a Russian Cyrillic and an English address of one FtM entity with the same numbers
    for entry in entries:
        if not entry.source.startswith("ftm:"):
            continue
        cyr = [a for a in entry.addresses if is_cyrillic(a) and usable(a)]
        lat = [a for a in entry.addresses if not is_cyrillic(a) and usable(a)]
        real = 0
        for a in cyr:
            for b in lat:
                if numbers_of(a) == numbers_of(b) and real < CAP_REAL_ADDRESSES_PER_ENTRY:
                    real += 1
                    pairs.append(
                        AddressPair(
                            b,
                            a,
                            True,
                            "cyrillic_latin",
                            entry.source,
                            "real: two addresses of one list entry",
                        )
                    )
    parsed: list[Address] = []
    for folder, prefix, family in (
        ("ofac-sdn-2021", "", "ofac-sdn"),
        ("ofac-consolidated", "cons_", "ofac-cons"),
    ):
        for row in read_ofac_csv(lists / folder / f"{prefix}add.csv"):
            if len(row) >= 4 and row[2] and row[3]:
                found = parse_address(f"{family}:{row[0]}", row[2], row[3])
                if found:
                    parsed.append(found)
    parsed.sort(key=lambda a: (a.city, a.source, a.listed))
    by_city: dict[str, list[Address]] = defaultdict(list)
    for address in parsed:
        by_city[address.city].append(address)
    for address in parsed:
        language = rng.choice(languages_for(address))
        rule = {"ru": "Russian", "kk": "Kazakh", "uz": "Uzbek Latin", "en": "English"}[language]
        rendered = render(address, language)
        pairs.append(
            AddressPair(address.listed, rendered, True, f"{language}_rendering", address.source,
                        f"derived: the listed address in {rule} (STREET_TYPES, UNITS, CITIES)")
        )  # fmt: skip
        # hard negatives: the same rendering with one thing changed
        other = rng.choice(languages_for(address))
        house = re.sub(r"\d+", lambda m: str(int(m.group()) + rng.choice((1, 2, 10))),
                       address.house, count=1)  # fmt: skip
        changes = [("other_house", render(address, other, house=house), f"house {house}")]
        if address.units:
            unit, number = address.units[-1]
            units = [*address.units[:-1], (unit, str(int(number) + 1))]
            changes.append(
                ("other_unit", render(address, other, units=units), f"{unit} {int(number) + 1}")
            )
        streets = sorted({a.street for a in by_city[address.city] if a.kind == address.kind
                          and not words_alike(a.street, address.street)})  # fmt: skip
        if streets:
            street = rng.choice(streets)
            changes.append(("other_street", render(address, other, street=street), street))
        changes.append(("other_city", render(address, other, city=OTHER_CITY[address.city]),
                        OTHER_CITY[address.city]))  # fmt: skip
        category, text, what = rng.choice(changes)
        pairs.append(
            AddressPair(address.listed, text, False, f"hard_negative_{category}", address.source,
                        f"controlled change: the listed address rendered with {what}")
        )  # fmt: skip
    seen: set[tuple[str, str]] = set()
    unique = []
    for pair in pairs:
        if pair.key() not in seen:
            seen.add(pair.key())
            unique.append(pair)
    return unique


# --------------------------------------------------------------------------------------


def summary(
    pairs: list[Pair], addresses: list[AddressPair], out: Callable[[str], None] = print
) -> None:
    def table(title: str, counter: Counter[str]) -> None:
        out(f"{title}: {sum(counter.values())}")
        for key, count in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])):
            out(f"  {key:<44} {count:>4}")

    out(f"name pairs: {len(pairs)}")
    table("by kind", Counter(p.kind for p in pairs))
    table("by is_match", Counter("true" if p.is_match else "false" for p in pairs))
    table("by schema", Counter(p.schema for p in pairs))
    table("by category and kind", Counter(f"{p.category} ({p.kind})" for p in pairs))
    out(f"address pairs: {len(addresses)}")
    table("by is_match", Counter("true" if p.is_match else "false" for p in addresses))
    table("by category", Counter(p.category for p in addresses))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--lists", type=Path, default=DEFAULT_LISTS, help="shared lists folder")
    parser.add_argument("--out", type=Path, default=OUTPUT, help="name-pair CSV to write")
    parser.add_argument("--addresses", type=Path, default=ADDRESS_OUTPUT, help="address CSV")
    args = parser.parse_args()
    pairs = build(args.lists)
    entries = sorted(load_entries(args.lists), key=lambda e: e.source)
    addresses = address_pairs(args.lists, entries, random.Random(SEED + 1))
    with args.out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        for pair in pairs:
            writer.writerow(pair.row())
    with args.addresses.open("w", encoding="utf-8", newline="") as handle:
        address_writer = csv.DictWriter(handle, fieldnames=ADDRESS_COLUMNS, lineterminator="\n")
        address_writer.writeheader()
        for address in addresses:
            address_writer.writerow(address.row())
    summary(pairs, addresses)
    print(f"wrote {args.out} and {args.addresses}")


if __name__ == "__main__":
    main()
