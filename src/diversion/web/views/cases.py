"""The queue: one page of the cases at a time, sorted and filtered by the database.

The form is a GET, so a filtered, sorted page is a link an officer can keep or send. It asks
`Cases.page` with the same `CaseFilter` as `GET /cases` and `cases ls`: the database returns
the page's rows and counts the rest, whatever the size of the queue.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import cache
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from diversion.cases.workflow import AGES, SORTS, CaseFilter, Cases, age_bucket, workflow
from diversion.screening.records import DeclarationRecords
from diversion.web.deps import StoreDep, UsersDep, language, render, session_user
from diversion.web.i18n import translator

router = APIRouter()

PAGE_SIZES = (10, 25, 50, 100, 200)
FIELDS = ("q", "corridor", "status", "assignee", "age", "reason", "party", "hs", "from", "to")
UNASSIGNED = "-"  # the assignee choice for cases nobody holds
ALL = "all"  # the status choice for decided cases too
COLUMNS = (  # the table's sortable columns: message key and sort key
    ("case", "id"),
    ("declaration", "declaration"),
    ("declared", "declared"),
    ("corridor", "corridor"),
    ("status", "status"),
    ("assignee", "assignee"),
    ("age", "opened"),
)


@cache
def reason_codes() -> tuple[str, ...]:
    """Every reason code of the rule catalogue, for the reason filter's choices."""
    from diversion.rules.catalogue import load_catalogue

    return tuple(sorted(load_catalogue().rules))


def _day(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def queue_filter(form: dict[str, str], errors: list[str], t: Any) -> CaseFilter:
    """The filter the form asks for; a value that does not parse is left out, and said so."""
    flow = workflow()
    status = form["status"] if form["status"] in flow.statuses else None
    assignee = form["assignee"] if form["assignee"] not in ("", UNASSIGNED) else None
    days: dict[str, date | None] = {}
    for name in ("from", "to"):
        try:
            days[name] = _day(form[name])
        except ValueError:
            errors.append(t("bad_field", field=t(f"filter_{name}"), value=form[name]))
            form[name] = ""
            days[name] = None
    wanted: dict[str, Any] = {
        "status": status,
        "corridor": form["corridor"] if form["corridor"] in ("red", "yellow", "green") else None,
        "assignee": assignee,
        "open_only": status is None and form["status"] != ALL,
        "unassigned": form["assignee"] == UNASSIGNED,
        "age": form["age"] if form["age"] in AGES else None,
        "reasons": (form["reason"],) if form["reason"] in reason_codes() else (),
        "party": form["party"] or None,
        "declared_since": days["from"],
        "declared_until": days["to"],
        "search": form["q"] or None,
        "sort": form["sort"] if form["sort"].lstrip("-") in SORTS else "opened",
    }
    if form["hs"]:
        if any(ch.isdigit() for ch in form["hs"]):
            wanted["hs"] = form["hs"]
        else:
            errors.append(t("bad_field", field=t("filter_hs"), value=form["hs"]))
            form["hs"] = ""
    return CaseFilter(**wanted)


def _number(text: str | None, default: int, allowed: range | tuple[int, ...]) -> int:
    try:
        value = int(text or default)
    except ValueError:
        return default
    return value if value in allowed else default


@router.get("/app/queue", response_class=HTMLResponse, include_in_schema=False)
def queue(request: Request, store: StoreDep, users: UsersDep) -> HTMLResponse:
    session_user(request)
    t = translator(language(request))
    params = request.query_params
    form = {name: params.get(name, "").strip()[:200] for name in (*FIELDS, "sort")}
    errors: list[str] = []
    wanted = queue_filter(form, errors, t)
    form["sort"] = wanted.sort
    limit = _number(params.get("limit"), 50, PAGE_SIZES)
    offset = _number(params.get("offset"), 0, range(0, 2**31))
    page = Cases(store).page(wanted, limit, offset)
    declarations = DeclarationRecords(store).bodies([c.declaration_id for c in page.items])
    now = datetime.now(UTC)
    rows = [
        (case, age_bucket(case.opened_at, now), declarations.get(case.declaration_id, {}))
        for case in page.items
    ]
    kept = {name: value for name, value in form.items() if value}
    if limit != 50:
        kept["limit"] = str(limit)

    def link(**changes: Any) -> str:
        query = {**kept, **{k: str(v) for k, v in changes.items() if v is not None}}
        query = {k: v for k, v in query.items() if v not in ("", "0") or k != "offset"}
        return "/app/queue?" + urlencode(query) if query else "/app/queue"

    sorted_by = wanted.sort.lstrip("-")
    descending = wanted.sort.startswith("-")
    headers = [
        (
            key,
            link(sort=("" if descending or sorted_by != sort else "-") + sort, offset=0),
            ("descending" if descending else "ascending") if sorted_by == sort else None,
        )
        for key, sort in COLUMNS
    ]
    last = max(page.total - 1, 0) // limit * limit
    pages = {
        "first": link(offset=0) if offset > 0 else None,
        "previous": link(offset=page.previous_offset) if page.previous_offset is not None else None,
        "next": link(offset=page.next_offset) if page.next_offset is not None else None,
        "last": link(offset=last) if page.next_offset is not None else None,
    }
    return render(
        request,
        "queue.html.j2",
        rows=rows,
        page=page,
        form=form,
        errors=errors,
        headers=headers,
        pages=pages,
        page_sizes=PAGE_SIZES,
        statuses=workflow().statuses,
        ages=AGES,
        reasons=reason_codes(),
        officers=[u.username for u in users.all()],
        unassigned=UNASSIGNED,
        all_statuses=ALL,
        filtered=any(form[name] for name in FIELDS),
    )
