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

from rapidfuzz.distance import OSA, Levenshtein

from diversion.matching import abjad
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
from diversion.matching.keys import identifier_key
from diversion.matching.text import romanisation_key, skeleton
from diversion.matching.vocabulary import vocabulary

# How much a part counts in a name, by kind. Generic words ("Group", "Trading") and places
# ("Shenzhen") count little, so that two firms share them without matching.
PART_WEIGHTS = {NAME: 1.0, PATRONYMIC: 0.35, INITIAL: 0.3, GENERIC: 0.2, PLACE: 0.25}
MIN_PART_SIMILARITY = 0.6  # two parts below this are not the same word
KEY_SIMILARITY = 0.9  # spelled differently, folded alike (Iurii/Yuriy): nearly the same
NICKNAME_SIMILARITY = 0.85  # a short form of the same given name (Bill/William)
SHORT_TYPO_SIMILARITY = 0.75  # one edit in a word of three or four letters
SHORT_TYPO_LENGTH = 3  # shorter words have no typos ("Li" is not "Lu")
# Long words with the same consonants and other vowels: unstressed Russian o/a, Uzbek oʻ
# against Russian u, Belarusian a/ia (Buranov/Boʻronov, Yuldashev/Yoʻldoshev, Stepan/Stiapan)
VOWEL_SHIFT_LENGTH = 6
VOWEL_SHIFT_SIMILARITY = 0.8
_VOWEL_GROUPS = re.compile("[aeiouy]+")
# A pair of similar words counts for (similarity - FLOOR) / (1 - FLOOR): one typo in a long
# word costs little, two in a short word most of the pair.
SIMILARITY_FLOOR = 0.3
# a firm's name is coined: a typo in its distinctive word ("Appel", "Stellaris") is more
# often a misspelling than another firm; a person's near name is often another person's
FIRM_FLOOR = 0.2
CREDIT_POWER = 1.0
LONGER_SIDE_EXTRA = 0.5  # unmatched words of the name with more words count this much
FIRM_EXTRA = 0.25  # the same for firms: an extra word more often names another firm
# A person's name needs one word spelled alike (the same, the same key, a short form, or one
# typo in a long word); near misses on every word score at most the cap, below the threshold.
PERSON_ANCHOR_SIMILARITY = 0.85
PERSON_NEAR_MISS_CAP = 0.7
# A name needs one word of its own (not generic) this alike, or it scores at most the cap
DISTINCTIVE_SIMILARITY = 0.8
NO_DISTINCTIVE_CAP = 0.5
INITIAL_SIMILARITY = 0.9  # an initial and a word with its letter
CONFLICT_WEIGHT = 2.5  # unmatched words on both sides count this much (each side)
ABJAD_LENGTH = 3  # consonants a word in Arabic script shares with a Latin one to be a key
JOINED_SIMILARITY = 0.9  # names run together must be this alike ("Hua Cheng Da", "Huachengda")


@dataclass(frozen=True)
class Feature:
    name: str
    score: float  # 0..1: how strongly this feature found what it looks for
    explanation: str


@dataclass(frozen=True)
class Alignment:
    pairs: tuple[tuple[Part, Part, float], ...]
    query_left: tuple[Part, ...]
    listed_left: tuple[Part, ...]
    score: float


def part_similarity(a: Part, b: Part) -> float:
    """How alike two words are: the better of their plain and romanisation-key spellings.

    Called for every pair of words of a query and a candidate, so the cheap tests come
    first: equal spellings and keys, then edit distances cut off at the word's budget."""
    if a.kind == INITIAL or b.kind == INITIAL:
        return INITIAL_SIMILARITY if a.text[0] == b.text[0] else 0.0
    text_a, text_b = a.text, b.text
    if text_a == text_b:
        similarity = 1.0
    elif a.key == b.key:
        similarity = KEY_SIMILARITY
    else:
        similarity = _spelling_similarity(a, b)
        if similarity == 0.0:
            return 0.0
    if a.kind != b.kind and {a.kind, b.kind} == {NAME, PATRONYMIC}:
        similarity *= 0.5  # a father's name is not a given name: "bin Salman" is not "Salman"
    return similarity


def _spelling_similarity(a: Part, b: Part) -> float:
    """Words spelled differently: typos within an edit budget, a short form of the same
    given name, or the same consonants with other vowels."""
    text_a, text_b = a.text, b.text
    if same_given_name(text_a, text_b):
        return NICKNAME_SIMILARITY
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
    elif shortest >= SHORT_TYPO_LENGTH and OSA.distance(text_a, text_b, score_cutoff=1) <= 1:
        # one typo in a short word ("Tim Cock", "Elon Mosk"): weak, never the anchor of a
        # name, but enough beside words spelled alike
        return SHORT_TYPO_SIMILARITY
    if (
        shortest >= VOWEL_SHIFT_LENGTH
        and skeleton(text_a) == skeleton(text_b)
        and _syllables(text_a) == _syllables(text_b)
    ):
        return VOWEL_SHIFT_SIMILARITY
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
    `SHORT_TYPO_SIMILARITY`), one or two in longer ones."""
    if length <= 4:
        return 0
    if length <= 7:
        return 1
    return 2


def credit(similarity: float, floor: float = SIMILARITY_FLOOR) -> float:
    if similarity >= 1.0:
        return 1.0
    base = max(0.0, (similarity - floor) / (1.0 - floor))
    return float(base**CREDIT_POWER)


def part_weight(part: Part) -> float:
    weight = PART_WEIGHTS.get(part.kind, 1.0)
    if part.kind == NAME and len(part.text) <= 2:
        weight *= 0.5  # two letters say little
    return weight


def _same_spelling(a: Part, b: Part) -> float:
    """Words that must be spelled alike (pinyin of Han names): equal, or equal keys."""
    if a.kind == INITIAL or b.kind == INITIAL or a.text == b.text:
        return part_similarity(a, b)
    return KEY_SIMILARITY if a.key == b.key else 0.0


def _same_syllable(a: Part, b: Part) -> float:
    """Syllables of two Hangul names: the same block or not (종 jong is not 정 jeong)."""
    return 1.0 if a.text == b.text else 0.0


def _korean_spelling(a: Part, b: Part) -> float:
    """A syllable of a Hangul name against a Latin spelling: spelled or keyed alike (정
    jeong, key jong, meets Jong), or one surname (박 Bak and Park); a letter more or less is
    another syllable (Jong is not Yong, Sang is not Song)."""
    if a.text == b.text:
        return 1.0
    if a.key == b.key:
        return KEY_SIMILARITY
    return NICKNAME_SIMILARITY if same_given_name(a.text, b.text) else 0.0


def abjad_spelling(arabic: Part, latin: Part) -> float:
    """A word in Arabic script against a Latin one: spelled alike, or with the same consonants
    and the long vowels the Arabic-script word writes (`abjad`): as alike as a key with three
    consonants or more (محمد Mohammed, حسين Hussein), as a vowel shift with fewer (علي Ali)."""
    similarity = part_similarity(arabic, latin)
    if similarity >= KEY_SIMILARITY or INITIAL in (arabic.kind, latin.kind):
        return similarity
    shared = abjad.fits(arabic.key, latin.key)
    if not shared or not abjad.writes_long_vowels(arabic.key, latin.text):
        return similarity
    alike = KEY_SIMILARITY if shared >= ABJAD_LENGTH else VOWEL_SHIFT_SIMILARITY
    if arabic.kind != latin.kind and {arabic.kind, latin.kind} == {NAME, PATRONYMIC}:
        alike *= 0.5
    return max(similarity, alike)


def _abjad_listed(query: Part, listed: Part) -> float:
    return abjad_spelling(listed, query)


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
    similarity_of: Callable[[Part, Part], float] = part_similarity,
    no_middle_names: bool = False,
) -> Alignment:
    """Pair the words of two names, best pairs first, in any order.

    The score is a weighted Dice coefficient: matched weight (times similarity) on both sides
    over all weight on both sides. Unmatched parts of the longer name count half, so a list
    entry with a middle name still matches the two-word name on a declaration; not in
    Chinese and Korean names (`no_middle_names`), whose words are syllables of given names.
    """
    scored = sorted(
        ((similarity_of(q, c), i, j) for i, q in enumerate(query) for j, c in enumerate(listed)),
        reverse=True,
    )
    used_q: set[int] = set()
    used_c: set[int] = set()
    placed: list[tuple[int, int, float]] = []
    short_typos = 0
    for similarity, i, j in scored:
        if similarity < MIN_PART_SIMILARITY:
            break
        if i in used_q or j in used_c:
            continue
        if similarity == SHORT_TYPO_SIMILARITY:
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
        matched += (weight_q + weight_c) * credit(s, SIMILARITY_FLOOR if person else FIRM_FLOOR)
        total_matched += weight_q + weight_c
    left_q += sum(part_weight(p) for p in query_left)
    left_c += sum(part_weight(p) for p in listed_left)
    # A word on each side left unmatched is a conflict ("al-Mosuli" against "al-Tikriti");
    # a word only the longer name has is an extra (a middle name the declaration left out).
    conflict = min(left_q, left_c)
    extra = abs(left_q - left_c)
    extra_weight = LONGER_SIDE_EXTRA if person else FIRM_EXTRA
    if min(len(query), len(listed)) == 1 and max(len(query), len(listed)) > 1:
        extra_weight = 1.0  # one word ("LUCAS", "JOHN") is not enough for a longer name
    if no_middle_names:
        # 张建 and 张淑兰建, 김영 and 김영수 have different given names
        extra_weight = CONFLICT_WEIGHT
    denominator = total_matched + CONFLICT_WEIGHT * 2 * conflict + extra_weight * extra
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


def _joined_similarity(joined_q: str, joined_c: str, same_split: bool) -> float:
    """Names split differently ("Hua Cheng Da", "Huachengda") compare as one string; names
    split alike only forgive one typo across the whole name ("Mercedes-Benn"), so that a
    word changed inside a long name ("Maroghashvili", "Margoshvili") does not hide. Below
    `JOINED_SIMILARITY` it is 0: written together counts only when nearly the same."""
    if len(joined_q) < 6 or len(joined_c) < 6:
        return 0.0
    if same_split:
        edits = Levenshtein.distance(joined_q, joined_c, score_cutoff=1)
        similarity = 1.0 - edits / max(len(joined_q), len(joined_c)) if edits <= 1 else 0.0
    else:
        similarity = Levenshtein.normalized_similarity(
            joined_q, joined_c, score_cutoff=JOINED_SIMILARITY
        )
    return similarity if similarity >= JOINED_SIMILARITY else 0.0


def run_together(query: Name, listed: Name) -> tuple[float, str, str]:
    """How alike the names are written together ("Hua Cheng Da" against "Huachengda",
    "SiemensAG" against "Siemens AG"): the best similarity and the two joined spellings."""
    best = (0.0, "", "")
    for joined_q, joined_c, same_split in _joined_forms(query, listed):
        joined = _joined_similarity(joined_q, joined_c, same_split)
        if joined > best[0]:
            best = (joined, joined_q, joined_c)
    return best


def name_parts(query: Name, listed: Name) -> tuple[Feature, Alignment]:
    """Aligned name parts, in any order, across scripts and romanisations."""
    person = query.is_person or listed.is_person
    # a person's name in Han characters: its syllables are characters, not spellings; two
    # names in Hangul: syllable blocks, spelled alike or not
    han = person and (query.han or listed.han)
    in_hangul = [person and bool(HANGUL_WORD.search(n.original)) for n in (query, listed)]
    hangul = all(in_hangul)
    # a name in Arabic script against one in another script: consonants and long vowels
    arabic_query, arabic_listed = (abjad.in_arabic_script(n.original) for n in (query, listed))
    similarity_of: Callable[[Part, Part], float] = part_similarity
    if hangul:
        similarity_of = _same_syllable
    elif any(in_hangul):
        similarity_of = _korean_spelling
    elif han:
        similarity_of = _same_spelling
    elif arabic_query != arabic_listed:
        similarity_of = abjad_spelling if arabic_query else _abjad_listed
    alignment = align(query.words, listed.words, person, similarity_of, han or any(in_hangul))
    score = alignment.score
    how = ", ".join(
        f"{q.text}={c.text}" if s == 1.0 else f"{q.text}~{c.text} ({s:.2f})"
        for q, c, s in alignment.pairs
    )
    written_together = False
    joined, joined_q, joined_c = (0.0, "", "") if hangul else run_together(query, listed)
    if joined > score:
        score = joined
        how = f"{joined_q}~{joined_c} written together ({joined:.2f})"
        written_together = True
    distinctive = [
        p
        for p in alignment.pairs
        if p[0].kind == p[1].kind in (NAME, PATRONYMIC) and p[2] >= DISTINCTIVE_SIMILARITY
    ]
    if not distinctive and not written_together and score < 1.0:
        capped = min(score, NO_DISTINCTIVE_CAP)
        return (
            Feature(
                "name_parts",
                capped,
                f"only generic words or no words in common ({how or 'none'}): "
                f"at most {NO_DISTINCTIVE_CAP:.2f}",
            ),
            alignment,
        )
    anchored = any(s >= PERSON_ANCHOR_SIMILARITY for _, _, s in distinctive)
    if person and not written_together and not anchored and score > PERSON_NEAR_MISS_CAP:
        # "Andrew Parks" against "Andres Paris": every word one typo away is another name
        return (
            Feature(
                "name_parts",
                PERSON_NEAR_MISS_CAP,
                f"name parts {how}: no word of the name is spelled alike: "
                f"at most {PERSON_NEAR_MISS_CAP:.2f}",
            ),
            alignment,
        )
    initials = [
        {p.text for p in side if p.kind == INITIAL}
        for side in (alignment.query_left, alignment.listed_left)
    ]
    if person and all(initials) and score > PERSON_NEAR_MISS_CAP:
        # "William G. Frost" and "William W. Frost": middle names that differ
        q_initials, c_initials = (", ".join(sorted(i)) for i in initials)
        return (
            Feature(
                "name_parts",
                PERSON_NEAR_MISS_CAP,
                f"name parts {how}; initials differ ({q_initials} against {c_initials}): "
                f"at most {PERSON_NEAR_MISS_CAP:.2f}",
            ),
            alignment,
        )
    # written together, every word was compared: none is left unmatched
    left = [p.text for p in alignment.query_left + alignment.listed_left if p.kind == NAME]
    text = f"name parts {how}"
    if left and not written_together:
        text += f"; unmatched {', '.join(left)}"
    return Feature("name_parts", score, f"{text}: {score:.2f}"), alignment


def patronymics(query: Name, listed: Name, alignment: Alignment) -> Feature | None:
    """Two people with different patronymics are different people (Sergey Ivanovich is not
    Sergey Viktorovich), however alike the rest."""
    q = [p for p in alignment.query_left if p.kind == PATRONYMIC]
    c = [p for p in alignment.listed_left if p.kind == PATRONYMIC]
    if q and c:
        return Feature("patronymic", 0.0, f"patronymics differ: {q[0].text} against {c[0].text}")
    return None


def place_words(query: Name, listed: Name) -> Feature | None:
    """Country words in firm names tell branches apart: "... (Spain), S.L." is not "... Japan"."""
    q = {country_word(p.text) for p in query.parts if p.kind == PLACE} - {None}
    c = {country_word(p.text) for p in listed.parts if p.kind == PLACE} - {None}
    if not q or not c or q & c:
        return None
    return Feature(
        "place_words",
        0.0,
        f"names place the firm in different countries: {', '.join(sorted(str(x) for x in q))} "
        f"against {', '.join(sorted(str(x) for x in c))}",
    )


def legal_form(query: Name, listed: Name) -> Feature | None:
    """Legal forms compare by class: ТОО, ЖШС and LLP are one form; LLC and JSC are not."""
    if not query.forms or not listed.forms:
        return None
    shared = query.forms & listed.forms
    if shared:
        return Feature("legal_form", 1.0, f"legal form {', '.join(sorted(shared))} on both")
    return Feature(
        "legal_form",
        0.0,
        f"legal forms differ: {', '.join(sorted(query.forms))} "
        f"against {', '.join(sorted(listed.forms))}",
    )


def numbers(query: Name, listed: Name) -> Feature | None:
    """Numbers in names tell entities apart: "Plant No. 1" is not "Plant No. 2"."""
    q, c = query.numbers, listed.numbers
    if not q and not c:
        return None
    if q == c:
        return Feature("numbers", 1.0, f"numbers {', '.join(sorted(q))} on both")
    if q and c:
        return Feature(
            "numbers", 0.0, f"numbers differ: {', '.join(sorted(q))} against {', '.join(sorted(c))}"
        )
    one = q or c
    return Feature("numbers", 0.5, f"number {', '.join(sorted(one))} on one side only")


def identifiers(query_ids: Sequence[str], listed_ids: dict[str, tuple[str, str]]) -> Feature | None:
    """An identical registration, tax or document number is near proof of identity."""
    for value in query_ids:
        key = identifier_key(value)
        if key in listed_ids:
            prop, listed = listed_ids[key]
            return Feature(
                "identifier", 1.0, f"identifier {value!r} equals the listed {prop} {listed!r}"
            )
    return None


def countries(query: Sequence[str], listed: Sequence[str]) -> Feature | None:
    if not query or not listed:
        return None
    shared = set(query) & set(listed)
    if shared:
        return Feature("country", 1.0, f"country {', '.join(sorted(shared))} on both")
    return Feature(
        "country",
        0.0,
        f"countries differ: {', '.join(sorted(set(query)))} "
        f"against {', '.join(sorted(set(listed)))}",
    )


def birth_dates(query: Sequence[str], listed: Sequence[str]) -> Feature | None:
    """Birth dates compare by what both give: a year against a full date is fine."""
    if not query or not listed:
        return None
    for q in query:
        for c in listed:
            size = min(len(q), len(c))
            if q[:size] == c[:size]:
                return Feature("birth_date", 1.0, f"birth date {q} fits the listed {c}")
    return Feature(
        "birth_date", 0.0, f"birth dates differ: {', '.join(query)} against {', '.join(listed)}"
    )


def address(query: str | None, listed: Sequence[str]) -> Feature | None:
    if not query or not listed:
        return None
    q = analyse(query, "Address")
    best = 0.0
    best_listed = ""
    for value in listed:
        alignment = align(q.parts, analyse(value, "Address").parts)
        if alignment.score > best:
            best, best_listed = alignment.score, value
    if best < 0.6:
        return None
    return Feature("address", best, f"address close to the listed {best_listed!r} ({best:.2f})")
