"""Build the labelled Central Asia name-pair set, `central_asia_pairs.csv`, from real list files.

    .venv/bin/python benchmarks/data/build_central_asia_pairs.py [--lists ../shared/data/lists]

Reads the real list files under `../shared/data/lists` (UN consolidated XML, the OFAC SDN 2021
and consolidated CSV sets, the US CSL fragments and the FtM streams), never the network and
never `diversion`. Writes `central_asia_pairs.csv` next to this script and prints a summary.
The output is deterministic: every choice goes through sorted inputs and one seeded RNG.

Three kinds of pairs (see docs/matching-evaluation-data.md):

* real positives: two names that one list entry gives for the same party (name, aliases,
  original-script name), kept only when they are variants of one name (not a nickname, a
  former name or a translation), and labelled by how they differ;
* derived positives: a real listed name against the same name rewritten by one documented
  rule below (legal form, quotes, word order, patronymic, romanisation, homoglyphs,
  abbreviations, Kazakh letters, pinyin);
* hard negatives: two different entries of one list with similar names, or a real numbered
  name against the same name with another number.
"""

from __future__ import annotations

import argparse
import csv
import difflib
import json
import random
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from xml.etree.ElementTree import Element

from defusedxml import ElementTree

HERE = Path(__file__).resolve().parent
DEFAULT_LISTS = HERE.parents[2] / "shared" / "data" / "lists"
OUTPUT = HERE / "central_asia_pairs.csv"
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
SEED = 20240223

# How many pairs each kind may contribute; the real alias pairs come first and are the
# largest share, derived pairs stay well under half of the set.
CAP_REAL_PER_ENTRY = 3  # most entries: at most this many alias pairs
CAP_REAL_PER_RICH_ENTRY = 8  # FtM and UN entries with Cyrillic or Chinese names
# Real alias pairs per category (categories not named here: all of them). Romanisation and
# legal-form variants are plentiful on OFAC; the caps keep the set varied.
CAP_REAL_PER_CATEGORY: dict[str, int] = {
    "russian_romanisation": 24,
    "ukrainian_romanisation": 10,
    "belarusian_romanisation": 12,
    "patronymic": 18,
    "partial_name": 10,
    "word_order": 12,
    "legal_form": 24,
    "abbreviation": 10,
    "alias": 12,
    "spelling_variant": 26,
    "quotes": 10,
    "punctuation": 8,
}
CAP_DERIVED = {
    "legal_form": 30,
    "quotes": 8,
    "word_order": 8,
    "patronymic": 14,
    "cyrillic_latin": 16,
    "russian_romanisation": 14,
    "uzbek_romanisation": 16,
    "homoglyph": 16,
    "abbreviation": 12,
    "kazakh_letters": 10,
    "chinese_pinyin": 12,
    "german_romanisation": 14,
}
LATER_CATEGORIES = ("german_romanisation",)
CAP_NEGATIVE = {
    "hard_negative_same_surname": 55,
    "hard_negative_same_given_name": 36,
    "hard_negative_patronymic": 12,
    "hard_negative_similar_name": 145,
    "hard_negative_legal_form": 12,
    "hard_negative_number": 30,
}

# --------------------------------------------------------------------------------------
# Countries
# --------------------------------------------------------------------------------------

# Country names as the lists write them -> ISO 3166-1 alpha-2.
COUNTRY_CODES = {
    "russia": "RU",
    "russian federation": "RU",
    "belarus": "BY",
    "ukraine": "UA",
    "crimea": "UA",
    "kazakhstan": "KZ",
    "kyrgyzstan": "KG",
    "uzbekistan": "UZ",
    "tajikistan": "TJ",
    "turkmenistan": "TM",
    "armenia": "AM",
    "georgia": "GE",
    "azerbaijan": "AZ",
    "moldova": "MD",
    "china": "CN",
    "hong kong": "HK",
    "united arab emirates": "AE",
    "uae": "AE",
    "turkey": "TR",
    "türkiye": "TR",
    "iran": "IR",
    "iran (islamic republic of)": "IR",
    "korea, north": "KP",
    "democratic people's republic of korea": "KP",
    "cyprus": "CY",
    "switzerland": "CH",
    "finland": "FI",
    "serbia": "RS",
    "latvia": "LV",
    "germany": "DE",
    "luxembourg": "LU",
    "india": "IN",
    "mongolia": "MN",
    "cayman islands": "KY",
    "singapore": "SG",
    "malaysia": "MY",
    "united kingdom": "GB",
    "united states": "US",
    "israel": "IL",
    "afghanistan": "AF",
    "syria": "SY",
    "lebanon": "LB",
    "taiwan": "TW",
    "netherlands": "NL",
    "austria": "AT",
    "bulgaria": "BG",
    "estonia": "EE",
    "lithuania": "LT",
    "poland": "PL",
    "czech republic": "CZ",
    "france": "FR",
    "italy": "IT",
    "spain": "ES",
    "panama": "PA",
    "seychelles": "SC",
    "virgin islands, british": "VG",
    "marshall islands": "MH",
    "thailand": "TH",
    "vietnam": "VN",
    "korea, south": "KR",
    "japan": "JP",
    "iraq": "IQ",
    "pakistan": "PK",
    "oman": "OM",
    "qatar": "QA",
    "kuwait": "KW",
    "saudi arabia": "SA",
    "jordan": "JO",
    "egypt": "EG",
    "liberia": "LR",
    "belize": "BZ",
}
# Former Soviet states: persons from these are in scope.
POST_SOVIET = ("KZ", "KG", "UZ", "TJ", "TM", "AM", "GE", "AZ", "BY", "RU", "UA", "MD")
# Transit hubs and China: companies from these are in scope too. The order is the priority
# when an entry has addresses in several of them (the hub first, Russia after it).
HUBS = (
    "KZ",
    "KG",
    "UZ",
    "AM",
    "TJ",
    "TM",
    "GE",
    "AZ",
    "BY",
    "RU",
    "UA",
    "MD",
    "CN",
    "HK",
    "AE",
    "TR",
)
SCOPE = frozenset(HUBS)
RUSSIA_PROGRAMS = re.compile(r"UKRAINE|RUSSIA|CYBER|BELARUS|MAGNIT")
# Entities tied to Iran, North Korea or Syria (by program or address) are left out: their
# names are Persian, Korean or Arabic, not Central Asian, even with an office in a hub.
OTHER_REGIMES = re.compile(r"DPRK|IRAN|IFSR|IRGC|SYRIA")


def country_code(text: str) -> str:
    """ISO code of a country name as the lists write it, or ""."""
    value = text.strip().strip(".").lower()
    if len(value) == 2 and value.upper() in SCOPE | {"IR", "KP", "CY", "CH", "US", "GB"}:
        return value.upper()
    return COUNTRY_CODES.get(value, "")


def primary_country(codes: Iterable[str]) -> str:
    """The country an entry belongs to: the one it gives most often (for a company, where
    most of its addresses are); ties go to Russia, then to the transit hubs."""
    counts = Counter(c for c in codes if c)
    if not counts:
        return ""
    top = max(counts.values())
    tied = [c for c, n in counts.items() if n == top]
    if "RU" in tied:
        return "RU"  # a Russian company with offices in several hubs
    for hub in HUBS:
        if hub in tied:
            return hub
    return sorted(tied)[0]


# --------------------------------------------------------------------------------------
# Scripts and folding (for filtering and classifying only; names are written as listed)
# --------------------------------------------------------------------------------------

CYRILLIC = re.compile(r"[\u0400-\u052F]")
HAN = re.compile(r"[\u3400-\u9FFF]")
ARMENIAN = re.compile(r"[\u0530-\u058F]")
LATIN = re.compile(r"[A-Za-z\u00C0-\u024F]")
# Scripts we do not use: kana (Japanese), Greek, Arabic, Hebrew, Hangul.
OTHER_SCRIPT = re.compile(r"[\u3040-\u30FF\u0370-\u03FF\u0600-\u06FF\u0590-\u05FF\uAC00-\uD7AF]")
# Translations of a name into EU languages (as FtM carries them from EU lists): not how a
# Central Asian declaration writes a party, so never used.
FOREIGN_WORDS = re.compile(
    r"\b(sociedad|sociedade|societatea|soci[ée]t[ée]|kft|korl[áa]tolt|cuideachta|chuideachta|"
    r"yhti[öo]|koncern|konserni|koncernen|dru[žz]ba|spole[čc]nost|дружество|rab|groupe|"
    r"sp[óo][łl]ka|tovarystvo|товариство|акціонерне|aktsionerne|rendszerek)\b",
    re.IGNORECASE,
)
QUOTES = "\"'«»“”„‘’‚‹›`´"

# Cyrillic -> Latin for comparison only (a loose BGN-like reading of Russian, Ukrainian,
# Belarusian, Kazakh, Kyrgyz and Uzbek letters).
FOLD_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
    "з": "z", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
    "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
    "я": "ya", "і": "i", "ї": "i", "є": "e", "ў": "u", "ґ": "g", "ә": "a", "ғ": "g",
    "қ": "k", "ң": "n", "ө": "o", "ұ": "u", "ү": "u", "һ": "h", "ҳ": "h",
}  # fmt: skip


def fold(text: str) -> str:
    """Lower-case Latin skeleton of a name: script, diacritics and common spelling folded."""
    text = text.casefold()
    text = "".join(FOLD_CYRILLIC.get(ch, ch) for ch in text)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = re.sub(r"[^a-z0-9\u3400-\u9fff]+", " ", text)
    # Romanisation systems disagree mostly on these; fold them to one spelling.
    for old, new in (
        ("shch", "sh"), ("kh", "h"), ("zh", "j"), ("dzh", "j"), ("tch", "ch"), ("ts", "c"),
        ("x", "h"), ("q", "k"), ("w", "v"), ("ck", "k"), ("ph", "f"), ("yu", "iu"),
        ("ya", "ia"), ("iy ", "i "), ("yi", "i"), ("y", "i"), ("ii", "i"), ("ou", "u"),
    ):  # fmt: skip
        text = text.replace(old, new)
    return text.strip()


def scripts(text: str) -> set[str]:
    found = set()
    if CYRILLIC.search(text):
        found.add("cyrillic")
    if HAN.search(text):
        found.add("han")
    if ARMENIAN.search(text):
        found.add("armenian")
    if LATIN.search(text):
        found.add("latin")
    return found


def clean_name(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().strip(",;").strip()


def usable(name: str) -> bool:
    """A listed name we may pair: no foreign-language translation, no unused script."""
    return bool(
        name
        and len(name) <= 120
        and not OTHER_SCRIPT.search(name)
        and not FOREIGN_WORDS.search(name)
        and "@" not in name
        and not re.search(r"\bwww\.|\.(ru|by|com|kz)\b", name, re.IGNORECASE)
    )


# --------------------------------------------------------------------------------------
# Legal forms (data): used to strip legal forms when comparing, to classify pairs and to
# write a company's legal form the way another country, script or language writes it.
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Form:
    text: str  # as written
    place: str  # "pre": before the name ('ООО «X»'), "post": after it ('X LLC')
    quote: str  # quotes around the name when the form comes first: "«»", '""' or ""
    note: str  # what it is


# Spellings of one legal-form class in one jurisdiction: any two of them name the same kind
# of company, so swapping them keeps the party the same. Sources: the Civil Codes of each
# country (RU art. 87, KZ art. 77, KG art. 115, UZ law 310-II, AM civil code art. 106) and
# their registry abbreviations; English forms as the lists themselves use them.
LEGAL_FORMS: dict[tuple[str, str], tuple[Form, ...]] = {
    ("RU", "LLC"): (
        Form("ООО", "pre", "«»", "RU abbreviation, Cyrillic"),
        Form("OOO", "post", "", "RU abbreviation, romanised"),
        Form("LLC", "post", "", "English abbreviation"),
        Form("Limited Liability Company", "pre", '""', "English, full"),
        Form("Общество с ограниченной ответственностью", "pre", "«»", "RU, full"),
        Form("OBSHCHESTVO S OGRANICHENNOY OTVETSTVENNOSTYU", "pre", "", "RU full, romanised"),
    ),
    ("RU", "JSC"): (
        Form("АО", "pre", "«»", "RU abbreviation, Cyrillic"),
        Form("AO", "post", "", "RU abbreviation, romanised"),
        Form("JSC", "post", "", "English abbreviation"),
        Form("Joint Stock Company", "pre", "", "English, full"),
        Form("Акционерное общество", "pre", "«»", "RU, full"),
    ),
    ("RU", "PJSC"): (
        Form("ПАО", "pre", "«»", "RU abbreviation, Cyrillic"),
        Form("PAO", "post", "", "RU abbreviation, romanised"),
        Form("PJSC", "post", "", "English abbreviation"),
        Form("Public Joint Stock Company", "pre", "", "English, full"),
        Form("Публичное акционерное общество", "pre", "«»", "RU, full"),
    ),
    ("RU", "OJSC"): (
        Form("ОАО", "pre", "«»", "RU abbreviation, Cyrillic"),
        Form("OAO", "post", "", "RU abbreviation, romanised"),
        Form("OJSC", "post", "", "English abbreviation"),
        Form("Open Joint Stock Company", "pre", "", "English, full"),
        Form("Открытое акционерное общество", "pre", "«»", "RU, full"),
    ),
    ("RU", "CJSC"): (
        Form("ЗАО", "pre", "«»", "RU abbreviation, Cyrillic"),
        Form("ZAO", "post", "", "RU abbreviation, romanised"),
        Form("CJSC", "post", "", "English abbreviation"),
        Form("Closed Joint Stock Company", "pre", "", "English, full"),
        Form("Закрытое акционерное общество", "pre", "«»", "RU, full"),
    ),
    ("BY", "LLC"): (
        Form("ООО", "pre", "«»", "BY abbreviation, Russian"),
        Form("ТАА", "pre", "«»", "BY abbreviation, Belarusian"),
        Form("LLC", "post", "", "English abbreviation"),
        Form("Таварыства з абмежаванай адказнасцю", "pre", "«»", "BY, full Belarusian"),
    ),
    ("BY", "OJSC"): (
        Form("ОАО", "pre", "«»", "BY abbreviation, Russian"),
        Form("ААТ", "pre", "«»", "BY abbreviation, Belarusian"),
        Form("OAO", "post", "", "romanised"),
        Form("OJSC", "post", "", "English abbreviation"),
        Form("Open Joint Stock Company", "post", "", "English, full"),
    ),
    ("BY", "UE"): (
        Form("УП", "pre", "«»", "BY unitary enterprise, Russian"),
        Form("UE", "pre", "", "English abbreviation"),
        Form("Unitary Enterprise", "post", "", "English, full"),
    ),
    ("KZ", "LLP"): (
        Form("ТОО", "pre", "«»", "KZ abbreviation, Russian"),
        Form("ЖШС", "pre", "«»", "KZ abbreviation, Kazakh"),
        Form("TOO", "pre", "", "KZ abbreviation, romanised"),
        Form("LLP", "post", "", "English abbreviation"),
        Form("Товарищество с ограниченной ответственностью", "pre", "«»", "KZ, full Russian"),
        Form("Жауапкершілігі шектеулі серіктестік", "pre", "«»", "KZ, full Kazakh"),
    ),
    ("KZ", "JSC"): (
        Form("АО", "pre", "«»", "KZ abbreviation, Russian"),
        Form("АҚ", "pre", "«»", "KZ abbreviation, Kazakh"),
        Form("JSC", "post", "", "English abbreviation"),
        Form("Акционерное общество", "pre", "«»", "KZ, full Russian"),
        Form("Акционерлік қоғамы", "post", "", "KZ, full Kazakh"),
    ),
    ("KG", "LLC"): (
        Form("ОсОО", "pre", "«»", "KG abbreviation, Russian"),
        Form("OsOO", "pre", "", "KG abbreviation, romanised"),
        Form("LLC", "post", "", "English abbreviation"),
        Form("Общество с ограниченной ответственностью", "pre", "«»", "KG, full Russian"),
        Form("Жоопкерчилиги чектелген коому", "post", "", "KG, full Kyrgyz"),
    ),
    ("UZ", "LLC"): (
        Form("MChJ", "post", "", "UZ abbreviation, Latin"),
        Form("МЧЖ", "post", "", "UZ abbreviation, Cyrillic"),
        Form("mas'uliyati cheklangan jamiyat", "post", "", "UZ, full Latin"),
        Form("масъулияти чекланган жамият", "post", "", "UZ, full Cyrillic"),
        Form("ООО", "pre", "«»", "Russian abbreviation, as UZ documents in Russian write it"),
        Form("LLC", "post", "", "English abbreviation"),
    ),
    ("AM", "LLC"): (
        Form("ՍՊԸ", "post", "", "AM abbreviation, Armenian"),
        Form("SPY", "post", "", "AM abbreviation, romanised (ՍՊԸ)"),
        Form("LLC", "post", "", "English abbreviation"),
        Form("ООО", "pre", "«»", "Russian abbreviation"),
    ),
    ("AM", "CJSC"): (
        Form("ՓԲԸ", "post", "", "AM abbreviation, Armenian"),
        Form("CJSC", "post", "", "English abbreviation"),
        Form("ЗАО", "pre", "«»", "Russian abbreviation"),
        Form("Closed Joint Stock Company", "post", "", "English, full"),
    ),
    ("CN", "LTD"): (
        Form("CO., LTD.", "post", "", "English abbreviation"),
        Form("COMPANY LIMITED", "post", "", "English, full"),
        Form("CO LTD", "post", "", "English abbreviation, no dots"),
        Form("CO., LIMITED", "post", "", "English, mixed"),
    ),
    ("HK", "LTD"): (
        Form("LIMITED", "post", "", "English, full"),
        Form("LTD", "post", "", "English abbreviation"),
        Form("CO., LTD.", "post", "", "English abbreviation"),
        Form("COMPANY LIMITED", "post", "", "English, full"),
    ),
    ("AE", "LLC"): (
        Form("LLC", "post", "", "English abbreviation"),
        Form("L.L.C.", "post", "", "English abbreviation, dotted"),
        Form("LIMITED LIABILITY COMPANY", "post", "", "English, full"),
    ),
    ("AE", "FZE"): (
        Form("FZE", "post", "", "free-zone establishment"),
        Form("FREE ZONE ESTABLISHMENT", "post", "", "free-zone establishment, full"),
        Form("F.Z.E.", "post", "", "free-zone establishment, dotted"),
    ),
    ("AE", "FZCO"): (
        Form("FZCO", "post", "", "free-zone company"),
        Form("FZ CO", "post", "", "free-zone company, split"),
        Form("FREE ZONE COMPANY", "post", "", "free-zone company, full"),
    ),
    ("TR", "LTD"): (
        Form("LTD. STI.", "post", "", "TR abbreviation (Ltd. Şti.)"),
        Form("LTD. ŞTİ.", "post", "", "TR abbreviation, Turkish letters"),
        Form("LIMITED SIRKETI", "post", "", "TR, full"),
        Form("LIMITED ŞİRKETİ", "post", "", "TR, full, Turkish letters"),
    ),
    ("TR", "AS"): (
        Form("A.S.", "post", "", "TR abbreviation (A.Ş.)"),
        Form("A.Ş.", "post", "", "TR abbreviation, Turkish letters"),
        Form("ANONIM SIRKETI", "post", "", "TR, full"),
    ),
}
# Spellings the lists use for these classes that we only recognise (never write).
RECOGNISED_ONLY: dict[tuple[str, str], tuple[str, ...]] = {
    ("RU", "LLC"): (
        "OBSHCHESTVO S OGRANICHENNOI OTVETSTVENNOSTYU",
        "OBSHCHESTVO S ORGANICHENNOI OTVETSTVENNOSTYU",
        "LIMITED LIABILITY COMPANY",
        "Общество С Ограниченной Ответственностью",
        "LTD",
        "LIMITED",
    ),
    ("RU", "JSC"): ("AKTSIONERNOE OBSHCHESTVO", "JOINT-STOCK COMPANY", "JOINT STOCK COMPANY"),
    ("RU", "PJSC"): (
        "PUBLICHNOE AKTSIONERNOE OBSHCHESTVO",
        "PUBLIC JOINT-STOCK COMPANY",
        "PUBLIC JOINT STOCK COMPANY",
    ),
    ("RU", "OJSC"): (
        "OTKRYTOE AKTSIONERNOE OBSHCHESTVO",
        "OPEN JOINT-STOCK COMPANY",
        "OPEN JOINT STOCK COMPANY",
    ),
    ("RU", "CJSC"): (
        "ZAKRYTOE AKTSIONERNOE OBSHCHESTVO",
        "CLOSED JOINT-STOCK COMPANY",
        "CLOSED JOINT STOCK COMPANY",
    ),
    ("KZ", "LLP"): ("LIMITED LIABILITY PARTNERSHIP",),
    ("KZ", "JSC"): ("JOINT STOCK COMPANY", "AO"),
    ("AM", "CJSC"): ("CLOSED JOINT-STOCK COMPANY", "CLOSED JOINT STOCK COMPANY"),
    ("CN", "LTD"): (
        "CO. LTD.",
        "CO. LTD",
        "CO LTD.",
        "CO., LTD",
        "CO. LIMITED",
        "CO LIMITED",
        "COMPANY LTD",
        "YOUXIAN GONGSI",
        "LIMITED",
        "LTD",
        "LTD.",
    ),
    ("HK", "LTD"): ("CO. LTD.", "CO LTD", "LTD.", "CO., LIMITED", "CO. LIMITED", "COMPANY LTD"),
    ("AE", "LLC"): ("L.L.C",),
}
# Other legal-form and company-type words, stripped when comparing names (never written).
OTHER_FORMS = (
    "INC", "CORP", "CORPORATION", "COMPANY", "CO", "GMBH", "SA", "S A", "BV", "AG", "PLC",
    "SAL", "S A L", "FZC", "FZ LLC", "PTE", "PTY", "SDN BHD", "OOD", "EOOD", "AD", "JSB",
    "UE", "NPO", "AK", "LTD STI", "SAN VE TIC", "SANAYI VE TICARET", "CJSC", "JSC",
    "OJSC", "PJSC", "ZAO", "OAO", "PAO", "OOO", "LLC", "LLP", "TOO", "LIMITED", "LTD",
    "GONGSI", "YOUXIAN GONGSI", "有限公司", "公司", "会社",
)  # fmt: skip
STOP_WORDS = frozenset({"of", "the", "and", "s", "i", "v", "na", "po", "de"})


def _form_key(text: str) -> tuple[str, ...]:
    return tuple(fold(text).split())


ALL_FORM_KEYS: list[tuple[str, ...]] = sorted(
    {_form_key(f.text) for forms in LEGAL_FORMS.values() for f in forms if _form_key(f.text)}
    | {_form_key(t) for spellings in RECOGNISED_ONLY.values() for t in spellings}
    | {_form_key(t) for t in OTHER_FORMS if _form_key(t)},
    key=lambda k: (-len(k), k),
)


def tokens(name: str) -> list[str]:
    return fold(name).split()


def core_tokens(name: str) -> list[str]:
    """Tokens of a name without legal forms and stop words."""
    toks = tokens(name)
    out: list[str] = []
    i = 0
    while i < len(toks):
        for key in ALL_FORM_KEYS:
            if tuple(toks[i : i + len(key)]) == key:
                i += len(key)
                break
        else:
            if toks[i] not in STOP_WORDS:
                out.append(toks[i])
            i += 1
    return out


def forms_in(name: str) -> set[tuple[str, ...]]:
    toks = tokens(name)
    found = set()
    for key in ALL_FORM_KEYS:
        n = len(key)
        if any(tuple(toks[i : i + n]) == key for i in range(len(toks) - n + 1)):
            found.add(key)
    return found


# Generic class of each legal form, to tell a different kind of company (an LLC and a
# joint-stock company of one name are two parties) from a different spelling of one kind.
GENERIC_CLASS = {
    "LLC": "limited", "LLP": "limited", "LTD": "limited", "UE": "unitary",
    "JSC": "joint-stock", "PJSC": "joint-stock", "OJSC": "joint-stock", "CJSC": "joint-stock",
    "AS": "joint-stock", "FZE": "free-zone establishment", "FZCO": "free-zone company",
}  # fmt: skip
OTHER_FORM_CLASS = {
    "INC": "corporation", "CORP": "corporation", "CORPORATION": "corporation",
    "GMBH": "limited", "OOD": "limited", "EOOD": "limited", "PTE": "limited",
    "SA": "joint-stock", "AG": "joint-stock", "PLC": "joint-stock", "AD": "joint-stock",
    "SAL": "joint-stock", "JSB": "joint-stock", "AK": "joint-stock",
}  # fmt: skip
FORM_CLASS: dict[tuple[str, ...], str] = {}
for (_jur, _klass), _forms in LEGAL_FORMS.items():
    for _form in _forms:
        FORM_CLASS.setdefault(_form_key(_form.text), GENERIC_CLASS[_klass])
for (_jur, _klass), _spellings in RECOGNISED_ONLY.items():
    for _spelling in _spellings:
        FORM_CLASS.setdefault(_form_key(_spelling), GENERIC_CLASS[_klass])
for _text, _generic in OTHER_FORM_CLASS.items():
    FORM_CLASS.setdefault(_form_key(_text), _generic)


def form_classes(name: str) -> set[str]:
    return {FORM_CLASS[key] for key in forms_in(name) if key in FORM_CLASS}


@dataclass(frozen=True)
class Found:
    klass: str  # legal-form class in its jurisdiction (LLC, JSC, LLP, ...)
    form: Form | None  # the writable form found, or None for a recognised-only spelling
    written: str  # the legal form as the name writes it
    core: str  # the name without its legal form and quotes
    place: str  # where the form stood: "pre" or "post"


def legal_class(name: str, country: str) -> Found | None:
    """The legal form at the start or end of a company name ('ООО «X»', 'X, OOO', 'X LLC')
    among the spellings of one jurisdiction, longest spelling first."""
    text = clean_name(name)
    spellings: list[tuple[str, str, Form | None]] = []
    for (jur, klass), forms in LEGAL_FORMS.items():
        if jur == country:
            spellings += [(f.text, klass, f) for f in forms]
            spellings += [(t, klass, None) for t in RECOGNISED_ONLY.get((jur, klass), ())]
    spellings.sort(key=lambda s: (-len(s[0]), s[0]))
    for spelling, klass, form in spellings:
        pattern = re.escape(spelling).replace(r"\ ", r"[\s-]+")
        pre = re.match(rf"^({pattern})[\s,]+(.+)$", text, re.IGNORECASE)
        post = re.match(rf"^(.+?)[\s,]+({pattern})\.?$", text, re.IGNORECASE)
        if pre:
            written, core, place = pre.group(1), pre.group(2), "pre"
        elif post:
            written, core, place = post.group(2), post.group(1), "post"
        else:
            continue
        core = core.strip().strip(",").strip().strip(QUOTES).strip()
        words = core_tokens(core)
        if (
            core
            and not re.search(r"[«»\"“”]", core)
            and words
            and words[-1] not in ("open", "closed", "public", "private", "a", "co", "company")
            and not re.search(r"\b(CO|COMPANY|CORP)\.?,?$", core, re.IGNORECASE)
            and form_classes(core) == set()
        ):
            return Found(klass, form, written, core, place)
    return None


def with_form(core: str, form: Form, upper: bool = False) -> str:
    """Write a company name with a legal form the way that form is usually written."""
    text = form.text.upper() if upper and "latin" in scripts(form.text) else form.text
    if form.place == "post":
        return f"{core} {text}"
    if form.quote:
        return f"{text} {form.quote[0]}{core}{form.quote[1]}"
    return f"{text} {core}"


# --------------------------------------------------------------------------------------
# List entries
# --------------------------------------------------------------------------------------


@dataclass
class Entry:
    source: str  # list and id, e.g. "ofac-sdn:16807"
    schema: str  # Person, Company, Organization, LegalEntity
    names: list[str]  # primary name first, then aliases, as listed
    countries: list[str]  # ISO codes, as the list gives them
    dob: str = ""
    programs: str = ""
    weak: set[str] = field(default_factory=set)  # low-quality aliases (UN "Low")
    related: dict[str, str] = field(default_factory=dict)  # alias -> its original script
    nationality: str = ""  # persons: nationality or citizenship first, else birth place

    @property
    def country(self) -> str:
        return self.nationality or primary_country(self.countries)

    @property
    def identity(self) -> str:
        """The party behind the entry: OFAC SDN and consolidated files share one numbering."""
        family, ident = self.source.split(":", 1)
        return f"ofac:{ident}" if family.startswith("ofac") else self.source

    @property
    def family(self) -> str:
        return self.source.split(":", 1)[0]


COMPANY_WORDS = re.compile(
    r"\b(LLC|LLP|LTD|LIMITED|INC|CORP|CORPORATION|CO|COMPANY|GROUP|HOLDINGS?|BANK|TRADING|"
    r"OOO|ZAO|OAO|PAO|AO|JSC|OJSC|CJSC|PJSC|FZE|FZCO|GMBH|S\.?A|ENTERPRISE|INDUSTR\w*|"
    r"TECHNOLOG\w*|ELECTRONIC\w*|SHIPPING|AIRLINES?|AVIA|LEASING|CAPITAL|INVEST\w*|"
    r"ZAVOD|PLANT|FACTORY|KONTSERN|CONCERN|NPO|NPP|OBSHCHESTVO|ENGINEERING)\b",
    re.IGNORECASE,
)
ORGANIZATION_WORDS = re.compile(
    r"\b(MINISTRY|ARMY|DIVISION|REGIMENT|DIRECTORATE|SERVICE|INSTITUTE|CENTER|CENTRE|"
    r"COUNCIL|COMMITTEE|UNIVERSITY|ACADEMY|FOUNDATION|FUND|MOVEMENT|PARTY|AGENCY|"
    r"REPUBLIC|GOVERNMENT|UNIT|BRIGADE|BATTALION|GUARD|FORCES?|FEDERAL|STATE)\b",
    re.IGNORECASE,
)


def entity_schema(names: list[str]) -> str:
    """Company when a name has a legal form or is a bank; Organization for state bodies,
    units and movements; LegalEntity when the names say neither."""
    text = " ".join(names[:3])
    if any(form_classes(n) for n in names[:3]) or re.search(r"\bBANK\b|有限公司", text, re.I):
        return "Company"
    if ORGANIZATION_WORDS.search(text):
        return "Organization"
    if COMPANY_WORDS.search(text) or re.search(r"ООО|АО|ЗАО|ОАО", text):
        return "Company"
    return "LegalEntity"


def read_ofac_csv(path: Path) -> list[list[str]]:
    raw = path.read_bytes().decode("latin-1").replace("\x1a", "")
    rows = []
    for row in csv.reader(raw.splitlines()):
        if row:
            rows.append(["" if c.strip() == "-0-" else c.strip() for c in row])
    return rows


REMARK_COUNTRY = re.compile(r"\b(?:nationality|citizen|alt\. nationality|alt\. citizen) ([^;.]+)")
REMARK_POB = re.compile(r"\bPOB ([^;]+)")
REMARK_DOB = re.compile(r"\bDOB ([^;]+)")


def read_ofac(folder: Path, prefix: str, family: str) -> list[Entry]:
    main = "cons_prim.csv" if prefix else "sdn.csv"
    rows = read_ofac_csv(folder / main)
    alts: dict[str, list[str]] = defaultdict(list)
    for row in read_ofac_csv(folder / f"{prefix}alt.csv"):
        if len(row) >= 4 and row[3]:
            alts[row[0]].append(row[3])
    addresses: dict[str, list[str]] = defaultdict(list)
    for row in read_ofac_csv(folder / f"{prefix}add.csv"):
        if len(row) >= 5 and row[4]:
            addresses[row[0]].append(country_code(row[4]))
    entries = []
    for row in rows:
        ent, name, kind, program = row[0], row[1], row[2], row[3]
        remarks = row[11] if len(row) > 11 else ""
        if kind in ("vessel", "aircraft"):
            continue
        countries: list[str] = []
        nationality = ""
        if kind == "individual":
            citizen = [country_code(m) for m in REMARK_COUNTRY.findall(remarks)]
            born = [country_code(p.split(",")[-1]) for p in REMARK_POB.findall(remarks)]
            countries += citizen + born
            nationality = next((c for c in citizen + born if c), "")
        countries += addresses.get(ent, [])
        names = [clean_name(name)] + [clean_name(a) for a in alts.get(ent, [])]
        dob = REMARK_DOB.search(remarks)
        schema = "Person" if kind == "individual" else entity_schema(names)
        entry = Entry(
            f"{family}:{ent}",
            schema,
            names,
            [c for c in countries if c],
            dob.group(1).strip() if dob else "",
            program,
        )
        entry.nationality = nationality
        entries.append(entry)
    return entries


def read_un(path: Path) -> list[Entry]:
    root = ElementTree.parse(str(path)).getroot()
    entries: list[Entry] = []
    if root is None:
        return entries
    for tag in ("INDIVIDUAL", "ENTITY"):
        for node in root.iter(tag):

            def text(child: str, node: Element = node) -> str:
                return clean_name(node.findtext(child) or "")

            ref = text("REFERENCE_NUMBER")
            if tag == "INDIVIDUAL":
                parts = [text(k) for k in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME")]
                parts.append(text("FOURTH_NAME"))
                names = [" ".join(p for p in parts if p)]
            else:
                names = [text("FIRST_NAME")]
            original = text("NAME_ORIGINAL_SCRIPT")
            entry = Entry(f"un:{ref}", "Person" if tag == "INDIVIDUAL" else "", [], [])
            if original:
                names.append(original)
            for alias in node.findall(f"{tag}_ALIAS"):
                alias_name = clean_name(alias.findtext("ALIAS_NAME") or "")
                quality = (alias.findtext("QUALITY") or "").strip()
                note = clean_name(alias.findtext("NOTE") or "")
                inline = re.match(r"^(.+?)\s*\(original script: (.+)\)$", alias_name)
                if inline:
                    alias_name, note = inline.group(1), "original script: " + inline.group(2)
                han = re.match(r"^(.+?)\s*\(([\u3400-\u9fff]+)\)$", alias_name)
                if han:
                    alias_name, note = han.group(1), "original script: " + han.group(2)
                if not alias_name:
                    continue
                names.append(alias_name)
                if quality == "Low":
                    entry.weak.add(alias_name)
                if note.startswith("original script: "):
                    script_name = note.removeprefix("original script: ").strip()
                    names.append(script_name)
                    entry.related[alias_name] = script_name
                    if quality == "Low":
                        entry.weak.add(script_name)
            countries = [country_code(v.text or "") for v in node.findall("NATIONALITY/VALUE")]
            entry.nationality = next((c for c in countries if c), "")
            for address in node.findall(f"{tag}_ADDRESS"):
                countries.append(country_code(address.findtext("COUNTRY") or ""))
            entry.names = [n for n in names if n]
            entry.countries = [c for c in countries if c]
            if not entry.schema:
                # UN entities are groups unless a name says company.
                schema = entity_schema(entry.names)
                entry.schema = "Organization" if schema == "LegalEntity" else schema
            entry.dob = text("INDIVIDUAL_DATE_OF_BIRTH/YEAR") if tag == "INDIVIDUAL" else ""
            entries.append(entry)
    return entries


def read_ftm(folder: Path) -> list[Entry]:
    entries = []
    for path in sorted(folder.glob("*.json")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            data = json.loads(line)
            schema = data.get("schema", "")
            if schema not in ("Person", "Company", "Organization", "LegalEntity"):
                continue
            props = data.get("properties", {})
            names: list[str] = []
            for key in ("name", "alias", "weakAlias", "previousName"):
                names += [clean_name(n) for n in props.get(key, [])]
            countries = [
                c.upper()
                for key in ("country", "nationality", "jurisdiction", "citizenship")
                for c in props.get(key, [])
            ]
            if "GB" in countries and "RU" in countries:
                countries.remove("GB")  # a UK list's residence note; the party is Russian
            # Chinese characters in the FtM streams are Japanese list translations: not used.
            names = [n for n in names if not HAN.search(n)]
            entry = Entry(f"ftm:{data['id']}", schema, names, countries)
            entry.dob = ";".join(props.get("birthDate", []))
            if schema == "Person":
                entry.nationality = primary_country(countries)
            entries.append(entry)
    return entries


def read_csl(folder: Path) -> list[Entry]:
    entries = []
    for path, family in (
        (folder / "csl-legacy-format-fragment.csv", "csl-legacy"),
        (folder / "csl-current-format-fragment.csv", "csl-current"),
    ):
        with path.open(encoding="utf-8", newline="") as handle:
            for line, row in enumerate(csv.DictReader(handle), start=2):
                kind = (row.get("type") or "").strip()
                if kind in ("Vessel", "Aircraft"):
                    continue
                name = clean_name(row.get("name") or "")
                alts = [clean_name(a) for a in (row.get("alt_names") or "").split(";")]
                names = [name] + [a for a in alts if a]
                names = [re.sub(r"^and ", "", n) for n in names]
                countries = []
                for address in (row.get("addresses") or "").split(";"):
                    countries.append(country_code(address.rsplit(",", 1)[-1]))
                schema = "Person" if kind == "Individual" else entity_schema(names)
                if kind != "Individual" and schema == "LegalEntity" and not alts:
                    continue  # an unnamed-kind row (often a person on the Entity List)
                entries.append(
                    Entry(f"{family}:row{line}", schema, names, [c for c in countries if c])
                )
    return entries


NOM_DE_GUERRE = re.compile(r"\b(abu|al|bin|ibn|umm|abou|el)\b", re.IGNORECASE)


def in_scope(entry: Entry) -> bool:
    """Russia-related, post-Soviet or transit-hub parties (persons: post-Soviet only)."""
    text = " ".join(entry.names)
    if entry.schema == "Person":
        if OTHER_REGIMES.search(entry.programs) and entry.nationality not in POST_SOVIET:
            return False
        if entry.country:
            return entry.country in POST_SOVIET
        return bool(RUSSIA_PROGRAMS.search(entry.programs) or CYRILLIC.search(text))
    if OTHER_REGIMES.search(entry.programs) or set(entry.countries) & {"IR", "KP", "SY"}:
        return False
    if entry.country in SCOPE or RUSSIA_PROGRAMS.search(entry.programs):
        return True
    return not entry.country and bool(CYRILLIC.search(text))


def load_entries(lists: Path) -> list[Entry]:
    entries = read_ofac(lists / "ofac-sdn-2021", "", "ofac-sdn")
    entries += read_ofac(lists / "ofac-consolidated", "cons_", "ofac-cons")
    entries += read_un(lists / "un" / "UN_consolidated.xml")
    entries += read_ftm(lists / "ftm")
    entries += read_csl(lists / "us-csl")
    kept = []
    for entry in entries:
        names: list[str] = []
        seen: set[str] = set()
        for name in entry.names:
            key = name.casefold()
            if usable(name) and key not in seen:
                seen.add(key)
                names.append(name)
        if entry.schema == "Person":
            # Arabic noms de guerre ("Abu Hanifa", "AL-SHISHANI, Omar") are not Central
            # Asian name variants; persons keep their civil names only.
            names = [n for n in names if not NOM_DE_GUERRE.search(n)]
        entry.names = names
        if names and in_scope(entry):
            kept.append(entry)
    return kept


# --------------------------------------------------------------------------------------
# Comparing two names of one entry
# --------------------------------------------------------------------------------------

# Patronymic endings, on folded tokens (Russian -vich/-vna and the Czech-style -vič/-vitj
# of EU lists, Ukrainian -vych, Turkic -uly/-ulu/-kyzy/-qizi after folding).
PATRONYMIC = re.compile(r"(vich|vitj|vic|vna|ichna|uli|ulu|kizi)$")


def ratio(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


def token_match(a: str, b: str) -> bool:
    """Two folded tokens are spellings of one word (Yuri/Iurii, Zhalolov/Jalolov)."""
    if a == b:
        return True
    if min(len(a), len(b)) <= 2:
        return False
    r = ratio(a, b)
    return r >= 0.75 and (a[0] == b[0] or r >= 0.8)


def is_patronymic(token: str) -> bool:
    return bool(PATRONYMIC.search(token)) and len(token) > 5


def patronymic_stem(token: str) -> str:
    return re.sub(r"(ovich|evich|avich|ich|ovna|evna|avna|na|ovic|evic)$", "", token)


def fuzzy_subset(short: list[str], long_: list[str], person: bool) -> list[str]:
    """Tokens of `short` without a spelling match in `long_` (patronymics only match
    patronymics for persons)."""
    missing = []
    for t in short:
        pool = [u for u in long_ if not person or is_patronymic(u) == is_patronymic(t)]
        if not any(token_match(t, u) for u in pool):
            missing.append(t)
    return missing


def conflicting_patronymics(a: list[str], b: list[str]) -> bool:
    """Both names carry a patronymic and they are different ones (Isaevich/Ismailovich)."""
    pa = [t for t in a if is_patronymic(t)]
    pb = [t for t in b if is_patronymic(t)]
    if not pa or not pb:
        return False
    return ratio(patronymic_stem(pa[0]), patronymic_stem(pb[0])) < 0.7


def variants_of_one_name(a: str, b: str, schema: str) -> bool:
    """True when two names of one entry are spellings of one name, not two names."""
    ta, tb = core_tokens(a), core_tokens(b)
    if not ta or not tb:
        return False
    if "han" in scripts(a) or "han" in scripts(b):
        return True  # original-script Chinese name against its English form
    short, long_ = (ta, tb) if len(ta) <= len(tb) else (tb, ta)
    person = schema == "Person"
    missing = fuzzy_subset(short, long_, person)
    if person:
        if len(short) == 1:
            return False  # a single name ("Husan") against a full name
        if conflicting_patronymics(ta, tb):
            return False
        # Given name and surname must both be found; a missing patronymic is fine.
        return not missing
    if missing:
        return ratio(" ".join(sorted(ta)), " ".join(sorted(tb))) >= 0.85
    # One distinctive word inside a long name ("KARST" in "CONSTRUCTION HOLDING COMPANY
    # OLD CITY - KARST") is an alias of another kind, not a variant of one name.
    return len("".join(short)) >= 3 and len(short) / len(long_) >= 0.5


def light_tokens(text: str) -> list[str]:
    """Tokens without case, diacritics and punctuation, but not transliterated."""
    text = unicodedata.normalize("NFKD", text.casefold().replace("&", " and "))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[^\w]+", " ", text).split()


ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    # full word: abbreviations seen in declarations and on lists ("COMM GRP", "INTL")
    "company": ("comp", "co", "cie"),
    "communications": ("comm", "comms", "commun"),
    "communication": ("comm", "commun"),
    "group": ("grp", "gr"),
    "international": ("intl", "int", "internat"),
    "technology": ("tech", "techn"),
    "technologies": ("tech", "techs", "technol"),
    "corporation": ("corp",),
    "manufacturing": ("mfg", "manuf"),
    "industry": ("ind", "indus"),
    "industrial": ("ind", "indl", "indust"),
    "industries": ("ind", "inds"),
    "electronics": ("elec", "electr", "electron"),
    "electronic": ("elec", "electr"),
    "engineering": ("eng", "engg"),
    "limited": ("ltd",),
    "trading": ("trdg", "trad"),
    "development": ("dev", "devt"),
    "machinery": ("mach", "machy"),
    "equipment": ("equip", "eqpt"),
    "holding": ("hldg", "hold"),
    "holdings": ("hldgs", "hldg"),
    "aviation": ("avn", "aviat"),
    "investment": ("inv", "invest"),
    "management": ("mgmt", "mgt"),
    "shipping": ("shpg", "ship"),
    "services": ("svcs", "serv"),
    "scientific": ("sci",),
    "research": ("res",),
    "production": ("prod",),
    "association": ("assn", "assoc"),
    "national": ("natl", "nat"),
    "enterprise": ("ent", "entp"),
    "construction": ("constr", "const"),
}
ABBREVIATION_OF = {abbr: full for full, abbrs in ABBREVIATIONS.items() for abbr in abbrs}


def abbreviation_pair(ta: list[str], tb: list[str]) -> bool:
    """One name shortens words of the other ("MFG INTL CORP", "ELECTR.")."""
    for x, y in ((ta, tb), (tb, ta)):
        extra = [t for t in x if t not in y]
        others = [t for t in y if t not in x]
        if (
            extra
            and others
            and all(
                any(
                    ABBREVIATION_OF.get(e) == o or (o.startswith(e) and len(e) <= 5 < len(o) - 2)
                    for o in others
                )
                for e in extra
            )
        ):
            return True
    return False


ROMANISATION_BY_COUNTRY = {
    "UZ": "uzbek_romanisation",
    "BY": "belarusian_romanisation",
    "UA": "ukrainian_romanisation",
    "KG": "kyrgyz_romanisation",
    "KZ": "kazakh_romanisation",
    "TJ": "tajik_romanisation",
}


def classify_real(a: str, b: str, entry: Entry) -> str:
    """The category of a real alias pair: the main way the two names differ."""
    sa, sb = scripts(a), scripts(b)
    if ("han" in sa) != ("han" in sb):
        return "chinese_pinyin"
    if ("cyrillic" in sa) != ("cyrillic" in sb):
        return "cyrillic_latin"
    la, lb = light_tokens(a), light_tokens(b)
    if la == lb:
        quote_chars = set(QUOTES)
        return "quotes" if set(a) & quote_chars != set(b) & quote_chars else "punctuation"
    if sorted(la) == sorted(lb):
        return "word_order"
    ca, cb = core_tokens(a), core_tokens(b)
    same_core = len(ca) == len(cb) and not fuzzy_subset(ca, cb, False)
    person = entry.schema == "Person"
    if sorted(t for t in la if t not in STOP_WORDS) == sorted(t for t in lb if t not in STOP_WORDS):
        return "word_order"  # the same words in another order ("THE" dropped)
    if same_core and forms_in(a) != forms_in(b) and not person:
        return "legal_form"
    if not person and abbreviation_pair(la, lb):
        return "abbreviation"
    cyrillic = "cyrillic" in sa
    if person:
        short, long_ = (ca, cb) if len(ca) <= len(cb) else (cb, ca)
        if len(short) < len(long_):
            extra = [t for t in long_ if not any(token_match(t, u) for u in short)]
            if extra and all(is_patronymic(t) or len(t) == 1 for t in extra):
                return "patronymic"
            return "partial_name"
        if cyrillic:
            return "cyrillic_variant"
        if any(t.lower() in SLAVIC_GIVEN_NAMES for t in light_tokens(a) + light_tokens(b)):
            return "russian_romanisation"  # a Russian name of a Central Asian citizen
        return ROMANISATION_BY_COUNTRY.get(entry.country, "russian_romanisation")
    if cyrillic:
        return "cyrillic_variant"
    if len(ca) != len(cb):
        return "partial_name"
    if same_core:
        return "spelling_variant"  # a company name spelt or romanised two ways
    return "alias"


# --------------------------------------------------------------------------------------
# Pairs
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
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
    kind: str  # real, derived or negative

    def key(self) -> tuple[str, str]:
        a, b = self.name1.casefold(), self.name2.casefold()
        return (a, b) if a <= b else (b, a)

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


def real_pairs(entries: list[Entry], rng: random.Random) -> list[Pair]:
    """Positives straight from the lists: two names of one entry."""
    by_category: dict[str, list[Pair]] = defaultdict(list)
    for entry in sorted(entries, key=lambda e: e.source):
        rich = entry.family in ("ftm", "un") and any(
            scripts(n) & {"cyrillic", "han"} for n in entry.names
        )
        candidates: dict[str, list[Pair]] = defaultdict(list)
        for a, b in combinations(entry.names, 2):
            if a.casefold() == b.casefold():
                continue
            if a in entry.weak or b in entry.weak:
                continue  # a low-quality alias (UN "Low": nicknames, noms de guerre)
            if len(core_tokens(a)) == 1 and len(core_tokens(b)) == 1 and entry.schema == "Person":
                continue  # one-word nicknames
            if not variants_of_one_name(a, b, entry.schema):
                continue
            category = classify_real(a, b, entry)
            note = "real: two names of one list entry"
            if entry.related.get(a) == b or entry.related.get(b) == a:
                note = "real: alias and its original-script form (UN alias note)"
            elif category == "chinese_pinyin":
                note = "real: Chinese name and its English form on the list (partly translated)"
            candidates[category].append(
                Pair(
                    a,
                    b,
                    entry.schema,
                    True,
                    category,
                    entry.country,
                    entry.country,
                    entry.source,
                    note,
                    "real",
                )
            )
        cap = CAP_REAL_PER_RICH_ENTRY if rich else CAP_REAL_PER_ENTRY
        chosen: list[Pair] = []
        # Round-robin over categories so one entry gives varied pairs; rarer first.
        order = sorted(candidates, key=lambda c: (len(candidates[c]), c))
        for pairs in candidates.values():
            rng.shuffle(pairs)
        while len(chosen) < cap and any(candidates[c] for c in order):
            for category in order:
                if candidates[category] and len(chosen) < cap:
                    chosen.append(candidates[category].pop())
        for pair in chosen:
            by_category[pair.category].append(pair)
    out: list[Pair] = []
    for category in sorted(by_category):
        pairs = by_category[category]
        limit = CAP_REAL_PER_CATEGORY.get(category)
        if limit is not None and len(pairs) > limit:
            pairs = rng.sample(pairs, limit)
        out += pairs
    return out


# --------------------------------------------------------------------------------------
# Derivation rules (data). Each rule rewrites a real listed name in one way a declaration
# or another list writes it; the pair is (real name, rewritten name), label true.
# --------------------------------------------------------------------------------------

# Russian Cyrillic -> Latin, per romanisation system. Each value: (system, letters).
# ICAO Doc 9303 (Russian passports since 2013), BGN/PCGN 1947, GOST 7.79-2000 system B,
# ISO 9:1995, and the Czech-style scholarly spelling found on EU lists ("Vjačeslavovič").
ROMANISATIONS: dict[str, dict[str, str]] = {
    "passport (ICAO 9303)": {
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
        "з": "z", "и": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
        "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
        "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "ie", "ы": "y", "ь": "", "э": "e",
        "ю": "iu", "я": "ia",
    },
    "BGN/PCGN": {
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "ë", "ж": "zh",
        "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
        "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
        "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "'", "э": "e",
        "ю": "yu", "я": "ya",
    },
    "GOST 7.79 B": {
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh",
        "з": "z", "и": "i", "й": "j", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
        "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "x", "ц": "cz",
        "ч": "ch", "ш": "sh", "щ": "shh", "ъ": "", "ы": "y'", "ь": "", "э": "e'",
        "ю": "yu", "я": "ya",
    },
    "ISO 9": {
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "ë", "ж": "ž",
        "з": "z", "и": "i", "й": "j", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
        "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "h", "ц": "c",
        "ч": "č", "ш": "š", "щ": "ŝ", "ъ": "", "ы": "y", "ь": "", "э": "è",
        "ю": "û", "я": "â",
    },
    "scholarly (Czech-style)": {
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "jo", "ж": "ž",
        "з": "z", "и": "i", "й": "j", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
        "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "ch", "ц": "c",
        "ч": "č", "ш": "š", "щ": "šč", "ъ": "", "ы": "y", "ь": "", "э": "e",
        "ю": "ju", "я": "ja",
    },
}  # fmt: skip
BGN_YE = "аеёиоуыэюяйъь"  # BGN/PCGN writes е as "ye" at the start and after these letters

# Russian Cyrillic -> German, after the Duden's transcription (the German press), with й as
# j as German registers and the EU list's German aliases write it (Sergej, Jurij).
GERMAN = {
    "а": "a", "б": "b", "в": "w", "г": "g", "д": "d", "е": "e", "ё": "jo", "ж": "sch",
    "з": "s", "и": "i", "й": "j", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "ch", "ц": "z",
    "ч": "tsch", "ш": "sch", "щ": "schtsch", "ъ": "", "ы": "y", "ь": "", "э": "e",
    "ю": "ju", "я": "ja",
}  # fmt: skip
GERMAN_VOWELS = "аеёиоуыэюя"


def romanise_german(text: str) -> str:
    """Russian Cyrillic as German spells it: е as je at the start of a word and after a vowel,
    ъ or ь; ё as o after ж, ч, ш, щ; с as ss between vowels."""
    out: list[str] = []
    low_text = text.lower()
    for at, ch in enumerate(text):
        low = low_text[at]
        if low not in GERMAN:
            out.append(ch)
            continue
        before = low_text[at - 1] if at else ""
        after = low_text[at + 1] if at + 1 < len(text) else ""
        latin = GERMAN[low]
        if low == "е" and (not before.isalpha() or before in GERMAN_VOWELS + "ъь"):
            latin = "je"
        elif low == "ё" and before in "жчшщ":
            latin = "o"
        elif low == "с" and before in GERMAN_VOWELS and after and after in GERMAN_VOWELS:
            latin = "ss"
        out.append(latin[:1].upper() + latin[1:] if ch.isupper() else latin)
    return upper_words_kept("".join(out), text)  # ПОХОДОВА: POCHODOWA


def same_person_name(latin: str, cyrillic: str) -> bool:
    """Whether a listed Latin name spells the listed Cyrillic one (not another alias): as many
    words, each alike to a word of the Cyrillic name romanised the passport way."""
    ours = sorted(light_tokens(romanise(cyrillic, "passport (ICAO 9303)")))
    theirs = sorted(light_tokens(latin))
    if len(ours) != len(theirs):
        return False
    return all(max(ratio(word, other) for other in theirs) >= 0.75 for word in ours)


def romanise(text: str, system: str) -> str:
    table = ROMANISATIONS[system]
    out: list[str] = []
    prev = ""
    for ch in text:
        low = ch.lower()
        if low in table:
            latin = table[low]
            if system == "BGN/PCGN" and low == "е" and (not prev or prev in BGN_YE):
                latin = "ye"
            if system == "GOST 7.79 B" and low == "ц":
                latin = "c"  # GOST B writes c before e, i, y, j and cz elsewhere; c suffices
            if ch.isupper():
                latin = latin.upper() if (len(text) > 1 and text.isupper()) else latin.title()
            out.append(latin)
            prev = low if low.isalpha() else ""
        else:
            out.append(ch)
            prev = "" if not ch.isalpha() else ch.lower()
    return upper_words_kept("".join(out), text)


def upper_words_kept(romanised: str, text: str) -> str:
    """Upper-case words stay upper case (surnames in "Nikita Aleksandrovich ZAKHAROV")."""
    words = []
    for word, original in zip(romanised.split(" "), text.split(" "), strict=False):
        words.append(word.upper() if original.isupper() and len(original) > 1 else word)
    return " ".join(words)


# Latin (list romanisation, mostly BGN-like) -> Russian Cyrillic, longest match first.
# Used to write the Cyrillic form a Russian-language document would use for a listed Latin
# name. Whole given names come from a table (their Cyrillic spelling is not derivable).
GIVEN_NAMES_CYRILLIC = {
    "aleksandr": "Александр", "alexander": "Александр", "aleksei": "Алексей",
    "alexei": "Алексей", "aleksey": "Алексей", "andrei": "Андрей", "andrey": "Андрей",
    "arkady": "Аркадий", "arkadiy": "Аркадий", "boris": "Борис", "dmitry": "Дмитрий",
    "dmitriy": "Дмитрий", "dmitri": "Дмитрий", "evgeny": "Евгений", "evgeni": "Евгений",
    "evgeniy": "Евгений", "yevgeny": "Евгений", "yevgeniy": "Евгений", "gennady": "Геннадий",
    "gennadiy": "Геннадий", "igor": "Игорь", "ilya": "Илья", "ivan": "Иван",
    "konstantin": "Константин", "leonid": "Леонид", "mikhail": "Михаил",
    "nikolai": "Николай", "nikolay": "Николай", "oleg": "Олег", "pavel": "Павел",
    "petr": "Пётр", "pyotr": "Пётр", "roman": "Роман", "sergei": "Сергей",
    "sergey": "Сергей", "vasily": "Василий", "vasiliy": "Василий", "viktor": "Виктор",
    "victor": "Виктор", "vladimir": "Владимир", "vladislav": "Владислав",
    "vyacheslav": "Вячеслав", "yuri": "Юрий", "yury": "Юрий", "yuriy": "Юрий",
    "valery": "Валерий", "valeriy": "Валерий", "anatoly": "Анатолий",
    "anatoliy": "Анатолий", "elena": "Елена", "yelena": "Елена", "natalya": "Наталья",
    "natalia": "Наталья", "tatyana": "Татьяна", "olga": "Ольга", "maria": "Мария",
    "mariya": "Мария", "svetlana": "Светлана", "lyudmila": "Людмила", "eduard": "Эдуард",
    "ruslan": "Руслан", "rustam": "Рустам", "timur": "Тимур", "denis": "Денис",
    "maksim": "Максим", "maxim": "Максим", "artem": "Артём", "kirill": "Кирилл",
    "gulnara": "Гульнара", "alimzhan": "Алимжан", "adilet": "Адилет",
    "kamchybek": "Камчыбек", "raimbek": "Раимбек", "olimzhon": "Олимжон",
    "najmiddin": "Нажмиддин", "suhayl": "Сухайл", "azamat": "Азамат", "tohir": "Тохир",
}  # fmt: skip
LATIN_TO_CYRILLIC = (
    ("shch", "щ"), ("sch", "щ"), ("kh", "х"), ("zh", "ж"), ("ts", "ц"), ("ch", "ч"),
    ("sh", "ш"), ("yu", "ю"), ("ya", "я"), ("yo", "ё"), ("iye", "ие"), ("ye", "е"), ("iy", "ий"),
    ("a", "а"), ("b", "б"), ("v", "в"), ("g", "г"), ("d", "д"), ("e", "е"), ("z", "з"),
    ("i", "и"), ("j", "й"), ("k", "к"), ("l", "л"), ("m", "м"), ("n", "н"), ("o", "о"),
    ("p", "п"), ("r", "р"), ("s", "с"), ("t", "т"), ("u", "у"), ("f", "ф"), ("y", "ы"),
    ("h", "х"), ("x", "кс"), ("c", "к"), ("w", "в"), ("q", "к"),
)  # fmt: skip
# Slavic given names among those above (Turkic patronymic forms are not written for them).
SLAVIC_GIVEN_NAMES = frozenset(GIVEN_NAMES_CYRILLIC) - {
    "gulnara", "alimzhan", "adilet", "kamchybek", "raimbek", "olimzhon", "najmiddin",
    "suhayl", "azamat", "tohir", "rustam", "timur",
}  # fmt: skip
# Word starts written with Э (not Е) in Russian names.
CYRILLIC_E_STARTS = ("eduard", "elmir", "emil", "eldar", "erik", "elvir")


def to_cyrillic_word(word: str) -> str:
    low = word.lower()
    if low in GIVEN_NAMES_CYRILLIC:
        cyr = GIVEN_NAMES_CYRILLIC[low]
    elif low.startswith(CYRILLIC_E_STARTS):
        return to_cyrillic_word("Z" + word[1:]).replace("З", "Э", 1).replace("з", "э", 1)
    else:
        # Word-final -y/-iy after a consonant is -ий, after a vowel -й; -ei/-ai -> -ей/-ай.
        low = re.sub(r"(?<=[^aeiou])(i?y)$", "iy", low)
        low = re.sub(r"(?<=[aeiou])y$", "j", low)
        low = re.sub(r"(?<=[aeo])i$", "j", low)
        low = re.sub(r"(?<=[aeiou])y(?=[^aeiou])", "j", low)
        # -yevich/-yev after a consonant: soft sign + е (Grigoryevich -> Григорьевич).
        low = re.sub(r"(?<=[lrntdv])ye(?=v)", "'ye", low)
        out = []
        i = 0
        while i < len(low):
            if low[i] == "'":
                out.append("ь")
                i += 1
                continue
            for latin, cyrillic in LATIN_TO_CYRILLIC:
                if low.startswith(latin, i):
                    # e at the start of a word or after a vowel is е (not э) in names.
                    out.append(cyrillic)
                    i += len(latin)
                    break
            else:
                out.append(low[i])
                i += 1
        cyr = "".join(out)
    if word.isupper() and len(word) > 1:
        return cyr.upper()
    return cyr[:1].upper() + cyr[1:] if word[:1].isupper() else cyr


def to_cyrillic(name: str) -> str:
    return re.sub(r"[A-Za-z]+", lambda m: to_cyrillic_word(m.group(0)), name)


# Latin spellings that the rule table above cannot write back in Cyrillic with confidence
# (ICAO -iu/-ia, Ukrainian -yy, Belarusian -au/-dz, foreign letters): such names are skipped.
UNSAFE_FOR_CYRILLIC = re.compile(r"iu|ia|yy|ii|ee|ou|w|x|q|c(?!h)|dz|au\b|ie|ij|th", re.IGNORECASE)


# Uzbek: Russian-style romanisation (as OFAC writes Uzbek names) -> official Uzbek Latin
# (1995 alphabet, amended 2021: oʻ gʻ with U+02BB). Whole-name elements first (o'/g' and
# vowel changes cannot be derived from a Russian spelling), then letter rules.
UZBEK_ELEMENTS = {
    "tokhtakhunov": "To'xtaxunov",  # Тўхтахунов
    "yuldashev": "Yo'ldoshev",  # Йўлдошев
    "alimzhan": "Alimjon",  # -жан -> -жон
    "olimzhon": "Olimjon",
    "sadikov": "Sodiqov",  # Содиқов
    "rakhimov": "Rahimov",  # Раҳимов
    "gafur": "G'afur",  # Ғафур
    "akhmedovich": "Ahmedovich",
    "akhmed": "Ahmad",
    "adkhamovich": "Adhamovich",
    "adkham": "Adham",  # Адҳам
    "kamolitdinovich": "Kamoliddinovich",
    "kamolitdin": "Kamoliddin",
    "fatilloevich": "Fatilloyevich",
    "islamovna": "Islomovna",
    "islam": "Islom",
    "gulnara": "Gulnora",
    "buranov": "Bo'ronov",  # Бўронов
    "khalimov": "Halimov",  # Ҳалимов
    "tohir": "Tohir",
    "jalolov": "Jalolov",
    "suhayl": "Suhayl",
    "karimova": "Karimova",
}
UZBEK_LETTERS = (("kh", "x"), ("zh", "j"), ("ts", "s"), ("yo", "yo"))
# Apostrophe letters of Uzbek Latin as declarations type them: the official turned comma
# (U+02BB), a left quote (U+2018), ASCII apostrophe, backtick, or nothing at all.
UZBEK_APOSTROPHES = ("\u02bb", "\u2018", "'", "`", "")
# Uzbek Latin -> Uzbek Cyrillic (the alphabet still on many documents), longest first.
UZBEK_TO_CYRILLIC = (
    ("yo'", "йў"), ("o'", "ў"), ("g'", "ғ"), ("sh", "ш"), ("ch", "ч"), ("yo", "ё"), ("yu", "ю"),
    ("ya", "я"), ("ye", "е"), ("a", "а"), ("b", "б"), ("d", "д"), ("e", "е"), ("f", "ф"),
    ("g", "г"), ("h", "ҳ"), ("i", "и"), ("j", "ж"), ("k", "к"), ("l", "л"), ("m", "м"),
    ("n", "н"), ("o", "о"), ("p", "п"), ("q", "қ"), ("r", "р"), ("s", "с"), ("t", "т"),
    ("u", "у"), ("v", "в"), ("x", "х"), ("y", "й"), ("z", "з"), ("'", "ъ"),
)  # fmt: skip


def uzbek_latin(name: str) -> str:
    def word(match: re.Match[str]) -> str:
        text = match.group(0)
        low = text.lower()
        if low in UZBEK_ELEMENTS:
            new = UZBEK_ELEMENTS[low]
        elif low in ("o'g'li", "qizi"):
            return low  # the patronymic word stays lower case
        else:
            new = low
            for old, rep in UZBEK_LETTERS:
                new = new.replace(old, rep)
        if text.isupper():
            return new.upper()
        return new[:1].upper() + new[1:]

    return re.sub(r"[A-Za-z']+", word, name)


def uzbek_cyrillic(name: str) -> str:
    def word(match: re.Match[str]) -> str:
        low = match.group(0).lower()
        out = []
        i = 0
        while i < len(low):
            for latin, cyrillic in UZBEK_TO_CYRILLIC:
                if low.startswith(latin, i):
                    out.append(cyrillic)
                    i += len(latin)
                    break
            else:
                out.append(low[i])
                i += 1
        cyr = "".join(out)
        if match.group(0).isupper():
            return cyr.upper()
        if low in ("o'g'li", "qizi"):
            return cyr
        return cyr[:1].upper() + cyr[1:]

    return re.sub(r"[A-Za-z']+", word, name)


# Turkic patronymics: the Russian form (-ovich/-evich, -ovna/-evna) against the national
# one: Kyrgyz "<father> uulu/kyzy", Kazakh "<father>uly/-kyzy" (Cyrillic -ұлы/-қызы),
# Uzbek "<father> o'g'li/qizi".
TURKIC_PATRONYMIC = {
    "KG": ("{stem} uulu", "{stem} kyzy"),
    "KZ": ("{stem}uly", "{stem}kyzy"),
    "KZ-cyrillic": ("{stem}ұлы", "{stem}қызы"),
    "UZ": ("{stem} o'g'li", "{stem} qizi"),
}


def patronymic_to_turkic(patronymic: str, style: str) -> str | None:
    male = re.match(r"^(.+?)(ovich|evich)$", patronymic, re.IGNORECASE)
    female = re.match(r"^(.+?)(ovna|evna)$", patronymic, re.IGNORECASE)
    hit = male or female
    if not hit:
        return None
    stem = hit.group(1)
    template = TURKIC_PATRONYMIC[style][0 if male else 1]
    if style == "KZ-cyrillic":
        stem = to_cyrillic_word(stem)
    return template.format(stem=stem)


# Homoglyphs: letters that look the same in Latin and Cyrillic. Swapping a few of them is
# how names are disguised to slip past screening; a declaration can also mix them by typing
# on a Russian keyboard.
CYRILLIC_TO_LATIN_LOOKALIKE = {
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P",
    "С": "C", "Т": "T", "Х": "X", "а": "a", "е": "e", "о": "o", "р": "p", "с": "c",
    "у": "y", "х": "x",
}  # fmt: skip
LATIN_TO_CYRILLIC_LOOKALIKE = {v: k for k, v in CYRILLIC_TO_LATIN_LOOKALIKE.items()}

# Kazakh letters (ә ғ қ ң ө ұ ү һ і) and how they are typed without a Kazakh keyboard: the
# nearest Russian letter. Kazakh Latin (2021 alphabet) writes them ä ğ q ñ ö ū ü h ı/i.
KAZAKH_TO_RUSSIAN_KEYBOARD = {
    "ә": "а", "ғ": "г", "қ": "к", "ң": "н", "ө": "о", "ұ": "у", "ү": "у", "һ": "х",
    "і": "и", "Ә": "А", "Ғ": "Г", "Қ": "К", "Ң": "Н", "Ө": "О", "Ұ": "У", "Ү": "У",
    "Һ": "Х", "І": "И",
}  # fmt: skip
KAZAKH_TO_LATIN_2021 = {
    "а": "a", "ә": "ä", "б": "b", "в": "v", "г": "g", "ғ": "ğ", "д": "d", "е": "e",
    "ж": "j", "з": "z", "и": "i", "й": "i", "к": "k", "қ": "q", "л": "l", "м": "m",
    "н": "n", "ң": "ñ", "о": "o", "ө": "ö", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ұ": "ū", "ү": "ü", "ф": "f", "х": "h", "һ": "h", "ц": "ts", "ч": "ch",
    "ш": "ş", "щ": "şş", "ы": "y", "і": "ı", "э": "e", "ю": "iu", "я": "ia", "ь": "",
    "ъ": "",
}  # fmt: skip
# Kazakh spellings of words that occur in listed KZ names.
KAZAKH_WORDS = {"Казахстан": "Қазақстан", "КАЗАХСТАН": "ҚАЗАҚСТАН"}

# Chinese characters -> pinyin, for the characters of the Chinese names the lists carry
# (checked against the Xinhua dictionary readings; 長 in 長安 is cháng).
PINYIN = {
    "長": "chang", "安": "an", "海": "hai", "連": "lian", "技": "ji", "術": "shu",
    "有": "you", "限": "xian", "公": "gong", "司": "si", "華": "hua", "信": "xin",
    "船": "chuan", "務": "wu", "香": "xiang", "港": "gang", "沈": "shen", "忠": "zhong",
    "國": "guo", "際": "ji", "運": "yun", "朝": "chao", "鲜": "xian", "联": "lian",
    "合": "he", "机": "ji", "械": "xie", "贸": "mao", "易": "yi", "会": "hui", "社": "she",
    "金": "jin", "铁": "tie", "三": "san",
}  # fmt: skip
# Word segmentation of those names (how pinyin is written in Latin documents).
CHINESE_WORDS = (
    "長安", "海連", "技術", "有限公司", "華信", "船務", "香港", "沈忠", "國際", "海運",
    "朝鲜", "联合", "机械", "贸易", "会社", "金", "铁三",
)  # fmt: skip


def to_pinyin(text: str, legal_form: str | None = None) -> str | None:
    """Pinyin of a Chinese name, word by word ('Chang'an Hailian Jishu Youxian Gongsi')."""
    out: list[str] = []
    i = 0
    while i < len(text):
        for word in sorted(CHINESE_WORDS, key=len, reverse=True):
            if text.startswith(word, i):
                if word == "有限公司" and legal_form is not None:
                    out.append(legal_form)
                elif word == "有限公司":
                    out.append("Youxian Gongsi")
                else:
                    syllables = [PINYIN[ch] for ch in word]
                    joined = syllables[0]
                    for s in syllables[1:]:
                        joined += ("'" if s[0] in "aeo" else "") + s
                    out.append(joined.capitalize())
                i += len(word)
                break
        else:
            ch = text[i]
            if ch in PINYIN:
                out.append(PINYIN[ch].capitalize())
            elif ch in "()（）":
                out.append({"（": "(", "）": ")"}.get(ch, ch))
            elif not ch.isspace():
                return None
            i += 1
    return re.sub(r"\(\s*", "(", re.sub(r"\s*\)", ")", " ".join(out)))


# Numbers: a numbered unit, plant or institute is a different party when its number differs
# ("Plant No. 1" and "Plant No. 2" are two plants). The rule changes the number by a small
# offset, keeping ordinal suffixes right.
def ordinal(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    return f"{n}{ {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th') }"


def change_number(name: str, offset: int) -> str | None:
    match = re.search(r"\b(\d+)(st|nd|rd|th|ST|ND|RD|TH)?\b", name)
    if not match:
        return None
    n = int(match.group(1)) + offset
    if n <= 0:
        return None

    def renumber(hit: re.Match[str]) -> str:
        if hit.group(1) != match.group(1):
            return hit.group(0)
        if hit.group(2):
            text = ordinal(n)
            return text.upper() if hit.group(2).isupper() else text
        return str(n)

    # Every mention of the number changes ("13th Research Institute (CETC 13)").
    return re.sub(r"\b(\d+)(st|nd|rd|th|ST|ND|RD|TH)?\b", renumber, name)


# --------------------------------------------------------------------------------------
# Derived positives
# --------------------------------------------------------------------------------------


def person_parts(entry: Entry, name: str) -> tuple[str, str, str] | None:
    """(surname, given, patronymic) of a Latin list name: OFAC 'SURNAME, Given Patronymic',
    UN 'GIVEN PATRONYMIC SURNAME' or FtM 'Given Patronymic SURNAME'."""
    if scripts(name) != {"latin"}:
        return None
    if "," in name:
        surname, rest = (p.strip() for p in name.split(",", 1))
        words = rest.split()
        if not surname or not words or "," in rest:
            return None
        return surname, words[0], " ".join(words[1:])
    words = name.split()
    if len(words) not in (2, 3):
        return None
    upper = [w for w in words if w.isupper() and len(w) > 1]
    if entry.family == "un" or (len(upper) == 1 and upper[0] == words[-1]):
        return words[-1], words[0], " ".join(words[1:-1])
    return None


def title(word: str) -> str:
    return "-".join(p[:1].upper() + p[1:].lower() for p in word.split("-"))


Add = Callable[..., None]  # (entry, real name, variant, category, note, country="")
HUB_FIRST = ("KZ", "KG", "UZ", "AM", "TJ", "TM", "AZ", "GE")


def local_form_jurisdictions(entry: Entry) -> list[str]:
    """Hubs (other than Russia) whose own, non-English legal form one of the names uses."""
    found = []
    for jur in (*HUB_FIRST, "BY", "CN", "HK", "AE", "TR"):
        for name in entry.names:
            hit = legal_class(name, jur)
            if hit and hit.form is not None and not hit.form.note.startswith("English"):
                found.append(jur)
                break
    return found


def derive_company(entry: Entry, rng: random.Random, add: Add) -> None:
    # The entry's own country; the other hubs it has addresses in only when one of its
    # names already uses a hub's own legal form (GURGEN HOUSE TOO is Kazakh; Gazprombank's
    # Kazakh branch does not make Gazprombank a Kazakh joint-stock company).
    jurisdictions = [entry.country] if entry.country in SCOPE else []
    if local_form_jurisdictions(entry):
        jurisdictions += [c for c in HUBS if c in entry.countries and c not in jurisdictions]
    done: set[str] = set()
    for name in entry.names:
        for jur in jurisdictions:
            if jur in done:
                continue
            found = legal_class(name, jur)
            if not found:
                continue
            done.add(jur)
            cyrillic_core = "cyrillic" in scripts(found.core)
            if cyrillic_core and jur in ("CN", "HK", "AE", "TR"):
                continue
            written = _form_key(found.written)
            options = [
                f
                for f in LEGAL_FORMS[(jur, found.klass)]
                if _form_key(f.text) != written
                and not (cyrillic_core and "latin" in scripts(f.text) and " " in f.text)
            ]
            rng.shuffle(options)
            # Hub companies are few on the lists: write them in up to three other ways.
            for new in options[: 3 if jur in HUB_FIRST else 1]:
                variant = with_form(found.core, new, upper=found.core.isupper())
                add(
                    entry,
                    name,
                    variant,
                    "legal_form",
                    f"{jur} {found.klass}: legal form written as {new.note} ({new.text})",
                    jur,
                )
            if found.place == "pre":
                quoted = re.search(r"[«“\"'](.+)[»”\"']", name)
                if quoted:
                    variant = f"{found.written} {found.core}"
                    note = "quotes around the name removed"
                else:
                    style = rng.choice(["«»", "“”", '""'])
                    variant = f"{found.written} {style[0]}{found.core}{style[1]}"
                    note = f"quotes {style} added around the name"
                add(entry, name, variant, "quotes", note, jur)
    # Abbreviations of generic words inside the name (not of its legal form).
    for name in entry.names:
        if scripts(name) != {"latin"}:
            continue
        found = next((f for j in jurisdictions if (f := legal_class(name, j))), None)
        core = found.core if found else name
        start = name.find(core)
        if start < 0:
            continue
        words = core.split()
        hits = [i for i, w in enumerate(words) if w.lower().strip(",.") in ABBREVIATIONS]
        if not hits or len(words) < 2:
            continue
        for i in hits:
            word = words[i].strip(",.")
            abbr = ABBREVIATIONS[word.lower()][0]
            words[i] = abbr.upper() if word.isupper() else abbr.capitalize()
        variant = name[:start] + " ".join(words) + name[start + len(core) :]
        add(entry, name, variant, "abbreviation", "generic words abbreviated")
        break
    # Kazakh letters: KZ names in Kazakh, typed on a Russian keyboard, in Kazakh Latin.
    if "KZ" in jurisdictions:
        for name in entry.names:
            found = legal_class(name, "KZ")
            if not found:
                continue
            core = found.core
            if "latin" in scripts(core) and not UNSAFE_FOR_CYRILLIC.search(core.replace("KH", "")):
                core = to_cyrillic(core)  # Kazakh documents write the name in Cyrillic too
            for word, kazakh in KAZAKH_WORDS.items():
                core = re.sub(rf"\b{word}\b", kazakh, core)
            kazakh_form = next(
                f for f in LEGAL_FORMS[("KZ", found.klass)] if f.note.startswith("KZ, full Kaz")
            )
            kazakh_name = with_form(core, kazakh_form)
            typed = "".join(KAZAKH_TO_RUSSIAN_KEYBOARD.get(c, c) for c in kazakh_name)
            latin = "".join(KAZAKH_TO_LATIN_2021.get(c, c) for c in kazakh_name.lower())
            add(
                entry,
                name,
                kazakh_name,
                "kazakh_letters",
                "Kazakh-language form with Kazakh letters",
                "KZ",
            )
            add(
                entry,
                kazakh_name,
                typed,
                "kazakh_letters",
                "Kazakh form typed with Russian letters for ә ғ қ ң ө ұ ү і (from a Kazakh "
                "form of the listed name)",
                "KZ",
            )
            add(entry, name, latin.upper(), "kazakh_letters", "Kazakh Latin (2021 alphabet)", "KZ")
            abbreviation = next(
                f
                for f in LEGAL_FORMS[("KZ", found.klass)]
                if f.note.endswith("abbreviation, Kazakh")
            )
            short = with_form(core, abbreviation)
            typed_short = "".join(KAZAKH_TO_RUSSIAN_KEYBOARD.get(c, c) for c in short)
            if typed_short == short:
                continue  # no Kazakh letter in it (ЖШС)
            add(
                entry,
                name,
                typed_short,
                "kazakh_letters",
                "Kazakh abbreviation and name typed with Russian letters",
                "KZ",
            )
    # Chinese names: pinyin of the characters, with the legal form in pinyin or English.
    for name in entry.names:
        if not HAN.search(name) or entry.country not in ("CN", "HK"):
            continue
        pinyin = to_pinyin(name)
        english = to_pinyin(name, legal_form="Co., Ltd.")
        if pinyin:
            add(entry, name, pinyin, "chinese_pinyin", "pinyin of the Chinese name")
            add(
                entry,
                name,
                pinyin.upper().replace("'", ""),
                "chinese_pinyin",
                "pinyin of the Chinese name, upper case, syllables joined",
            )
        if english and english != pinyin:
            add(entry, name, english, "chinese_pinyin", "pinyin with 有限公司 as Co., Ltd.")
        english_names = [n for n in entry.names if not HAN.search(n)]
        if english_names and pinyin:
            add(
                entry,
                english_names[0],
                pinyin,
                "chinese_pinyin",
                "English list name against the pinyin of the Chinese list name",
            )


def derive_person(entry: Entry, rng: random.Random, add: Add) -> None:
    country = entry.country
    latin_names = [n for n in entry.names if scripts(n) == {"latin"}]
    cyrillic_names = [n for n in entry.names if scripts(n) == {"cyrillic"}]
    # Russian Cyrillic only (no Ukrainian or Belarusian letters) for the Russian systems.
    russian_names = [n for n in cyrillic_names if not re.search(r"[іїєґўІЇЄҐЎ'’]", n)]
    primary = next((n for n in latin_names if person_parts(entry, n)), "")
    parts = person_parts(entry, primary) if primary else None
    if parts:
        surname, given, patronymic = parts
        comma = "," in primary
        # Word order: the other order than the list's.
        if comma:
            variant = " ".join(p for p in (given, patronymic, title(surname)) if p)
        else:
            variant = " ".join(p for p in (surname, given, patronymic) if p)
        add(entry, primary, variant, "word_order", "name parts in the other order")
        # Russian Cyrillic, as a Russian-language document writes the listed Latin name.
        words = [w for w in (surname, given, *patronymic.split()) if w]
        safe = all(
            w.lower() in GIVEN_NAMES_CYRILLIC or not UNSAFE_FOR_CYRILLIC.search(w) for w in words
        )
        cyrillic = ""
        if country in ("RU", "KG", "KZ", "TJ", "GE", "AZ", "AM") and safe:
            cyrillic = " ".join(to_cyrillic_word(title(w)) for w in words)
            add(
                entry,
                primary,
                cyrillic,
                "cyrillic_latin",
                "listed Latin name written in Russian Cyrillic (rule table), surname first",
            )
        # The same name romanised by another system (from the listed Cyrillic if any).
        source = russian_names[0] if russian_names else cyrillic
        if source and country in ("RU", "BY", "UA", "KG", "KZ"):
            for system in rng.sample(sorted(ROMANISATIONS), len(ROMANISATIONS)):
                romanised = romanise(source, system)
                parts_r = romanised.split()
                if cyrillic and source == cyrillic and comma and len(parts_r) == len(words):
                    # Keep the list's layout so that only the spelling differs.
                    romanised = f"{parts_r[0].upper()}, {' '.join(parts_r[1:])}"
                if sorted(light_tokens(romanised)) != sorted(light_tokens(primary)):
                    add(
                        entry,
                        primary,
                        romanised,
                        "russian_romanisation",
                        f"romanised with {system} from the "
                        + ("listed Cyrillic name" if russian_names else "Cyrillic form"),
                    )
                    break
        # Turkic patronymic forms for Central Asian persons (not for Slavic names of
        # Uzbek or Kyrgyz citizens: "Sergey Yevgeniyevich Moskalenko" keeps his patronymic).
        turkic_name = given.lower() not in SLAVIC_GIVEN_NAMES and not re.search(
            r"(enko|ko|sky|skiy|ich|uk|in)$", surname, re.IGNORECASE
        )
        if patronymic and country in ("KG", "KZ", "UZ") and turkic_name:
            turkic = patronymic_to_turkic(patronymic, country)
            if turkic and country != "UZ":
                add(
                    entry,
                    primary,
                    f"{given} {turkic} {title(surname)}",
                    "patronymic",
                    f"{country} patronymic form ({turkic.split()[-1]})",
                )
                kz = patronymic_to_turkic(patronymic, "KZ-cyrillic")
                if kz:
                    add(
                        entry,
                        primary,
                        f"{to_cyrillic_word(title(surname))} {to_cyrillic_word(given)} {kz}",
                        "patronymic",
                        "Kazakh-style patronymic in Cyrillic (-ұлы/-қызы)",
                    )
            if turkic and country == "UZ":
                add(
                    entry,
                    primary,
                    f"{uzbek_latin(title(surname))} {uzbek_latin(given)} {uzbek_latin(turkic)}",
                    "patronymic",
                    "Uzbek patronymic form (o'g'li/qizi) in Uzbek Latin",
                )
        # Uzbek: official Uzbek Latin, its apostrophe variants and Uzbek Cyrillic.
        if country == "UZ" and turkic_name:
            rest = " ".join(p for p in (given, patronymic) if p)
            uz = f"{uzbek_latin(surname).upper()}, {uzbek_latin(rest)}"
            if sorted(light_tokens(uz)) != sorted(light_tokens(primary)):
                add(
                    entry,
                    primary,
                    uz,
                    "uzbek_romanisation",
                    "Russian-style romanisation against official Uzbek Latin",
                )
                add(
                    entry,
                    primary,
                    uzbek_cyrillic(uz),
                    "uzbek_romanisation",
                    "Uzbek Cyrillic alphabet",
                )
                if "'" in uz:
                    mark = rng.choice([m for m in UZBEK_APOSTROPHES if m != "'"])
                    add(
                        entry,
                        primary,
                        uz.replace("'", mark),
                        "uzbek_romanisation",
                        f"Uzbek Latin with the apostrophe letter typed as {mark or 'nothing'!r}",
                    )
                if "G'" in uz or "g'" in uz:
                    gh = re.sub(r"G'(?=[a-z])", "Gh", uz).replace("G'", "GH").replace("g'", "gh")
                    add(entry, primary, gh, "uzbek_romanisation", "Uzbek Latin with gh for gʻ")
    # A listed Russian Cyrillic name as German spells it (a German exporter's records, the
    # German press), against the listed Latin name that spells the same name, else against
    # the Cyrillic name itself.
    if russian_names and country in ("RU", "BY", "UA", "KG", "KZ"):
        real = next((n for n in latin_names if same_person_name(n, russian_names[0])), "")
        add(
            entry,
            real or russian_names[0],
            romanise_german(russian_names[0]),
            "german_romanisation",
            "listed Cyrillic name in the German (Duden) transcription",
        )
    # Listed Cyrillic names romanised by a system a declaration may use.
    for name in russian_names[:2]:
        if country in ("RU", "BY", "UA", ""):
            system = rng.choice(sorted(ROMANISATIONS))
            add(
                entry,
                name,
                romanise(name, system),
                "cyrillic_latin",
                f"listed Cyrillic name romanised with {system}",
            )


def derive_homoglyph(entry: Entry, rng: random.Random, add: Add) -> None:
    for name in entry.names:
        sc = scripts(name)
        if sc == {"cyrillic"}:
            table = CYRILLIC_TO_LATIN_LOOKALIKE
            note = "Latin look-alike letters inside a Cyrillic name"
        elif sc == {"latin"} and name.isupper() and entry.country in POST_SOVIET:
            table = LATIN_TO_CYRILLIC_LOOKALIKE
            note = "Cyrillic look-alike letters inside a Latin name"
        else:
            continue
        positions = [i for i, ch in enumerate(name) if ch in table]
        if len(positions) < 3:
            continue
        chosen = set(rng.sample(positions, rng.choice([1, 2, 3])))
        variant = "".join(table[ch] if i in chosen else ch for i, ch in enumerate(name))
        add(entry, name, variant, "homoglyph", note)
        return


def pick(found: list[Pair], cap: int, rng: random.Random) -> list[Pair]:
    """Up to `cap` pairs: the hubs first, then round-robin over countries for variety."""
    rng.shuffle(found)
    hubs = [p for p in found if p.country1 in HUB_FIRST]
    by_country: dict[str, list[Pair]] = defaultdict(list)
    for p in found:
        if p.country1 not in HUB_FIRST:
            by_country[p.country1].append(p)
    chosen = hubs[:cap]
    while len(chosen) < cap and any(by_country.values()):
        for country in sorted(by_country):
            if by_country[country] and len(chosen) < cap:
                chosen.append(by_country[country].pop())
    return chosen


def derived_pairs(entries: list[Entry], rng: random.Random) -> list[Pair]:
    out: dict[str, list[Pair]] = defaultdict(list)

    def add(
        entry: Entry, real: str, variant: str, category: str, note: str, country: str = ""
    ) -> None:
        variant = clean_name(variant)
        country = country or entry.country
        if variant and variant.casefold() != real.casefold():
            out[category].append(
                Pair(
                    real,
                    variant,
                    entry.schema,
                    True,
                    category,
                    country,
                    country,
                    entry.source,
                    "derived: " + note,
                    "derived",
                )
            )

    for entry in sorted(entries, key=lambda e: e.source):
        if entry.schema == "Person":
            derive_person(entry, rng, add)
        else:
            derive_company(entry, rng, add)
        derive_homoglyph(entry, rng, add)
    pairs: list[Pair] = []
    for category in sorted(out):
        if category in LATER_CATEGORIES:
            continue
        pairs += pick(out[category], CAP_DERIVED.get(category, 10), rng)
    # categories added after the set was first built are picked with a generator of their
    # own, so that adding one left every other pair as it was
    for category in LATER_CATEGORIES:
        pairs += pick(out[category], CAP_DERIVED[category], random.Random(category))
    return pairs


# --------------------------------------------------------------------------------------
# Hard negatives
# --------------------------------------------------------------------------------------


def person_key(entry: Entry) -> tuple[str, str, str] | None:
    """Folded (surname, given name, patronymic) of a person entry, from its Latin names."""
    for name in entry.names:
        parts = person_parts(entry, name)
        if parts:
            return fold(parts[0]), fold(parts[1]), fold(parts[2])
    return None


def person_name_for(entry: Entry, cross_script: bool) -> str:
    """A name of a person entry for a negative pair: its first Latin name, or Cyrillic."""
    if cross_script:
        cyr = [n for n in entry.names if scripts(n) == {"cyrillic"}]
        if cyr:
            return cyr[0]
    latin = [n for n in entry.names if scripts(n) == {"latin"} and person_parts(entry, n)]
    return latin[0] if latin else entry.names[0]


def negative(a: Entry, b: Entry, n1: str, n2: str, category: str, note: str) -> Pair:
    return Pair(
        n1,
        n2,
        a.schema,
        False,
        category,
        a.country,
        b.country,
        f"{a.source}|{b.source}",
        note,
        "negative",
    )


GENERIC = frozenset(
    fold(w)
    for w in (
        "trading", "group", "technology", "technologies", "tech", "international", "company",
        "industrial", "industry", "industries", "electronics", "electronic", "shipping",
        "china", "russian", "russia", "federal", "state", "national", "bank", "investment",
        "holding", "holdings", "general", "development", "corporation", "aviation",
        "engineering", "import", "export", "research", "institute", "scientific", "plant",
        "zavod", "center", "management", "hong", "kong", "shenzhen", "beijing", "shanghai",
        "dubai", "moscow", "leasing", "capital", "oil", "gas", "avia", "aero", "trade",
        "kompaniya", "oblast", "power", "machinery", "communications", "marine", "global",
        "logistics", "services", "finance", "commercial", "nauchno", "proizvodstvennoe",
        "of", "science", "production", "association", "petroleum", "chemical", "energy",
    )
)  # fmt: skip


def birth_years(entry: Entry) -> set[str]:
    return set(re.findall(r"\b(1[89]\d\d|20\d\d)\b", entry.dob))


def different_people(a: Entry, b: Entry) -> bool:
    """Two person entries are two people: two entries of one list (the OFAC files share one
    numbering), or entries of two lists whose birth years are all different."""
    if a.identity == b.identity:
        return False
    ya, yb = birth_years(a), birth_years(b)
    if ya and yb and ya & yb:
        return False  # same birth year: could be one person listed twice
    if family_of(a) == family_of(b):
        return True
    return bool(ya and yb)


def family_of(entry: Entry) -> str:
    return "ofac" if entry.family.startswith("ofac") else entry.family


def person_negatives(persons: list[Entry], rng: random.Random) -> list[Pair]:
    out: list[Pair] = []
    keyed = []
    for e in persons:
        key = person_key(e)
        if key and e.schema == "Person" and e.country in (*POST_SOVIET, ""):
            keyed.append((e, key))
    for (ea, ka), (eb, kb) in combinations(keyed, 2):
        same_surname = re.sub(r"a$", "", ka[0]) == re.sub(r"a$", "", kb[0])
        same_given = token_match(ka[1], kb[1])
        if not (same_surname or same_given) or not different_people(ea, eb):
            continue
        patronymics = bool(ka[2] and kb[2] and len(ka[2]) > 2 and len(kb[2]) > 2)
        same_patronymic = patronymics and token_match(
            patronymic_stem(ka[2]), patronymic_stem(kb[2])
        )
        cross = family_of(ea) in ("ftm", "un") and rng.random() < 0.5
        if same_surname and not same_given:
            out.append(
                negative(
                    ea,
                    eb,
                    person_name_for(ea, cross),
                    person_name_for(eb, False),
                    "hard_negative_same_surname",
                    "different entries: same surname, different given name",
                )
            )
        elif same_surname and same_given and patronymics and not same_patronymic:
            out.append(
                negative(
                    ea,
                    eb,
                    person_name_for(ea, False),
                    person_name_for(eb, False),
                    "hard_negative_patronymic",
                    "different entries: same given name and surname, different patronymic",
                )
            )
        elif same_given and same_patronymic and not token_match(ka[0], kb[0]):
            out.append(
                negative(
                    ea,
                    eb,
                    person_name_for(ea, cross),
                    person_name_for(eb, False),
                    "hard_negative_same_given_name",
                    "different entries: same given name and patronymic, different surname",
                )
            )
    return out


def organisation_negatives(group: list[Entry]) -> list[Pair]:
    out: list[Pair] = []
    names = []
    for e in group:
        if e.schema == "Person" or e.country not in SCOPE:
            continue
        # The entry's own name: its primary name (FtM: also its first Cyrillic name).
        own = [e.names[0], *[n for n in e.names[1:] if scripts(n) == {"cyrillic"}][:1]]
        for name in own:
            if scripts(name) & {"latin", "cyrillic"} and not scripts(name) & {"han"}:
                names.append((e, name, core_tokens(name)))
    seen: set[tuple[str, str]] = set()
    uses: Counter[str] = Counter()  # similar-name negatives per entry: at most two
    for (ea, na, ta), (eb, nb, tb) in combinations(names, 2):
        if ea.identity == eb.identity or not ta or not tb:
            continue
        pair_key = (ea.identity, eb.identity)
        if pair_key in seen:
            continue
        sa, sb = set(ta), set(tb)
        same_core = len(ta) == len(tb) and not fuzzy_subset(ta, tb, False)
        if same_core:
            # One name, two entries: a negative only for two kinds of company (an LLC and a
            # joint-stock company of one name); otherwise no name matcher could tell them.
            ca, cb = form_classes(na), form_classes(nb)
            if ca and cb and not ca & cb:
                seen.add(pair_key)
                out.append(
                    negative(
                        ea,
                        eb,
                        na,
                        nb,
                        "hard_negative_legal_form",
                        "different entries: same name, different kind of company",
                    )
                )
            continue
        numbers_a = {t for t in ta if re.search(r"\d", t)}
        numbers_b = {t for t in tb if re.search(r"\d", t)}
        rest_a, rest_b = (
            [t for t in ta if t not in numbers_a],
            [t for t in tb if t not in numbers_b],
        )
        if (
            numbers_a
            and numbers_b
            and numbers_a != numbers_b
            and rest_a
            and ratio(" ".join(rest_a), " ".join(rest_b)) >= 0.8
        ):
            seen.add(pair_key)
            out.append(
                negative(
                    ea,
                    eb,
                    na,
                    nb,
                    "hard_negative_number",
                    "different entries: similar names, different number",
                )
            )
            continue
        shared = sa & sb
        distinctive_shared = shared - GENERIC
        similarity = max(
            ratio(" ".join(ta), " ".join(tb)), ratio(" ".join(sorted(ta)), " ".join(sorted(tb)))
        )
        if not ((shared and similarity >= 0.6) or similarity >= 0.75):
            continue
        if distinctive_shared and (sa <= sb or sb <= sa):
            continue  # one name inside the other: a parent and its branch, or an alias
        if not fuzzy_subset(ta, tb, False) or not fuzzy_subset(tb, ta, False):
            continue  # every word of one has a spelling match in the other: too close to call
        if uses[ea.identity] >= 2 or uses[eb.identity] >= 2:
            continue
        uses[ea.identity] += 1
        uses[eb.identity] += 1
        seen.add(pair_key)
        why = "shared generic words" if not distinctive_shared else "shared words"
        out.append(
            negative(
                ea,
                eb,
                na,
                nb,
                "hard_negative_similar_name",
                f"different entries: similar names ({why})",
            )
        )
    return out


def number_changes(entries: list[Entry], rng: random.Random) -> list[Pair]:
    """Controlled negatives: a real numbered name against the same name with another number."""
    out: list[Pair] = []
    done: set[str] = set()  # one base name once, even when two lists carry it
    for entry in sorted(entries, key=lambda e: e.source):
        if entry.schema == "Person" or entry.country not in SCOPE:
            continue
        for name in entry.names:
            if not re.search(r"\d", name) or re.search(r"\d{5,}", name):
                continue
            if name.casefold() in done:
                break
            done.add(name.casefold())
            offsets = (1, rng.choice([2, -1, 10]))
            for variant in dict.fromkeys(change_number(name, n) for n in offsets):
                if not variant:
                    continue
                out.append(
                    Pair(
                        name,
                        variant,
                        entry.schema,
                        False,
                        "hard_negative_number",
                        entry.country,
                        entry.country,
                        entry.source,
                        "controlled change: the same name with another number is another "
                        "numbered unit, plant, institute or company",
                        "negative",
                    )
                )
            break
    return out


def negative_pairs(entries: list[Entry], rng: random.Random) -> list[Pair]:
    out: dict[str, list[Pair]] = defaultdict(list)
    by_family: dict[str, list[Entry]] = defaultdict(list)
    for entry in sorted(entries, key=lambda e: e.source):
        # Entries of one list are different parties; the two OFAC files share one numbering.
        by_family["ofac" if entry.family.startswith("ofac") else entry.family].append(entry)
    for _family, group in sorted(by_family.items()):
        for pair in organisation_negatives(group):
            out[pair.category].append(pair)
    persons = [e for e in sorted(entries, key=lambda e: e.source) if e.schema == "Person"]
    for pair in person_negatives(persons, rng):
        out[pair.category].append(pair)
    for pair in number_changes(entries, rng):
        out[pair.category].append(pair)
    pairs: list[Pair] = []
    for category in sorted(out):
        found = out[category]
        # Real pairs of different entries before controlled changes.
        real = [p for p in found if "controlled" not in p.notes]
        controlled = [p for p in found if "controlled" in p.notes]
        cap = CAP_NEGATIVE.get(category, 20)
        chosen = pick(real, cap, rng)
        pairs += chosen + pick(controlled, cap - len(chosen), rng)
    return pairs


# --------------------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------------------


def dedupe(pairs: Iterable[Pair]) -> Iterator[Pair]:
    seen: set[tuple[str, str]] = set()
    for pair in pairs:
        if pair.name1.casefold() == pair.name2.casefold():
            continue
        key = pair.key()
        if key in seen:
            continue
        seen.add(key)
        yield pair


def build(lists: Path) -> list[Pair]:
    rng = random.Random(SEED)
    entries = load_entries(lists)
    real = real_pairs(entries, rng)
    derived = derived_pairs(entries, rng)
    negatives = negative_pairs(entries, rng)
    pairs = list(dedupe([*real, *derived, *negatives]))
    # Positives and negatives under one name pair would be a contradiction: drop both.
    labels: dict[tuple[str, str], set[bool]] = defaultdict(set)
    for pair in pairs:
        labels[pair.key()].add(pair.is_match)
    pairs = [p for p in pairs if len(labels[p.key()]) == 1]
    order: dict[str, int] = {"real": 0, "derived": 1, "negative": 2}
    pairs.sort(key=lambda p: (order[p.kind], p.category, p.source, p.name1, p.name2))
    return pairs


def summary(pairs: list[Pair], out: Callable[[str], None] = print) -> None:
    def table(title: str, counter: Counter[str]) -> None:
        out(f"{title}:")
        for key, count in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])):
            out(f"  {key:<34} {count:>4}")

    out(f"pairs: {len(pairs)}")
    table("by kind", Counter(p.kind for p in pairs))
    table("by is_match", Counter("true" if p.is_match else "false" for p in pairs))
    table("by schema", Counter(p.schema for p in pairs))
    table("by category", Counter(p.category for p in pairs))
    table("by category and kind", Counter(f"{p.category} ({p.kind})" for p in pairs))
    table("by country1", Counter(p.country1 or "-" for p in pairs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lists", type=Path, default=DEFAULT_LISTS, help="shared lists folder")
    parser.add_argument("--out", type=Path, default=OUTPUT, help="CSV to write")
    args = parser.parse_args()
    pairs = build(args.lists)
    with args.out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        for pair in pairs:
            writer.writerow(pair.row())
    summary(pairs)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
