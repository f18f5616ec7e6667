"""Upper bounds of name scores, for all of a query's candidates at once.

Most candidates the index finds share one word with the query and can never reach the
threshold ("Iman Hassan" for "Ahmad Iman Ali"). Scoring each in full costs tens of
microseconds in Python; this bound, worked out for all candidates together, a fraction of
that. Which words could be alike is decided for
every query word against every candidate word in one call of rapidfuzz's native `cdist`; a
candidate whose bound stays below the threshold is not scored, and one that could reach it
is scored in full, so results are exactly those of scoring every candidate.

The bound follows `features.align`: its score is matched weight over matched weight plus the
unmatched weight times at least `extra` (the conflict and extra weights are never less), so
with at most `M` of the names' weight `W` matched it is at most `M / (M + extra * (W - M))`.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import OSA, Levenshtein

from diversion.matching.analysis import INITIAL, Name, Part
from diversion.matching.features import (
    FIRM_EXTRA,
    JOINED_SIMILARITY,
    LONGER_SIDE_EXTRA,
    VOWEL_SHIFT_LENGTH,
    joined_spellings,
    part_weight,
)
from diversion.matching.text import skeleton
from diversion.matching.vocabulary import vocabulary

MAX_EDITS = 2  # no two words more edits apart are alike (`features._edit_budget`)


class NameBounds:
    """The most `features.align` could score each query alias against each listed name.

    Which words could be alike is a superset of `features.part_similarity` finding them
    alike: an initial and a word with its letter, spellings or keys at most two edits apart,
    forms of one given name, or (long words) the same consonant skeleton. Then per pair of
    names, the words with an alike word on the other side are the most that can match; two
    matrix products give that for every pair at once."""

    def __init__(self, query: Sequence[Name], listed: Sequence[Name]) -> None:
        self.query = query
        self.listed = listed
        rows: dict[Part, int] = {}
        columns: dict[Part, int] = {}
        for name in query:
            for part in name.words:
                rows.setdefault(part, len(rows))
        for name in listed:
            for part in name.words:
                columns.setdefault(part, len(columns))
        # weight of each word in each name (a word twice counts twice)
        in_query = np.zeros((len(query), len(rows)))
        in_listed = np.zeros((len(listed), len(columns)))
        for at, name in enumerate(query):
            for part in name.words:
                in_query[at, rows[part]] += part_weight(part)
        for at, name in enumerate(listed):
            for part in name.words:
                in_listed[at, columns[part]] += part_weight(part)
        alike = _alike(list(rows), list(columns)).astype(float)
        # query words with an alike word in each listed name, and listed words with an
        # alike word in each query alias; their weights are the most that can match
        found_q = (alike @ (in_listed > 0).T) > 0  # query word x listed name
        found_c = ((in_query > 0) @ alike) > 0  # query alias x listed word
        matched = in_query @ found_q + found_c @ in_listed.T
        total = in_query.sum(axis=1)[:, None] + in_listed.sum(axis=1)[None, :]
        person_q = np.array([name.is_person for name in query], dtype=bool)
        person_c = np.array([name.is_person for name in listed], dtype=bool)
        extra = np.where(person_q[:, None] | person_c[None, :], LONGER_SIDE_EXTRA, FIRM_EXTRA)
        denominator = matched + extra * (total - matched)
        aligned = np.divide(matched, denominator, out=np.zeros_like(matched), where=denominator > 0)
        self.bounds = np.maximum(aligned, _run_together(query, listed))

    def could_reach(self, listed: Sequence[int], least: float) -> bool:
        """Whether any query alias against any of these listed names (their positions)
        could score `least`, aligned or written together."""
        return bool((self.bounds[:, listed] >= least).any())


def _run_together(query: Sequence[Name], listed: Sequence[Name]) -> np.ndarray:
    """The most `features.run_together` could find for each pair of names: the similarity of
    their joined spellings where it reaches `JOINED_SIMILARITY` (a one-typo limit for names
    split alike only lowers it)."""
    spelled_q = [(at, s) for at, name in enumerate(query) for s, _ in joined_spellings(name)]
    spelled_c = [(at, s) for at, name in enumerate(listed) for s, _ in joined_spellings(name)]
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


def _alike(query: list[Part], listed: list[Part]) -> np.ndarray:
    """Which words could be alike, query words by listed words: spellings and keys by one
    native call each, the rarer relations by look-ups."""
    if not query or not listed:
        return np.zeros((len(query), len(listed)), dtype=bool)
    alike = _within_edits([p.text for p in query], [p.text for p in listed])
    alike |= _within_edits([p.key for p in query], [p.key for p in listed])
    nicknames = vocabulary().nicknames
    skeletons: dict[str, list[int]] = {}
    groups: dict[int, list[int]] = {}
    for j, c in enumerate(listed):
        if len(c.text) >= VOWEL_SHIFT_LENGTH:
            skeletons.setdefault(skeleton(c.text), []).append(j)
        for group in nicknames.get(c.text, ()):
            groups.setdefault(group, []).append(j)
    for i, q in enumerate(query):
        if len(q.text) >= VOWEL_SHIFT_LENGTH:
            alike[i, skeletons.get(skeleton(q.text), [])] = True
        for group in nicknames.get(q.text, ()):
            alike[i, groups.get(group, [])] = True
    initials_q = [i for i, q in enumerate(query) if q.kind == INITIAL]
    initials_c = [j for j, c in enumerate(listed) if c.kind == INITIAL]
    for i in initials_q:
        alike[i, [j for j, c in enumerate(listed) if c.text[:1] == query[i].text[:1]]] = True
    for j in initials_c:
        alike[[i for i, q in enumerate(query) if q.text[:1] == listed[j].text[:1]], j] = True
    return alike


def _within_edits(query: list[str], listed: list[str]) -> np.ndarray:
    distances = process.cdist(
        query, listed, scorer=OSA.distance, score_cutoff=MAX_EDITS, dtype=np.int32, workers=1
    )
    return np.asarray(distances <= MAX_EDITS)
