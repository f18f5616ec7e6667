"""A finding's series as a chart: Plotly figures for the interactive report, matplotlib PNGs
for slides and case files. Both draw the same series the same way."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from diversion.flows.findings import Finding

PALETTE = ("#b2182b", "#2166ac", "#4d9221", "#8c510a", "#762a83")


def plotly_figure(finding: Finding) -> Any:
    import plotly.graph_objects as go

    figure = go.Figure()
    for number, series in enumerate(finding.series):
        x = [period for period, _ in series.points]
        y = [value for _, value in series.points]
        color = PALETTE[number % len(PALETTE)]
        if finding.chart == "bars":
            figure.add_trace(go.Bar(x=x, y=y, name=series.name, marker_color=color))
        else:
            figure.add_trace(
                go.Scatter(x=x, y=y, name=series.name, mode="lines+markers", line={"color": color})
            )
    unit = finding.series[0].unit if finding.series else ""
    figure.update_layout(
        title={"text": finding.title, "font": {"size": 14}},
        barmode="group",
        height=320,
        margin={"l": 60, "r": 20, "t": 50, "b": 40},
        legend={"orientation": "h", "y": -0.2},
        yaxis={"title": {"text": unit}},
        xaxis={
            "type": "category",
            "title": {"text": "month from the date" if finding.chart == "event" else ""},
        },
        template="plotly_white",
    )
    if finding.chart == "event":
        figure.add_vline(x="0", line_dash="dash", line_color="#555")
    return figure


def write_png(finding: Finding, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axes = plt.subplots(figsize=(7, 3.4), dpi=110)
    count = max(len(finding.series), 1)
    for number, series in enumerate(finding.series):
        labels = [period for period, _ in series.points]
        values = [float("nan") if v is None else v for _, v in series.points]
        color = PALETTE[number % len(PALETTE)]
        if finding.chart == "bars":
            width = 0.8 / count
            positions = [i + (number - (count - 1) / 2) * width for i in range(len(labels))]
            axes.bar(positions, values, width=width, label=series.name, color=color)
            axes.set_xticks(range(len(labels)), labels)
        else:
            axes.plot(labels, values, marker="o", label=series.name, color=color)
    if finding.chart == "event" and finding.series:
        labels = [period for period, _ in finding.series[0].points]
        if "0" in labels:
            axes.axvline(labels.index("0"), linestyle="--", color="#555")
    axes.set_title(finding.title, fontsize=10)
    if finding.series:
        axes.set_ylabel(finding.series[0].unit)
    axes.tick_params(axis="x", labelsize=7, rotation=45)
    axes.legend(fontsize=7)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    plt.close(figure)
