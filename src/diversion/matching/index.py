"""The name index: every listed name, analysed once, with blocking keys to find candidates.

A query is analysed like the listed names; each of its words looks up the listed words that
are equal, one or two edits away (deletion neighbourhoods, as in SymSpell), or sound alike
(the consonant skeleton of the romanisation key). Rare words weigh more than common ones
(inverse document frequency); the best-weighted names become candidates and only they are
scored with every feature. The arrays are numpy, saved in one `.npz` beside a JSON file, so
a saved index loads in seconds.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from diversion.matching.analysis import NAME, PATRONYMIC, Name, Part, analyse_all, loads
from diversion.matching.features import MIN_PART_SIMILARITY, identifier_key, part_similarity
from diversion.matching.text import skeleton

INDEX_VERSION = "3"  # raise whenever name analysis or blocking keys change
MIN_DELETE_LENGTH = 4  # shorter words are looked up exactly
COMMON_SHARE = 0.02  # a word in more than this share of names does not find candidates alone
MIN_IDENTIFIER_LENGTH = 5
KEEP_SHARE = 0.2  # candidates need this share of the best candidate's blocking weight

IntArray = npt.NDArray[np.int64]


def _hash(key: str) -> int:
    return int.from_bytes(
        hashlib.blake2b(key.encode(), digest_size=8).digest(), "little", signed=True
    )


def deletes(word: str) -> set[str]:
    """The word with any one letter left out."""
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def blocking_keys(word: str) -> set[str]:
    keys = {"w:" + word, "s:" + skeleton(word)}
    if len(word) >= MIN_DELETE_LENGTH:
        keys.update("d:" + d for d in deletes(word))
        keys.add("d:" + word)
    return keys


@dataclass
class Entry:
    """A listed entity as the index keeps it: enough to score and to explain."""

    entity_id: str
    schema: str
    caption: str
    source: str  # the list (snapshot) it came from
    countries: tuple[str, ...] = ()
    birth_dates: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()
    identifiers: tuple[tuple[str, str], ...] = ()  # (property, value)

    def to_json(self) -> list[Any]:
        return [
            self.entity_id,
            self.schema,
            self.caption,
            self.source,
            list(self.countries),
            list(self.birth_dates),
            list(self.addresses),
            [list(i) for i in self.identifiers],
        ]

    @classmethod
    def from_json(cls, data: list[Any]) -> Entry:
        return cls(
            data[0],
            data[1],
            data[2],
            data[3],
            tuple(data[4]),
            tuple(data[5]),
            tuple(data[6]),
            tuple((p, v) for p, v in data[7]),
        )


class NameIndex:
    def __init__(
        self,
        entries: list[Entry],
        names: list[str],
        analysed: list[str],
        name_entry: IntArray,
        words: list[str],
        offsets: IntArray,
        postings: IntArray,
        key_hashes: IntArray,
        key_words: IntArray,
    ) -> None:
        self.entries = entries
        self.names = names
        self.analysed = analysed
        self.name_entry = name_entry
        self.words = words
        self.word_ids = {w: i for i, w in enumerate(words)}
        self.offsets = offsets
        self.postings = postings
        self.key_hashes = key_hashes
        self.key_words = key_words
        self.identifiers: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
        for number, entry in enumerate(entries):
            for prop, value in entry.identifiers:
                key = identifier_key(value)
                if len(key) >= MIN_IDENTIFIER_LENGTH:
                    self.identifiers[key].append((number, prop, value))
        self._by_entry: dict[int, list[int]] | None = None
        # per name row: is it a person's, a firm's (or vessel's ...), or a LegalEntity's (either)
        kinds = np.array([_schema_kind(entry.schema) for entry in entries], dtype=np.int8)
        self.row_kinds = kinds[name_entry] if len(entries) else np.zeros(0, dtype=np.int8)

    # -- building ---------------------------------------------------------------------------

    @classmethod
    def build(
        cls,
        entries: Iterable[tuple[Entry, Sequence[str]]],
        progress: Callable[[int], None] | None = None,
    ) -> NameIndex:
        """Index entries with their names. `progress` is called with each entry's name count."""
        kept: list[Entry] = []
        names: list[str] = []
        analysed: list[str] = []
        name_entry: list[int] = []
        word_ids: dict[str, int] = {}
        word_names: list[list[int]] = []
        for entry, entry_names in entries:
            number = len(kept)
            kept.append(entry)
            seen: set[str] = set()
            for raw in entry_names:
                for name in analyse_all(raw, entry.schema):
                    alias = name.original
                    line = name.dumps()
                    if line in seen or not name.parts:
                        continue
                    seen.add(line)
                    row = len(names)
                    names.append(alias)
                    analysed.append(line)
                    name_entry.append(number)
                    for word in _index_words(name):
                        word_id = word_ids.get(word)
                        if word_id is None:
                            word_id = word_ids[word] = len(word_names)
                            word_names.append([])
                        rows = word_names[word_id]
                        if not rows or rows[-1] != row:
                            rows.append(row)
            if progress is not None:
                progress(len(entry_names))
        words = list(word_ids)
        sizes = np.fromiter((len(r) for r in word_names), dtype=np.int64, count=len(word_names))
        offsets = np.zeros(len(words) + 1, dtype=np.int64)
        np.cumsum(sizes, out=offsets[1:])
        postings = np.fromiter(
            (row for rows in word_names for row in rows), dtype=np.int64, count=int(offsets[-1])
        )
        hashes: list[int] = []
        owners: list[int] = []
        for word_id, word in enumerate(words):
            for key in blocking_keys(word):
                hashes.append(_hash(key))
                owners.append(word_id)
        key_hashes = np.array(hashes, dtype=np.int64)
        key_words = np.array(owners, dtype=np.int64)
        order = np.argsort(key_hashes, kind="stable")
        return cls(
            kept,
            names,
            analysed,
            np.array(name_entry, dtype=np.int64),
            words,
            offsets,
            postings,
            key_hashes[order],
            key_words[order],
        )

    # -- saving -----------------------------------------------------------------------------

    def save(self, folder: Path) -> None:
        """Write the index to `folder` (created); a half-written index is never left behind."""
        folder.mkdir(parents=True, exist_ok=True)
        tmp_arrays = folder / "arrays.npz.tmp"
        tmp_meta = folder / "index.json.tmp"
        with tmp_arrays.open("wb") as handle:
            np.savez(
                handle,
                name_entry=self.name_entry,
                offsets=self.offsets,
                postings=self.postings,
                key_hashes=self.key_hashes,
                key_words=self.key_words,
            )
        meta = {
            "version": INDEX_VERSION,
            "entries": [e.to_json() for e in self.entries],
            "names": self.names,
            "analysed": self.analysed,
            "words": self.words,
        }
        tmp_meta.write_text(json.dumps(meta, ensure_ascii=False), "utf-8")
        tmp_arrays.replace(folder / "arrays.npz")
        tmp_meta.replace(folder / "index.json")

    @classmethod
    def load(cls, folder: Path) -> NameIndex:
        meta = json.loads((folder / "index.json").read_text("utf-8"))
        if meta.get("version") != INDEX_VERSION:
            raise ValueError(f"{folder}: index version {meta.get('version')}, not {INDEX_VERSION}")
        with np.load(folder / "arrays.npz") as arrays:
            return cls(
                [Entry.from_json(e) for e in meta["entries"]],
                meta["names"],
                meta["analysed"],
                arrays["name_entry"],
                meta["words"],
                arrays["offsets"],
                arrays["postings"],
                arrays["key_hashes"],
                arrays["key_words"],
            )

    # -- searching --------------------------------------------------------------------------

    def name(self, row: int) -> Name:
        return loads(self.names[row], self.analysed[row])

    def names_of(self, entry: int) -> list[int]:
        if self._by_entry is None:
            by_entry: dict[int, list[int]] = defaultdict(list)
            for row, number in enumerate(self.name_entry.tolist()):
                by_entry[number].append(row)
            self._by_entry = dict(by_entry)
        return self._by_entry.get(entry, [])

    def _similar_words(self, word: str) -> list[tuple[int, float]]:
        hashes = np.array([_hash(k) for k in blocking_keys(word)], dtype=np.int64)
        left = np.searchsorted(self.key_hashes, hashes, side="left")
        right = np.searchsorted(self.key_hashes, hashes, side="right")
        found: set[int] = set()
        for lo, hi in zip(left.tolist(), right.tolist(), strict=True):
            if hi > lo:
                found.update(self.key_words[lo:hi].tolist())
        out: list[tuple[int, float]] = []
        probe = _probe(word)
        for word_id in found:
            similarity = part_similarity(probe, _probe(self.words[word_id]))
            if similarity >= MIN_PART_SIMILARITY:
                out.append((word_id, similarity))
        return out

    def candidates(
        self, names: Sequence[Name], limit: int = 30, schema: str = "LegalEntity"
    ) -> list[int]:
        """Name rows worth scoring for these query names, best blocking weight first. Rows
        of the other kind (firms for a person, people for a firm) take no place.

        A name's weight is the sum, over the query's words, of the best weight of the words
        alike in it (rarer and closer words weigh more). Common words find no names when the
        query has rarer ones, but they still weigh in the names found, and two of them
        together ("Ali", "Ahmad") find the names that have both."""
        total = max(len(self.names), 1)
        common = max(COMMON_SHARE * total, 50)
        rare: list[tuple[IntArray, npt.NDArray[np.float64]]] = []
        held_back: list[tuple[IntArray, npt.NDArray[np.float64]]] = []
        common_words: list[IntArray] = []  # names holding a common query word as written
        for word in {w for name in names for w in _index_words(name)}:
            found_rare: list[tuple[IntArray, float]] = []
            found_common: list[tuple[IntArray, float]] = []
            for word_id, similarity in self._similar_words(word):
                lo, hi = int(self.offsets[word_id]), int(self.offsets[word_id + 1])
                weight = similarity * math.log(1 + total / (hi - lo))
                rows = self.postings[lo:hi]
                if hi - lo > common:
                    found_common.append((rows, weight))
                    if similarity == 1.0:
                        common_words.append(rows)
                else:
                    found_rare.append((rows, weight))
            if found_rare:
                rare.append(_best_per_row(found_rare))
            if found_common:
                held_back.append(_best_per_row(found_common))
        finders = rare or held_back  # only common words: let them find names after all
        chunks = [rows for rows, _ in finders]
        weights = [row_weights for _, row_weights in finders]
        if rare:
            for first in range(len(common_words)):
                for second in range(first + 1, len(common_words)):
                    both = np.intersect1d(
                        common_words[first], common_words[second], assume_unique=True
                    )
                    if len(both) <= common:
                        chunks.append(both)
                        weights.append(np.zeros(len(both)))  # weighed with held_back below
        if not chunks:
            return []
        rows = np.concatenate(chunks)
        row_weights = np.concatenate(weights)
        other = _OTHER_KIND.get(_schema_kind(schema))
        if other is not None:
            keep = self.row_kinds[rows] != other
            rows, row_weights = rows[keep], row_weights[keep]
            if not len(rows):
                return []
        unique, inverse = np.unique(rows, return_inverse=True)
        sums = np.bincount(inverse, weights=row_weights)
        if rare:
            for held_rows, held_weights in held_back:
                at = np.minimum(np.searchsorted(held_rows, unique), len(held_rows) - 1)
                hit = held_rows[at] == unique
                sums[hit] += held_weights[at[hit]]
        if len(unique) > limit:
            top = np.argpartition(-sums, limit)[:limit]
        else:
            top = np.arange(len(unique))
        top = top[np.argsort(-sums[top], kind="stable")]
        # names far behind the best share too little of the query to be worth scoring
        top = top[sums[top] >= KEEP_SHARE * sums[top[0]]]
        result: list[int] = unique[top].tolist()
        return result

    def by_identifier(self, value: str) -> list[tuple[int, str, str]]:
        return self.identifiers.get(identifier_key(value), [])


def _best_per_row(
    found: list[tuple[IntArray, float]],
) -> tuple[IntArray, npt.NDArray[np.float64]]:
    """The names holding any of one query word's alike words (sorted), each with the best
    weight among them: "Hammad" and "Ahmad" in one name count once for "Ahmad"."""
    if len(found) == 1:
        rows, weight = found[0]
        return rows, np.full(len(rows), weight)
    rows = np.concatenate([r for r, _ in found])
    weights = np.concatenate([np.full(len(r), w) for r, w in found])
    order = np.argsort(-weights, kind="stable")
    unique, first = np.unique(rows[order], return_index=True)
    return unique, weights[order][first]


PERSON_KIND, OTHER_KIND, EITHER_KIND = 0, 1, 2
_OTHER_KIND = {PERSON_KIND: OTHER_KIND, OTHER_KIND: PERSON_KIND}


def _schema_kind(schema: str) -> int:
    """People, and everything else; a LegalEntity may be either (as in `scoring.compatible`)."""
    if schema == "Person":
        return PERSON_KIND
    return EITHER_KIND if schema == "LegalEntity" else OTHER_KIND


def _index_words(name: Name) -> set[str]:
    words = {p.key for p in name.words if p.key}
    joined = "".join(p.key for p in name.words if p.kind in (NAME, PATRONYMIC))
    if len(joined) >= 6:
        words.add(joined)
    return words


def _probe(word: str) -> Part:
    return Part(word, NAME, word)
