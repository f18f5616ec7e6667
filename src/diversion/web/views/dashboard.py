"""The dashboard: what the queue is doing, as charts with their numbers beside them."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from diversion.cases.dashboard import dashboard
from diversion.web.charts import dashboard_charts
from diversion.web.deps import StoreDep, language, render, session_user
from diversion.web.i18n import translator
from diversion.web.views.assets import charts_src, plotly_src

router = APIRouter()


@router.get("/app/", response_class=HTMLResponse, include_in_schema=False)
def dashboard_page(request: Request, store: StoreDep) -> HTMLResponse:
    session_user(request)
    found = dashboard(store)
    charts = dashboard_charts(found, translator(language(request)))
    return render(
        request,
        "dashboard.html.j2",
        found=found,
        charts=charts,
        plotly_src=plotly_src(),
        charts_src=charts_src(),
    )
