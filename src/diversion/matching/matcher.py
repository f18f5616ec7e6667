"""Version-0 matcher: party names and identifiers against the parties of a list.

Each match carries its score and a plain explanation of why it matched. The matching engine
will replace this with blocking, aligned name parts and weighted features.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from followthemoney.types import registry
from rapidfuzz import fuzz, process

from diversion.lists import SanctionsList
from diversion.matching.names import identifier_key, name_key

MIN_IDENTIFIER_LENGTH = 5


@dataclass(frozen=True)
class Match:
    entity_id: str
    caption: str
    schema: str
    method: str  # "name", "identifier" or "identifier+name"
    query: str
    matched: str
    score: float
    explanation: str


def _name_score(a: str, b: str) -> float:
    """Word order and spacing do not matter; spelling differences cost in proportion."""
    sorted_score = fuzz.token_sort_ratio(a, b)
    compact_score = fuzz.ratio(a.replace(" ", ""), b.replace(" ", ""))
    return round(max(sorted_score, compact_score) / 100.0, 3)


class Matcher:
    def __init__(self, sanctions_list: SanctionsList) -> None:
        self.list = sanctions_list
        self._keys: list[str] = []
        self._names: list[tuple[str, str]] = []  # (entity id, name as listed)
        self._ids: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
        for entity in sanctions_list.parties():
            entity_id = str(entity.id)
            for name in sorted(set(entity.get_type_values(registry.name))):
                key = name_key(name)
                if key:
                    self._keys.append(key)
                    self._names.append((entity_id, name))
            for prop, value in entity.itervalues():
                if prop.type == registry.identifier:
                    key = identifier_key(value)
                    if len(key) >= MIN_IDENTIFIER_LENGTH:
                        self._ids[key].append((entity_id, prop.name, value))

    def _describe(self, entity_id: str) -> tuple[str, str]:
        entity = self.list.entities[entity_id]
        return str(entity.caption), str(entity.schema.name)

    def match(self, name: str, identifier: str | None = None, cutoff: float = 0.8) -> list[Match]:
        """The best match per listed entity at or above `cutoff`, strongest first.

        An identifier match scores 1.0; when the name matches too, both are explained.
        """
        by_name = self._match_name(name, cutoff)
        best: dict[str, Match] = dict(by_name)
        if identifier:
            for entity_id, prop, value in self._ids.get(identifier_key(identifier), []):
                caption, schema = self._describe(entity_id)
                method = "identifier"
                explanation = f"identifier {identifier!r} equals the listed {prop} {value!r}"
                if entity_id in by_name:
                    method = "identifier+name"
                    explanation += "; " + by_name[entity_id].explanation
                best[entity_id] = Match(
                    entity_id, caption, schema, method, identifier, value, 1.0, explanation
                )
        return sorted(best.values(), key=lambda m: (-m.score, m.entity_id))

    def _match_name(self, name: str, cutoff: float) -> dict[str, Match]:
        best: dict[str, Match] = {}
        query_key = name_key(name)
        if not query_key:
            return best
        hits = process.extract(
            query_key,
            self._keys,
            scorer=fuzz.token_sort_ratio,
            score_cutoff=max(cutoff * 100 - 15, 0),
            limit=None,
        )
        for _, _, index in hits:
            key = self._keys[index]
            score = _name_score(query_key, key)
            entity_id, listed = self._names[index]
            if score < cutoff or (entity_id in best and best[entity_id].score >= score):
                continue
            caption, schema = self._describe(entity_id)
            best[entity_id] = Match(
                entity_id,
                caption,
                schema,
                "name",
                name,
                listed,
                score,
                f"name {name!r} compared as {query_key!r} with listed {listed!r} as {key!r}: "
                f"similarity {score:.2f} (case, script, quotes and legal forms ignored)",
            )
        return best
