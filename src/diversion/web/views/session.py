"""Signing in and out, and the language switch.

The sign-in form is protected against login CSRF (another site signing the browser in to an
account of its choosing, to watch what the officer then does): the page sets a random cookie
and puts its HMAC in the form, and a post from another origin is refused before either is
looked at. A session lasts SESSION_LIFETIME, however busy.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from diversion.cases.signin import LoginLimiter, TooManyLogins
from diversion.cases.users import SESSION, SESSION_LIFETIME
from diversion.web.deps import (
    LANGUAGE_COOKIE,
    SESSION_COOKIE,
    UsersDep,
    check_csrf,
    csrf_token,
    language,
    render,
    session_user,
)
from diversion.web.i18n import LANGUAGES, translator
from diversion.web.security import client_address, is_https, own_path, same_origin

router = APIRouter()
LOGIN_COOKIE = "diversion_login"  # the sign-in form's own CSRF secret, before any session


def _login_form(request: Request, status: int = 200, **values: str) -> HTMLResponse:
    """The sign-in page with its CSRF token, and the cookie the token is made from."""
    secret = request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(32)
    page = render(request, "login.html.j2", status, login_csrf=csrf_token(secret), **values)
    page.set_cookie(
        LOGIN_COOKIE,
        secret,
        max_age=3600,
        httponly=True,
        samesite="strict",
        secure=is_https(request),
        path="/app/login",
    )
    return page


@router.get("/", include_in_schema=False)
def root() -> Response:
    return RedirectResponse("/app/", status_code=303)


@router.get("/app/login", response_class=HTMLResponse, include_in_schema=False)
def login_page(request: Request) -> HTMLResponse:
    return _login_form(request, next=own_path(request.query_params.get("next", "/app/")))


@router.post("/app/login", include_in_schema=False)
def login(
    request: Request,
    users: UsersDep,
    username: str = Form(..., max_length=60),
    password: str = Form(..., max_length=200),
    next: str = Form("/app/", max_length=300),
    login_csrf: str = Form("", max_length=100),
) -> Response:
    if not same_origin(request):
        raise HTTPException(403, "a sign-in from another site is refused")
    secret = request.cookies.get(LOGIN_COOKIE, "")
    if not secret:
        raise HTTPException(403, "the sign-in form's CSRF token is missing; reload the page")
    check_csrf(secret, login_csrf)
    t = translator(language(request))
    next = own_path(next)
    limiter: LoginLimiter = request.app.state.limiter
    try:
        user = limiter.sign_in(users, client_address(request), username, password)
    except TooManyLogins:
        return _login_form(request, 429, next=next, failure=t("too_many"))
    if user is None:
        return _login_form(request, 401, next=next, failure=t("bad_login"))
    token = users.create_token(
        user.username, "web session", user.username, SESSION_LIFETIME, SESSION
    )
    response = RedirectResponse(next, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=int(SESSION_LIFETIME.total_seconds()),
        httponly=True,
        samesite="strict",
        secure=is_https(request),
        path="/",
    )
    response.delete_cookie(LOGIN_COOKIE, path="/app/login")
    return response


@router.post("/app/logout", include_in_schema=False)
def logout(request: Request, users: UsersDep, csrf: str = Form("")) -> Response:
    _, token = session_user(request)
    check_csrf(token, csrf)
    users.revoke_token(token)
    response = RedirectResponse("/app/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


def own_page(referer: str | None, host: str) -> str:
    """Where to go back to after switching language: the referring page when it is one of
    the app's own pages (same host, a path under /app/), as a path; else the dashboard. Never
    another site: an absolute URL is cut down to its path, and only when its host is ours."""
    if not referer:
        return "/app/"
    parts = urlsplit(referer)
    if parts.scheme not in ("", "http", "https") or (parts.netloc and parts.netloc != host):
        return "/app/"
    path = parts.path
    if not path.startswith("/app/") or "\\" in referer or any(c < " " for c in referer):
        return "/app/"
    return path + (f"?{parts.query}" if parts.query else "")


@router.get("/app/lang/{code}", include_in_schema=False)
def switch_language(request: Request, code: str) -> Response:
    back = own_page(request.headers.get("referer"), request.url.netloc)
    response = RedirectResponse(back, status_code=303)
    if code in LANGUAGES:
        response.set_cookie(
            LANGUAGE_COOKIE, code, samesite="lax", path="/", max_age=365 * 24 * 3600
        )
    return response
