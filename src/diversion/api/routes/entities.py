"""`/entities/{id}` and its neighbours: list entities with all their properties."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from fastapi import APIRouter, HTTPException

from diversion.api import schemas
from diversion.api.deps import ScreeningDep, StoreDep, Viewer
from diversion.lists.lookup import Found, find_entity
from diversion.lists.snapshots import ListStore
from diversion.service.screening import ScreeningService
from diversion.store import Store

router = APIRouter()


def _entity(entity: Any, dataset: str) -> schemas.Entity:
    data = entity.to_dict()
    return schemas.Entity(
        id=str(entity.id),
        caption=entity.caption,
        schema=entity.schema.name,
        properties=data.get("properties", {}),
        datasets=[dataset],
    )


def _find(store: Store, screening: ScreeningService, entity_id: str) -> Found:
    found = find_entity(ListStore(store), screening.context().sanctions_lists, entity_id)
    if found is None:
        raise HTTPException(404, f"no entity {entity_id!r} in the active lists")
    return found


@router.get(
    "/entities/{entity_id}",
    response_model=schemas.Entity,
    tags=["entities"],
    response_model_by_alias=True,
)
def entity(
    entity_id: str, user: Viewer, store: StoreDep, screening: ScreeningDep
) -> schemas.Entity:
    """A list entity with all its properties."""
    found = _find(store, screening, entity_id)
    return _entity(found.entity, found.dataset)


@router.get(
    "/entities/{entity_id}/adjacent",
    response_model=schemas.Adjacent,
    tags=["entities"],
    response_model_by_alias=True,
)
def adjacent(
    entity_id: str, user: Viewer, store: StoreDep, screening: ScreeningDep
) -> schemas.Adjacent:
    """The entity, and the entities linked to it, by the property that links them: its
    sanctions, addresses, owners, directors, and what it points at."""
    found = _find(store, screening, entity_id)
    linked: dict[str, list[schemas.Entity]] = defaultdict(list)
    for other in found.related:
        for prop, value in other.itervalues():
            if prop.type.name == "entity" and value == entity_id:
                linked[prop.reverse.name if prop.reverse else prop.name].append(
                    _entity(other, found.dataset)
                )
    return schemas.Adjacent(entity=_entity(found.entity, found.dataset), adjacent=dict(linked))
