"""`/auth/token`: a bearer token for a user name and password, and its revocation."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request, Response

from diversion.api import schemas
from diversion.api.deps import UsersDep, Viewer
from diversion.cases.signin import LoginLimiter, TooManyLogins
from diversion.cases.users import LOGIN_TOKEN_LIFETIME
from diversion.web.security import client_address

router = APIRouter()


@router.post(
    "/auth/token",
    response_model=schemas.Token,
    tags=["service"],
    responses={401: {"model": schemas.Problem}, 429: {"model": schemas.Problem}},
)
def login(
    request: Request,
    username: Annotated[str, Form(max_length=60)],
    password: Annotated[str, Form(max_length=200)],
    users: UsersDep,
) -> schemas.Token:
    """A bearer token for a user name and password, good for 24 hours. Failed attempts are
    limited per user name and per client (X-Forwarded-For counts only from a proxy the
    server trusts)."""
    limiter: LoginLimiter = request.app.state.limiter
    try:
        user = limiter.sign_in(users, client_address(request), username, password)
    except TooManyLogins:
        raise HTTPException(429, "too many failed logins; wait a few minutes") from None
    if user is None:
        raise HTTPException(401, "wrong user name or password")
    token = users.create_token(user.username, "login", user.username, LOGIN_TOKEN_LIFETIME)
    return schemas.Token(access_token=token)


@router.delete(
    "/auth/token",
    status_code=204,
    tags=["service"],
    responses={401: {"model": schemas.Problem}},
)
def logout(request: Request, user: Viewer, users: UsersDep) -> Response:
    """Revoke the bearer token this request carries (sign out); it is refused from now on."""
    _, _, token = request.headers.get("authorization", "").partition(" ")
    if not token.strip():
        raise HTTPException(400, "send the token to revoke as Authorization: Bearer TOKEN")
    users.revoke_token(token.strip())
    return Response(status_code=204)
