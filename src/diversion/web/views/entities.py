"""A list or registry entity, with its owners and directors drawn around it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse

from diversion.lists.lookup import find_entity
from diversion.lists.snapshots import ListStore
from diversion.web.deps import ScreeningDep, StoreDep, render, session_user

router = APIRouter()


@router.get("/app/entities/{entity_id}", response_class=HTMLResponse, include_in_schema=False)
def entity_page(
    request: Request, entity_id: str, store: StoreDep, screening: ScreeningDep
) -> HTMLResponse:
    session_user(request)
    context = screening.context()
    found = find_entity(ListStore(store), context.sanctions_lists, entity_id)
    listed = found.entity if found else None
    dataset = found.dataset if found else ""
    related = found.related if found else []
    network = context.network
    svg = ""
    around: dict[str, Any] | None = None
    if network is not None:
        from diversion.network.export import subgraph, to_svg

        registry = [
            rid
            for rid, links in network.links.items()
            if any(link.list_entity_id == entity_id for link in links)
        ]
        if entity_id in network.entities:
            registry = [entity_id, *registry]
        if registry:
            from diversion.network.neighbourhood import neighbourhood

            nodes, edges = subgraph(network, registry[0], 2)
            svg = to_svg(network, registry[0], nodes, edges)
            around = neighbourhood(network, registry[0], None)
    if listed is None and not svg:
        raise HTTPException(404, f"no entity {entity_id!r}")
    return render(
        request,
        "entity.html.j2",
        entity=listed,
        dataset=dataset,
        related=related,
        svg=svg,
        entity_id=entity_id,
        around=around,
    )
