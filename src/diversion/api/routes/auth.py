"""`/auth/token`: a bearer token for a user name and password."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request

from diversion.api import schemas
from diversion.api.deps import UsersDep
from diversion.cases.signin import LoginLimiter, TooManyLogins

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
    """A bearer token for a user name and password. Failed attempts are limited per user
    name and per client."""
    client = request.client.host if request.client else "?"
    limiter: LoginLimiter = request.app.state.limiter
    try:
        user = limiter.sign_in(users, client, username, password)
    except TooManyLogins:
        raise HTTPException(429, "too many failed logins; wait a few minutes") from None
    if user is None:
        raise HTTPException(401, "wrong user name or password")
    return schemas.Token(access_token=users.create_token(user.username, "login", user.username))
