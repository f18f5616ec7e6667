"""`/lists`: every list's snapshots, and what changed between two of them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, Response

from diversion.api.deps import StoreDep, Viewer
from diversion.api.paging import Limit, Offset, link_headers
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
def lists_index(
    user: Viewer,
    store: StoreDep,
    request: Request,
    response: Response,
    active_only: Annotated[bool, Query(description="Only lists with an active snapshot.")] = False,
    kind: Annotated[str | None, Query(pattern="^(sanctions|registry)$")] = None,
    name: Annotated[str | None, Query(max_length=100, description="The start of the name.")] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> list[dict[str, Any]]:
    """Every list with its active snapshot and all its snapshots, by name, a page at a time
    (the total in X-Total-Count, the next and previous pages in the Link header)."""
    listed = ListStore(store)
    page = listed.page(limit, offset, kind=kind, active_only=active_only, name=name)
    link_headers(request, response, page)
    return [
        {
            "list": list_name,
            "active": _snapshot(active),
            "snapshots": [_snapshot(s) for s in listed.snapshots(list_name)],
            "count": count,
        }
        for list_name, active, count in page.items
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
