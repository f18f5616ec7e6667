"""The pages' scripts, served by the app itself: plotly.js from the installed plotly package
(no CDN) and the small script that draws the charts from the numbers in the page.

Each file is read and gzipped once per process, served under a name that holds its version
(`/app/static/plotly-6.1.2.min.js`) so a browser keeps it for a year and asks again only
after an upgrade, with an ETag for the rest.
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from diversion import __version__

router = APIRouter()

YEAR = 365 * 24 * 3600
STATIC = Path(__file__).resolve().parents[1] / "static"


@dataclass(frozen=True)
class Asset:
    body: bytes
    gzipped: bytes
    etag: str


def _asset(body: bytes) -> Asset:
    return Asset(body, gzip.compress(body, 6), '"' + hashlib.sha256(body).hexdigest()[:32] + '"')


@cache
def plotly_version() -> str:
    from importlib.metadata import version

    return version("plotly")


@cache
def plotly_asset() -> Asset:
    import plotly

    return _asset((Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_bytes())


@cache
def charts_asset() -> Asset:
    return _asset((STATIC / "charts.js").read_bytes())


def plotly_src() -> str:
    return f"/app/static/plotly-{plotly_version()}.min.js"


def charts_src() -> str:
    return f"/app/static/charts-{__version__}.js"


def _serve(request: Request, asset: Asset) -> Response:
    headers = {
        "Cache-Control": f"public, max-age={YEAR}, immutable",
        "ETag": asset.etag,
        "Vary": "Accept-Encoding",
    }
    if request.headers.get("if-none-match") == asset.etag:
        return Response(status_code=304, headers=headers)
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        return Response(asset.gzipped, media_type="text/javascript", headers=headers)
    return Response(asset.body, media_type="text/javascript", headers=headers)


@router.get("/app/static/{name}", include_in_schema=False)
def static(request: Request, name: str) -> Response:
    """Only the current versions' names: an old page's script is not served as the new one."""
    if name == plotly_src().rsplit("/", 1)[1]:
        return _serve(request, plotly_asset())
    if name == charts_src().rsplit("/", 1)[1]:
        return _serve(request, charts_asset())
    raise HTTPException(404, f"no script {name!r}")
