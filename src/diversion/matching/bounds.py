"""Upper bounds of name scores, for all of a query's candidates at once.

Most candidates the index finds share one word with the query and can never reach the
threshold ("Iman Hassan" for "Ahmad Iman Ali"). Scoring each in full costs tens of
microseconds in Python; this bound, worked out for all candidates together, a fraction of
that. How alike each query word could be to each candidate word is decided in a few native
calls (rapidfuzz's `cdist` for edit distances, numpy for the rest); a candidate whose bound
stays below the threshold is not scored, and one that could reach it is scored in full, so
results are exactly those of scoring every candidate.

The bound follows `features.align`: its score is credited weight over matched weight plus the
unmatched weight times at least `extra` (the conflict and extra weights are never less), so
with at most `C` of the names' weight `W` credited it is at most `C / (C + extra * (W - C))`.
`C` gives each word the credit of its most alike word on the other side. The caps of
`features.name_parts` (no distinctive word in common, a person's name with no word spelled
alike) apply where no pair of words could lift them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from rapidfuzz import process
from rapidfuzz.distance import OSA, Levenshtein

from diversion.matching import abjad
from diversion.matching.analysis import INITIAL, NAME, PATRONYMIC, Name, Part
from diversion.matching.features import VOWEL_SHIFT_LENGTH, joined_spellings, part_weight
from diversion.matching.settings import DEFAULTS, Settings
from diversion.matching.text import skeleton
from diversion.matching.vocabulary import vocabulary

MAX_EDITS = 2  # no two words more edits apart are alike (`features._edit_budget`)

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


_KIND_CODES = {NAME: 1, PATRONYMIC: 2}  # words that can make a name distinctive; 0 others
NUMBERS = ("weight", "length", "kind", "initial", "first")  # the columns of `WordTable.numbers`
NO_GROUPS: frozenset[int] = frozenset()


def word_numbers(part: Part) -> tuple[float, int, int, bool, int]:
    """A word's `NUMBERS`: weight, length, kind code, whether an initial, first letter."""
    text = part.text
    return (
        part_weight(part),
        len(text),
        _KIND_CODES.get(part.kind, 0),
        part.kind == INITIAL,
        ord(text[0]) if text else 0,
    )


def word_skeleton(text: str) -> str:
    """The consonant skeleton of a word long enough for a vowel shift, else ""."""
    return skeleton(text) if len(text) >= VOWEL_SHIFT_LENGTH else ""


def skeleton_codes(skeletons: Sequence[str]) -> npt.NDArray[np.int64]:
    """Skeletons as numbers to compare all at once: the process's string hash, 0 for none.
    Two skeletons that differ but hash alike only loosen the bound, never lose a match."""
    return np.array([hash(s) if s else 0 for s in skeletons], dtype=np.int64)


def joined(name: Name) -> list[str]:
    """The name's words run together (`features.joined_spellings`)."""
    return [spelled for spelled, _ in joined_spellings(name)]


@dataclass
class WordTable:
    """The words of some names laid out name after name, as the bound reads them: built from
    analysed names (a query), or gathered from the index's arrays (its candidates), so that
    candidates are bounded without being loaded."""

    texts: list[str]
    keys: list[str]
    numbers: FloatArray  # one row per word, columns `NUMBERS`
    skeletons: npt.NDArray[np.int64]  # `skeleton_codes`
    nicknames: list[frozenset[int]]  # the given-name groups of each word
    sizes: npt.NDArray[np.int64]  # words per name
    person: BoolArray  # per name
    han: BoolArray  # per name
    arabic: BoolArray  # per name: written in Arabic script
    joined: list[list[str]]  # per name

    @classmethod
    def of(cls, names: Sequence[Name]) -> WordTable:
        words = [p for name in names for p in name.words]
        nicknames = vocabulary().nicknames
        return cls(
            texts=[p.text for p in words],
            keys=[p.key for p in words],
            numbers=np.array([word_numbers(p) for p in words], dtype=np.float64).reshape(-1, 5),
            skeletons=skeleton_codes([word_skeleton(p.text) for p in words]),
            nicknames=[nicknames.get(p.text, NO_GROUPS) for p in words],
            sizes=np.array([len(name.words) for name in names], dtype=np.int64),
            person=np.array([name.is_person for name in names], dtype=bool),
            han=np.array([name.han for name in names], dtype=bool),
            arabic=np.array([abjad.in_arabic_script(n.original) for n in names], dtype=bool),
            joined=[joined(name) for name in names],
        )

    def __len__(self) -> int:
        return len(self.sizes)


class NameBounds:
    """The most `features.name_parts` could score each query alias against each listed name.

    Each word's occurrences are laid out name after name, so that a name's words are a run
    of rows (query) or columns (listed) and `reduceat` sums or maximises over them."""

    def __init__(
        self,
        query: WordTable | Sequence[Name],
        listed: WordTable | Sequence[Name],
        settings: Settings = DEFAULTS,
    ) -> None:
        q = query if isinstance(query, WordTable) else WordTable.of(query)
        c = listed if isinstance(listed, WordTable) else WordTable.of(listed)
        self.bounds = np.maximum(_aligned(q, c, settings), _run_together(q, c, settings))

    def best(self) -> list[float]:
        """The most any query alias could score against each listed name, aligned or
        written together."""
        best: list[float] = self.bounds.max(axis=0, initial=0.0).tolist()
        return best


def _aligned(query: WordTable, listed: WordTable, settings: Settings) -> FloatArray:
    out = np.zeros((len(query), len(listed)))
    q_at = np.flatnonzero(query.sizes)
    c_at = np.flatnonzero(listed.sizes)
    if not len(q_at) or not len(c_at):
        return out  # a name without words aligns with nothing (align scores it 0)
    q = _Words(query, q_at)
    c = _Words(listed, c_at)
    similarity = _similarity(q, c, settings)
    # a person's name pair credits from the higher floor; a firm query's may pair firms
    person_floor, firm_floor = settings.similarity_floor, settings.firm_floor
    floor = person_floor if q.person.all() else min(person_floor, firm_floor)
    credit = np.where(
        similarity >= 1.0,
        1.0,
        np.where(
            similarity >= settings.min_part_similarity, (similarity - floor) / (1.0 - floor), 0.0
        ),
    )
    # each word's best credit in each name of the other side, times its weight, summed
    best_in_listed = np.maximum.reduceat(credit, c.starts, axis=1)  # query word x listed name
    best_in_query = np.maximum.reduceat(credit, q.starts, axis=0)  # query alias x listed word
    credited = np.add.reduceat(q.weights[:, None] * best_in_listed, q.starts, axis=0)
    credited += np.add.reduceat(best_in_query * c.weights[None, :], c.starts, axis=1)
    total = q.totals[:, None] + c.totals[None, :]
    person = q.person[:, None] | c.person[None, :]
    # an unmatched word counts at least `extra` in `features.align`: an extra word of the
    # longer name that much, a conflict `conflict_weight` (each side), so no more than either
    conflict = settings.conflict_weight
    extra = np.where(
        person, min(settings.longer_side_extra, conflict), min(settings.firm_extra, conflict)
    )
    # one word against more (`features.align`), and Han people's names, count unmatched
    # words more; the bound takes no more than 1, and no more than a conflict counts (Hangul
    # names, which align also counts so, keep the usual weight here: a looser bound, never
    # too low)
    if (q.sizes == 1).any() or (c.sizes == 1).any():
        one_word = (np.minimum(q.sizes[:, None], c.sizes[None, :]) == 1) & (
            np.maximum(q.sizes[:, None], c.sizes[None, :]) > 1
        )
        extra = np.where(one_word, min(1.0, conflict), extra)
    if q.han.any() or c.han.any():
        extra = np.where(person & (q.han[:, None] | c.han[None, :]), min(1.0, conflict), extra)
    denominator = credited * (1.0 - extra) + extra * total
    bound = np.divide(credited, denominator, out=np.zeros_like(credited), where=denominator > 0)
    # the caps of `features.name_parts`, where no pair of name words could lift them
    same_kind = (q.kinds[:, None] == c.kinds[None, :]) & (q.kinds > 0)[:, None]
    distinctive = _any_in(same_kind & (similarity >= settings.distinctive_similarity), q, c)
    no_distinctive = np.minimum(bound, settings.no_distinctive_cap)
    bound = np.where(~distinctive & (bound < 1.0), no_distinctive, bound)
    anchored = _any_in(same_kind & (similarity >= settings.person_anchor_similarity), q, c)
    bound = np.where(person & ~anchored, np.minimum(bound, settings.person_near_miss_cap), bound)
    out[np.ix_(q_at, c_at)] = bound
    return out


class _Words:
    """A table's names that have words (`at`), with the arrays the bound works on."""

    def __init__(self, table: WordTable, at: npt.NDArray[np.intp]) -> None:
        self.table = table
        self.weights, self.lengths, self.kinds, initials, self.firsts = table.numbers.T
        self.initials = initials > 0
        self.sizes = table.sizes[at]
        self.starts = np.concatenate(([0], np.cumsum(self.sizes[:-1]))).astype(np.intp)
        self.totals = np.add.reduceat(self.weights, self.starts)
        self.person = table.person[at]
        self.han = table.han[at]
        self.arabic = np.repeat(table.arabic[at], self.sizes)  # per word


def _any_in(pairs: BoolArray, q: _Words, c: _Words) -> BoolArray:
    by_word = np.logical_or.reduceat(pairs, c.starts, axis=1)
    return np.asarray(np.logical_or.reduceat(by_word, q.starts, axis=0))


def _similarity(q: _Words, c: _Words, settings: Settings) -> FloatArray:
    """The most `features.part_similarity` could give each pair of words: edit distances
    of spellings and keys by one native call each, the rarer relations by look-ups."""
    text_edits = _edits(q.table.texts, c.table.texts)
    key_edits = _edits(q.table.keys, c.table.keys)
    edits = np.minimum(text_edits, key_edits)
    longest = np.maximum(np.maximum(q.lengths[:, None], c.lengths[None, :]), 1)
    by_edits = np.where(edits <= MAX_EDITS, 1.0 - edits / longest, 0.0)
    shortest = np.minimum(q.lengths[:, None], c.lengths[None, :])
    short_typo = (text_edits <= 1) & (shortest >= settings.short_typo_length)
    by_edits = np.maximum(by_edits, np.where(short_typo, settings.short_typo_similarity, 0.0))
    _nicknames_and_skeletons(q, c, by_edits, settings)
    _abjad(q, c, by_edits, settings)
    key_alike = np.where(key_edits == 0, settings.key_similarity, by_edits)
    similarity = np.where(text_edits == 0, 1.0, key_alike)
    if q.initials.any() or c.initials.any():
        same_letter = q.firsts[:, None] == c.firsts[None, :]
        initials = np.where(same_letter, settings.initial_similarity, 0.0)
        either = q.initials[:, None] | c.initials[None, :]
        similarity = np.where(either, initials, similarity)
    return np.asarray(similarity)


def _nicknames_and_skeletons(q: _Words, c: _Words, out: FloatArray, settings: Settings) -> None:
    """Raise `out` for forms of one given name, and long words with the same consonant
    skeleton."""
    q_skeletons, c_skeletons = q.table.skeletons, c.table.skeletons
    same_skeleton = (q_skeletons[:, None] == c_skeletons[None, :]) & (q_skeletons != 0)[:, None]
    if same_skeleton.any():
        out[same_skeleton] = np.maximum(out[same_skeleton], settings.vowel_shift_similarity)
    wanted = frozenset().union(*q.table.nicknames)
    if not wanted:
        return
    groups: dict[int, list[int]] = {}
    for j, groups_c in enumerate(c.table.nicknames):
        if groups_c:
            for group in groups_c & wanted:
                groups.setdefault(group, []).append(j)
    for i, groups_q in enumerate(q.table.nicknames):
        for group in groups_q:
            alike = groups.get(group)
            if alike:
                out[i, alike] = np.maximum(out[i, alike], settings.nickname_similarity)


def _abjad(q: _Words, c: _Words, out: FloatArray, settings: Settings) -> None:
    """Raise `out` for a word in Arabic script and a word in another script that share a
    consonant reading (`abjad.arabic_consonants`, `abjad.latin_consonants`)."""
    mixed = q.arabic[:, None] != c.arabic[None, :]
    if not mixed.any():
        return
    numbers: dict[str, int] = {}
    owners: list[int] = []  # a listed word for each of its consonant readings
    readings: list[int] = []
    for j, found in enumerate(_consonants(c)):
        for consonants in found:
            owners.append(j)
            readings.append(numbers.setdefault(consonants, len(numbers)))
    listed_owners, listed_readings = np.array(owners), np.array(readings)
    shared = np.zeros(out.shape, dtype=bool)
    for i, found in enumerate(_consonants(q)):
        wanted = [numbers[x] for x in found if x in numbers]
        if wanted:
            shared[i, listed_owners[np.isin(listed_readings, wanted)]] = True
    raised = shared & mixed
    # `features.abjad_spelling` gives a key's likeness or a vowel shift's: the higher bounds both
    most = max(settings.key_similarity, settings.vowel_shift_similarity)
    out[raised] = np.maximum(out[raised], most)


def _consonants(words: _Words) -> list[frozenset[str]]:
    return [
        abjad.arabic_consonants(key) if arabic else abjad.latin_consonants(key)
        for key, arabic in zip(words.table.keys, words.arabic.tolist(), strict=True)
    ]


def _edits(query: list[str], listed: list[str]) -> npt.NDArray[np.int32]:
    """Edit distances, anything beyond `MAX_EDITS` as `MAX_EDITS + 1`."""
    return np.asarray(
        process.cdist(
            query, listed, scorer=OSA.distance, score_cutoff=MAX_EDITS, dtype=np.int32, workers=1
        )
    )


def _run_together(query: WordTable, listed: WordTable, settings: Settings) -> FloatArray:
    """The most `features.run_together` could find for each pair of names: the similarity of
    their joined spellings where it reaches `Settings.joined_similarity` (a one-typo limit for names
    split alike only lowers it)."""
    spelled_q = [(at, s) for at, spellings in enumerate(query.joined) for s in spellings]
    spelled_c = [(at, s) for at, spellings in enumerate(listed.joined) for s in spellings]
    out = np.zeros((len(query), len(listed)))
    if not spelled_q or not spelled_c:
        return out
    similarity = process.cdist(
        [s for _, s in spelled_q],
        [s for _, s in spelled_c],
        scorer=Levenshtein.normalized_similarity,
        score_cutoff=settings.joined_similarity,
        dtype=np.float64,
        workers=1,
    )
    rows = np.array([at for at, _ in spelled_q])
    columns = np.array([at for at, _ in spelled_c])
    np.maximum.at(out, (rows[:, None], columns[None, :]), similarity)
    return out
