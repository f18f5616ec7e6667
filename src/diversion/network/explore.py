"""An entity's neighbourhood as plain nodes and edges for an interactive graph: who owns it,
what it holds, who runs it, their relatives, and which of them are listed. The web's network
explorer draws it and asks for one node's neighbourhood again when the reader expands it."""

from __future__ import annotations

from datetime import date
from typing import Any

from diversion.network.export import subgraph
from diversion.network.graph import Network


def graph_data(
    network: Network, entity_id: str, depth: int = 1, on: date | None = None
) -> dict[str, Any]:
    """Nodes (with their schema, and the lists that name them) and directed edges: owner to
    holding with the share, officer to firm with the post, person to relative with the tie.
    Two edges between the same pair keep their own labels; the drawing offsets them."""
    if entity_id not in network.entities:
        raise KeyError(entity_id)
    node_ids, edges = subgraph(network, entity_id, depth, on)
    chosen = set(node_ids)
    # family ties among the chosen, and the entity's own relatives
    family = [
        (person, relative, tie)
        for person, relative, tie in network.family
        if entity_id in (person, relative) or (person in chosen and relative in chosen)
    ]
    for person, relative, _ in family:
        for other in (person, relative):
            if other not in chosen and other in network.entities:
                chosen.add(other)
                node_ids.append(other)
    nodes = []
    for node in node_ids:
        entity = network.entities.get(node)
        links = network.links.get(node, [])
        nodes.append(
            {
                "id": node,
                "label": network.caption(node),
                "schema": entity.schema.name if entity is not None else "",
                "person": entity is not None and entity.schema.name == "Person",
                "listed": bool(links),
                "lists": sorted({f"{link.list_name}: {link.list_caption}" for link in links}),
                "centre": node == entity_id,
            }
        )
    out_edges = [
        {
            "id": edge.edge_id,
            "from": edge.source,
            "to": edge.target,
            "kind": edge.kind,
            "label": edge.label,
        }
        for edge in edges
    ]
    out_edges += [
        {
            "id": f"family:{person}:{relative}:{tie}",
            "from": person,
            "to": relative,
            "kind": "family",
            "label": tie,
        }
        for person, relative, tie in family
        if person in chosen and relative in chosen
    ]
    return {"centre": entity_id, "depth": depth, "nodes": nodes, "edges": out_edges}
