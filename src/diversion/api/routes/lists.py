"""`/lists`: every list's snapshots, and what changed between two of them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query

from diversion.api.deps import StoreDep, Viewer
from diversion.lists.snapshots import ListStore, Snapshot

router = APIRouter()


def _snapshot(snapshot: Snapshot | None) -> dict[str, Any] | None:
    if snapshot is None:
        return None
    return {
        "id": snapshot.id,
        "format": snapshot.format,
        "source": snapshot.source,
        "sha256": snapshot.sha256,
        "imported_at": snapshot.imported_at.isoformat(),
        "published_at": snapshot.published_at,
        "counts": snapshot.counts,
    }


@router.get("/lists", tags=["lists"])
def lists_index(user: Viewer, store: StoreDep) -> list[dict[str, Any]]:
    """Every list with its active snapshot and all its snapshots."""
    listed = ListStore(store)
    return [
        {
            "list": name,
            "active": _snapshot(active),
            "snapshots": [_snapshot(s) for s in listed.snapshots(name)],
            "count": count,
        }
        for name, active, count in listed.lists()
    ]


@router.get("/lists/{name}/diff", tags=["lists"])
def lists_diff(
    name: str,
    user: Viewer,
    store: StoreDep,
    old: Annotated[str | None, Query(max_length=140)] = None,
    new: Annotated[str | None, Query(max_length=140)] = None,
) -> dict[str, Any]:
    """What changed between two snapshots (by default the active one and the one before)."""
    try:
        return ListStore(store).diff(name, old, new).to_dict()
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from None
