"""Matching a party against listed entities: the index finds candidates, the scorer ranks them.

Each match carries its score, the listed name (alias) that matched, and the explanation of
every feature that spoke.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from followthemoney.proxy import EntityProxy
from followthemoney.types import registry

from diversion.lists import SanctionsList
from diversion.matching.bounds import NameBounds
from diversion.matching.features import FeatureResult
from diversion.matching.index import INDEX_VERSION, Entry, NameIndex
from diversion.matching.keys import identifier_key
from diversion.matching.scoring import (
    DEFAULT_THRESHOLD,
    Listed,
    Query,
    compatible,
    most_added,
    score,
)
from diversion.matching.settings import DEFAULTS, Settings
from diversion.matching.vocabulary import references as name_tables

CACHED_QUERIES = 10_000  # queries whose matches a matcher keeps (parties recur in a batch)


@dataclass(frozen=True)
class Match:
    entity_id: str
    caption: str
    schema: str
    method: str  # "name", "identifier" or "identifier+name"
    query: str
    matched: str  # the listed name or identifier that matched
    score: float
    explanation: str
    source: str = ""
    features: tuple[tuple[FeatureResult, float], ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {
            "entity_id": self.entity_id,
            "caption": self.caption,
            "schema": self.schema,
            "source": self.source,
            "score": self.score,
            "method": self.method,
            "query": self.query,
            "matched": self.matched,
            "explanation": self.explanation,
            "features": [
                {"feature": f.name, "score": f.score, "weight": w, "explanation": f.explanation}
                for f, w in self.features
            ],
        }


def entry_of(entity: EntityProxy, source: str, addresses: Mapping[str, str]) -> Entry:
    """The facts of a listed entity the scorer uses."""
    identifiers = tuple(
        (prop.name, value)
        for prop, value in entity.itervalues()
        if prop.type == registry.identifier
    )
    places = list(entity.get("address", quiet=True))
    places.extend(addresses[a] for a in entity.get("addressEntity", quiet=True) if a in addresses)
    if entity.schema.name == "Address":
        places.extend(entity.get("full", quiet=True))
    return Entry(
        entity_id=str(entity.id),
        schema=entity.schema.name,
        caption=str(entity.caption),
        source=source,
        countries=tuple(sorted(set(entity.get_type_values(registry.country)))),
        birth_dates=tuple(sorted(entity.get("birthDate", quiet=True))),
        addresses=tuple(dict.fromkeys(places)),
        identifiers=identifiers,
    )


def list_entries(sanctions_list: SanctionsList) -> Iterator[tuple[Entry, list[str]]]:
    addresses = {
        str(e.id): str(e.first("full") or e.caption)
        for e in sanctions_list.entities.values()
        if e.schema.name == "Address"
    }
    source = sanctions_list.reference.version
    for entity in sanctions_list.parties():
        # weak aliases ("a.k.a. JOHN") are too weak to screen on; the strong names are kept
        names = sorted(
            {
                value
                for prop, value in entity.itervalues()
                if prop.type == registry.name and prop.name != "weakAlias"
            }
        )
        yield entry_of(entity, source, addresses), names


class Matcher:
    """Matches parties against one list (the index is built, or loaded from `cache`)."""

    def __init__(
        self,
        sanctions_list: SanctionsList,
        index: NameIndex | None = None,
        cache: Path | None = None,
    ) -> None:
        self.list = sanctions_list
        if index is None and cache is not None and (cache / "index.json").exists():
            try:
                index = NameIndex.load(cache)
            except (ValueError, OSError, KeyError):
                index = None  # an old or damaged cache is rebuilt, never trusted
        if index is None:
            index = NameIndex.build(list_entries(sanctions_list))
            if cache is not None:
                index.save(cache)
        self.index = index
        # per query: the cutoff and limit it was searched with, and its matches
        self._found: OrderedDict[Query, tuple[float, int, list[Match]]] = OrderedDict()
        self._found_lock = threading.Lock()  # the API matches in several threads

    def match(
        self,
        name: str,
        identifier: str | None = None,
        cutoff: float = DEFAULT_THRESHOLD,
        *,
        schema: str = "LegalEntity",
        countries: Iterable[str] = (),
        birth_dates: Iterable[str] = (),
        address: str | None = None,
        weights: Mapping[str, float] | None = None,
        limit: int = 10,
        settings: Settings = DEFAULTS,
    ) -> list[Match]:
        """The best match per listed entity at or above `cutoff`, strongest first.

        A party met again (the same consignee on many declarations, or one party checked
        by two rules) is answered from the matches kept for it: those at a lower cutoff and
        a higher limit hold every match of a stricter request, in the same order. A search
        goes down to the default threshold and ten matches whatever is asked, which costs
        little more than a stricter one (the same candidates are found and bounded). A
        request with its own weights or settings is always searched."""
        query = Query(
            name=name,
            schema=schema,
            countries=tuple(countries),
            birth_dates=tuple(birth_dates),
            identifiers=(identifier,) if identifier else (),
            address=address,
        )
        if weights or settings is not DEFAULTS:
            return search(self.index, query, cutoff, limit, weights, settings)
        with self._found_lock:
            kept = self._found.get(query)
            if kept is not None and kept[0] <= cutoff and kept[1] >= limit:
                self._found.move_to_end(query)
            else:
                kept = None
        if kept is None:
            # searched as loosely as the usual requests, so that one search answers them all
            loosest, most = min(cutoff, DEFAULT_THRESHOLD), max(limit, 10)
            kept = (loosest, most, search(self.index, query, loosest, most))
            with self._found_lock:
                self._found[query] = kept
                if len(self._found) > CACHED_QUERIES:
                    self._found.popitem(last=False)
        return [m for m in kept[2] if m.score >= cutoff][:limit]


def search(
    index: NameIndex,
    query: Query,
    cutoff: float = DEFAULT_THRESHOLD,
    limit: int = 10,
    weights: Mapping[str, float] | None = None,
    settings: Settings = DEFAULTS,
) -> list[Match]:
    names = query.names()
    rows_by_entry: dict[int, list[int]] = {}
    rows = index.candidates(names, settings.candidates, query.schema)
    for row, number in zip(rows, index.name_entry[rows].tolist(), strict=True):
        rows_by_entry.setdefault(number, []).append(row)
    by_identifier: set[int] = set()
    for identifier in query.identifiers:
        for number, _, _ in index.by_identifier(identifier):
            rows_by_entry.setdefault(number, index.names_of(number)[:1])
            by_identifier.add(number)
    # candidates are bounded from the index's arrays; only those that could match are loaded
    listed_rows = [row for rows in rows_by_entry.values() for row in rows]
    bounds = NameBounds(names, index.word_table(listed_rows), settings).best()
    least = cutoff - most_added(weights, query)  # the name score a match needs at least
    start = 0
    results: list[Match] = []
    for number, rows in rows_by_entry.items():
        first, start = start, start + len(rows)
        entry = index.entries[number]
        if not compatible(query.schema, entry.schema):
            continue
        if number not in by_identifier and max(bounds[first:start], default=0.0) < least:
            continue  # no name of this entity could reach the threshold
        candidate = Listed(
            entity_id=entry.entity_id,
            schema=entry.schema,
            names=[index.name(row) for row in rows],
            countries=entry.countries,
            birth_dates=entry.birth_dates,
            identifiers={identifier_key(v): (p, v) for p, v in entry.identifiers},
            addresses=entry.addresses,
        )
        scored = score(query, names, candidate, weights, settings)
        if scored.score < cutoff:
            continue
        found = scored.by_feature()
        method = "name"
        matched = scored.matched
        if "identifier" in found:
            name_feature = found.get("name_parts")
            strong_name = name_feature is not None and name_feature.score >= cutoff
            method = "identifier+name" if strong_name else "identifier"
            if not strong_name:
                matched = found["identifier"].explanation.rsplit(" ", 1)[-1].strip("'")
        results.append(
            Match(
                entity_id=entry.entity_id,
                caption=entry.caption,
                schema=entry.schema,
                method=method,
                query=query.name,
                matched=matched,
                score=scored.score,
                explanation=scored.explanation,
                source=entry.source,
                features=scored.features,
            )
        )
    results.sort(key=lambda m: (-m.score, m.entity_id))
    return results[:limit]


def cached_matcher(sanctions_list: SanctionsList, root: Path | None) -> Matcher:
    """A matcher whose index is saved under `root`, keyed by the snapshot and the name
    tables, so that a new snapshot or a changed table gets a new index."""
    if root is None:
        return Matcher(sanctions_list)
    digest = hashlib.sha256(
        "\n".join(
            [INDEX_VERSION, sanctions_list.reference.sha256]
            + [table.sha256 for table in name_tables()]
        ).encode()
    ).hexdigest()[:16]
    return Matcher(sanctions_list, cache=root / f"{sanctions_list.reference.version}-{digest}")
