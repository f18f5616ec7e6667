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
from functools import lru_cache
from typing import NamedTuple, cast

import numpy as np
import numpy.typing as npt
from rapidfuzz import process
from rapidfuzz.distance import OSA, Levenshtein

from diversion.matching.analysis import INITIAL, NAME, PATRONYMIC, Name, Part
from diversion.matching.features import (
    DISTINCTIVE_SIMILARITY,
    FIRM_EXTRA,
    INITIAL_SIMILARITY,
    JOINED_SIMILARITY,
    KEY_SIMILARITY,
    LONGER_SIDE_EXTRA,
    MIN_PART_SIMILARITY,
    NICKNAME_SIMILARITY,
    NO_DISTINCTIVE_CAP,
    PERSON_ANCHOR_SIMILARITY,
    PERSON_NEAR_MISS_CAP,
    SHORT_TYPO_LENGTH,
    SHORT_TYPO_SIMILARITY,
    SIMILARITY_FLOOR,
    VOWEL_SHIFT_LENGTH,
    VOWEL_SHIFT_SIMILARITY,
    joined_spellings,
    part_weight,
)
from diversion.matching.text import skeleton
from diversion.matching.vocabulary import vocabulary

MAX_EDITS = 2  # no two words more edits apart are alike (`features._edit_budget`)

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


class WordFacts(NamedTuple):
    """What the bound reads of a word, besides its spelling and key."""

    numbers: tuple[float, int, int, bool, int]  # weight, length, kind code, initial, first letter
    skeleton: str | None  # of a word long enough for a vowel shift
    nicknames: frozenset[int]  # the given-name groups the word belongs to


_KIND_CODES = {NAME: 1, PATRONYMIC: 2}  # words that can make a name distinctive; 0 others


@lru_cache(maxsize=200_000)
def word_facts(part: Part) -> WordFacts:
    text = part.text
    return WordFacts(
        (
            part_weight(part),
            len(text),
            _KIND_CODES.get(part.kind, 0),
            part.kind == INITIAL,
            ord(text[0]) if text else 0,
        ),
        skeleton(text) if len(text) >= VOWEL_SHIFT_LENGTH else None,
        vocabulary().nicknames.get(text, frozenset()),
    )


def joined(name: Name) -> list[str]:
    """The name's words run together (`features.joined_spellings`), kept with the name."""
    found = name.memo.get("joined")
    if found is None:
        found = name.memo["joined"] = [spelled for spelled, _ in joined_spellings(name)]
    return cast(list[str], found)


class NameBounds:
    """The most `features.name_parts` could score each query alias against each listed name.

    Each word's occurrences are laid out name after name, so that a name's words are a run
    of rows (query) or columns (listed) and `reduceat` sums or maximises over them."""

    def __init__(self, query: Sequence[Name], listed: Sequence[Name]) -> None:
        self.bounds = np.maximum(_aligned(query, listed), _run_together(query, listed))

    def best(self) -> list[float]:
        """The most any query alias could score against each listed name, aligned or
        written together."""
        best: list[float] = self.bounds.max(axis=0, initial=0.0).tolist()
        return best


def _aligned(query: Sequence[Name], listed: Sequence[Name]) -> FloatArray:
    out = np.zeros((len(query), len(listed)))
    q_at = [at for at, name in enumerate(query) if name.words]
    c_at = [at for at, name in enumerate(listed) if name.words]
    if not q_at or not c_at:
        return out  # a name without words aligns with nothing (align scores it 0)
    q = _Words([query[at] for at in q_at])
    c = _Words([listed[at] for at in c_at])
    similarity = _similarity(q, c)
    credit = np.where(
        similarity >= 1.0,
        1.0,
        np.where(
            similarity >= MIN_PART_SIMILARITY,
            (similarity - SIMILARITY_FLOOR) / (1.0 - SIMILARITY_FLOOR),
            0.0,
        ),
    )
    # each word's best credit in each name of the other side, times its weight, summed
    best_in_listed = np.maximum.reduceat(credit, c.starts, axis=1)  # query word x listed name
    best_in_query = np.maximum.reduceat(credit, q.starts, axis=0)  # query alias x listed word
    credited = np.add.reduceat(q.weights[:, None] * best_in_listed, q.starts, axis=0)
    credited += np.add.reduceat(best_in_query * c.weights[None, :], c.starts, axis=1)
    total = q.totals[:, None] + c.totals[None, :]
    person = q.person[:, None] | c.person[None, :]
    extra = np.where(person, LONGER_SIDE_EXTRA, FIRM_EXTRA)
    # one word against more (`features.align`), and Han people's names, count unmatched
    # words more; the bound takes no more than 1, the least a conflict counts
    one_word = (np.minimum(q.sizes[:, None], c.sizes[None, :]) == 1) & (
        np.maximum(q.sizes[:, None], c.sizes[None, :]) > 1
    )
    extra = np.where(one_word | (person & (q.han[:, None] | c.han[None, :])), 1.0, extra)
    denominator = credited * (1.0 - extra) + extra * total
    bound = np.divide(credited, denominator, out=np.zeros_like(credited), where=denominator > 0)
    # the caps of `features.name_parts`, where no pair of name words could lift them
    same_kind = (q.kinds[:, None] == c.kinds[None, :]) & (q.kinds > 0)[:, None]
    distinctive = _any_in(same_kind & (similarity >= DISTINCTIVE_SIMILARITY), q, c)
    bound = np.where(~distinctive & (bound < 1.0), np.minimum(bound, NO_DISTINCTIVE_CAP), bound)
    anchored = _any_in(same_kind & (similarity >= PERSON_ANCHOR_SIMILARITY), q, c)
    bound = np.where(person & ~anchored, np.minimum(bound, PERSON_NEAR_MISS_CAP), bound)
    out[np.ix_(q_at, c_at)] = bound
    return out


class _Words:
    """The words of some names laid out one after another, as arrays."""

    def __init__(self, names: Sequence[Name]) -> None:
        words = [p for name in names for p in name.words]
        self.texts = [p.text for p in words]
        self.keys = [p.key for p in words]
        self.facts = [word_facts(p) for p in words]
        numbers = np.array([f.numbers for f in self.facts], dtype=np.float64)
        self.weights = numbers[:, 0]
        self.lengths = numbers[:, 1]
        self.kinds = numbers[:, 2]
        self.initials = numbers[:, 3] > 0
        self.firsts = numbers[:, 4]
        self.sizes = np.array([len(name.words) for name in names])
        self.starts = np.concatenate(([0], np.cumsum(self.sizes[:-1]))).astype(np.intp)
        self.totals = np.add.reduceat(self.weights, self.starts)
        self.person = np.array([name.is_person for name in names])
        self.han = np.array([name.han for name in names])


def _any_in(pairs: BoolArray, q: _Words, c: _Words) -> BoolArray:
    by_word = np.logical_or.reduceat(pairs, c.starts, axis=1)
    return np.asarray(np.logical_or.reduceat(by_word, q.starts, axis=0))


def _similarity(q: _Words, c: _Words) -> FloatArray:
    """The most `features.part_similarity` could give each pair of words: edit distances
    of spellings and keys by one native call each, the rarer relations by look-ups."""
    text_edits = _edits(q.texts, c.texts)
    key_edits = _edits(q.keys, c.keys)
    edits = np.minimum(text_edits, key_edits)
    longest = np.maximum(np.maximum(q.lengths[:, None], c.lengths[None, :]), 1)
    by_edits = np.where(edits <= MAX_EDITS, 1.0 - edits / longest, 0.0)
    shortest = np.minimum(q.lengths[:, None], c.lengths[None, :])
    short_typo = (text_edits <= 1) & (shortest >= SHORT_TYPO_LENGTH)
    by_edits = np.maximum(by_edits, np.where(short_typo, SHORT_TYPO_SIMILARITY, 0.0))
    _nicknames_and_skeletons(q, c, by_edits)
    similarity = np.where(text_edits == 0, 1.0, np.where(key_edits == 0, KEY_SIMILARITY, by_edits))
    if q.initials.any() or c.initials.any():
        initials = np.where(q.firsts[:, None] == c.firsts[None, :], INITIAL_SIMILARITY, 0.0)
        either = q.initials[:, None] | c.initials[None, :]
        similarity = np.where(either, initials, similarity)
    return np.asarray(similarity)


def _nicknames_and_skeletons(q: _Words, c: _Words, out: FloatArray) -> None:
    """Raise `out` for forms of one given name, and long words with the same consonant
    skeleton."""
    wanted_skeletons = {f.skeleton for f in q.facts if f.skeleton is not None}
    wanted_groups = frozenset().union(*(f.nicknames for f in q.facts))
    if not wanted_skeletons and not wanted_groups:
        return
    skeletons: dict[str, list[int]] = {}
    groups: dict[int, list[int]] = {}
    for j, found in enumerate(c.facts):
        if found.skeleton in wanted_skeletons:
            skeletons.setdefault(found.skeleton, []).append(j)
        for group in found.nicknames & wanted_groups:
            groups.setdefault(group, []).append(j)
    for i, found in enumerate(q.facts):
        alike = skeletons.get(found.skeleton) if found.skeleton is not None else None
        if alike:
            out[i, alike] = np.maximum(out[i, alike], VOWEL_SHIFT_SIMILARITY)
        for group in found.nicknames:
            alike = groups.get(group)
            if alike:
                out[i, alike] = np.maximum(out[i, alike], NICKNAME_SIMILARITY)


def _edits(query: list[str], listed: list[str]) -> npt.NDArray[np.int32]:
    """Edit distances, anything beyond `MAX_EDITS` as `MAX_EDITS + 1`."""
    return np.asarray(
        process.cdist(
            query, listed, scorer=OSA.distance, score_cutoff=MAX_EDITS, dtype=np.int32, workers=1
        )
    )


def _run_together(query: Sequence[Name], listed: Sequence[Name]) -> FloatArray:
    """The most `features.run_together` could find for each pair of names: the similarity of
    their joined spellings where it reaches `JOINED_SIMILARITY` (a one-typo limit for names
    split alike only lowers it)."""
    spelled_q = [(at, s) for at, name in enumerate(query) for s in joined(name)]
    spelled_c = [(at, s) for at, name in enumerate(listed) for s in joined(name)]
    out = np.zeros((len(query), len(listed)))
    if not spelled_q or not spelled_c:
        return out
    similarity = process.cdist(
        [s for _, s in spelled_q],
        [s for _, s in spelled_c],
        scorer=Levenshtein.normalized_similarity,
        score_cutoff=JOINED_SIMILARITY,
        dtype=np.float64,
        workers=1,
    )
    rows = np.array([at for at, _ in spelled_q])
    columns = np.array([at for at, _ in spelled_c])
    np.maximum.at(out, (rows[:, None], columns[None, :]), similarity)
    return out
