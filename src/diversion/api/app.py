"""The HTTP API: screening, yente-compatible matching, entities, cases, licences, lists and
trade-flow findings, behind bearer tokens and roles.

Every route says the lowest role it needs (viewer < analyst < supervisor < admin); the case
workflow then checks the action itself (four eyes included). The front end is thin: each route
calls the same modules the CLI does.
"""

from __future__ import annotations

import hmac
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Form, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, JSONResponse
from followthemoney import model
from pydantic import ValidationError

from diversion import __version__
from diversion.api import schemas
from diversion.cases.errors import PermissionDenied, WorkflowError
from diversion.cases.signin import LoginLimiter, TooManyLogins
from diversion.cases.users import User, Users
from diversion.cases.workflow import Case, Cases, workflow
from diversion.declarations import Declaration
from diversion.declarations.errors import reason_of
from diversion.flows.detectors import DETECTORS, Options
from diversion.flows.detectors.common import register_goods
from diversion.flows.store import FlowStore
from diversion.goods import ControlListErrors
from diversion.goods.bundled import USER_DIR, load_control_lists
from diversion.home import Home
from diversion.licences import LicenceStore
from diversion.lists import SanctionsList
from diversion.lists.lookup import Found, find_entity
from diversion.lists.snapshots import ListStore, Snapshot
from diversion.matching.scoring import DEFAULT_THRESHOLD
from diversion.matching.settings import DEFAULTS as MATCH_SETTINGS
from diversion.matching.settings import SettingsError
from diversion.rules import RuleConfigError
from diversion.service.screening import ContextError, ScreeningService
from diversion.store import Store
from diversion.web.pages import SESSION_COOKIE, csrf_token

IDENTIFIER_PROPERTIES = ("registrationNumber", "taxNumber", "idNumber", "innCode", "ogrnCode")
COUNTRY_PROPERTIES = ("country", "jurisdiction", "nationality", "citizenship")


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


def _entity(entity: Any, dataset: str) -> schemas.Entity:
    data = entity.to_dict()
    return schemas.Entity(
        id=str(entity.id),
        caption=entity.caption,
        schema=entity.schema.name,
        properties=data.get("properties", {}),
        datasets=[dataset],
    )


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


def _values(properties: dict[str, Any], names: tuple[str, ...]) -> list[str]:
    found: list[str] = []
    for name in names:
        value = properties.get(name)
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, list):
            found.extend(str(v) for v in value if isinstance(v, str | int | float))
    return [v for v in found if v.strip()]


def user_of(request: Request) -> User:
    """The user whose bearer token the request carries, or whose web session cookie it
    carries (writes by cookie also need the page's CSRF token in X-CSRF-Token); else 401."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    session = request.cookies.get(SESSION_COOKIE, "")
    if not header and session:
        if request.method not in ("GET", "HEAD", "OPTIONS") and not hmac.compare_digest(
            csrf_token(session), request.headers.get("x-csrf-token", "")
        ):
            raise HTTPException(403, "a request signed in by cookie needs X-CSRF-Token")
        scheme, token = "bearer", session
    if scheme.lower() != "bearer" or not token.strip():
        raise HTTPException(
            401, "send Authorization: Bearer TOKEN", headers={"WWW-Authenticate": "Bearer"}
        )
    user: User | None = request.app.state.users.for_token(token.strip())
    if user is None:
        raise HTTPException(401, "unknown or revoked token", headers={"WWW-Authenticate": "Bearer"})
    return user


def require(role: str) -> Callable[[Request], User]:
    """A dependency that lets in users with `role` or a higher one (403 otherwise)."""

    def check(request: Request) -> User:
        user = user_of(request)
        if workflow().rank(user.role) < workflow().rank(role):
            raise HTTPException(403, f"{user.username} is {user.role}; this needs {role}")
        return user

    return check


Viewer = Annotated[User, Depends(require("viewer"))]
# case numbers fit the databases' INTEGER: a larger one is a 422, not a crash
CaseId = Annotated[int, PathParam(ge=1, le=2**31 - 1)]
Analyst = Annotated[User, Depends(require("analyst"))]


def create_app(home: Home, store: Store) -> FastAPI:
    app = FastAPI(
        title="Diversion API",
        version=__version__,
        description=(
            "Screen declarations, match parties against the lists (yente-compatible /match), "
            "read entities, work cases, and read licences, lists and trade-flow findings. "
            "Send `Authorization: Bearer TOKEN` (from `diversion users token` or POST "
            "/auth/token)."
        ),
        docs_url=None,
        redoc_url=None,
    )
    users = Users(store)
    limiter = LoginLimiter()
    screening = ScreeningService(home, store)

    app.state.users = users
    app.state.limiter = limiter
    app.state.screening = screening

    @app.exception_handler(WorkflowError)
    async def workflow_error(_: Request, exc: WorkflowError) -> JSONResponse:
        status = 403 if isinstance(exc, PermissionDenied) else 409
        return JSONResponse({"detail": str(exc)}, status_code=status)

    @app.exception_handler(ContextError)
    @app.exception_handler(RuleConfigError)
    @app.exception_handler(ControlListErrors)
    async def settings_error(_: Request, exc: Exception) -> JSONResponse:
        """The home's rules file or control lists are broken: screening must not run on
        defaults a user changed, so say what to fix."""
        errors = getattr(exc, "problems", None) or [str(e) for e in getattr(exc, "errors", [])]
        return JSONResponse(
            {"detail": "the home's screening settings are broken; fix them", "errors": errors},
            status_code=503,
        )

    @app.get("/healthz", response_model=schemas.Health, tags=["service"])
    def healthz() -> schemas.Health:
        """Alive, and which lists are active (no token needed)."""
        active = [s.id for _, s, _ in ListStore(store).lists() if s is not None]
        return schemas.Health(lists=active)

    @app.post(
        "/auth/token",
        response_model=schemas.Token,
        tags=["service"],
        responses={401: {"model": schemas.Problem}, 429: {"model": schemas.Problem}},
    )
    def login(
        request: Request,
        username: Annotated[str, Form(max_length=60)],
        password: Annotated[str, Form(max_length=200)],
    ) -> schemas.Token:
        """A bearer token for a user name and password. Failed attempts are limited per user
        name and per client."""
        client = request.client.host if request.client else "?"
        try:
            user = limiter.sign_in(users, client, username, password)
        except TooManyLogins:
            raise HTTPException(429, "too many failed logins; wait a few minutes") from None
        if user is None:
            raise HTTPException(401, "wrong user name or password")
        return schemas.Token(access_token=users.create_token(user.username, "login", user.username))

    @app.post(
        "/screen",
        response_model=schemas.Screened,
        tags=["screening"],
        responses={422: {"model": schemas.Problem}},
    )
    def screen(
        body: dict[str, Any] | list[dict[str, Any]],
        user: Analyst,
        history: Annotated[Literal["store"] | None, Query()] = None,
    ) -> schemas.Screened:
        """Screen one declaration (an object) or a batch (`{"declarations": [...]}` or a list),
        in the JSON Lines form of docs/declarations.md, as `diversion screen` does: with the
        home's rules file, and the batch (with `history=store`, also every declaration
        screened before) as history. Yellow and red ones open cases."""
        items = body if isinstance(body, list) else body.get("declarations", [body])
        if not isinstance(items, list) or not items or len(items) > 1000:
            raise HTTPException(422, "send a declaration, or 1 to 1,000 in `declarations`")
        valid: list[Declaration] = []
        errors: list[dict[str, Any]] = []
        for number, item in enumerate(items, start=1):
            try:
                valid.append(Declaration.model_validate(item))
            except ValidationError as exc:
                errors.extend(
                    {
                        "declaration": number,
                        "field": ".".join(str(p) for p in e["loc"]),
                        "reason": reason_of(e),
                    }
                    for e in exc.errors()
                )
        if not valid:
            return JSONResponse(  # type: ignore[return-value]
                {"detail": "no valid declaration", "errors": errors}, status_code=422
            )
        done = screening.screen(valid, history=history, actor=user.username)
        return schemas.Screened(
            decisions=[d.to_dict() for d in done.decisions], cases_opened=done.opened, errors=errors
        )

    def _listings(dataset: str) -> list[tuple[SanctionsList, Any]]:
        context = screening.context()
        pairs = list(zip(context.sanctions_lists, context.matchers, strict=True))
        if dataset in ("default", "all"):
            return pairs
        chosen = [(ls, m) for ls, m in pairs if dataset in (ls.reference.id, ls.reference.title)]
        chosen = chosen or [
            (ls, m) for ls, m in pairs if ls.reference.id.startswith(dataset.rstrip("-") + "-")
        ]
        if not chosen:
            raise HTTPException(404, f"no dataset {dataset!r}; use `default` or a list name")
        return chosen

    @app.post(
        "/match/{dataset}",
        response_model=schemas.MatchResponse,
        tags=["matching"],
        response_model_by_alias=True,
    )
    def match(
        dataset: str,
        body: schemas.MatchQuery,
        user: Viewer,
        threshold: Annotated[float, Query(ge=0.0, le=1.0)] = DEFAULT_THRESHOLD,
        limit: Annotated[int, Query(ge=1, le=100)] = 5,
    ) -> schemas.MatchResponse:
        """yente's match API: queries by example (`schema`, `properties`), scored against the
        lists; each result has `score`, `match` (score at or over `threshold`), `features`
        and Diversion's `explanations` of each feature."""
        try:
            settings = MATCH_SETTINGS.with_overrides(body.config)
        except SettingsError as exc:
            raise HTTPException(422, f"config: {exc}") from None
        listings = _listings(dataset)
        responses: dict[str, schemas.EntityMatches] = {}
        for key, query in body.queries.items():
            props = query.properties
            names = _values(props, ("name", "alias", "weakAlias", "previousName"))
            identifiers = _values(props, IDENTIFIER_PROPERTIES)
            schema = model.get(query.schema_)
            if schema is None or (not names and not identifiers):
                why = 400
                responses[key] = schemas.EntityMatches(
                    status=why, results=[], total=schemas.Total(value=0), query=query
                )
                continue
            best: dict[str, tuple[Any, SanctionsList]] = {}
            for listing, matcher in listings:
                for name in names or [identifiers[0]]:
                    for hit in matcher.match(
                        name,
                        identifiers[0] if identifiers else None,
                        cutoff=min(threshold, 0.5),
                        schema=schema.name,
                        countries=_values(props, COUNTRY_PROPERTIES),
                        birth_dates=_values(props, ("birthDate",)),
                        address=next(iter(_values(props, ("address",))), None),
                        weights=body.weights or None,
                        limit=limit,
                        settings=settings,
                    ):
                        if hit.entity_id not in best or hit.score > best[hit.entity_id][0].score:
                            best[hit.entity_id] = (hit, listing)
            ranked = sorted(best.values(), key=lambda pair: -pair[0].score)[:limit]
            results = []
            for hit, listing in ranked:
                entity = listing.entities.get(hit.entity_id)
                properties = entity.to_dict().get("properties", {}) if entity is not None else {}
                results.append(
                    schemas.ScoredEntity(
                        id=hit.entity_id,
                        caption=hit.caption,
                        schema=hit.schema,
                        properties=properties,
                        datasets=[listing.reference.id],
                        score=round(hit.score, 4),
                        features={f.name: round(f.score, 4) for f, _ in hit.features},
                        explanations={f.name: f.explanation for f, _ in hit.features},
                        match=hit.score >= threshold,
                    )
                )
            responses[key] = schemas.EntityMatches(
                results=results, total=schemas.Total(value=len(results)), query=query
            )
        matcher = {
            "diversion": {
                "description": "Diversion's name matcher (docs/matching.md)",
                "threshold": threshold,
                "config": settings.changed(),
            }
        }
        return schemas.MatchResponse(responses=responses, matcher=matcher, limit=limit)

    def _find(entity_id: str) -> Found:
        found = find_entity(ListStore(store), screening.context().sanctions_lists, entity_id)
        if found is None:
            raise HTTPException(404, f"no entity {entity_id!r} in the active lists")
        return found

    @app.get(
        "/entities/{entity_id}",
        response_model=schemas.Entity,
        tags=["entities"],
        response_model_by_alias=True,
    )
    def entity(entity_id: str, user: Viewer) -> schemas.Entity:
        """A list entity with all its properties."""
        found = _find(entity_id)
        return _entity(found.entity, found.dataset)

    @app.get(
        "/entities/{entity_id}/adjacent",
        response_model=schemas.Adjacent,
        tags=["entities"],
        response_model_by_alias=True,
    )
    def adjacent(entity_id: str, user: Viewer) -> schemas.Adjacent:
        """The entity, and the entities linked to it, by the property that links them: its
        sanctions, addresses, owners, directors, and what it points at."""
        found = _find(entity_id)
        linked: dict[str, list[schemas.Entity]] = defaultdict(list)
        for other in found.related:
            for prop, value in other.itervalues():
                if prop.type.name == "entity" and value == entity_id:
                    linked[prop.reverse.name if prop.reverse else prop.name].append(
                        _entity(other, found.dataset)
                    )
        return schemas.Adjacent(entity=_entity(found.entity, found.dataset), adjacent=dict(linked))

    @app.get("/cases", response_model=list[schemas.CaseOut], tags=["cases"])
    def cases_list(
        user: Viewer,
        status: Annotated[str | None, Query(max_length=30)] = None,
        corridor: Annotated[str | None, Query(pattern="^(green|yellow|red)$")] = None,
        assignee: Annotated[str | None, Query(max_length=60)] = None,
        open_only: bool = True,
    ) -> list[schemas.CaseOut]:
        """The queue: open cases oldest first (`open_only=false` for decided ones too)."""
        if status is not None and status not in workflow().statuses:
            raise HTTPException(422, f"status must be one of {', '.join(workflow().statuses)}")
        found = Cases(store).find(status, corridor, assignee, open_only=open_only and not status)
        return [_case(case) for case in found]

    @app.get("/cases/{case_id}", response_model=schemas.CaseOut, tags=["cases"])
    def case_get(case_id: CaseId, user: Viewer) -> schemas.CaseOut:
        """A case with its decision (every reason and its evidence) and its actions."""
        found = Cases(store).get(case_id)
        if found is None:
            raise HTTPException(404, f"no case {case_id}")
        return _case(found, Cases(store).actions(case_id))

    @app.post(
        "/cases/{case_id}/actions",
        response_model=schemas.CaseOut,
        tags=["cases"],
        responses={403: {"model": schemas.Problem}, 409: {"model": schemas.Problem}},
    )
    def case_act(case_id: CaseId, body: schemas.CaseAction, user: Analyst) -> schemas.CaseOut:
        """Act on a case as the token's user: the workflow checks role, status, reason and
        four eyes (403 for a role, 409 for anything else the workflow refuses)."""
        if body.action not in workflow().actions:
            raise HTTPException(422, f"action must be one of {', '.join(workflow().actions)}")
        if Cases(store).get(case_id) is None:
            raise HTTPException(404, f"no case {case_id}")
        done = Cases(store).act(case_id, user.username, body.action, body.reason, body.assignee)
        return _case(done, Cases(store).actions(case_id))

    @app.get("/licences", tags=["licences"], response_model=schemas.LICENCES)
    def licences(user: Viewer) -> list[dict[str, Any]]:
        """Every licence with what it allows, what is used and what is left."""
        return [state.to_dict() for state in LicenceStore(store).licences()]

    @app.get("/licences/{number}", tags=["licences"], response_model=schemas.LicenceOut)
    def licence(number: str, user: Viewer) -> dict[str, Any]:
        for state in LicenceStore(store).licences():
            if state.licence.licence_no == number:
                return state.to_dict()
        raise HTTPException(404, f"no licence {number!r}")

    @app.get("/lists", tags=["lists"])
    def lists_index(user: Viewer) -> list[dict[str, Any]]:
        """Every list with its active snapshot and all its snapshots."""
        listed = ListStore(store)
        return [
            {
                "list": name,
                "active": _snapshot(active),
                "snapshots": [_snapshot(s) for s in listed.snapshots(name)],
                "count": count,
            }
            for name, active, count in listed.lists()
        ]

    @app.get("/lists/{name}/diff", tags=["lists"])
    def lists_diff(
        name: str,
        user: Viewer,
        old: Annotated[str | None, Query(max_length=140)] = None,
        new: Annotated[str | None, Query(max_length=140)] = None,
    ) -> dict[str, Any]:
        """What changed between two snapshots (by default the active one and the one before)."""
        try:
            return ListStore(store).diff(name, old, new).to_dict()
        except LookupError as exc:
            raise HTTPException(404, str(exc)) from None

    @app.get("/flows/findings/{detector}", tags=["flows"])
    def flows_findings(
        detector: str,
        user: Viewer,
        hub: Annotated[list[str] | None, Query(max_length=20)] = None,
        hs: Annotated[str | None, Query(pattern=r"^[0-9.]{2,12}$")] = None,
        controlled_only: bool = False,
        currency: Annotated[str, Query(pattern="^(usd|eur)$")] = "usd",
        date: Annotated[str | None, Query(pattern=r"^\d{4}-\d{2}$")] = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
    ) -> list[dict[str, Any]]:
        """One detector's findings on the flows loaded in the home (`diversion flows load`)."""
        if detector not in DETECTORS:
            raise HTTPException(404, f"no detector {detector!r}; one of {', '.join(DETECTORS)}")
        flows = FlowStore.of(home)
        if not flows.loads():
            raise HTTPException(409, "no trade flows loaded; run `diversion flows load`")
        if detector == "impact" and date is None:
            raise HTTPException(422, "impact needs date=YYYY-MM")
        con = flows.connect()
        register_goods(con, load_control_lists(home.root / USER_DIR))
        options = Options(
            hubs=tuple(h.upper() for h in hub or ()),
            hs_prefix=hs,
            controlled_only=controlled_only,
            currency=currency,
            limit=limit,
            extra={"date": date} if date else {},
        )
        return [finding.to_dict() for finding in DETECTORS[detector](con, options)]

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def docs() -> str:
        """The API's reference, rendered here from its OpenAPI schema (nothing from a CDN)."""
        return _docs_page(app.openapi())

    from diversion.web.pages import add_pages

    add_pages(app, home, store)
    return app


def _docs_page(spec: dict[str, Any]) -> str:
    from html import escape

    rows = []
    for path, methods in spec.get("paths", {}).items():
        for method, operation in methods.items():
            summary = escape(operation.get("summary", ""))
            text = escape(operation.get("description", "")).replace("\n\n", "<br>")
            rows.append(
                f"<tr><td><code>{method.upper()} {escape(path)}</code></td>"
                f"<td><b>{summary}</b><br>{text}</td></tr>"
            )
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Diversion API</title>"
        "<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto}"
        "td{border-bottom:1px solid #ddd;padding:.4rem;vertical-align:top}</style></head><body>"
        f"<h1>{escape(spec['info']['title'])} {escape(spec['info']['version'])}</h1>"
        f"<p>{escape(spec['info'].get('description', ''))}</p>"
        "<p>The machine-readable schema: <a href='/openapi.json'>/openapi.json</a>.</p>"
        f"<table>{''.join(rows)}</table></body></html>"
    )


def serve_app(home: Path | None = None, db: str | None = None) -> FastAPI:
    """The app for a home, as `diversion serve` runs it."""
    from diversion.store import open_store

    where = Home.resolve(home)
    return create_app(where, open_store(where, db))
