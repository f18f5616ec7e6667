"""A loaded list: its entities, the sanctions on each, and what version of what it is."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from followthemoney.proxy import EntityProxy

from diversion.lists.importers.base import ListFormatError
from diversion.reference import ReferenceData

# Schemata a declaration party can match; Address entities are matched by address later.
PARTY_SCHEMA = "LegalEntity"


@dataclass(frozen=True)
class SanctionsList:
    reference: ReferenceData
    entities: Mapping[str, EntityProxy]
    sanctions: Mapping[str, tuple[EntityProxy, ...]]

    def parties(self) -> Iterator[EntityProxy]:
        """The entities a declaration party can match: people, companies, organisations."""
        for entity in self.entities.values():
            if entity.schema.is_a(PARTY_SCHEMA):
                yield entity

    @classmethod
    def build(cls, reference: ReferenceData, entities: Iterable[EntityProxy]) -> SanctionsList:
        by_id = {str(entity.id): entity for entity in entities}
        return cls(reference=reference, entities=by_id, sanctions=sanctions_by_target(by_id))


def sanctions_by_target(entities: Mapping[str, EntityProxy]) -> dict[str, tuple[EntityProxy, ...]]:
    sanctions: dict[str, list[EntityProxy]] = defaultdict(list)
    for entity in entities.values():
        if entity.schema.name == "Sanction":
            for target in entity.get("entity"):
                sanctions[target].append(entity)
    return {k: tuple(v) for k, v in sanctions.items()}


def unresolved_references(entities: Mapping[str, EntityProxy]) -> list[tuple[str, str, str]]:
    """(entity, property, missing id) for every reference to an entity the list lacks.

    Partial exports (an OpenSanctions cluster, say) often point outside themselves; such
    references are kept and reported, not dropped.
    """
    return [
        (str(entity.id), prop.name, value)
        for entity in entities.values()
        for prop, value in entity.itervalues()
        if prop.type.name == "entity" and value not in entities
    ]


def check_references(source: str, entities: Mapping[str, EntityProxy]) -> None:
    """For lists we write ourselves: every reference must resolve."""
    for entity_id, prop, missing in unresolved_references(entities):
        raise ListFormatError(
            source, f"entity {entity_id}", f"{prop} names unknown entity {missing}"
        )
