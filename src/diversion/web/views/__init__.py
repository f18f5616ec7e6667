"""The analysts' web pages, served under /app by the same process as the API.

Pages are rendered on the server from Jinja templates and work without JavaScript: forms post
and redirect. A sign-in gives a session token (the API's token table, labelled as a web
session) in a cookie that is HttpOnly and SameSite=Strict; every form carries a CSRF token
derived from it, checked on each post (`web/deps.py`). Strings come from the message catalogs
in English and Russian (a language switch in the header). One router per resource.
"""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import RedirectResponse, Response

from diversion.web.deps import LoginRequired
from diversion.web.views import (
    assets,
    cases,
    dashboard,
    declarations,
    entities,
    flows,
    licences,
    lists,
    session,
)

ROUTERS = (session, dashboard, cases, declarations, entities, licences, lists, flows, assets)


async def to_login(request: Request, _: Exception) -> Response:
    return RedirectResponse(f"/app/login?next={quote(request.url.path)}", status_code=303)


def add_pages(app: FastAPI) -> None:
    """Mount the pages on an app whose state the API's `create_app` built."""
    app.add_exception_handler(LoginRequired, to_login)
    for module in ROUTERS:
        app.include_router(module.router)
