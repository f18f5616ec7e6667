"""The dashboard's charts: each a plotly figure (plain data, drawn in the browser by
`static/charts.js` with plotly.js from the installed package) and the table of the same
numbers beside it, with a sentence that says what the chart shows for those who cannot see it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from diversion.cases.dashboard import CORRIDORS, Dashboard
from diversion.cases.workflow import AGES

COLOURS = {"red": "#b2182b", "yellow": "#d08c00", "green": "#1b7837", "unknown": "#9e9e9e"}
Translate = Callable[..., str]


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    summary: str  # the text alternative: what the chart shows, in a sentence
    figure: dict[str, Any]
    columns: list[str]
    rows: list[list[str | int]]
    empty: str  # what the page says when there is nothing to draw

    @property
    def drawn(self) -> bool:
        return bool(self.rows)


def _layout(**more: Any) -> dict[str, Any]:
    return {
        "margin": {"l": 60, "r": 10, "t": 10, "b": 40},
        "height": 300,
        "legend": {"orientation": "h", "y": -0.2},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "font": {"family": "system-ui, sans-serif", "size": 12},
        **more,
    }


def _share(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f} %" if whole else "–"


def _corridor_shares(
    chart_id: str, title: str, periods: list[tuple[Any, dict[str, int]]], t: Translate
) -> Chart:
    labels = [str(day) for day, _ in periods]
    data = [
        {
            "type": "bar",
            "name": t(f"corridor.{corridor}"),
            "x": labels,
            "y": [counts.get(corridor, 0) for _, counts in periods],
            "marker": {"color": COLOURS[corridor]},
        }
        for corridor in CORRIDORS
    ]
    rows: list[list[str | int]] = []
    for label, (_, counts) in zip(labels, periods, strict=True):
        total = sum(counts.values())
        flagged = counts.get("red", 0) + counts.get("yellow", 0)
        rows.append([label, *(counts.get(c, 0) for c in CORRIDORS), total, _share(flagged, total)])
    total = sum(sum(counts.values()) for _, counts in periods)
    flagged = sum(counts.get("red", 0) + counts.get("yellow", 0) for _, counts in periods)
    summary = t(
        "chart_corridor_summary",
        periods=len(periods),
        first=labels[0] if labels else "",
        last=labels[-1] if labels else "",
        total=total,
        share=_share(flagged, total),
    )
    return Chart(
        chart_id,
        title,
        summary,
        {
            "data": data,
            "layout": _layout(barmode="stack", barnorm="percent", yaxis={"ticksuffix": " %"}),
        },
        [t("period"), *(t(f"corridor.{c}") for c in CORRIDORS), t("total"), t("flagged_share")],
        rows,
        t("no_declarations"),
    )


def dashboard_charts(found: Dashboard, t: Translate) -> list[Chart]:
    charts = [
        _corridor_shares("corridors-daily", t("chart_corridors_daily"), found.days, t),
        _corridor_shares("corridors-weekly", t("chart_corridors_weekly"), found.weeks, t),
    ]

    age_rows: list[list[str | int]] = [
        [t(f"corridor.{c}"), *(found.by_corridor_age.get((c, a), 0) for a in AGES)]
        for c in CORRIDORS
    ]
    charts.append(
        Chart(
            "open-by-age",
            t("chart_open_by_age"),
            t(
                "chart_age_summary",
                total=found.open_total,
                old=sum(found.by_corridor_age.get((c, AGES[-1]), 0) for c in CORRIDORS),
            ),
            {
                "data": [
                    {
                        "type": "bar",
                        "name": t(f"corridor.{c}"),
                        "x": [t(a) for a in AGES],
                        "y": [found.by_corridor_age.get((c, a), 0) for a in AGES],
                        "marker": {"color": COLOURS[c]},
                    }
                    for c in CORRIDORS
                ],
                "layout": _layout(barmode="stack"),
            },
            [t("corridor"), *(t(a) for a in AGES)],
            age_rows if found.open_total else [],
            t("no_cases"),
        )
    )

    top = found.reasons
    charts.append(
        Chart(
            "top-reasons",
            t("chart_top_reasons"),
            t(
                "chart_reasons_summary",
                code=top[0][0] if top else "",
                count=top[0][1] if top else 0,
            ),
            {
                "data": [
                    {
                        "type": "bar",
                        "orientation": "h",
                        "x": [count for _, count in reversed(top)],
                        "y": [code for code, _ in reversed(top)],
                        "marker": {"color": "#1f3a5f"},
                    }
                ],
                "layout": _layout(
                    height=max(200, 26 * len(top) + 60),
                    margin={"l": 190, "r": 10, "t": 10, "b": 30},
                ),
            },
            [t("reason_code"), t("open_cases")],
            [[code, count] for code, count in top],
            t("no_cases"),
        )
    )

    statuses = sorted({s for _, counts in found.officers for s in counts})
    names = [who or t("unassigned") for who, _ in found.officers]
    charts.append(
        Chart(
            "per-officer",
            t("chart_per_officer"),
            t(
                "chart_officer_summary",
                officers=sum(1 for who, _ in found.officers if who),
                unassigned=sum(
                    sum(counts.values()) for who, counts in found.officers if who is None
                ),
            ),
            {
                "data": [
                    {
                        "type": "bar",
                        "orientation": "h",
                        "name": t(f"status_{s}"),
                        "x": [counts.get(s, 0) for _, counts in reversed(found.officers)],
                        "y": list(reversed(names)),
                    }
                    for s in statuses
                ],
                "layout": _layout(
                    barmode="stack",
                    height=max(200, 26 * len(names) + 80),
                    margin={"l": 130, "r": 10, "t": 10, "b": 40},
                ),
            },
            [t("assignee"), *(t(f"status_{s}") for s in statuses), t("total")],
            [
                [name, *(counts.get(s, 0) for s in statuses), sum(counts.values())]
                for name, (_, counts) in zip(names, found.officers, strict=True)
            ],
            t("no_cases"),
        )
    )

    updates = list(reversed(found.list_updates))
    labels = [f"{u.list_name} #{u.seq} ({u.imported_at:%Y-%m-%d})" for u in updates]
    effects = (("worse", "#b2182b"), ("better", "#1b7837"), ("reopened", "#d08c00"))
    charts.append(
        Chart(
            "list-updates",
            t("chart_list_updates"),
            t(
                "chart_updates_summary",
                updates=len(updates),
                worse=sum(u.worse for u in updates),
                better=sum(u.better for u in updates),
                reopened=sum(u.reopened for u in updates),
            ),
            {
                "data": [
                    {
                        "type": "bar",
                        "name": t(f"effect_{effect}"),
                        "x": labels,
                        "y": [getattr(u, effect) for u in updates],
                        "marker": {"color": colour},
                    }
                    for effect, colour in effects
                ],
                "layout": _layout(barmode="group"),
            },
            [
                t("list"),
                t("imported"),
                t("entities"),
                t("entities_change"),
                *(t(f"effect_{effect}") for effect, _ in effects),
            ],
            [
                [
                    f"{u.list_name} #{u.seq}",
                    f"{u.imported_at:%Y-%m-%d %H:%M}",
                    u.entities,
                    "–" if u.change is None else f"{u.change:+d}",
                    u.worse,
                    u.better,
                    u.reopened,
                ]
                for u in found.list_updates
            ],
            t("no_list_updates"),
        )
    )
    return charts
