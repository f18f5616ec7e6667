"""`/reconcile/{dataset}`: the W3C Reconciliation Service API (v0.2) over the active lists, so
OpenRefine can reconcile a spreadsheet of counterparties against them
(`service/reconcile.py` does the work; docs/api.md#reconciliation says how to use it).

The manifest needs no token (the specification says so: a client reads the authentication it
asks for there). Everything else needs a viewer's token, as an `Authorization` header or, for
OpenRefine, which cannot send one, as the `api_key` query parameter the manifest announces.
Cross-origin reads are allowed on these paths only (CORS, which v0.2 requires); JSONP is not
offered.
"""

from __future__ import annotations

from html import escape
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, FastAPI, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse
from starlette.middleware.cors import CORSMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from diversion.api.deps import ScreeningDep, require
from diversion.cases.users import User
from diversion.cases.workflow import workflow
from diversion.lists import SanctionsList
from diversion.matching.defaults import DEFAULT_THRESHOLD
from diversion.service import reconcile as service
from diversion.service.matching import lists_named
from diversion.service.screening import ScreeningService
from diversion.web.deps import users_of

PREFIX = "/reconcile/"
router = APIRouter(prefix="/reconcile/{dataset}", tags=["reconciliation"])


class ReconcileCors:
    """CORS on the reconciliation paths alone: any origin may read them, without cookies
    (`Access-Control-Allow-Origin: *` never carries credentials), so a page elsewhere gets
    nothing a token it holds would not give it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.cors = CORSMiddleware(
            app,
            allow_origins=["*"],
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=["Authorization", "Content-Type"],
            max_age=600,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(PREFIX):
            await self.cors(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def add_cors(app: FastAPI) -> None:
    app.add_middleware(ReconcileCors)


def reconciler(request: Request) -> User:
    """A viewer or above, by the `api_key` query parameter or as every route has it."""
    key = request.query_params.get("api_key")
    if key is None:
        return require("viewer")(request)
    user = users_of(request).for_token(key.strip()) if key.strip() else None
    if user is None:
        raise HTTPException(401, "unknown or revoked api_key")
    if workflow().rank(user.role) < workflow().rank("viewer"):
        raise HTTPException(403, f"{user.username} is {user.role}; this needs viewer")
    return user


def _lists(screening: ScreeningService, dataset: str) -> list[tuple[SanctionsList, Any]]:
    try:
        return lists_named(screening.context(), dataset)
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from None


def _no_jsonp(request: Request) -> None:
    if "callback" in request.query_params:
        raise HTTPException(400, "JSONP is not offered; v0.2 clients read this service by CORS")


def _answer(
    request: Request, dataset: str, screening: ScreeningService, queries: str, threshold: float
) -> JSONResponse:
    _no_jsonp(request)
    reconciler(request)
    lists = _lists(screening, dataset)
    try:
        batch = service.parse_batch(queries)
        answers = service.reconcile(lists, batch, threshold)
    except service.BatchError as exc:
        raise HTTPException(exc.status, str(exc)) from None
    return JSONResponse(answers)


Threshold = Annotated[
    float,
    Query(ge=0.0, le=1.0, description="The score from which a candidate is a `match`."),
]
Queries = Annotated[
    str | None,
    Query(max_length=200_000, description="A reconciliation query batch, as JSON."),
]


@router.get("", response_model=dict[str, Any])
def manifest_or_queries(
    dataset: str,
    request: Request,
    screening: ScreeningDep,
    queries: Queries = None,
    threshold: Threshold = DEFAULT_THRESHOLD,
) -> Any:
    """Without `queries`, the service manifest (no token needed); with them, their
    candidates, as a POST answers them."""
    if queries is not None:
        return _answer(request, dataset, screening, queries, threshold)
    _no_jsonp(request)
    lists = _lists(screening, dataset)
    server = str(request.base_url).rstrip("/")
    key = request.query_params.get("api_key")
    titles = ", ".join(listing.reference.title or listing.reference.id for listing, _ in lists)
    return service.manifest(
        f"Diversion: {dataset} ({titles})" if dataset in ("default", "all") else titles,
        f"{server}{PREFIX}{dataset}",
        service.matchable_schemata(listing for listing, _ in lists),
        server=server,
        credentials=f"?{urlencode({'api_key': key})}" if key else "",
    )


@router.post("", response_model=dict[str, Any])
def queries_posted(
    dataset: str,
    request: Request,
    screening: ScreeningDep,
    queries: Annotated[str | None, Form(max_length=2_000_000)] = None,
    extend: Annotated[str | None, Form(max_length=200_000)] = None,
    threshold: Threshold = DEFAULT_THRESHOLD,
) -> Any:
    """A reconciliation query batch in the form field `queries`
    (application/x-www-form-urlencoded), as OpenRefine sends it: each query's candidates."""
    if extend is not None:
        reconciler(request)
        raise HTTPException(400, "data extension is not offered; reconcile, then use /entities")
    if queries is None:
        raise HTTPException(400, "send a reconciliation query batch in the form field queries")
    return _answer(request, dataset, screening, queries, threshold)


Prefix = Annotated[str, Query(max_length=200, description="What the user has typed.")]
Cursor = Annotated[int, Query(ge=0, le=1000, description="Suggestions to skip.")]


@router.get("/suggest/entity", response_model=dict[str, Any])
def suggest_entity(
    dataset: str,
    request: Request,
    screening: ScreeningDep,
    prefix: Prefix = "",
    cursor: Cursor = 0,
    limit: Annotated[int, Query(ge=1, le=50)] = service.SUGGEST_LIMIT,
) -> dict[str, Any]:
    """Entities whose id is the prefix, or a name or a word of a name starts with it, then
    those the matcher finds for it as a name."""
    _no_jsonp(request)
    reconciler(request)
    lists = _lists(screening, dataset)
    found = service.suggest_entities(lists, prefix, cursor, limit)
    return {"prefix": prefix, "result": found}


@router.get("/suggest/type", response_model=dict[str, Any])
def suggest_type(
    dataset: str, request: Request, screening: ScreeningDep, prefix: Prefix = ""
) -> dict[str, Any]:
    """The types (FollowTheMoney schemata of the listed parties) that start with the prefix."""
    _no_jsonp(request)
    reconciler(request)
    lists = _lists(screening, dataset)
    schemata = service.matchable_schemata(listing for listing, _ in lists)
    return {"prefix": prefix, "result": service.suggest_types(schemata, prefix)}


@router.get("/suggest/property", response_model=dict[str, Any])
def suggest_property(
    dataset: str, request: Request, screening: ScreeningDep, prefix: Prefix = ""
) -> dict[str, Any]:
    """The properties a query may give, each with what the matcher does with it."""
    _no_jsonp(request)
    reconciler(request)
    _lists(screening, dataset)
    return {"prefix": prefix, "result": service.suggest_properties(prefix)}


@router.get("/preview", response_class=HTMLResponse)
def preview(
    dataset: str,
    request: Request,
    screening: ScreeningDep,
    id: Annotated[str, Query(max_length=300, description="The entity's id.")],
) -> HTMLResponse:
    """A small HTML page about a listed entity, for OpenRefine's preview frame: no script,
    nothing loaded from elsewhere."""
    reconciler(request)
    found = service.find(_lists(screening, dataset), id)
    if found is None:
        raise HTTPException(404, f"no entity {id!r} in {dataset}")
    rows = "".join(
        f"<tr><th>{escape(label)}</th><td>{'<br>'.join(escape(v) for v in values)}</td></tr>"
        for label, values in found.facts()
    )
    page = (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>{escape(found.entity.caption)}</title>"
        "<style>body{font:13px system-ui,sans-serif;margin:.5rem}th{text-align:left;"
        "vertical-align:top;padding-right:.5rem;color:#555}</style></head><body>"
        f"<h3>{escape(found.entity.caption)}</h3><table>{rows}</table>"
        f"<p><small>{escape(id)}</small></p></body></html>"
    )
    return HTMLResponse(
        page, headers={"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"}
    )
