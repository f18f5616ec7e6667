"""What the API's routes share: the current user (bearer token or web session with its CSRF
token), roles, and the app's state (home, store, screening service), read from the request.

Every route says the lowest role it needs (viewer < analyst < supervisor < admin); the case
workflow then checks the action itself (four eyes included).
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi import Path as PathParam

from diversion.cases.users import User
from diversion.cases.workflow import workflow
from diversion.web.deps import (
    SESSION_COOKIE,
    HomeDep,
    ScreeningDep,
    StoreDep,
    UsersDep,
    csrf_token,
    users_of,
)

__all__ = [
    "Analyst",
    "CaseId",
    "HomeDep",
    "ScreeningDep",
    "StoreDep",
    "UsersDep",
    "Viewer",
    "require",
    "user_of",
]


# `Authorization: ApiKey TOKEN` is how yente's clients send a key (yente-client does)
TOKEN_SCHEMES = ("bearer", "apikey")


def user_of(request: Request) -> User:
    """The user whose token the request carries (`Bearer TOKEN`, or `ApiKey TOKEN` as yente's
    clients send it), or whose web session cookie it carries (writes by cookie also need the
    page's CSRF token in X-CSRF-Token); else 401."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    session = request.cookies.get(SESSION_COOKIE, "")
    if not header and session:
        if request.method not in ("GET", "HEAD", "OPTIONS") and not hmac.compare_digest(
            csrf_token(session), request.headers.get("x-csrf-token", "")
        ):
            raise HTTPException(403, "a request signed in by cookie needs X-CSRF-Token")
        scheme, token = "bearer", session
    if scheme.lower() not in TOKEN_SCHEMES or not token.strip():
        raise HTTPException(
            401,
            "send Authorization: Bearer TOKEN (or ApiKey TOKEN)",
            headers={"WWW-Authenticate": "Bearer"},
        )
    user = users_of(request).for_token(token.strip())
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
