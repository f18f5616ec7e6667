"""An entity of the company registry with everything around it: its links to the lists, its
owners, holdings, officers, posts and relatives, and its status under each ownership rule with
the chains that make it so. The CLI's `network show` prints it; the web entity page shows it."""

from __future__ import annotations

from datetime import date
from typing import Any

from diversion.network.graph import Network
from diversion.network.ownership import RULES, describe_path


def neighbourhood(network: Network, entity_id: str, on: date | None) -> dict[str, Any]:
    """What `show` prints: the entity, its links, owners, holdings, officers and posts, and
    its status under each ownership rule with the paths."""
    born = network.incorporated(entity_id)
    statuses = {}
    for rule_id in RULES:
        result = network.ownership(rule_id, on)
        if result.blocked(entity_id):
            statuses[rule_id] = {
                **result.evidence(entity_id),
                "paths_text": [
                    describe_path(chain, network.names) for chain in result.paths(entity_id)
                ],
            }
    return {
        "id": entity_id,
        "name": network.caption(entity_id),
        "schema": network.entities[entity_id].schema.name,
        "incorporated": born.isoformat() if born else None,
        "links": [link.to_dict() for link in network.links.get(entity_id, ())],
        "owners": [
            {"owner": s.owner, "name": network.caption(s.owner), "share": str(s.share)}
            for s in network.stakes
            if s.asset == entity_id and s.in_force(on)
        ],
        "holdings": [
            {"asset": s.asset, "name": network.caption(s.asset), "share": str(s.share)}
            for s in network.stakes
            if s.owner == entity_id and s.in_force(on)
        ],
        "officers": [
            {"person": r.person, "name": network.caption(r.person), "role": r.role}
            for r in network.roles_in(entity_id, on)
        ],
        "posts": [
            {
                "organization": r.organization,
                "name": network.caption(r.organization),
                "role": r.role,
            }
            for r in network.roles_of(entity_id, on)
        ],
        "relatives": [
            *(
                {"person": relative, "name": network.caption(relative), "tie": f"their {tie}"}
                for person, relative, tie in network.family
                if person == entity_id
            ),
            *(
                {"person": person, "name": network.caption(person), "tie": f"this is their {tie}"}
                for person, relative, tie in network.family
                if relative == entity_id
            ),
        ],
        "ownership_status": statuses,
    }
