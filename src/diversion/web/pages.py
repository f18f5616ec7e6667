"""The analysts' web pages, served under /app by the same process as the API.

Pages are rendered on the server from Jinja templates and work without JavaScript: forms post
and redirect. A sign-in gives a session token (the API's token table, labelled as a web
session) in a cookie that is HttpOnly and SameSite=Strict; every form carries a CSRF token
derived from it, checked on each post. Strings come from the message catalogs in English and
Russian (a language switch in the header).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections import Counter
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape

from diversion.cases.errors import WorkflowError
from diversion.cases.signin import TooManyLogins
from diversion.cases.users import User, Users
from diversion.cases.workflow import Cases, workflow
from diversion.home import Home
from diversion.licences import LicenceStore
from diversion.lists.lookup import find_entity
from diversion.lists.snapshots import ListStore
from diversion.screening.records import DeclarationRecords
from diversion.store import Store
from diversion.web.i18n import LANGUAGES, translator

SESSION_COOKIE = "diversion_session"
LANGUAGE_COOKIE = "diversion_lang"
AGE_BUCKETS = (("today", 1), ("days_1_7", 8), ("days_8_30", 31), ("days_30", None))

_templates = Environment(
    loader=PackageLoader("diversion.web", "templates"),
    autoescape=select_autoescape(["html", "j2"]),
)
_templates.filters["pretty"] = lambda value: json.dumps(value, ensure_ascii=False, indent=1)


def csrf_token(session: str) -> str:
    """Unguessable without the HttpOnly session cookie, so another site cannot forge it."""
    return hmac.new(session.encode(), b"csrf", hashlib.sha256).hexdigest()[:40]


def _age_bucket(opened: datetime) -> str:
    moment = opened if opened.tzinfo else opened.replace(tzinfo=UTC)
    days = (datetime.now(UTC) - moment).days
    for name, limit in AGE_BUCKETS:
        if limit is None or days < limit:
            return name
    return AGE_BUCKETS[-1][0]


class _Login(Exception):
    """Not signed in: go to the sign-in page."""


def add_pages(app: FastAPI, home: Home, store: Store) -> None:
    users: Users = app.state.users

    def language(request: Request) -> str:
        chosen = request.cookies.get(LANGUAGE_COOKIE, "en")
        return chosen if chosen in LANGUAGES else "en"

    def session_user(request: Request) -> tuple[User, str]:
        token = request.cookies.get(SESSION_COOKIE, "")
        user = users.for_token(token) if token else None
        if user is None:
            raise _Login()
        return user, token

    def render(request: Request, template: str, status: int = 200, **values: Any) -> HTMLResponse:
        lang = language(request)
        signed: tuple[User, str] | None
        try:
            signed = session_user(request)
        except _Login:
            signed = None
        page = _templates.get_template(template).render(
            t=translator(lang),
            lang=lang,
            languages=LANGUAGES,
            user=signed[0] if signed else None,
            csrf=csrf_token(signed[1]) if signed else "",
            path=request.url.path,
            message=request.query_params.get("message", ""),
            error=request.query_params.get("error", ""),
            **values,
        )
        return HTMLResponse(page, status_code=status)

    def check_csrf(request: Request, token: str, given: str) -> None:
        if not hmac.compare_digest(csrf_token(token), given or ""):
            raise HTTPException(403, "the form's CSRF token is missing or wrong; reload the page")

    @app.exception_handler(_Login)
    async def to_login(request: Request, _: _Login) -> Response:
        return RedirectResponse(f"/app/login?next={quote(request.url.path)}", status_code=303)

    @app.get("/", include_in_schema=False)
    def root() -> Response:
        return RedirectResponse("/app/", status_code=303)

    @app.get("/app/login", response_class=HTMLResponse, include_in_schema=False)
    def login_page(request: Request) -> HTMLResponse:
        return render(request, "login.html.j2", next=request.query_params.get("next", "/app/"))

    @app.post("/app/login", include_in_schema=False)
    def login(
        request: Request,
        username: str = Form(..., max_length=60),
        password: str = Form(..., max_length=200),
        next: str = Form("/app/", max_length=300),
    ) -> Response:
        t = translator(language(request))
        client = request.client.host if request.client else "?"
        try:
            user = app.state.limiter.sign_in(users, client, username, password)
        except TooManyLogins:
            return render(request, "login.html.j2", 429, next=next, failure=t("too_many"))
        if user is None:
            return render(request, "login.html.j2", 401, next=next, failure=t("bad_login"))
        token = users.create_token(user.username, "web session", user.username)
        target = next if next.startswith("/app/") else "/app/"
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(
            SESSION_COOKIE,
            token,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
            path="/",
        )
        return response

    @app.post("/app/logout", include_in_schema=False)
    def logout(request: Request, csrf: str = Form("")) -> Response:
        _, token = session_user(request)
        check_csrf(request, token, csrf)
        users.revoke_token(token)
        response = RedirectResponse("/app/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/")
        return response

    @app.get("/app/lang/{code}", include_in_schema=False)
    def switch_language(request: Request, code: str) -> Response:
        back = request.headers.get("referer") or "/app/"
        response = RedirectResponse(back if "/app/" in back else "/app/", status_code=303)
        if code in LANGUAGES:
            response.set_cookie(LANGUAGE_COOKIE, code, samesite="strict", path="/")
        return response

    @app.get("/app/", response_class=HTMLResponse, include_in_schema=False)
    def dashboard(request: Request) -> HTMLResponse:
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

    @app.get("/app/queue", response_class=HTMLResponse, include_in_schema=False)
    def queue(request: Request) -> HTMLResponse:
        session_user(request)
        corridor = request.query_params.get("corridor")
        found = Cases(store).find(
            corridor=corridor if corridor in ("green", "yellow", "red") else None, open_only=True
        )
        rows = [(case, _age_bucket(case.opened_at)) for case in found]
        return render(request, "queue.html.j2", rows=rows, statuses=workflow().statuses)

    @app.get(
        "/app/declarations/{declaration_id}", response_class=HTMLResponse, include_in_schema=False
    )
    def declaration(request: Request, declaration_id: str) -> HTMLResponse:
        session_user(request)
        stored = DeclarationRecords(store).get(declaration_id)
        if stored is None:
            raise HTTPException(404, f"no declaration {declaration_id!r}")
        body, decision = stored
        cases = Cases(store)
        case = cases.for_declaration(declaration_id)
        actions = cases.actions(case.id) if case else []
        return render(
            request,
            "declaration.html.j2",
            declaration=body,
            decision=decision,
            case=case,
            actions=actions,
            flow=workflow(),
        )

    @app.post("/app/declarations/{declaration_id}/act", include_in_schema=False)
    def act(
        request: Request,
        declaration_id: str,
        action: str = Form(..., max_length=30),
        reason: str = Form("", max_length=5000),
        assignee: str = Form("", max_length=60),
        csrf: str = Form(""),
    ) -> Response:
        user, token = session_user(request)
        check_csrf(request, token, csrf)
        t = translator(language(request))
        case = Cases(store).for_declaration(declaration_id)
        target = f"/app/declarations/{quote(declaration_id)}"
        if case is None:
            raise HTTPException(404, f"no case for {declaration_id!r}")
        try:
            done = Cases(store).act(case.id, user.username, action, reason, assignee or None)
        except WorkflowError as exc:
            note = quote(t("not_allowed", detail=str(exc)))
            return RedirectResponse(f"{target}?error={note}", status_code=303)
        title = t(f"status_{done.status}")
        return RedirectResponse(
            f"{target}?message={quote(t('done', status=title))}", status_code=303
        )

    @app.get("/app/entities/{entity_id}", response_class=HTMLResponse, include_in_schema=False)
    def entity_page(request: Request, entity_id: str) -> HTMLResponse:
        session_user(request)
        context = app.state.screening.context()
        found = find_entity(ListStore(store), context.sanctions_lists, entity_id)
        listed = found.entity if found else None
        dataset = found.dataset if found else ""
        related = found.related if found else []
        network = context.network
        svg = ""
        around: dict[str, Any] | None = None
        if network is not None:
            from diversion.network.export import subgraph, to_svg

            registry = [
                rid
                for rid, links in network.links.items()
                if any(link.list_entity_id == entity_id for link in links)
            ]
            if entity_id in network.entities:
                registry = [entity_id, *registry]
            if registry:
                from diversion.network.neighbourhood import neighbourhood

                nodes, edges = subgraph(network, registry[0], 2)
                svg = to_svg(network, registry[0], nodes, edges)
                around = neighbourhood(network, registry[0], None)
        if listed is None and not svg:
            raise HTTPException(404, f"no entity {entity_id!r}")
        return render(
            request,
            "entity.html.j2",
            entity=listed,
            dataset=dataset,
            related=related,
            svg=svg,
            entity_id=entity_id,
            around=around,
        )

    @app.get("/app/licences", response_class=HTMLResponse, include_in_schema=False)
    def licences_page(request: Request) -> HTMLResponse:
        session_user(request)
        states = [state.to_dict() for state in LicenceStore(store).licences()]
        return render(request, "licences.html.j2", licences=states)

    @app.get("/app/lists", response_class=HTMLResponse, include_in_schema=False)
    def lists_page(request: Request) -> HTMLResponse:
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

    @app.get("/app/flows", response_class=HTMLResponse, include_in_schema=False)
    def flows_page(request: Request) -> HTMLResponse:
        session_user(request)
        from diversion.flows.charts import plotly_figure
        from diversion.flows.detectors import DETECTORS, Options
        from diversion.flows.detectors.common import register_goods
        from diversion.flows.store import FlowStore
        from diversion.goods.bundled import USER_DIR, load_control_lists

        flows = FlowStore.of(home)
        sections: list[tuple[str, list[Any], list[str]]] = []
        if flows.loads():
            import plotly.io as pio

            con = flows.connect()
            register_goods(con, load_control_lists(home.root / USER_DIR))
            for name in ("mirror", "surges", "roundabout", "unit-values"):
                found = DETECTORS[name](con, Options(limit=10))
                charts = [
                    pio.to_html(plotly_figure(f), include_plotlyjs=False, full_html=False)
                    for f in found[:3]
                ]
                sections.append((name, found, charts))
        return render(request, "flows.html.j2", sections=sections)

    @app.get("/app/static/plotly.js", include_in_schema=False)
    def plotly_js() -> Response:
        """plotly.js from the installed plotly package: the pages load nothing from a CDN."""
        from plotly.offline import get_plotlyjs

        return Response(
            get_plotlyjs(),
            media_type="application/javascript",
            headers={"Cache-Control": "max-age=86400"},
        )
