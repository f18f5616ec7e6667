"""A finding's series as a chart: Plotly figures for the interactive report, matplotlib PNGs
for slides and case files. Both are drawn from one layout (`layout`), so they agree: the unit
and currency on the value axis, a log scale when the values span more than two orders of
magnitude, the baseline years shaded (and the baseline level drawn where the finding has one),
every year or month between the first and the last on the time axis (a period without data
is a gap, not left out), and for event studies the policy date at 0 on a numeric axis."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from diversion.flows.findings import Finding

PALETTE = ("#b2182b", "#2166ac", "#4d9221", "#8c510a", "#762a83")
LOG_SPAN = 100.0  # positive values spanning more than this factor are drawn on a log scale
CURRENCIES = ("USD", "EUR")
PERIOD = re.compile(r"^(\d{4})(?:-(\d{2}))?")


@dataclass(frozen=True)
class Layout:
    """What both renderers draw."""

    title: str
    labels: tuple[str, ...]  # the time axis, every period in order
    x: tuple[float, ...]  # positions: indices of `labels`, or relative months for events
    series: tuple[tuple[str, tuple[float | None, ...]], ...]  # name, value at each x
    y_title: str
    x_title: str
    log: bool
    shade: tuple[float, float] | None  # x range of the baseline periods
    reference: float | None
    event: bool


def _y_title(finding: Finding) -> str:
    unit = finding.series[0].unit if finding.series else ""
    if unit in CURRENCIES:
        return f"Trade value, {unit} (current prices)"
    if unit.endswith("/kg"):
        return f"Unit value, {unit}"
    if unit == "index":
        return "Index (mean of the months before = 100)"
    return unit


def _period_key(label: str) -> tuple[int, int] | None:
    found = PERIOD.match(label)
    if not found:
        return None
    return int(found.group(1)), int(found.group(2) or 0)


def _time_axis(finding: Finding) -> tuple[list[str], dict[str, int]]:
    """Every period from the first to the last (a missing one gets its plain label), and the
    position of each label the series use."""
    labels: dict[tuple[int, int], str] = {}
    unparsed: list[str] = []
    for series in finding.series:
        for label, _ in series.points:
            key = _period_key(label)
            if key is None:
                unparsed.append(label)
            else:
                labels.setdefault(key, label)
    if unparsed or not labels:
        ordered = list(dict.fromkeys(label for s in finding.series for label, _ in s.points))
        return ordered, {label: i for i, label in enumerate(ordered)}
    keys = sorted(labels)
    monthly = all(month for _, month in keys)
    full: list[tuple[int, int]] = []
    if monthly:
        first, last = keys[0][0] * 12 + keys[0][1] - 1, keys[-1][0] * 12 + keys[-1][1] - 1
        full = [(serial // 12, serial % 12 + 1) for serial in range(first, last + 1)]
    else:
        full = [(year, 0) for year in range(keys[0][0], keys[-1][0] + 1)]
    ordered = [
        labels.get(key, f"{key[0]}-{key[1]:02d}" if monthly else str(key[0])) for key in full
    ]
    positions = {label: i for i, label in enumerate(ordered)}
    for series in finding.series:  # a yearly label of a monthly axis: its year's position
        for label, _ in series.points:
            key = _period_key(label)
            if label not in positions and key is not None and (key[0], 0) in full:
                positions[label] = full.index((key[0], 0))
    return ordered, positions


def layout(finding: Finding) -> Layout:
    event = finding.chart == "event"
    if event:
        steps = sorted(
            {int(float(label)) for s in finding.series for label, _ in s.points}
            if finding.series
            else set()
        )
        labels = [str(step) for step in steps]
        x = [float(step) for step in steps]
        index = {str(step): i for i, step in enumerate(steps)}
        positions = {
            label: index[str(int(float(label)))] for s in finding.series for label, _ in s.points
        }
    else:
        labels, positions = _time_axis(finding)
        x = [float(i) for i in range(len(labels))]
    series = []
    for one in finding.series:
        values: list[float | None] = [None] * len(labels)
        for label, value in one.points:
            values[positions[label]] = value
        series.append((one.name, tuple(values)))
    positive = [v for _, values in series for v in values if v is not None and v > 0]
    log = bool(positive) and not event and max(positive) / min(positive) > LOG_SPAN
    shade = None
    if finding.shade and not event:
        inside = [
            i
            for i, label in enumerate(labels)
            if (key := _period_key(label)) and str(key[0]) in finding.shade
        ]
        if inside:
            shade = (inside[0] - 0.5, inside[-1] + 0.5)
    return Layout(
        title=finding.title,
        labels=tuple(labels),
        x=tuple(x),
        series=tuple(series),
        y_title=_y_title(finding),
        x_title="Months from the policy date (0 = the date)" if event else "",
        log=log,
        shade=shade,
        reference=finding.reference if finding.reference and finding.reference > 0 else None,
        event=event,
    )


def _baseline_name(finding: Finding) -> str:
    shade = finding.shade
    return f"{shade[0]}–{shade[-1]} baseline" if shade else "baseline"


def plotly_figure(finding: Finding) -> Any:
    import plotly.graph_objects as go

    drawn = layout(finding)
    figure = go.Figure()
    for number, (name, values) in enumerate(drawn.series):
        color = PALETTE[number % len(PALETTE)]
        x = list(drawn.x)
        if finding.chart == "bars":
            figure.add_trace(go.Bar(x=x, y=list(values), name=name, marker_color=color))
        else:
            figure.add_trace(
                go.Scatter(
                    x=x,
                    y=list(values),
                    name=name,
                    mode="lines+markers",
                    line={"color": color},
                    connectgaps=False,
                )
            )
    xaxis: dict[str, Any] = {"title": {"text": drawn.x_title}, "type": "linear"}
    if not drawn.event:
        xaxis.update(tickmode="array", tickvals=list(drawn.x), ticktext=list(drawn.labels))
    figure.update_layout(
        title={"text": drawn.title, "font": {"size": 14}},
        barmode="group",
        height=340,
        margin={"l": 70, "r": 20, "t": 50, "b": 40},
        legend={"orientation": "h", "y": -0.25},
        yaxis={"title": {"text": drawn.y_title}, "type": "log" if drawn.log else "linear"},
        xaxis=xaxis,
        template="plotly_white",
    )
    if drawn.shade:
        figure.add_vrect(
            x0=drawn.shade[0],
            x1=drawn.shade[1],
            fillcolor="#888",
            opacity=0.12,
            line_width=0,
            annotation_text=_baseline_name(finding),
            annotation_position="top left",
        )
    if drawn.reference is not None and drawn.shade:
        figure.add_shape(
            type="line",
            x0=drawn.shade[0],
            x1=drawn.x[-1] + 0.5,
            y0=drawn.reference,
            y1=drawn.reference,
            line={"dash": "dot", "color": "#555"},
        )
    if drawn.event:
        figure.add_vline(x=0, line_dash="dash", line_color="#555")
    return figure


def write_png(finding: Finding, path: Path) -> None:
    figure = matplotlib_figure(finding)
    import matplotlib.pyplot as plt

    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    plt.close(figure)


def matplotlib_figure(finding: Finding) -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    drawn = layout(finding)
    figure, axes = plt.subplots(figsize=(7, 3.6), dpi=110)
    count = max(len(drawn.series), 1)
    for number, (name, values) in enumerate(drawn.series):
        points = [float("nan") if v is None else v for v in values]
        color = PALETTE[number % len(PALETTE)]
        if finding.chart == "bars":
            width = 0.8 / count
            positions = [x + (number - (count - 1) / 2) * width for x in drawn.x]
            axes.bar(positions, points, width=width, label=name, color=color)
        else:
            axes.plot(list(drawn.x), points, marker="o", label=name, color=color)
    if not drawn.event:
        axes.set_xticks(list(drawn.x), list(drawn.labels))
    if drawn.log:
        axes.set_yscale("log")
    if drawn.shade:
        axes.axvspan(*drawn.shade, color="#888", alpha=0.12, label=_baseline_name(finding))
    if drawn.reference is not None and drawn.shade:
        axes.hlines(
            drawn.reference, drawn.shade[0], drawn.x[-1] + 0.5, colors="#555", linestyles=":"
        )
    if drawn.event:
        axes.axvline(0, linestyle="--", color="#555")
    axes.set_title(drawn.title, fontsize=9)
    axes.set_ylabel(drawn.y_title, fontsize=8)
    if drawn.x_title:
        axes.set_xlabel(drawn.x_title, fontsize=8)
    axes.tick_params(axis="x", labelsize=7, rotation=45)
    axes.legend(fontsize=7)
    figure.tight_layout()
    return figure
