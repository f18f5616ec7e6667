"""A list or registry entity: its properties under FollowTheMoney's labels, what it is linked
to, and an interactive graph of its owners, holdings, officers and relatives (vis-network,
served from the installed pyvis package; nothing from a CDN), over a static SVG picture."""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from diversion.lists.lookup import find_entity
from diversion.lists.snapshots import ListStore
from diversion.network.graph import Network
from diversion.web.deps import ScreeningDep, StoreDep, language, render, session_user
from diversion.web.entity_view import ftm_language, linked_rows, property_rows

router = APIRouter()

# vis-network, as pyvis ships it (pyvis/lib/vis-<version>/vis-network.min.js)
GRAPH_PACKAGE = "pyvis"
GRAPH_SCRIPT = "vis-network.min.js"


@cache
def graph_script() -> Path | None:
    """The newest vis-network the installed pyvis carries, found without importing pyvis."""
    spec = importlib.util.find_spec(GRAPH_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    folders = [Path(p) / "lib" for p in spec.submodule_search_locations]
    found = sorted(
        (path for folder in folders for path in folder.glob(f"vis-*/{GRAPH_SCRIPT}")),
        key=lambda path: tuple(int(n) for n in path.parent.name[4:].split(".") if n.isdigit()),
    )
    return found[-1] if found else None


def _registry_ids(network: Network, entity_id: str) -> list[str]:
    """The registry entities this page is about: the entity itself, or those linked to it."""
    linked = [
        rid
        for rid, links in network.links.items()
        if any(link.list_entity_id == entity_id for link in links)
    ]
    return [entity_id, *linked] if entity_id in network.entities else linked


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
    centre = ""
    around: dict[str, Any] | None = None
    if network is not None:
        registry = _registry_ids(network, entity_id)
        if registry:
            from diversion.network.export import subgraph, to_svg
            from diversion.network.neighbourhood import neighbourhood

            centre = registry[0]
            nodes, edges = subgraph(network, centre, 2)
            svg = to_svg(network, centre, nodes, edges)
            around = neighbourhood(network, centre, None)
    if listed is None and not svg:
        raise HTTPException(404, f"no entity {entity_id!r}")
    lang = language(request)
    schema_label = ""
    if listed is not None:
        with ftm_language(lang):
            schema_label = listed.schema.label
    linked = linked_rows(listed, related, lang) if listed is not None else []
    names = {
        other: str(party.caption)
        for row in linked
        for other in row["parties"]
        for listing in context.sanctions_lists
        if (party := listing.entities.get(other)) is not None
    }
    return render(
        request,
        "entity.html.j2",
        entity=listed,
        schema_label=schema_label,
        dataset=dataset,
        properties=property_rows(listed, lang) if listed is not None else [],
        linked=linked,
        names=names,
        svg=svg,
        centre=centre,
        entity_id=entity_id,
        around=around,
        graph_ready=graph_script() is not None,
    )


@router.get("/app/network/{registry_id}", include_in_schema=False)
def network_json(
    request: Request, registry_id: str, screening: ScreeningDep, depth: int = 1
) -> JSONResponse:
    """One registry entity's neighbourhood as nodes and edges: the explorer loads the first
    picture from here and asks again for a node the reader expands."""
    session_user(request)
    network = screening.context().network
    if network is None or registry_id not in network.entities:
        raise HTTPException(404, f"no registry entity {registry_id!r}")
    from diversion.network.explore import graph_data

    return JSONResponse(graph_data(network, registry_id, max(1, min(depth, 3))))


@router.get("/app/static/vis-network.js", include_in_schema=False)
def vis_network_js() -> Response:
    """vis-network from the installed pyvis package: the pages load nothing from a CDN."""
    path = graph_script()
    if path is None:
        raise HTTPException(404, "vis-network is not installed (pip install pyvis)")
    return Response(
        path.read_bytes(),
        media_type="application/javascript",
        headers={"Cache-Control": "max-age=86400"},
    )
