"""What the pages share: the app's state, the session cookie and its CSRF token, rendering.

The app's state is built once by the API's `create_app` (`home`, `store`, `users`, `limiter`,
`screening`); routes read it from the request, not from closures, so each resource's routes
live in a module of their own (`web/views/`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, select_autoescape

from diversion.cases.users import SESSION, User, Users
from diversion.home import Home
from diversion.service.screening import ScreeningService
from diversion.store import Store
from diversion.web.i18n import LANGUAGES, choose, helpers
from diversion.web.security import csp_nonce

SESSION_COOKIE = "diversion_session"
LANGUAGE_COOKIE = "diversion_lang"

_templates = Environment(
    loader=PackageLoader("diversion.web", "templates"),
    autoescape=select_autoescape(["html", "j2"]),
)
_templates.filters["pretty"] = lambda value: json.dumps(value, ensure_ascii=False, indent=1)


def home_of(request: Request) -> Home:
    home: Home = request.app.state.home
    return home


def store_of(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def users_of(request: Request) -> Users:
    users: Users = request.app.state.users
    return users


def screening_of(request: Request) -> ScreeningService:
    screening: ScreeningService = request.app.state.screening
    return screening


HomeDep = Annotated[Home, Depends(home_of)]
StoreDep = Annotated[Store, Depends(store_of)]
UsersDep = Annotated[Users, Depends(users_of)]
ScreeningDep = Annotated[ScreeningService, Depends(screening_of)]


def csrf_token(session: str) -> str:
    """Unguessable without the HttpOnly session cookie, so another site cannot forge it."""
    return hmac.new(session.encode(), b"csrf", hashlib.sha256).hexdigest()[:40]


class LoginRequired(Exception):
    """Not signed in: go to the sign-in page (`web.views` turns it into a redirect)."""


def language(request: Request) -> str:
    """The reader's language: the one they chose (cookie), else their browser's."""
    return choose(request.cookies.get(LANGUAGE_COOKIE), request.headers.get("accept-language"))


def session_user(request: Request) -> tuple[User, str]:
    """The signed-in user and their session token. Called in the route's body, after the form
    is read, so a bad form is a 422 before a missing session is a redirect."""
    token = request.cookies.get(SESSION_COOKIE, "")
    user = users_of(request).for_token(token, SESSION) if token else None
    if user is None:
        raise LoginRequired()
    return user, token


def check_csrf(token: str, given: str) -> None:
    if not hmac.compare_digest(csrf_token(token), given or ""):
        raise HTTPException(403, "the form's CSRF token is missing or wrong; reload the page")


def render(request: Request, template: str, status: int = 200, **values: Any) -> HTMLResponse:
    lang = language(request)
    signed: tuple[User, str] | None
    try:
        signed = session_user(request)
    except LoginRequired:
        signed = None
    page = _templates.get_template(template).render(
        **helpers(lang),
        lang=lang,
        languages=LANGUAGES,
        user=signed[0] if signed else None,
        csrf=csrf_token(signed[1]) if signed else "",
        path=request.url.path,
        message=request.query_params.get("message", ""),
        error=request.query_params.get("error", ""),
        nonce=csp_nonce(request),  # an inline script runs only with this response's nonce
        **values,
    )
    return HTMLResponse(page, status_code=status)
