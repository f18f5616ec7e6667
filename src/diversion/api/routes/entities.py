"""`/entities/{id}` and its neighbours, as yente gives them: list entities with all their
properties, the entities around them nested, and those neighbours by property with paging."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query

from diversion.api import schemas
from diversion.api.deps import ScreeningDep, StoreDep, Viewer
from diversion.service import entities as service
from diversion.service.screening import ScreeningService
from diversion.store import Store

router = APIRouter()

Limit = Annotated[int, Query(ge=0, le=500)]
Offset = Annotated[int, Query(ge=0, le=10_000)]
Sort = Annotated[list[str], Query(description="Accepted, as yente's; the order is the list's.")]


def _located(
    store: Store, screening: ScreeningService, entity_id: str
) -> tuple[service.Located, dict[str, str | None]]:
    lists = screening.context().sanctions_lists
    found = service.locate(store, lists, entity_id)
    if found is None:
        raise HTTPException(404, f"no entity {entity_id!r} in the active lists")
    return found, service.snapshot_times(store, lists)


@router.get(
    "/entities/{entity_id}",
    response_model=schemas.Entity,
    tags=["entities"],
    response_model_by_alias=True,
)
def entity(
    entity_id: str,
    user: Viewer,
    store: StoreDep,
    screening: ScreeningDep,
    nested: bool = True,
) -> Any:
    """A list entity with all its properties; with `nested` (the default, as yente's) each
    entity property holds the entity it names, and the entities that point at it (its
    sanctions, ownerships, directorships, addresses) come under the reverse property."""
    found, times = _located(store, screening, entity_id)
    return service.nested_json(found, times) if nested else service.plain_json(found, times)


@router.get(
    "/entities/{entity_id}/adjacent",
    response_model=schemas.Adjacent,
    tags=["entities"],
    response_model_by_alias=True,
)
def adjacent(
    entity_id: str,
    user: Viewer,
    store: StoreDep,
    screening: ScreeningDep,
    limit: Limit = 10,
    offset: Offset = 0,
    sort: Sort = [],  # noqa: B006  (FastAPI copies query defaults)
) -> Any:
    """The entity, and one page (`limit`, `offset`) of the entities around it for each
    property that links them, with its total."""
    found, times = _located(store, screening, entity_id)
    pages = {
        prop: service.adjacent_page(found, others, times, limit, offset)
        for prop, others in service.neighbours(found).items()
    }
    return {"entity": service.plain_json(found, times), "adjacent": pages}


@router.get(
    "/entities/{entity_id}/adjacent/{prop}",
    response_model=schemas.Page,
    tags=["entities"],
    response_model_by_alias=True,
)
def adjacent_by_property(
    entity_id: str,
    prop: str,
    user: Viewer,
    store: StoreDep,
    screening: ScreeningDep,
    limit: Limit = 10,
    offset: Offset = 0,
    sort: Sort = [],  # noqa: B006
) -> Any:
    """One page of the entities linked to the entity by one property (`sanctions`,
    `ownershipOwner` ...); 400 for a property its schema lacks."""
    found, times = _located(store, screening, entity_id)
    schema_prop = found.entity.schema.get(prop)
    if schema_prop is None or schema_prop.type.name != "entity":
        raise HTTPException(400, f"{found.entity.schema.name} has no entity property {prop!r}")
    others = service.neighbours(found).get(prop, [])
    return service.adjacent_page(found, others, times, limit, offset)
