"""`/docs`: the API's reference, rendered here from its OpenAPI schema (nothing from a CDN)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

router = APIRouter()


@router.get("/docs", response_class=HTMLResponse, include_in_schema=False)
def docs(request: Request) -> str:
    """The API's reference, rendered here from its OpenAPI schema (nothing from a CDN)."""
    return _docs_page(request.app.openapi())


def _docs_page(spec: dict[str, Any]) -> str:
    from html import escape

    rows = []
    for path, methods in spec.get("paths", {}).items():
        for method, operation in methods.items():
            summary = escape(operation.get("summary", ""))
            text = escape(operation.get("description", "")).replace("\n\n", "<br>")
            rows.append(
                f"<tr><td><code>{method.upper()} {escape(path)}</code></td>"
                f"<td><b>{summary}</b><br>{text}</td></tr>"
            )
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Diversion API</title>"
        "<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto}"
        "td{border-bottom:1px solid #ddd;padding:.4rem;vertical-align:top}</style></head><body>"
        f"<h1>{escape(spec['info']['title'])} {escape(spec['info']['version'])}</h1>"
        f"<p>{escape(spec['info'].get('description', ''))}</p>"
        "<p>The machine-readable schema: <a href='/openapi.json'>/openapi.json</a>.</p>"
        f"<table>{''.join(rows)}</table></body></html>"
    )
