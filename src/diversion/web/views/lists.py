"""Every list with its snapshots and what the last import changed; while no list is imported,
the bundled demo list that screening uses instead, so the red cases' source is on the page."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from diversion.lists.snapshots import ListStore
from diversion.web.deps import ScreeningDep, StoreDep, render, session_user

router = APIRouter()


@router.get("/app/lists", response_class=HTMLResponse, include_in_schema=False)
def lists_page(request: Request, store: StoreDep, screening: ScreeningDep) -> HTMLResponse:
    session_user(request)
    listed = ListStore(store)
    rows = []
    for name, active, _count in listed.lists():
        try:
            diff = listed.diff(name).to_dict()
        except LookupError:
            diff = None
        rows.append((name, active, listed.snapshots(name), diff))
    context, fallback = screening.context_and_fallback()
    bundled = (
        [(listing.reference, len(listing.entities)) for listing in context.sanctions_lists]
        if fallback
        else []
    )
    return render(request, "lists.html.j2", rows=rows, bundled=bundled)
