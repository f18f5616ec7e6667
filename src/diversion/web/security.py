"""What every response and request goes through: security headers, a limit on the request's
size, and who the client is (through a proxy only when that proxy is trusted).

Pure ASGI middleware, so a body over the limit is refused before it is read, not after.
"""

from __future__ import annotations

import ipaddress
import json
import re
import secrets
from collections.abc import Iterable, Sequence
from urllib.parse import urlsplit

from fastapi import HTTPException, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_BODY = 10 * 1024 * 1024  # bytes: 1,000 declarations of a /screen batch fit many times over
NONCE_KEY = "diversion.csp_nonce"
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def content_security_policy(nonce: str) -> str:
    """Scripts only from this server or inline with this response's nonce (the flows page's
    charts); styles inline too (the pages' own and plotly's); no framing; forms post here."""
    return (
        f"default-src 'self'; script-src 'self' 'nonce-{nonce}'; "
        "style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )


class SecurityHeaders:
    """CSP, X-Frame-Options, X-Content-Type-Options, Referrer-Policy and Cache-Control on
    every response (a route that says how long to cache, such as plotly.js, keeps its own)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        nonce = secrets.token_urlsafe(16)
        scope[NONCE_KEY] = nonce
        https = scope.get("scheme") == "https"

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                wanted = [
                    (b"content-security-policy", content_security_policy(nonce).encode()),
                    (b"x-frame-options", b"DENY"),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"same-origin"),
                    (b"cache-control", b"no-store"),
                ]
                if https:
                    wanted.append((b"strict-transport-security", b"max-age=31536000"))
                headers += [(name, value) for name, value in wanted if name not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def csp_nonce(request: Request) -> str:
    return str(request.scope.get(NONCE_KEY, ""))


_SCRIPT = re.compile(r"<script(?=[\s>])", re.IGNORECASE)


def with_nonce(html: str, request: Request) -> str:
    """Inline scripts made by a library (plotly's charts) allowed by this response's CSP."""
    return _SCRIPT.sub(f'<script nonce="{csp_nonce(request)}"', html)


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is over the limit of {limit:,} bytes")


class BodyLimit:
    """413 for a body over `limit` bytes: at once when Content-Length says so, else as soon
    as the bytes read pass it (a chunked upload), before any route has stored anything."""

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await _refuse(send, self.limit)
            return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise BodyTooLarge(self.limit)
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counted, watched)
        except BodyTooLarge:
            if started:
                raise
            await _refuse(send, self.limit)


async def _refuse(send: Send, limit: int) -> None:
    body = json.dumps({"detail": BodyTooLarge(limit).detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def parse_proxies(values: Iterable[str]) -> list[Network]:
    """Addresses or networks (`10.0.0.1`, `10.0.0.0/8`) of the proxies in front of the server;
    ValueError names one that is neither."""
    networks: list[Network] = []
    for value in values:
        for part in value.replace(",", " ").split():
            try:
                networks.append(ipaddress.ip_network(part, strict=False))
            except ValueError:
                raise ValueError(f"{part!r} is not an IP address or network") from None
    return networks


def _trusted(address: str, proxies: Sequence[Network]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in proxies)


def client_address(request: Request) -> str:
    """The client's address, as the sign-in limit counts it. X-Forwarded-For is read only when
    the connection comes from a trusted proxy (`app.state.trusted_proxies`), and then from the
    right: the nearest address no trusted proxy added is the client. Anyone else can write
    anything in that header."""
    peer = request.client.host if request.client else "?"
    proxies: Sequence[Network] = getattr(request.app.state, "trusted_proxies", ())
    if not proxies or not _trusted(peer, proxies):
        return peer
    hops = [hop.strip() for hop in request.headers.get("x-forwarded-for", "").split(",")]
    hops = [hop for hop in hops if hop]
    for hop in reversed(hops):
        if not _trusted(hop, proxies):
            try:
                return str(ipaddress.ip_address(hop))
            except ValueError:
                return peer  # a proxy passed on garbage: count the proxy, not the garbage
    return hops[0] if hops else peer


def is_https(request: Request) -> bool:
    """Whether the client asked over https: X-Forwarded-Proto counts only from a trusted
    proxy (one that ends TLS and asks the server over http)."""
    if request.url.scheme == "https":
        return True
    proxies: Sequence[Network] = getattr(request.app.state, "trusted_proxies", ())
    peer = request.client.host if request.client else "?"
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[-1].strip().lower()
    return bool(proxies) and _trusted(peer, proxies) and forwarded == "https"


def own_path(target: str, default: str = "/app/") -> str:
    """`target` if it is one of the application's own pages, else `default`: never another
    site (`//evil.example`, `/app/\\evil`, `https://...`), so a link cannot send a signed-in
    user elsewhere."""
    parts = urlsplit(target)
    if (
        not target.startswith("/app/")
        or parts.scheme
        or parts.netloc
        or "\\" in target
        or any(ord(ch) < 32 or ord(ch) == 127 for ch in target)
    ):
        return default
    return target


def same_origin(request: Request) -> bool:
    """Whether a form post comes from this site: browsers send Origin (or at least
    Sec-Fetch-Site) with every cross-site POST; a client that sends neither is not a browser
    acting for someone else."""
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        return False
    origin = request.headers.get("origin")
    if origin is None:
        return True
    if origin == "null":
        return False
    # the host only: behind a proxy that ends TLS the server itself is asked over http
    return urlsplit(origin).netloc == request.url.netloc
