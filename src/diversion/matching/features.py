"""Features of a match: small functions that each score one aspect of a query against a
listed entity and say in words what they saw.

A feature returns a `Feature` with its score (what it found, 0..1) and its explanation; the
algorithm in `scoring` weighs them. Name features compare analysed names (`analysis.Name`);
the others compare the facts a query and a listed entity have (identifiers, countries, dates,
addresses).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from rapidfuzz.distance import OSA, Levenshtein

from diversion.matching import abjad
from diversion.matching.addresses import same_address
from diversion.matching.analysis import (
    GENERIC,
    HANGUL_WORD,
    INITIAL,
    NAME,
    PATRONYMIC,
    PLACE,
    Name,
    Part,
    analyse,
    country_word,
)
from diversion.matching.compared import Alignment, Compared, Listed, Query
from diversion.matching.keys import identifier_key
from diversion.matching.settings import DEFAULTS, Settings
from diversion.matching.text import romanisation_key, skeleton
from diversion.matching.vocabulary import data_path, vocabulary
from diversion.reference import load_yaml

# How much a part counts in a name, by kind. Generic words ("Group", "Trading") and places
# ("Shenzhen") count little, so that two firms share them without matching. Structural, not a
# setting: the index keeps each word's weight for the bound (`bounds.word_numbers`).
PART_WEIGHTS = {NAME: 1.0, PATRONYMIC: 0.35, INITIAL: 0.3, GENERIC: 0.2, PLACE: 0.25}
# Long words with the same consonants and other vowels: unstressed Russian o/a, Uzbek oʻ
# against Russian u, Belarusian a/ia (Buranov/Boʻronov, Yuldashev/Yoʻldoshev, Stepan/Stiapan).
# Structural: the index keeps the skeletons of words this long (`bounds.word_skeleton`).
VOWEL_SHIFT_LENGTH = 6
_VOWEL_GROUPS = re.compile("[aeiouy]+")


class Finding(NamedTuple):
    """What a feature saw: how strongly it found what it looks for (0..1), in words that name
    both sides."""

    score: float
    explanation: str


@dataclass(frozen=True)
class FeatureResult:
    """A finding with the name of the feature that made it (the feature function's name)."""

    name: str
    score: float
    explanation: str


class CommonWords(NamedTuple):
    """`data/common_words.yml` as firms' names read it: each word by spelling and by
    romanisation key (Альфа is alfa, the key of alpha)."""

    common: frozenset[str]  # words many unrelated firms take as their names (Alpha, Star)
    firm: frozenset[str]  # generic words that only say a name is a firm's (Company, Group)


@lru_cache(maxsize=1)
def common_words() -> CommonWords:
    table = load_yaml(data_path("common_words.yml")) or {}

    def read(section: str) -> frozenset[str]:
        found: set[str] = set()
        for group in table.get(section) or []:
            for written in group:
                for part in analyse(str(written), "Company").words:
                    found.update((part.text, part.key))
        return frozenset(found)

    return CommonWords(read("words"), read("firm_words"))


def _in(part: Part, words: frozenset[str]) -> bool:
    return part.text in words or part.key in words


def part_similarity(a: Part, b: Part, settings: Settings = DEFAULTS) -> float:
    """How alike two words are: the better of their plain and romanisation-key spellings.

    Called for every pair of words of a query and a candidate, so the cheap tests come
    first: equal spellings and keys, then edit distances cut off at the word's budget."""
    if a.kind == INITIAL or b.kind == INITIAL:
        return settings.initial_similarity if a.text[0] == b.text[0] else 0.0
    text_a, text_b = a.text, b.text
    if text_a == text_b:
        similarity = 1.0
    elif a.key == b.key:
        similarity = settings.key_similarity
    else:
        similarity = _spelling_similarity(a, b, settings)
        if similarity == 0.0:
            return 0.0
    if a.kind != b.kind and {a.kind, b.kind} == {NAME, PATRONYMIC}:
        similarity *= 0.5  # a father's name is not a given name: "bin Salman" is not "Salman"
    return similarity


def _spelling_similarity(a: Part, b: Part, settings: Settings) -> float:
    """Words spelled differently: typos within an edit budget, a short form of the same
    given name, or the same consonants with other vowels."""
    text_a, text_b = a.text, b.text
    if same_given_name(text_a, text_b):
        return settings.nickname_similarity
    longest, shortest = len(text_a), len(text_b)
    if shortest > longest:
        longest, shortest = shortest, longest
    budget = key_budget = _edit_budget(shortest)
    if budget == 1 and shortest >= 6 and a.key[:2] == b.key[:2]:
        # a second typo if the word starts alike: Scholz/Schulze, not Debbie/Meddie; as
        # spelled, not in keys, whose folds are not typos (Castillo, key castilo, is not Castro)
        budget = 2
    if budget:
        edits = OSA.distance(text_a, text_b, score_cutoff=budget)
        if edits > 1:  # the keys differ, so they are at least one edit apart too
            key_edits = OSA.distance(a.key, b.key, score_cutoff=key_budget)
            if key_edits <= key_budget:
                edits = min(edits, key_edits)
        if edits <= budget:
            return 1.0 - edits / longest
    elif (
        shortest >= settings.short_typo_length and OSA.distance(text_a, text_b, score_cutoff=1) <= 1
    ):
        # one typo in a short word ("Tim Cock", "Elon Mosk"): weak, never the anchor of a
        # name, but enough beside words spelled alike
        return settings.short_typo_similarity
    if (
        shortest >= VOWEL_SHIFT_LENGTH
        and skeleton(text_a) == skeleton(text_b)
        and _syllables(text_a) == _syllables(text_b)
    ):
        return settings.vowel_shift_similarity
    return 0.0


def same_given_name(a: str, b: str) -> bool:
    """Two forms of one given name (Bill and William, Саша and Alexander)."""
    nicknames = vocabulary().nicknames
    found = nicknames.get(a)
    if found is None:
        return False
    other = nicknames.get(b)
    return other is not None and not found.isdisjoint(other)


def _syllables(word: str) -> int:
    """Vowel groups: a vowel shift keeps them (Buranov, Boronov); an ending does not (Buranova)."""
    return len(_VOWEL_GROUPS.findall(word))


def _edit_budget(length: int) -> int:
    """Typos a word of this length may have and still be the same word: none in short
    words (Chinese and Korean syllables, "Tom" against "Tim": such a pair only counts
    `Settings.short_typo_similarity`), one or two in longer ones."""
    if length <= 4:
        return 0
    if length <= 7:
        return 1
    return 2


def credit(similarity: float, floor: float) -> float:
    """What a pair of words this alike counts, from nothing at `floor` to all of it at 1
    (linear: the bound in `bounds.py` relies on it)."""
    if similarity >= 1.0:
        return 1.0
    return max(0.0, (similarity - floor) / (1.0 - floor))


def part_weight(part: Part) -> float:
    weight = PART_WEIGHTS.get(part.kind, 1.0)
    if part.kind == NAME and len(part.text) <= 2:
        weight *= 0.5  # two letters say little
    return weight


def _same_spelling(a: Part, b: Part, settings: Settings) -> float:
    """Words that must be spelled alike (pinyin of Han names): equal, or equal keys."""
    if a.kind == INITIAL or b.kind == INITIAL or a.text == b.text:
        return part_similarity(a, b, settings)
    return settings.key_similarity if a.key == b.key else 0.0


def _same_syllable(a: Part, b: Part, settings: Settings) -> float:
    """Syllables of two Hangul names: the same block or not (종 jong is not 정 jeong)."""
    return 1.0 if a.text == b.text else 0.0


def _korean_spelling(a: Part, b: Part, settings: Settings) -> float:
    """A syllable of a Hangul name against a Latin spelling: spelled or keyed alike (정
    jeong, key jong, meets Jong), or one surname (박 Bak and Park); a letter more or less is
    another syllable (Jong is not Yong, Sang is not Song)."""
    if a.text == b.text:
        return 1.0
    if a.key == b.key:
        return settings.key_similarity
    return settings.nickname_similarity if same_given_name(a.text, b.text) else 0.0


def abjad_spelling(arabic: Part, latin: Part, settings: Settings = DEFAULTS) -> float:
    """A word in Arabic script against a Latin one: spelled alike, or with the same consonants
    and the long vowels the Arabic-script word writes (`abjad`): as alike as a key with three
    consonants or more (محمد Mohammed, حسين Hussein), as a vowel shift with fewer (علي Ali)."""
    similarity = part_similarity(arabic, latin, settings)
    if similarity >= settings.key_similarity or INITIAL in (arabic.kind, latin.kind):
        return similarity
    shared = abjad.fits(arabic.key, latin.key)
    if not shared or not abjad.writes_long_vowels(arabic.key, latin.text):
        return similarity
    alike = (
        settings.key_similarity
        if shared >= settings.abjad_length
        else settings.vowel_shift_similarity
    )
    if arabic.kind != latin.kind and {arabic.kind, latin.kind} == {NAME, PATRONYMIC}:
        alike *= 0.5
    return max(similarity, alike)


def _abjad_listed(query: Part, listed: Part, settings: Settings) -> float:
    return abjad_spelling(listed, query, settings)


def _in_order(placed: list[tuple[int, int, float]]) -> list[tuple[int, int, float]]:
    """The word pairs of a Chinese or Korean name whose syllables keep their order: one word
    (the surname, first or last) may move, the syllables of a given name may not (광수 Gwang-su
    is not Su-gwang). Pairs out of order are left unmatched."""
    by_query = sorted(placed)
    kept: list[tuple[int, int, float]] = []
    for moved in range(len(by_query)):
        rest = by_query[:moved] + by_query[moved + 1 :]
        in_order = [*_longest_in_order(rest), by_query[moved]]
        if len(in_order) == len(placed):
            return placed
        if len(in_order) > len(kept):
            kept = in_order
    return kept


def _longest_in_order(pairs: list[tuple[int, int, float]]) -> list[tuple[int, int, float]]:
    """The longest run of pairs (sorted by query position) whose listed positions rise."""
    runs: list[list[tuple[int, int, float]]] = []
    for pair in pairs:
        before = [run for run in runs if run[-1][1] < pair[1]]
        runs.append([*max(before, key=len, default=[]), pair])
    return max(runs, key=len, default=[])


def align(
    query: Sequence[Part],
    listed: Sequence[Part],
    person: bool = True,
    similarity_of: Callable[[Part, Part, Settings], float] = part_similarity,
    no_middle_names: bool = False,
    settings: Settings = DEFAULTS,
) -> Alignment:
    """Pair the words of two names, best pairs first, in any order.

    The score is a weighted Dice coefficient: matched weight (times similarity) on both sides
    over all weight on both sides. Unmatched parts of the longer name count half, so a list
    entry with a middle name still matches the two-word name on a declaration; not in
    Chinese and Korean names (`no_middle_names`), whose words are syllables of given names.
    """
    scored = sorted(
        (
            (similarity_of(q, c, settings), i, j)
            for i, q in enumerate(query)
            for j, c in enumerate(listed)
        ),
        reverse=True,
    )
    used_q: set[int] = set()
    used_c: set[int] = set()
    placed: list[tuple[int, int, float]] = []
    short_typos = 0
    for similarity, i, j in scored:
        if similarity < settings.min_part_similarity:
            break
        if i in used_q or j in used_c:
            continue
        if similarity == settings.short_typo_similarity:
            # one short word misspelt is a typo; two ("Jang Yong Son", "Jon Yong Sang") are
            # another name
            short_typos += 1
            if short_typos > 1:
                continue
        used_q.add(i)
        used_c.add(j)
        placed.append((i, j, similarity))
    if no_middle_names and len(placed) >= 3:
        placed = _in_order(placed)
        used_q = {i for i, _, _ in placed}
        used_c = {j for _, j, _ in placed}
    pairs = [(query[i], listed[j], similarity) for i, j, similarity in placed]
    query_left = tuple(p for i, p in enumerate(query) if i not in used_q)
    listed_left = tuple(p for j, p in enumerate(listed) if j not in used_c)
    floor = settings.similarity_floor if person else settings.firm_floor
    matched = total_matched = left_q = left_c = 0.0
    for q, c, s in pairs:
        weight_q, weight_c = part_weight(q), part_weight(c)
        # an initial stands for as much of a word as it says: "C." against "Camilo" matches
        # an initial's worth, and the rest of Camilo is left unmatched ("Luis C. Contreras"
        # has another first name than "Camilo Contreras"; "J. Smith" still fits "John Smith")
        if q.kind == INITIAL and c.kind != INITIAL:
            left_c += weight_c - weight_q
            weight_c = weight_q
        elif c.kind == INITIAL and q.kind != INITIAL:
            left_q += weight_q - weight_c
            weight_q = weight_c
        matched += (weight_q + weight_c) * credit(s, floor)
        total_matched += weight_q + weight_c
    left_q += sum(part_weight(p) for p in query_left)
    left_c += sum(part_weight(p) for p in listed_left)
    # A word on each side left unmatched is a conflict ("al-Mosuli" against "al-Tikriti");
    # a word only the longer name has is an extra (a middle name the declaration left out).
    conflict = min(left_q, left_c)
    extra = abs(left_q - left_c)
    extra_weight = settings.longer_side_extra if person else settings.firm_extra
    if min(len(query), len(listed)) == 1 and max(len(query), len(listed)) > 1:
        extra_weight = 1.0  # one word ("LUCAS", "JOHN") is not enough for a longer name
    if no_middle_names:
        # 张建 and 张淑兰建, 김영 and 김영수 have different given names
        extra_weight = settings.conflict_weight
    denominator = total_matched + settings.conflict_weight * 2 * conflict + extra_weight * extra
    score = matched / denominator if denominator else 0.0
    return Alignment(tuple(pairs), query_left, listed_left, score)


def _joined(parts: Sequence[Part]) -> str:
    """The words run together, for names split or joined differently ("Plat Ono Vich"). Every
    word counts, generic ones too: "BAE Systems" and "BAE Industries" must not meet as "bae".
    A patronymic counts whole here: its key is only the father's name."""
    return "".join(romanisation_key(p.text) if p.kind == PATRONYMIC else p.key for p in parts)


def joined_spellings(name: Name, without_patronymic: bool = True) -> list[tuple[str, int]]:
    """The name's words run together, and again with its legal forms written out, or
    without its patronymic ("Nikolai Patr ushev" is Nikolai Platonovich Patrushev; only
    against a name without one, or the patronymics would not be compared), each with the
    number of words it was written in."""
    plain, count = _joined(name.words), len(name.words)
    spellings = [(plain, count)]
    # keyed after joining too: a spelling split across two words folds otherwise
    # ("Andrang Heta", g|h, against "'Ndrangheta", gh folded to g)
    whole = romanisation_key("".join(p.text for p in name.words))
    if whole != plain:
        spellings.append((whole, count))
    written = [w for w in name.form_words if ":" not in w]
    if written:
        forms = plain + "".join(w.replace(" ", "") for w in written)
        spellings.append((forms, count + sum(len(w.split()) for w in written)))
    others = [p for p in name.words if p.kind != PATRONYMIC]
    if without_patronymic and len(others) < count and len(others) >= 2:
        spellings.append((_joined(others), len(others)))
    return spellings


def _joined_forms(query: Name, listed: Name) -> list[tuple[str, str, bool]]:
    """The two names run together in each of their spellings (`joined_spellings`), and
    whether the two are split into the same number of words."""
    q = joined_spellings(query, not _has_patronymic(listed))
    c = joined_spellings(listed, not _has_patronymic(query))
    return list(dict.fromkeys((a, b, n == m) for a, n in q for b, m in c))


def _has_patronymic(name: Name) -> bool:
    return any(p.kind == PATRONYMIC for p in name.words)


def _joined_similarity(joined_q: str, joined_c: str, same_split: bool, least: float) -> float:
    """Names split differently ("Hua Cheng Da", "Huachengda") compare as one string; names
    split alike only forgive one typo across the whole name ("Mercedes-Benn"), so that a
    word changed inside a long name ("Maroghashvili", "Margoshvili") does not hide. Below
    `least` (`Settings.joined_similarity`) it is 0: written together counts only when
    nearly the same."""
    if len(joined_q) < 6 or len(joined_c) < 6:
        return 0.0
    if same_split:
        edits = Levenshtein.distance(joined_q, joined_c, score_cutoff=1)
        similarity = 1.0 - edits / max(len(joined_q), len(joined_c)) if edits <= 1 else 0.0
    else:
        similarity = Levenshtein.normalized_similarity(joined_q, joined_c, score_cutoff=least)
    return similarity if similarity >= least else 0.0


def run_together(
    query: Name, listed: Name, settings: Settings = DEFAULTS
) -> tuple[float, str, str]:
    """How alike the names are written together ("Hua Cheng Da" against "Huachengda",
    "SiemensAG" against "Siemens AG"): the best similarity and the two joined spellings."""
    best = (0.0, "", "")
    for joined_q, joined_c, same_split in _joined_forms(query, listed):
        joined = _joined_similarity(joined_q, joined_c, same_split, settings.joined_similarity)
        if joined > best[0]:
            best = (joined, joined_q, joined_c)
    return best


def _in_hangul(pair: tuple[Name, Name]) -> list[bool]:
    """Which of two names are people's names written in Hangul."""
    person = pair[0].is_person or pair[1].is_person
    return [person and bool(HANGUL_WORD.search(n.original)) for n in pair]


def align_names(query: Name, listed: Name, settings: Settings = DEFAULTS) -> Alignment:
    """The words of two names paired (`align`), each pair compared as their scripts ask."""
    person = query.is_person or listed.is_person
    # a person's name in Han characters: its syllables are characters, not spellings; two
    # names in Hangul: syllable blocks, spelled alike or not
    han = person and (query.han or listed.han)
    in_hangul = _in_hangul((query, listed))
    # a name in Arabic script against one in another script: consonants and long vowels
    arabic_query, arabic_listed = (abjad.in_arabic_script(n.original) for n in (query, listed))
    similarity_of: Callable[[Part, Part, Settings], float] = part_similarity
    if all(in_hangul):
        similarity_of = _same_syllable
    elif any(in_hangul):
        similarity_of = _korean_spelling
    elif han:
        similarity_of = _same_spelling
    elif arabic_query != arabic_listed:
        similarity_of = abjad_spelling if arabic_query else _abjad_listed
    return align(query.words, listed.words, person, similarity_of, han or any(in_hangul), settings)


def names_compared(query: Name, listed: Name, settings: Settings = DEFAULTS) -> Compared:
    """Two names as the features see them, without the rest of their entities."""
    return Compared(
        Query(query.original, query.schema),
        Listed("", listed.schema, [listed]),
        query,
        listed,
        settings,
        align_names(query, listed, settings),
    )


# -- the features: each takes one `Compared` and returns a `Finding`, or None when it has
# nothing to say. Its name is the function's, its description the docstring's first line.


def name_parts(pair: Compared) -> Finding:
    """Aligned name parts, in any order, across scripts and romanisations."""
    query, listed, settings = pair.query_name, pair.listed_name, pair.settings
    person = query.is_person or listed.is_person
    hangul = all(_in_hangul((query, listed)))
    alignment = pair.alignment
    score = alignment.score
    how = ", ".join(
        f"{q.text}={c.text}" if s == 1.0 else f"{q.text}~{c.text} ({s:.2f})"
        for q, c, s in alignment.pairs
    )
    how += read_as(pair)
    written_together = False
    joined, joined_q, joined_c = (0.0, "", "") if hangul else run_together(query, listed, settings)
    if joined > score:
        score = joined
        how = f"{joined_q}~{joined_c} written together ({joined:.2f}){read_as(pair)}"
        written_together = True
    distinctive = [
        p
        for p in alignment.pairs
        if p[0].kind == p[1].kind in (NAME, PATRONYMIC) and p[2] >= settings.distinctive_similarity
    ]
    if not distinctive and not written_together and score < 1.0:
        cap = settings.no_distinctive_cap
        return Finding(
            min(score, cap),
            f"only generic words or no words in common ({how or 'none'}): at most {cap:.2f}",
        )
    near_miss = settings.person_near_miss_cap
    anchored = any(s >= settings.person_anchor_similarity for _, _, s in distinctive)
    if person and not written_together and not anchored and score > near_miss:
        # "Andrew Parks" against "Andres Paris": every word one typo away is another name
        return Finding(
            near_miss,
            f"name parts {how}: no word of the name is spelled alike: at most {near_miss:.2f}",
        )
    initials = [
        {p.text for p in side if p.kind == INITIAL}
        for side in (alignment.query_left, alignment.listed_left)
    ]
    if person and all(initials) and score > near_miss:
        # "William G. Frost" and "William W. Frost": middle names that differ
        q_initials, c_initials = (", ".join(sorted(i)) for i in initials)
        return Finding(
            near_miss,
            f"name parts {how}; initials differ ({q_initials} against {c_initials}): "
            f"at most {near_miss:.2f}",
        )
    common_cap = settings.common_words_cap
    if not person and not written_together and score > common_cap:
        own = _own_words_beside_common(distinctive, alignment, settings)
        if own:
            # "Alpha Trading LLC" against "Alpha Trading Investments Limited": many firms are
            # called Alpha; a word one firm has and the other lacks says they are two
            shared = ", ".join(dict.fromkeys(q.text for q, _, _ in alignment.pairs))
            return Finding(
                common_cap,
                f"name parts {how}: only common and generic words shared ({shared}); "
                f"{', '.join(own)} unmatched: at most {common_cap:.2f}",
            )
    # written together, every word was compared: none is left unmatched
    left = [p.text for p in alignment.query_left + alignment.listed_left if p.kind == NAME]
    text = f"name parts {how}"
    if left and not written_together:
        text += f"; unmatched {', '.join(left)}"
    return Finding(score, f"{text}: {score:.2f}")


def _own_words_beside_common(
    distinctive: Sequence[tuple[Part, Part, float]], alignment: Alignment, settings: Settings
) -> list[str]:
    """The words of two firms' names that one has and the other lacks, when every word they
    share alike is common (`common_words`) or generic; none when they share a word of their
    own. A place ("Alpha Trading (Hong Kong)"), a legal form or a number is not such a word
    (`place_words`, `legal_form` and `numbers` compare those), nor is a generic word that only
    says the name is a firm's ("Atlas Shipping Company" is Atlas Shipping). A name word paired
    with one less alike than `Settings.distinctive_similarity` ("Mortars" with "Motors") counts
    as unshared."""
    common, firm = common_words()
    if not distinctive or not all(_in(q, common) or _in(c, common) for q, c, _ in distinctive):
        return []
    own = [
        p.text
        for p in alignment.query_left + alignment.listed_left
        if p.kind != PLACE and not (p.kind == GENERIC and _in(p, firm))
    ]
    for q, c, similarity in alignment.pairs:
        if q.kind == NAME and c.kind == NAME and similarity < settings.distinctive_similarity:
            own += [q.text, c.text]
    return own


def read_as(pair: Compared) -> str:
    """The words each side's name was read as in English ("query read zavod as plant"), so
    that an officer sees which words were translated, expanded or read by sound."""
    notes = [
        f"{side} read {'; '.join(name.readings)}"
        for side, name in (("query", pair.query_name), ("listed", pair.listed_name))
        if name.readings
    ]
    return f" [{'; '.join(notes)}]" if notes else ""


def patronymic(pair: Compared) -> Finding | None:
    """Two people with different patronymics are different people (Sergey Ivanovich is not
    Sergey Viktorovich), however alike the rest."""
    q = [p for p in pair.alignment.query_left if p.kind == PATRONYMIC]
    c = [p for p in pair.alignment.listed_left if p.kind == PATRONYMIC]
    if q and c:
        return Finding(0.0, f"patronymics differ: {q[0].text} against {c[0].text}")
    return None


def place_words(pair: Compared) -> Finding | None:
    """Country words in firm names tell branches apart: "... (Spain), S.L." is not "... Japan"."""
    q = {country_word(p.text) for p in pair.query_name.parts if p.kind == PLACE} - {None}
    c = {country_word(p.text) for p in pair.listed_name.parts if p.kind == PLACE} - {None}
    if not q or not c or q & c:
        return None
    return Finding(
        0.0,
        f"names place the firm in different countries: {', '.join(sorted(str(x) for x in q))} "
        f"against {', '.join(sorted(str(x) for x in c))}",
    )


def legal_form(pair: Compared) -> Finding | None:
    """Legal forms compare by class: ТОО, ЖШС and LLP are one form; LLC and JSC are not."""
    query, listed = pair.query_name.forms, pair.listed_name.forms
    if not query or not listed:
        return None
    shared = query & listed
    if shared:
        return Finding(1.0, f"legal form {', '.join(sorted(shared))} on both")
    return Finding(
        0.0, f"legal forms differ: {', '.join(sorted(query))} against {', '.join(sorted(listed))}"
    )


def numbers(pair: Compared) -> Finding | None:
    """Numbers in names tell entities apart: "Plant No. 1" is not "Plant No. 2"."""
    q, c = pair.query_name.numbers, pair.listed_name.numbers
    if not q and not c:
        return None
    if q == c:
        return Finding(1.0, f"numbers {', '.join(sorted(q))} on both")
    if q and c:
        return Finding(
            0.0, f"numbers differ: {', '.join(sorted(q))} against {', '.join(sorted(c))}"
        )
    one = q or c
    return Finding(
        pair.settings.number_on_one_side, f"number {', '.join(sorted(one))} on one side only"
    )


def identifier(pair: Compared) -> Finding | None:
    """An identical registration, tax or document number is near proof of identity."""
    listed_ids = pair.listed.identifiers
    for value in pair.query.identifiers:
        key = identifier_key(value)
        if key in listed_ids:
            prop, listed = listed_ids[key]
            return Finding(1.0, f"identifier {value!r} equals the listed {prop} {listed!r}")
    return None


def country(pair: Compared) -> Finding | None:
    """Countries compare as sets: one shared is enough, none shared disagrees."""
    query, listed = pair.query.countries, pair.listed.countries
    if not query or not listed:
        return None
    shared = set(query) & set(listed)
    if shared:
        return Finding(1.0, f"country {', '.join(sorted(shared))} on both")
    return Finding(
        0.0,
        f"countries differ: {', '.join(sorted(set(query)))} "
        f"against {', '.join(sorted(set(listed)))}",
    )


def birth_date(pair: Compared) -> Finding | None:
    """Birth dates compare by what both give: a year against a full date is fine."""
    if "Person" not in (pair.query.schema, pair.listed.schema):
        return None
    query, listed = pair.query.birth_dates, pair.listed.birth_dates
    if not query or not listed:
        return None
    for q in query:
        for c in listed:
            size = min(len(q), len(c))
            if q[:size] == c[:size]:
                return Finding(1.0, f"birth date {q} fits the listed {c}")
    return Finding(0.0, f"birth dates differ: {', '.join(query)} against {', '.join(listed)}")


def address(pair: Compared) -> Finding | None:
    """The query's address against each listed address, word by word: the closest counts."""
    query, listed = pair.query.address, pair.listed.addresses
    if not query or not listed:
        return None
    q = analyse(query, "Address")
    best = 0.0
    best_listed = ""
    for value in listed:
        alignment = align(q.parts, analyse(value, "Address").parts, settings=pair.settings)
        # the same address read by its parts (street types, case endings, numbers, city) in
        # another language counts as much as one spelled alike
        score = max(alignment.score, same_address(query, value) / 100)
        if score > best:
            best, best_listed = score, value
    if best < pair.settings.address_similarity:
        return None
    return Finding(best, f"address close to the listed {best_listed!r} ({best:.2f})")
