"""`diversion flows report`: every detector's findings as CSV and JSON, a PNG chart of each
finding, and one self-contained HTML page with interactive charts of the leading ones.

The page carries its own copy of plotly.js and loads nothing from the network, so it opens on
an air-gapped analyst's machine and can be attached to a case as one file.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
from jinja2 import Environment, PackageLoader, select_autoescape

from diversion.files import AtomicFile
from diversion.flows.charts import plotly_figure, write_png
from diversion.flows.coverage import coverage_rows, register_coverage
from diversion.flows.detectors import DETECTORS, Options
from diversion.flows.findings import Finding, write_findings
from diversion.flows.store import Load

CHARTS_PER_DETECTOR = 8


@dataclass(frozen=True)
class Section:
    name: str
    about: str
    findings: list[Finding]
    charts: list[tuple[Finding, str, str]]  # finding, plotly div, png path relative to the page
    pngs: list[str]  # one PNG per finding, in the order of `findings`
    error: str | None = None


def _about(name: str) -> str:
    """The first paragraph of the detector's module docstring: what it looks for, and why."""
    doc = sys.modules[DETECTORS[name].__module__].__doc__ or ""
    return re.sub(r"\s+", " ", doc.strip().split("\n\n")[0])


def _slug(finding: Finding, number: int) -> str:
    text = f"{number:02d}-{finding.detector}-{finding.reporter}-{finding.partner}-{finding.hs_code}"
    return re.sub(r"[^A-Za-z0-9-]+", "_", text) + f"-{finding.period_to}.png"


def build_report(
    con: duckdb.DuckDBPyConnection,
    options: dict[str, Options],
    out: Path,
    loads: Iterable[Load] = (),
    progress: Callable[[str], None] | None = None,
) -> dict[str, list[Finding]]:
    """Run the detectors named in `options` and write the report folder `out`."""
    import plotly.io as pio
    from plotly.offline import get_plotlyjs

    out.mkdir(parents=True, exist_ok=True)
    sections, every = [], []
    results: dict[str, list[Finding]] = {}
    for name, detector_options in options.items():
        if progress:
            progress(name)
        try:
            findings = DETECTORS[name](con, detector_options)
        except ValueError as exc:
            sections.append(Section(name, _about(name), [], [], [], str(exc)))
            continue
        results[name] = findings
        every.extend(findings)
        charts, pngs = [], []
        for number, finding in enumerate(findings, start=1):
            png = Path("charts") / _slug(finding, number)
            write_png(finding, out / png)
            pngs.append(png.as_posix())
            if number > CHARTS_PER_DETECTOR:
                continue
            div = pio.to_html(
                plotly_figure(finding),
                include_plotlyjs=False,
                full_html=False,
                config={"displaylogo": False, "responsive": True},
            )
            charts.append((finding, div, png.as_posix()))
        sections.append(Section(name, _about(name), findings, charts, pngs))
    register_coverage(con)
    coverage = coverage_rows(con)
    write_findings(every, out / "findings.csv")
    write_findings(every, out / "findings.json")
    environment = Environment(
        loader=PackageLoader("diversion.flows", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
    )
    page = environment.get_template("report.html.j2").render(
        sections=sections,
        loads=list(loads),
        coverage=coverage,
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        plotly_js=get_plotlyjs(),
    )
    with AtomicFile(out / "report.html") as handle:
        handle.write(page)
    return results
