"""Every list with its snapshots and what the last import changed."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from diversion.lists.snapshots import ListStore
from diversion.web.deps import StoreDep, render, session_user

router = APIRouter()


@router.get("/app/lists", response_class=HTMLResponse, include_in_schema=False)
def lists_page(request: Request, store: StoreDep) -> HTMLResponse:
    session_user(request)
    listed = ListStore(store)
    rows = []
    for name, active, _count in listed.lists():
        try:
            diff = listed.diff(name).to_dict()
        except LookupError:
            diff = None
        rows.append((name, active, listed.snapshots(name), diff))
    return render(request, "lists.html.j2", rows=rows)
