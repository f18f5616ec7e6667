"""The dashboard (open cases by corridor and age) and the queue."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from diversion.cases.workflow import Cases, workflow
from diversion.web.deps import StoreDep, render, session_user

AGE_BUCKETS = (("today", 1), ("days_1_7", 8), ("days_8_30", 31), ("days_30", None))

router = APIRouter()


def _age_bucket(opened: datetime) -> str:
    moment = opened if opened.tzinfo else opened.replace(tzinfo=UTC)
    days = (datetime.now(UTC) - moment).days
    for name, limit in AGE_BUCKETS:
        if limit is None or days < limit:
            return name
    return AGE_BUCKETS[-1][0]


@router.get("/app/", response_class=HTMLResponse, include_in_schema=False)
def dashboard(request: Request, store: StoreDep) -> HTMLResponse:
    session_user(request)
    open_cases = Cases(store).find(open_only=True)
    counts = Counter((case.corridor, _age_bucket(case.opened_at)) for case in open_cases)
    return render(
        request,
        "dashboard.html.j2",
        counts=counts,
        total=len(open_cases),
        buckets=[name for name, _ in AGE_BUCKETS],
    )


@router.get("/app/queue", response_class=HTMLResponse, include_in_schema=False)
def queue(request: Request, store: StoreDep) -> HTMLResponse:
    session_user(request)
    corridor = request.query_params.get("corridor")
    found = Cases(store).find(
        corridor=corridor if corridor in ("green", "yellow", "red") else None, open_only=True
    )
    rows = [(case, _age_bucket(case.opened_at)) for case in found]
    return render(request, "queue.html.j2", rows=rows, statuses=workflow().statuses)
