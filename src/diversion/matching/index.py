"""The name index: every listed name, analysed once, with blocking keys to find candidates.

A query is analysed like the listed names; each of its words looks up the listed words that
are equal, one or two edits away (deletion neighbourhoods, as in SymSpell), or sound alike
(the consonant skeleton of the romanisation key). Rare words weigh more than common ones
(inverse document frequency); the names with the most weight found, as a share of their own
weight too, become candidates (`matcher.search` scores those that `bounds` says could match).
The arrays are numpy, saved in one `.npz` beside a JSON file, so a saved index loads in
seconds.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt

from diversion.matching import abjad
from diversion.matching.analysis import NAME, PATRONYMIC, Name, Part, analyse_all, loads
from diversion.matching.bounds import (
    NO_GROUPS,
    WordTable,
    joined,
    skeleton_codes,
    word_numbers,
    word_skeleton,
)
from diversion.matching.features import abjad_spelling, part_similarity
from diversion.matching.keys import identifier_key
from diversion.matching.settings import DEFAULTS
from diversion.matching.text import romanisation_key, skeleton
from diversion.matching.vocabulary import vocabulary

INDEX_VERSION = "20"  # raise whenever name analysis, blocking keys or `bounds.word_numbers` change
MIN_DELETE_LENGTH = 4  # shorter words are looked up exactly
COMMON_SHARE = 0.02  # a word in more than this share of names does not find candidates alone
MIN_IDENTIFIER_LENGTH = 5
POOL_PER_CANDIDATE = 4  # names ranked again with the common words, per candidate wanted
PAIRED_COMMON_WORDS = 3  # a query's rarest common words whose pairs find names together
SHORT_TYPO_SHARE = 0.001  # a short word one typo away finds names only if this rare
KEEP_SHARE = 0.2  # candidates need this share of the best candidate's blocking weight
SPELLING_PROBE_LENGTH = 6  # shorter spellings are not probed (see `spelling_keys`)
SPELLING_PROBE_SIMILARITY = 0.7  # a word found only through the query word's spelling (below)
CACHED_WORDS = 50_000  # query words whose alike listed words are kept between queries
CACHED_NAMES = 200_000  # listed names kept analysed between queries

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def _hash(key: str) -> int:
    return int.from_bytes(
        hashlib.blake2b(key.encode(), digest_size=8).digest(), "little", signed=True
    )


def deletes(word: str) -> set[str]:
    """The word with any one letter left out."""
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def spelling_keys(spelling: str) -> set[str]:
    """Deletion keys of a query word's spelling, each folded to a key: the only ones that
    can differ from the key's are those across a fold. Long words only."""
    if len(spelling) < SPELLING_PROBE_LENGTH:
        return set()
    return {"d:" + romanisation_key(d) for d in deletes(spelling)}


def abjad_keys(consonants: frozenset[str]) -> set[str]:
    """The keys by which a word in Arabic script finds the Latin words with its consonants
    (`abjad`): a listed word has those of its Latin readings, a query word in Arabic script
    looks up those of its readings. Two consonants at least: one (علي, Ali) would find
    every short word with that letter."""
    return {"a:" + c for c in consonants if " " in c}


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
        row_weights: FloatArray,
        words_of_names: WordsOfNames,
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
        self.row_weights = row_weights  # per name, the blocking weight of all its words
        self.words_of_names = words_of_names
        self.word_weights = _word_weights(np.diff(offsets), len(names))
        self.identifiers: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
        for number, entry in enumerate(entries):
            for prop, value in entry.identifiers:
                key = identifier_key(value)
                if len(key) >= MIN_IDENTIFIER_LENGTH:
                    self.identifiers[key].append((number, prop, value))
        self._by_entry: dict[int, list[int]] | None = None
        # queries repeat words and candidates (common names, the same parties again)
        self._similar_words = lru_cache(maxsize=CACHED_WORDS)(self._find_similar_words)
        self.name = lru_cache(maxsize=CACHED_NAMES)(self._load_name)
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
        row_words: list[int] = []  # the word ids of each name's words, name after name
        row_sizes: list[int] = []
        words_of_names = _WordsOfNamesBuilder()
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
                    words_of_names.add(name)
                    name_entry.append(number)
                    keys = _word_keys(name)
                    joined = _joined_key(name)
                    # sorted: a build is the same whatever the process's string hashing
                    for word in sorted(keys | ({joined} if joined else set())):
                        word_id = word_ids.get(word)
                        if word_id is None:
                            word_id = word_ids[word] = len(word_names)
                            word_names.append([])
                        rows = word_names[word_id]
                        if not rows or rows[-1] != row:
                            rows.append(row)
                        if word in keys:
                            row_words.append(word_id)
                    row_sizes.append(len(keys))
            if progress is not None:
                progress(len(entry_names))
        words = list(word_ids)
        sizes = np.fromiter((len(r) for r in word_names), dtype=np.int64, count=len(word_names))
        offsets = np.zeros(len(words) + 1, dtype=np.int64)
        np.cumsum(sizes, out=offsets[1:])
        postings = np.fromiter(
            (row for rows in word_names for row in rows), dtype=np.int64, count=int(offsets[-1])
        )
        row_of = np.repeat(np.arange(len(names)), np.array(row_sizes, dtype=np.int64))
        row_weights: FloatArray = np.bincount(
            row_of,
            weights=_word_weights(sizes, len(names))[np.array(row_words, dtype=np.int64)],
            minlength=len(names),
        ).astype(np.float64)
        hashes: list[int] = []
        owners: list[int] = []
        name_words = set(row_words)  # words of names, not names run together
        for word_id, word in enumerate(words):
            keys = blocking_keys(word)
            if word_id in name_words:
                keys |= abjad_keys(abjad.latin_consonants(word))
            for key in keys:
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
            row_weights,
            words_of_names.build(),
        )

    # -- saving -----------------------------------------------------------------------------

    def save(self, folder: Path) -> None:
        """Write the index to `folder` (created); a half-written index is never left behind."""
        folder.mkdir(parents=True, exist_ok=True)
        tmp_arrays = folder / "arrays.npz.tmp"
        tmp_meta = folder / "index.json.tmp"
        with tmp_arrays.open("wb") as handle:
            arrays: dict[str, npt.NDArray[Any]] = {
                "name_entry": self.name_entry,
                "offsets": self.offsets,
                "postings": self.postings,
                "key_hashes": self.key_hashes,
                "key_words": self.key_words,
                "row_weights": self.row_weights,
                **self.words_of_names.arrays(),
            }
            np.savez(handle, **arrays)  # type: ignore[arg-type]
        meta = {
            "version": INDEX_VERSION,
            "entries": [e.to_json() for e in self.entries],
            "names": self.names,
            "analysed": self.analysed,
            "words": self.words,
            **self.words_of_names.lists(),
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
                arrays["row_weights"],
                WordsOfNames.load(arrays, meta),
            )

    # -- searching --------------------------------------------------------------------------

    def _load_name(self, row: int) -> Name:
        return loads(self.names[row], self.analysed[row])

    def names_of(self, entry: int) -> list[int]:
        if self._by_entry is None:
            by_entry: dict[int, list[int]] = defaultdict(list)
            for row, number in enumerate(self.name_entry.tolist()):
                by_entry[number].append(row)
            self._by_entry = dict(by_entry)
        return self._by_entry.get(entry, [])

    def _words_with(self, keys: Iterable[str]) -> list[int]:
        """The listed words that have any of these blocking keys (a word may come twice)."""
        hashes = np.array([_hash(k) for k in keys], dtype=np.int64)
        left = np.searchsorted(self.key_hashes, hashes, side="left")
        right = np.searchsorted(self.key_hashes, hashes, side="right")
        key_words = self.key_words
        found: list[int] = []
        for lo, hi in zip(left.tolist(), right.tolist(), strict=True):
            if hi > lo:
                found += key_words[lo:hi].tolist()
        return found

    def _find_similar_words(
        self, word: str, spelling: str = "", arabic: bool = False
    ) -> _AlikeWords:
        """Listed words alike enough to find names by, as runs of `postings` with the weight
        each finds them with. A short word one typo away ("Omer" for "Omar") only if it is
        rare: such a word never makes a match without one spelled alike, and in a large
        index the common ones cost more time than they find.

        Keys fold letters (kh -> x), so a typo across a fold hides from the key's deletions
        ("lakahl" against "lakhal", key "laxal"); the keys of the query word's own spelling
        with a letter left out find such words, at `SPELLING_PROBE_SIMILARITY`.

        A word in Arabic script (`arabic`) finds the Latin words with its consonants."""
        keys = blocking_keys(word)
        if arabic:
            keys |= abjad_keys(abjad.arabic_consonants(word))
        probes = spelling_keys(spelling) - keys
        found = self._words_with(keys)
        alike: dict[int, float] = {}
        if probes:
            for word_id in self._words_with(probes):
                alike[word_id] = SPELLING_PROBE_SIMILARITY
        probe = _probe(word)
        similarity_of = abjad_spelling if arabic else part_similarity
        offsets, words = self.offsets, self.words
        short_typo_limit = max(len(self.names) * SHORT_TYPO_SHARE, 50)
        for word_id in dict.fromkeys(found):
            other = words[word_id]
            similarity = similarity_of(probe, _probe(other))
            if similarity < DEFAULTS.min_part_similarity:
                alike.pop(word_id, None)
                continue
            if (
                similarity == DEFAULTS.short_typo_similarity
                and min(len(word), len(other)) <= 4
                and offsets[word_id + 1] - offsets[word_id] > short_typo_limit
            ):
                alike.pop(word_id, None)
                continue
            alike[word_id] = similarity
        return _AlikeWords.of(self, alike)

    def candidates(
        self, names: Sequence[Name], limit: int = 30, schema: str = "LegalEntity"
    ) -> list[int]:
        """Name rows worth scoring for these query names, best first. Rows
        of the other kind (firms for a person, people for a firm) take no place.

        A name's weight is the sum, over the query's words, of the best weight of the words
        alike in it (rarer and closer words weigh more). Common words find no names when the
        query has rarer ones, but they still weigh in the best names found, and two of them
        together ("Ali", "Ahmad") find the few names that have both."""
        total = len(self.names)
        rare: list[tuple[IntArray, float, int]] = []  # names, weight, query word number
        held_back: list[tuple[IntArray, float]] = []  # per query word, its best common word
        for number, (word, (spelling, arabic)) in enumerate(_query_words(names).items()):
            alike = self._similar_words(word, spelling, arabic)
            rare.extend((rows, weight, number) for rows, weight in alike.rare)
            if alike.common is not None:
                held_back.append(alike.common)
        if not rare:  # only common words: they find the names after all
            rare = [(rows, weight, number) for number, (rows, weight) in enumerate(held_back)]
            held_back = []
        if not rare:
            return []
        unique, sums = self._summed(rare, schema)
        if held_back and len(unique):
            # the best names by their rarer words, and the few with two common words of the
            # query; then the common words weigh in on them
            wanted = limit * POOL_PER_CANDIDATE
            pool = np.argpartition(-sums, wanted)[:wanted] if len(sums) > wanted else None
            rows = [unique if pool is None else np.sort(unique[pool])]
            by_length = sorted(held_back, key=lambda found: len(found[0]))
            paired = [found_rows for found_rows, _ in by_length[:PAIRED_COMMON_WORDS]]
            for first in range(len(paired)):
                for second in range(first + 1, len(paired)):
                    if len(paired[first]) * len(paired[second]) > wanted * 4 * total:
                        continue  # independent words this common share too many names
                    both = _both(paired[first], paired[second])
                    if len(both) <= wanted:
                        rows.append(both[self._of_kind(both, schema)])
            pooled = np.unique(np.concatenate(rows))
            pooled_sums = np.zeros(len(pooled))
            _add_weights(pooled, pooled_sums, unique, sums)
            for found_rows, weight in held_back:
                _, hit = _look_up(found_rows, pooled)
                pooled_sums[hit] += weight
            unique, sums = pooled, pooled_sums
        if not len(unique):
            return []
        # the weight found, times the share of the name's own weight it covers: a short
        # alias wholly inside a long query ("Abd al-Rahman") before long names with one word
        rank = sums * np.minimum(1.0, sums / np.maximum(self.row_weights[unique], 1e-9))
        if len(unique) > limit:
            top = np.argpartition(-rank, limit)[:limit]
        else:
            top = np.arange(len(unique))
        top = top[np.argsort(-rank[top], kind="stable")]
        # names far behind the best share too little of the query to be worth scoring
        top = top[sums[top] >= KEEP_SHARE * sums.max()]
        result: list[int] = unique[top].tolist()
        return result

    def _of_kind(self, rows: IntArray, schema: str) -> npt.NDArray[np.bool_]:
        """Which rows may match a query of this schema."""
        other = _OTHER_KIND.get(_schema_kind(schema))
        if other is None:
            return np.ones(len(rows), dtype=bool)
        return np.asarray(self.row_kinds[rows] != other)

    def _summed(
        self, found: list[tuple[IntArray, float, int]], schema: str
    ) -> tuple[IntArray, FloatArray]:
        """The rows found, sorted, each with the sum over query words of the best weight of
        that word's alike words in it ("Hammad" and "Ahmad" in one name count once for
        "Ahmad"). One sort: the (row, query word) keys, best weights first."""
        found = sorted(found, key=lambda item: -item[1])  # np.unique keeps first occurrences
        words = max(number for _, _, number in found) + 1
        rows = np.concatenate([r for r, _, _ in found])
        lengths = [len(r) for r, _, _ in found]
        keys = rows * words + np.repeat([n for _, _, n in found], lengths)
        weights = np.repeat([w for _, w, _ in found], lengths)
        keep = self._of_kind(rows, schema)
        keys, weights = keys[keep], weights[keep]
        if not len(keys):
            return keys, weights
        keys, first = np.unique(keys, return_index=True)
        by_row = keys // words
        starts = np.flatnonzero(np.r_[True, by_row[1:] != by_row[:-1]])
        sums: FloatArray = np.add.reduceat(weights[first], starts)
        unique: IntArray = by_row[starts]
        return unique, sums

    def word_table(self, rows: Sequence[int]) -> WordTable:
        """The words of these name rows as the bound reads them, without loading the names."""
        return self.words_of_names.table(rows, self.row_kinds)

    def by_identifier(self, value: str) -> list[tuple[int, str, str]]:
        return self.identifiers.get(identifier_key(value), [])


class _AlikeWords(NamedTuple):
    """What one query word finds: the postings of its alike rare words, each with its
    weight, and its best alike common word (which finds names only with others)."""

    rare: list[tuple[IntArray, float]]
    common: tuple[IntArray, float] | None

    @classmethod
    def of(cls, index: NameIndex, alike: dict[int, float]) -> _AlikeWords:
        common_size = max(COMMON_SHARE * len(index.names), 50)
        offsets, weights, postings = index.offsets, index.word_weights, index.postings
        rare: list[tuple[IntArray, float]] = []
        common: tuple[IntArray, float] | None = None
        for word_id in sorted(alike):  # in word order: of equal weights, the first is kept
            lo, hi = int(offsets[word_id]), int(offsets[word_id + 1])
            weight = alike[word_id] * float(weights[word_id])
            if hi - lo <= common_size:
                rare.append((postings[lo:hi], weight))
            elif common is None or weight > common[1]:
                common = (postings[lo:hi], weight)
        return cls(rare, common)


def _look_up(found: IntArray, rows: IntArray) -> tuple[IntArray, npt.NDArray[np.bool_]]:
    """Where each of `rows` is in `found` (both sorted), and whether it is there at all."""
    at = np.minimum(np.searchsorted(found, rows), len(found) - 1)
    return at, found[at] == rows


def _add_weights(rows: IntArray, sums: FloatArray, found: IntArray, weights: FloatArray) -> None:
    """Add to `sums` the weight of each of `rows` (sorted) that is in `found` (sorted)."""
    if not len(found):
        return
    at, hit = _look_up(found, rows)
    sums[hit] += weights[at[hit]]


def _both(shorter: IntArray, longer: IntArray) -> IntArray:
    """The rows in both sorted postings lists: the shorter one looked up in the longer."""
    _, hit = _look_up(longer, shorter)
    both: IntArray = shorter[hit]
    return both


PERSON_KIND, OTHER_KIND, EITHER_KIND = 0, 1, 2
_OTHER_KIND = {PERSON_KIND: OTHER_KIND, OTHER_KIND: PERSON_KIND}


def _schema_kind(schema: str) -> int:
    """People, and everything else; a LegalEntity may be either (as in `scoring.compatible`)."""
    if schema == "Person":
        return PERSON_KIND
    return EITHER_KIND if schema == "LegalEntity" else OTHER_KIND


def _word_keys(name: Name) -> set[str]:
    return {p.key for p in name.words if p.key}


def _joined_key(name: Name) -> str | None:
    joined = "".join(p.key for p in name.words if p.kind in (NAME, PATRONYMIC))
    return joined if len(joined) >= 6 else None


def _query_words(names: Sequence[Name]) -> dict[str, tuple[str, bool]]:
    """The words a query looks up: each key with the spelling of a name word it came from
    (see `NameIndex._find_similar_words`) and whether it is written in Arabic script, and
    the names run together."""
    words: dict[str, tuple[str, bool]] = {}
    for name in names:
        arabic = abjad.in_arabic_script(name.original)
        for part in name.words:
            if part.key and part.kind == NAME:
                words.setdefault(part.key, (part.text, arabic))
            elif part.key:
                words.setdefault(part.key, ("", arabic))
        joined = _joined_key(name)
        if joined:
            words.setdefault(joined, ("", False))
    return words


def _word_weights(sizes: IntArray, total: int) -> FloatArray:
    """How much finding a word counts: rarer words count more (inverse document frequency)."""
    weights: FloatArray = np.log1p(total / np.maximum(sizes, 1))
    return weights


def _probe(word: str) -> Part:
    return Part(word, NAME, word)


class WordsOfNames:
    """Every name's words as `bounds.WordTable` reads them, kept as arrays: each distinct word
    once (spelling, key, `bounds.NUMBERS`, skeleton), each name its run of word numbers, its
    spellings run together and whether it is written in Han or in Arabic script."""

    def __init__(
        self,
        texts: list[str],
        keys: list[str],
        numbers: FloatArray,
        skeletons: list[str],
        offsets: IntArray,
        words: IntArray,
        joined: list[str],
        han: npt.NDArray[np.bool_],
        arabic: npt.NDArray[np.bool_],
    ) -> None:
        self.texts = texts
        self.keys = keys
        self.numbers = numbers
        self.skeletons = skeletons
        self.skeleton_codes = skeleton_codes(skeletons)
        self.offsets = offsets  # name row -> its words in `words`
        self.words = words
        self.joined = joined  # per name row, its joined spellings separated by JOINED_SEPARATOR
        self.han = han
        self.arabic = arabic
        groups = vocabulary().nicknames
        self.nicknames = {i: groups[t] for i, t in enumerate(texts) if t in groups}

    def table(self, rows: Sequence[int], row_kinds: npt.NDArray[np.int8]) -> WordTable:
        at = np.asarray(rows, dtype=np.int64)
        starts, ends = self.offsets[at], self.offsets[at + 1]
        sizes = ends - starts
        # the positions of every name's words, name after name
        positions = np.arange(int(sizes.sum())) + np.repeat(
            starts - np.cumsum(sizes) + sizes, sizes
        )
        ids = self.words[positions]
        listed = ids.tolist()
        texts, keys = self.texts, self.keys
        return WordTable(
            texts=[texts[i] for i in listed],
            keys=[keys[i] for i in listed],
            numbers=self.numbers[ids],
            skeletons=self.skeleton_codes[ids],
            nicknames=[self.nicknames.get(i, NO_GROUPS) for i in listed],
            sizes=sizes,
            person=row_kinds[at] == PERSON_KIND,
            han=self.han[at],
            arabic=self.arabic[at],
            joined=[self.joined[row].split(JOINED_SEPARATOR) for row in rows],
        )

    def arrays(self) -> dict[str, npt.NDArray[Any]]:
        return {
            "word_numbers": self.numbers,
            "name_word_offsets": self.offsets,
            "name_words": self.words,
            "name_han": self.han,
            "name_arabic": self.arabic,
        }

    def lists(self) -> dict[str, list[str]]:
        return {
            "word_texts": self.texts,
            "word_keys": self.keys,
            "word_skeletons": self.skeletons,
            "name_joined": self.joined,
        }

    @classmethod
    def load(cls, arrays: Any, meta: dict[str, Any]) -> WordsOfNames:
        return cls(
            meta["word_texts"],
            meta["word_keys"],
            arrays["word_numbers"],
            meta["word_skeletons"],
            arrays["name_word_offsets"],
            arrays["name_words"],
            meta["name_joined"],
            arrays["name_han"],
            arrays["name_arabic"],
        )


JOINED_SEPARATOR = "\x1f"  # between a name's joined spellings (never inside a name)


class _WordsOfNamesBuilder:
    def __init__(self) -> None:
        self.ids: dict[Part, int] = {}
        self.texts: list[str] = []
        self.keys: list[str] = []
        self.numbers: list[tuple[float, int, int, bool, int]] = []
        self.skeletons: list[str] = []
        self.sizes: list[int] = []
        self.words: list[int] = []
        self.joined: list[str] = []
        self.han: list[bool] = []
        self.arabic: list[bool] = []

    def add(self, name: Name) -> None:
        for part in name.words:
            word_id = self.ids.get(part)
            if word_id is None:
                word_id = self.ids[part] = len(self.texts)
                self.texts.append(part.text)
                self.keys.append(part.key)
                self.numbers.append(word_numbers(part))
                self.skeletons.append(word_skeleton(part.text))
            self.words.append(word_id)
        self.sizes.append(len(name.words))
        self.joined.append(JOINED_SEPARATOR.join(joined(name)))
        self.han.append(name.han)
        self.arabic.append(abjad.in_arabic_script(name.original))

    def build(self) -> WordsOfNames:
        offsets = np.zeros(len(self.sizes) + 1, dtype=np.int64)
        np.cumsum(np.array(self.sizes, dtype=np.int64), out=offsets[1:])
        return WordsOfNames(
            self.texts,
            self.keys,
            np.array(self.numbers, dtype=np.float64).reshape(-1, 5),
            self.skeletons,
            offsets,
            np.array(self.words, dtype=np.int64),
            self.joined,
            np.array(self.han, dtype=bool),
            np.array(self.arabic, dtype=bool),
        )
