"""Every licence with what it allows, what is used and what is left."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from diversion.licences import LicenceStore
from diversion.web.deps import StoreDep, render, session_user

router = APIRouter()


@router.get("/app/licences", response_class=HTMLResponse, include_in_schema=False)
def licences_page(request: Request, store: StoreDep) -> HTMLResponse:
    session_user(request)
    states = [state.to_dict() for state in LicenceStore(store).licences()]
    return render(request, "licences.html.j2", licences=states)
