"""Signing in and out, and the language switch."""

from __future__ import annotations

from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from diversion.cases.signin import LoginLimiter, TooManyLogins
from diversion.web.deps import (
    LANGUAGE_COOKIE,
    SESSION_COOKIE,
    UsersDep,
    check_csrf,
    language,
    render,
    session_user,
)
from diversion.web.i18n import LANGUAGES, translator

router = APIRouter()


@router.get("/", include_in_schema=False)
def root() -> Response:
    return RedirectResponse("/app/", status_code=303)


@router.get("/app/login", response_class=HTMLResponse, include_in_schema=False)
def login_page(request: Request) -> HTMLResponse:
    return render(request, "login.html.j2", next=request.query_params.get("next", "/app/"))


@router.post("/app/login", include_in_schema=False)
def login(
    request: Request,
    users: UsersDep,
    username: str = Form(..., max_length=60),
    password: str = Form(..., max_length=200),
    next: str = Form("/app/", max_length=300),
) -> Response:
    t = translator(language(request))
    client = request.client.host if request.client else "?"
    limiter: LoginLimiter = request.app.state.limiter
    try:
        user = limiter.sign_in(users, client, username, password)
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
