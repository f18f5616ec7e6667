"""`/licences`: what each licence allows, what is used and what is left."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, Response

from diversion.api import schemas
from diversion.api.deps import StoreDep, Viewer
from diversion.api.paging import Limit, Offset, link_headers
from diversion.licences import LicenceStore
from diversion.licences.store import LICENCE_SORTS, LicenceFilter

router = APIRouter()
SORT_PATTERN = "^-?(" + "|".join(LICENCE_SORTS) + ")$"


@router.get("/licences", tags=["licences"], response_model=schemas.LICENCES)
def licences(
    user: Viewer,
    store: StoreDep,
    request: Request,
    response: Response,
    status: Annotated[str | None, Query(pattern="^(active|suspended|revoked)$")] = None,
    holder: Annotated[
        str | None, Query(max_length=200, description="The holder's id, or part of its name.")
    ] = None,
    valid_on: Annotated[
        date | None,
        Query(description="A day within the validity window (with status=active: in force)."),
    ] = None,
    sort: Annotated[
        str,
        Query(
            pattern=SORT_PATTERN,
            description="number, valid_to, valid_from or updated; -: descending.",
        ),
    ] = "number",
    limit: Limit = 100,
    offset: Offset = 0,
) -> list[dict[str, Any]]:
    """Licences with what they allow, what is used and what is left, a page at a time (the
    total in X-Total-Count, the next and previous pages in the Link header)."""
    wanted = LicenceFilter(status, holder, valid_on, sort)
    page = LicenceStore(store).page(wanted, limit, offset)
    link_headers(request, response, page)
    return [state.to_dict() for state in page.items]


@router.get("/licences/{number}", tags=["licences"], response_model=schemas.LicenceOut)
def licence(number: str, user: Viewer, store: StoreDep) -> dict[str, Any]:
    found = LicenceStore(store).get(number)
    if found is None:
        raise HTTPException(404, f"no licence {number!r}")
    return found.to_dict()
