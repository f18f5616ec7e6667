"""The HTTP API: screening, yente-compatible matching, entities, cases, licences, lists and
trade-flow findings, behind bearer tokens and roles.

`create_app` builds the app's state (the home, the store, the users, the login limiter and the
screening service) and includes one router per resource (`api/routes/`) and the web pages
(`web/views/`). Every route says the lowest role it needs (`api/deps.py`); the front end is
thin: each route calls the same modules the CLI does.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from diversion import __version__
from diversion.api.routes import (
    auth,
    cases,
    catalog,
    docs,
    entities,
    flows,
    health,
    licences,
    lists,
    match,
    reconcile,
    screen,
    search,
)
from diversion.cases.errors import PermissionDenied, WorkflowError
from diversion.cases.signin import LoginLimiter
from diversion.cases.users import Users
from diversion.goods import ControlListErrors
from diversion.home import Home
from diversion.rules import RuleConfigError
from diversion.service.screening import ContextError, ScreeningService
from diversion.store import Store
from diversion.web.security import MAX_BODY, BodyLimit, SecurityHeaders, parse_proxies
from diversion.web.views import add_pages

TRUSTED_PROXIES_VAR = "DIVERSION_TRUSTED_PROXIES"
MAX_BODY_VAR = "DIVERSION_MAX_BODY"
log = logging.getLogger("diversion.api")

# In this order: the OpenAPI schema lists the paths as the routers add them.
ROUTERS = (
    health, auth, screen, match, search, reconcile, entities, catalog, cases, licences, lists,
    flows, docs,
)  # fmt: skip


async def workflow_error(_: Request, exc: Exception) -> JSONResponse:
    status = 403 if isinstance(exc, PermissionDenied) else 409
    return JSONResponse({"detail": str(exc)}, status_code=status)


async def settings_error(_: Request, exc: Exception) -> JSONResponse:
    """The home's rules file or control lists are broken: screening must not run on
    defaults a user changed, so say what to fix."""
    errors = getattr(exc, "problems", None) or [str(e) for e in getattr(exc, "errors", [])]
    return JSONResponse(
        {"detail": "the home's screening settings are broken; fix them", "errors": errors},
        status_code=503,
    )


def finish_owed_rescreen(service: ScreeningService) -> None:
    """At start: finish a re-screen a list import owes (its run was interrupted). Broken
    screening settings leave it owed, with a warning; the server starts anyway."""
    try:
        report = service.finish_owed_rescreen()
    except (ContextError, RuleConfigError, ControlListErrors) as exc:
        log.warning("a re-screen is owed but cannot run: %s", exc)
        return
    if report is not None:
        log.warning(
            "finished an owed re-screen: %d declaration(s), %d changed, %d case(s) opened",
            report.screened, len(report.changes), len(report.opened),
        )  # fmt: skip


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    finish_owed_rescreen(app.state.screening)
    yield


def create_app(
    home: Home,
    store: Store,
    trusted_proxies: Sequence[str] = (),
    max_body: int = MAX_BODY,
) -> FastAPI:
    """The app; X-Forwarded-For is believed only from `trusted_proxies` (addresses or
    networks), and a request body over `max_body` bytes is refused with 413."""
    app = FastAPI(
        lifespan=lifespan,
        title="Diversion API",
        version=__version__,
        description=(
            "Screen declarations, match parties against the lists (yente-compatible /match), "
            "read entities, work cases, and read licences, lists and trade-flow findings. "
            "Send `Authorization: Bearer TOKEN` or `ApiKey TOKEN` (from `diversion users "
            "token` or POST /auth/token)."
        ),
        docs_url=None,
        redoc_url=None,
    )
    app.state.home = home
    app.state.store = store
    app.state.users = Users(store)
    app.state.limiter = LoginLimiter(store)
    app.state.trusted_proxies = parse_proxies(trusted_proxies)
    app.state.screening = ScreeningService(home, store)

    app.add_exception_handler(WorkflowError, workflow_error)
    for error in (ContextError, RuleConfigError, ControlListErrors):
        app.add_exception_handler(error, settings_error)
    for module in ROUTERS:
        app.include_router(module.router)
    reconcile.add_cors(app)
    add_pages(app)
    app.add_middleware(BodyLimit, limit=max_body)
    app.add_middleware(SecurityHeaders)  # added last, so outermost: on the 413s too
    return app


def serve_app(home: Path | None = None, db: str | None = None) -> FastAPI:
    """The app for a home, as `diversion serve` runs it; the trusted proxies and the body
    limit from $DIVERSION_TRUSTED_PROXIES and $DIVERSION_MAX_BODY."""
    from diversion.store import open_store

    where = Home.resolve(home)
    proxies = os.environ.get(TRUSTED_PROXIES_VAR, "").split(",")
    limit = int(os.environ.get(MAX_BODY_VAR) or MAX_BODY)
    return create_app(where, open_store(where, db), [p for p in proxies if p.strip()], limit)
