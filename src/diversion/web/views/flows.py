"""The trade-flow detectors' findings with their charts (plotly.js: `views/assets.py`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from diversion.web.deps import HomeDep, render, session_user
from diversion.web.views.assets import plotly_src

router = APIRouter()


@router.get("/app/flows", response_class=HTMLResponse, include_in_schema=False)
def flows_page(request: Request, home: HomeDep) -> HTMLResponse:
    session_user(request)
    from diversion.flows.charts import plotly_figure
    from diversion.flows.detectors import Options
    from diversion.service.flows import FlowsService

    flows = FlowsService(home)
    sections: list[tuple[str, list[Any], list[str]]] = []
    if flows.loaded():
        import plotly.io as pio

        con = flows.connect()
        for name in ("mirror", "surges", "roundabout", "unit-values"):
            found = flows.detect(name, Options(limit=10), con)
            charts = [
                pio.to_html(plotly_figure(f), include_plotlyjs=False, full_html=False)
                for f in found[:3]
            ]
            sections.append((name, found, charts))
    return render(request, "flows.html.j2", sections=sections, plotly_src=plotly_src())
