"""A list entity by id, and the entities that point at it, from the store's active snapshots
or, before any list is imported, from the lists screening uses (the demo list): what the API's
/entities routes and the web entity page both show."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from followthemoney.proxy import EntityProxy

from diversion.lists.model import SanctionsList
from diversion.lists.snapshots import ListStore


@dataclass(frozen=True)
class Found:
    entity: EntityProxy
    dataset: str  # the list's name
    related: list[EntityProxy]  # entities with a property that points at this one


def points_at(entity: EntityProxy, entity_id: str) -> bool:
    return any(p.type.name == "entity" and v == entity_id for p, v in entity.itervalues())


def find_entity(lists: ListStore, in_use: Sequence[SanctionsList], entity_id: str) -> Found | None:
    stored = lists.find(entity_id)
    if stored:
        snapshot, entity = stored[0]
        return Found(entity, snapshot.list_name, lists.related(snapshot.id, entity_id))
    for listing in in_use:
        listed = listing.entities.get(entity_id)
        if listed is not None:
            related = [e for e in listing.entities.values() if points_at(e, entity_id)]
            return Found(listed, listing.reference.id, related)
    return None
