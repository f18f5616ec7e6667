"""An entity's neighbourhood as a subgraph: FollowTheMoney entities for other tools, and a
self-contained SVG picture for a report (no browser, no network, no graph library)."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from html import escape
from typing import Any

from diversion.network.graph import Network


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    label: str  # "60 %" or a post
    kind: str  # ownership or directorship
    edge_id: str


def subgraph(
    network: Network, entity_id: str, depth: int = 2, on: date | None = None
) -> tuple[list[str], list[Edge]]:
    """The entities within `depth` ownership or directorship steps, and the edges between
    them, in force on `on` if given."""
    edges_of: dict[str, list[Edge]] = {}
    for stake in network.stakes:
        if stake.in_force(on):
            share = "?" if stake.share is None else f"{stake.share.normalize():f} %"
            edge = Edge(stake.owner, stake.asset, share, "ownership", stake.edge_id)
            edges_of.setdefault(stake.owner, []).append(edge)
            edges_of.setdefault(stake.asset, []).append(edge)
    for role in network.roles:
        if role.in_force(on):
            edge = Edge(role.person, role.organization, role.role, "directorship", role.edge_id)
            edges_of.setdefault(role.person, []).append(edge)
            edges_of.setdefault(role.organization, []).append(edge)
    seen = {entity_id: 0}
    frontier = [entity_id]
    for step in range(1, depth + 1):
        following = []
        for node in frontier:
            for edge in edges_of.get(node, ()):
                for other in (edge.source, edge.target):
                    if other not in seen:
                        seen[other] = step
                        following.append(other)
        frontier = following
    nodes = sorted(seen, key=lambda n: (seen[n], n))
    chosen = set(nodes)
    edges = sorted(
        {
            e
            for n in nodes
            for e in edges_of.get(n, ())
            if e.source in chosen and e.target in chosen
        },
        key=lambda e: (e.source, e.target, e.label),
    )
    return nodes, edges


def to_ftm(network: Network, nodes: list[str], edges: list[Edge]) -> Iterator[dict[str, Any]]:
    """The subgraph as FtM entity dicts: the parties, then their edges."""
    for node in nodes:
        entity = network.entities.get(node)
        if entity is not None:
            yield entity.to_dict()
    for edge in edges:
        entity = network.edges.get(edge.edge_id)
        if entity is not None:
            yield entity.to_dict()


def to_svg(network: Network, centre: str, nodes: list[str], edges: list[Edge]) -> str:
    """A radial picture: the entity in the middle, its neighbours on rings by distance;
    listed parties in red, ownership edges with their shares, directorships dashed, arrows
    from owner or officer to the firm. Edges between the same two parties share one line and
    one label ("100 % · founder"), so labels never print over each other; a legend below."""
    rings: dict[int, list[str]] = {}
    depth_of = {centre: 0}
    for node in nodes:
        if node == centre:
            continue
        hops = min(
            (depth_of[e.source] + 1 for e in edges if e.target == node and e.source in depth_of),
            default=None,
        )
        hops = hops or min(
            (depth_of[e.target] + 1 for e in edges if e.source == node and e.target in depth_of),
            default=1,
        )
        depth_of[node] = hops
        rings.setdefault(hops, []).append(node)
    size = 300 + 220 * max(rings, default=1)
    middle = size / 2
    where = {centre: (middle, middle)}
    for ring, members in rings.items():
        radius = 200 * ring
        for index, node in enumerate(members):
            angle = 2 * math.pi * index / len(members) - math.pi / 2 + ring * 0.3
            where[node] = (middle + radius * math.cos(angle), middle + radius * math.sin(angle))
    listed = network.listed()
    legend_height = 70
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size:.0f}" '
        f'height="{size + legend_height:.0f}" viewBox="0 0 {size:.0f} {size + legend_height:.0f}" '
        'font-family="sans-serif" font-size="12" role="img">',
        f"<title>{escape(network.caption(centre))}</title>",
        "<defs><marker id='arrow' viewBox='0 0 10 10' refX='10' refY='5' markerWidth='8' "
        "markerHeight='8' orient='auto-start-reverse'><path d='M 0 0 L 10 5 L 0 10 z' "
        "fill='#555'/></marker></defs>",
    ]
    pairs: dict[tuple[str, str], list[Edge]] = {}
    for edge in edges:
        pairs.setdefault((edge.source, edge.target), []).append(edge)
    for (source, target), between in pairs.items():
        (x1, y1), (x2, y2) = where[source], where[target]
        length = math.hypot(x2 - x1, y2 - y1) or 1.0
        ux, uy = (x2 - x1) / length, (y2 - y1) / length
        # start and end at the nodes' edges, not their centres, so the arrow head shows
        sx, sy, ex, ey = x1 + 18 * ux, y1 + 18 * uy, x2 - 20 * ux, y2 - 20 * uy
        kinds = {edge.kind for edge in between}
        dash = ' stroke-dasharray="6 4"' if kinds == {"directorship"} else ""
        parts.append(
            f'<line x1="{sx:.1f}" y1="{sy:.1f}" x2="{ex:.1f}" y2="{ey:.1f}" stroke="#555"'
            f'{dash} marker-end="url(#arrow)"/>'
        )
        ordered = sorted(between, key=lambda e: (e.kind != "ownership", e.label))
        label = " · ".join(dict.fromkeys(edge.label for edge in ordered))
        parts.append(
            f'<text x="{(x1 + x2) / 2:.1f}" y="{(y1 + y2) / 2 - 4:.1f}" fill="#333" '
            f'text-anchor="middle" paint-order="stroke" stroke="#fff" stroke-width="3">'
            f"{escape(label)}</text>"
        )
    for node in nodes:
        x, y = where[node]
        entity = network.entities.get(node)
        person = entity is not None and entity.schema.name == "Person"
        colour = "#d62728" if node in listed else ("#1f77b4" if node == centre else "#7f7f7f")
        shape = (
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="14" fill="{colour}"/>'
            if person
            else f'<rect x="{x - 14:.1f}" y="{y - 14:.1f}" width="28" height="28" fill="{colour}"/>'
        )
        parts.append(shape)
        label = network.caption(node) + (" (listed)" if node in listed else "")
        parts.append(
            f'<text x="{x:.1f}" y="{y + 30:.1f}" text-anchor="middle">{escape(label)}</text>'
        )
    parts.append(_legend(size, legend_height))
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _legend(size: float, height: float) -> str:
    top = size + 10
    keys = [
        ('<rect x="0" y="-10" width="14" height="14" fill="#1f77b4"/>', "this entity"),
        ('<rect x="0" y="-10" width="14" height="14" fill="#d62728"/>', "listed"),
        ('<rect x="0" y="-10" width="14" height="14" fill="#7f7f7f"/>', "company"),
        ('<circle cx="7" cy="-3" r="7" fill="#7f7f7f"/>', "person"),
        (
            '<line x1="0" y1="-3" x2="26" y2="-3" stroke="#555" marker-end="url(#arrow)"/>',
            "owns (share)",
        ),
        (
            '<line x1="0" y1="-3" x2="26" y2="-3" stroke="#555" stroke-dasharray="6 4" '
            'marker-end="url(#arrow)"/>',
            "officer of (post)",
        ),
    ]
    step = max(size / 3, 120)
    out = [f'<g class="legend" transform="translate(10 {top:.0f})">']
    for index, (mark, text) in enumerate(keys):
        x, y = (index % 3) * step, (index // 3) * (height / 2 - 5) + 12
        out.append(
            f'<g transform="translate({x:.0f} {y:.0f})">{mark}'
            f'<text x="34" y="1">{escape(text)}</text></g>'
        )
    out.append("</g>")
    return "".join(out)
