"""`/cases`: the queue, a case with its decision and actions, and acting on it."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request, Response

from diversion.api import schemas
from diversion.api.deps import Analyst, CaseId, StoreDep, Viewer
from diversion.api.paging import Limit, Offset, link_headers
from diversion.cases.workflow import AGES, SORTS, Case, CaseFilter, Cases, workflow

router = APIRouter()


def _case(case: Case, actions: list[Any] | None = None) -> schemas.CaseOut:
    return schemas.CaseOut(
        id=case.id,
        declaration_id=case.declaration_id,
        verdict=case.verdict,
        corridor=case.corridor,
        status=case.status,
        assignee=case.assignee,
        opened_at=case.opened_at.isoformat(),
        updated_at=case.updated_at.isoformat(),
        proposed_by=case.proposed_by,
        decision=case.decision,
        actions=[a.summary() for a in actions or []],
    )


SORT_PATTERN = "^-?(" + "|".join(SORTS) + ")$"
AGE_PATTERN = "^(" + "|".join(AGES) + ")$"


@router.get("/cases", response_model=list[schemas.CaseOut], tags=["cases"])
def cases_list(
    user: Viewer,
    store: StoreDep,
    request: Request,
    response: Response,
    status: Annotated[str | None, Query(max_length=30)] = None,
    corridor: Annotated[str | None, Query(pattern="^(green|yellow|red)$")] = None,
    assignee: Annotated[str | None, Query(max_length=60)] = None,
    open_only: bool = True,
    reason: Annotated[
        list[str] | None,
        Query(max_length=10, description="Reason codes the decision has (all of them)."),
    ] = None,
    declaration: Annotated[
        str | None, Query(max_length=140, description="The start of the declaration id.")
    ] = None,
    party: Annotated[
        str | None,
        Query(max_length=200, description="Part of a party's name; case, accents, script aside."),
    ] = None,
    since: Annotated[date | None, Query(description="Opened on or after this day.")] = None,
    until: Annotated[date | None, Query(description="Opened on or before this day.")] = None,
    unassigned: Annotated[bool, Query(description="Only cases nobody is assigned.")] = False,
    age: Annotated[
        str | None,
        Query(pattern=AGE_PATTERN, description="How long open: " + ", ".join(AGES) + "."),
    ] = None,
    hs: Annotated[
        str | None,
        Query(
            max_length=20,
            pattern=r"^[0-9][0-9. ]*$",
            description="An HS code of the goods, or its start (8542, 8542.31).",
        ),
    ] = None,
    declared_since: Annotated[
        date | None, Query(description="Declared on or after this day.")
    ] = None,
    declared_until: Annotated[
        date | None, Query(description="Declared on or before this day.")
    ] = None,
    q: Annotated[
        str | None,
        Query(
            max_length=200,
            description=(
                "Words, each of which must be in the declaration id, a party's name, a goods"
                " description or manufacturer, or an HS code (case, accents, script aside)."
            ),
        ),
    ] = None,
    sort: Annotated[
        str,
        Query(
            pattern=SORT_PATTERN,
            description=", ".join(SORTS) + "; - first: descending (newest first).",
        ),
    ] = "opened",
    limit: Limit = 100,
    offset: Offset = 0,
) -> list[schemas.CaseOut]:
    """The queue: open cases oldest first (`open_only=false` for decided ones too), a page at
    a time: the total in X-Total-Count, the next and previous pages in the Link header. The
    web queue (/app/queue) asks the same `Cases.page` with the same filters."""
    if status is not None and status not in workflow().statuses:
        raise HTTPException(422, f"status must be one of {', '.join(workflow().statuses)}")
    wanted = CaseFilter(
        status,
        corridor,
        assignee,
        open_only=open_only and not status,
        reasons=tuple(reason or ()),
        declaration=declaration,
        party=party,
        since=since,
        until=until,
        sort=sort,
        unassigned=unassigned,
        age=age,
        hs=hs,
        declared_since=declared_since,
        declared_until=declared_until,
        search=q,
    )
    page = Cases(store).page(wanted, limit, offset)
    link_headers(request, response, page)
    return [_case(case) for case in page.items]


@router.get("/cases/{case_id}", response_model=schemas.CaseOut, tags=["cases"])
def case_get(case_id: CaseId, user: Viewer, store: StoreDep) -> schemas.CaseOut:
    """A case with its decision (every reason and its evidence) and its actions."""
    found = Cases(store).get(case_id)
    if found is None:
        raise HTTPException(404, f"no case {case_id}")
    return _case(found, Cases(store).actions(case_id))


@router.post(
    "/cases/{case_id}/actions",
    response_model=schemas.CaseOut,
    tags=["cases"],
    responses={403: {"model": schemas.Problem}, 409: {"model": schemas.Problem}},
)
def case_act(
    case_id: CaseId, body: schemas.CaseAction, user: Analyst, store: StoreDep
) -> schemas.CaseOut:
    """Act on a case as the token's user: the workflow checks role, status, reason and
    four eyes (403 for a role, 409 for anything else the workflow refuses)."""
    if body.action not in workflow().actions:
        raise HTTPException(422, f"action must be one of {', '.join(workflow().actions)}")
    if Cases(store).get(case_id) is None:
        raise HTTPException(404, f"no case {case_id}")
    done = Cases(store).act(case_id, user.username, body.action, body.reason, body.assignee)
    return _case(done, Cases(store).actions(case_id))
