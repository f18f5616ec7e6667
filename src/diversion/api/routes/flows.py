"""`/flows/findings/{detector}`: one detector's findings on the home's trade flows."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, Response

from diversion.api.deps import HomeDep, Viewer
from diversion.api.paging import links
from diversion.flows.detectors import DETECTORS, Options
from diversion.service.flows import FlowsService

router = APIRouter()
MAX_OFFSET = 5000  # findings are ranked whole: deeper pages cost as much as reading them all


@router.get("/flows/findings/{detector}", tags=["flows"])
def flows_findings(
    detector: str,
    user: Viewer,
    home: HomeDep,
    request: Request,
    response: Response,
    hub: Annotated[list[str] | None, Query(max_length=20)] = None,
    hs: Annotated[str | None, Query(pattern=r"^[0-9.]{2,12}$")] = None,
    controlled_only: bool = False,
    currency: Annotated[str, Query(pattern="^(usd|eur)$")] = "usd",
    date: Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}$")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
) -> list[dict[str, Any]]:
    """One detector's findings on the flows loaded in the home (`diversion flows load`),
    strongest first, a page at a time: the next and previous pages in the Link header (the
    total is not counted: each finding read costs the detector work)."""
    if detector not in DETECTORS:
        raise HTTPException(404, f"no detector {detector!r}; one of {', '.join(DETECTORS)}")
    flows = FlowsService(home)
    if not flows.loaded():
        raise HTTPException(409, "no trade flows loaded; run `diversion flows load`")
    if detector == "impact" and date is None:
        raise HTTPException(422, "impact needs date=YYYY-MM")
    options = Options(
        hubs=tuple(h.upper() for h in hub or ()),
        hs_prefix=hs,
        controlled_only=controlled_only,
        currency=currency,
        limit=offset + limit + 1,  # one more, to know there is a next page
        extra={"date": date} if date else {},
    )
    found = flows.detect(detector, options)
    more = len(found) > offset + limit
    links(request, response, limit, offset + limit if more else None,
          max(offset - limit, 0) if offset else None)  # fmt: skip
    return [finding.to_dict() for finding in found[offset : offset + limit]]
