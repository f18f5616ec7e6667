"""The charts as an analyst would publish them, in Plotly (HTML) and matplotlib (PNG) alike:
units on the axis, log scale when values span orders of magnitude, the baseline shaded, gaps
for missing years, the policy line at 0, and titles that name the flow the right way round."""

from __future__ import annotations

from pathlib import Path

import pytest

from diversion.flows.charts import layout, matplotlib_figure, plotly_figure, write_png
from diversion.flows.findings import Finding, Series


def finding(**changes: object) -> Finding:
    values: dict[str, object] = {
        "detector": "surges",
        "reporter": "KZ",
        "partner": "RU",
        "flow": "export",
        "hs_code": "854231",
        "period_from": "2019",
        "period_to": "2022",
        "baseline": 2e3,
        "current": 13e6,
        "ratio": 250.0,
        "score": 8.0,
        "note": "",
        "series": (
            Series("KZ exports to RU", (("2019", 2e3), ("2021", 2e3), ("2022", 13e6)), "USD"),
        ),
        "shade": ("2019", "2020", "2021"),
        "reference": 2e3,
    }
    values.update(changes)
    return Finding(**values)  # type: ignore[arg-type]


def test_titles_name_imports_and_exports_the_right_way_round() -> None:
    assert finding(reporter="AM", partner="VN", flow="import").title == (
        "AM imports from VN, HS 854231"
    )
    assert finding(reporter="EU", partner="KZ", hs_code="TOTAL").title == (
        "EU → KZ exports, all goods"
    )
    assert finding(detector="mirror", reporter="EU", partner="KZ", hs_code="TOTAL").title == (
        "EU → KZ exports against KZ imports from EU, all goods"
    )


def test_a_missing_year_is_a_gap_and_a_wide_span_is_drawn_on_a_log_scale() -> None:
    drawn = layout(finding())
    assert drawn.labels == ("2019", "2020", "2021", "2022")
    assert drawn.series[0][1] == (2e3, None, 2e3, 13e6)
    assert drawn.log and drawn.y_title == "Trade value, USD (current prices)"
    assert drawn.shade == (-0.5, 2.5) and drawn.reference == 2e3
    figure = plotly_figure(finding())
    assert figure.layout.yaxis.type == "log"
    assert list(figure.layout.xaxis.ticktext) == ["2019", "2020", "2021", "2022"]
    assert figure.data[0].y[1] is None and figure.data[0].connectgaps is False
    kinds = sorted(shape.type for shape in figure.layout.shapes)
    assert kinds == ["line", "rect"]  # the baseline level and the shaded baseline years
    png = matplotlib_figure(finding())
    axes = png.axes[0]
    assert axes.get_yscale() == "log" and axes.get_ylabel().startswith("Trade value, USD")
    assert [t.get_text() for t in axes.get_xticklabels()] == ["2019", "2020", "2021", "2022"]
    assert axes.get_title() == "KZ → RU exports, HS 854231"


def test_a_narrow_span_stays_linear_and_unit_values_say_per_kilogram() -> None:
    flat = (Series("KZ → RU per kg", (("2021", 900.0), ("2022", 2700.0)), "USD/kg"),)
    drawn = layout(finding(detector="unit-values", series=flat, shade=(), reference=None))
    assert not drawn.log and drawn.y_title == "Unit value, USD/kg"
    assert drawn.shade is None
    figure = plotly_figure(finding(detector="unit-values", series=flat))
    assert figure.layout.yaxis.type == "linear"
    assert figure.layout.yaxis.title.text == "Unit value, USD/kg"


def test_partial_years_keep_their_months_in_the_label() -> None:
    points = (("2022", 5.0e6), ("2024 (Jan–Aug)", 4.0e6))
    drawn = layout(finding(series=(Series("x", points, "EUR"),)))
    assert drawn.labels == ("2022", "2023", "2024 (Jan–Aug)")
    assert drawn.series[0][1] == (5.0e6, None, 4.0e6)


def test_the_event_study_policy_line_is_at_zero_in_html_and_png() -> None:
    points = tuple((str(t), 100.0 if t < 0 else 25.0) for t in range(-6, 6))
    event = finding(
        detector="impact",
        hs_code="CONTROLLED",
        series=(Series("index, mean of the months before = 100", points, "index"),),
        chart="event",
        shade=(),
        reference=None,
    )
    figure = plotly_figure(event)
    assert figure.layout.xaxis.type == "linear"
    assert list(figure.data[0].x) == list(range(-6, 6))
    [line] = figure.layout.shapes
    assert (line.x0, line.x1) == (0, 0)  # at the date, not at the first category (-6)
    assert figure.layout.xaxis.title.text.startswith("Months from the policy date")
    assert figure.layout.yaxis.title.text == "Index (mean of the months before = 100)"
    axes = matplotlib_figure(event).axes[0]
    assert [tuple(line.get_xdata()) for line in axes.lines[1:]] == [(0, 0)]
    assert "controlled goods" in axes.get_title()


def test_the_png_is_written(tmp_path: Path) -> None:
    path = tmp_path / "charts" / "one.png"
    write_png(finding(chart="bars"), path)
    assert path.read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize("chart", ["line", "bars"])
def test_both_renderers_draw_every_series(chart: str) -> None:
    two = (
        Series("EU exports to KZ", (("2021", 5.5e9), ("2022", 10.35e9)), "EUR"),
        Series("KZ imports from EU", (("2021", 5.3e9), ("2022", 7.63e9)), "EUR"),
    )
    mirror = finding(detector="mirror", reporter="EU", partner="KZ", series=two, chart=chart)
    assert len(plotly_figure(mirror).data) == 2
    axes = matplotlib_figure(mirror).axes[0]
    assert len(axes.get_legend().get_texts()) == 3  # two series and the shaded baseline
    assert axes.get_ylabel() == "Trade value, EUR (current prices)"


def test_the_report_lists_coverage_and_units_on_the_real_hub_files(tmp_path: Path) -> None:
    from diversion.flows.detectors import Options
    from diversion.flows.loaders import load_files
    from diversion.flows.report import build_report
    from diversion.flows.store import FlowStore
    from tests.conftest import SHARED

    hubs = SHARED / "trade" / "eurostat-hubs"
    files = sorted(hubs.glob("*_eurostat/Relational_View*.csv"))
    files += sorted((hubs / "national_data_converted").iterdir())
    store = FlowStore(tmp_path / "flows")
    store.add(load_files(files).table, "auto", {}, {})
    options = {"mirror": Options(currency="eur", hubs=("KZ", "AM"))}
    results = build_report(store.connect(), options, tmp_path / "report")
    html = (tmp_path / "report" / "report.html").read_text(encoding="utf-8")
    assert "AM import, TOTAL: 2019 (annual figure);" in html
    assert "2023 (annual figure, 15% of a usual year: looks partial)" in html
    assert "EU export, TOTAL: 2019; 2020; 2021; 2022; 2023; 2024 (Jan–Aug)" in html
    assert "<td>EUR</td>" in html
    assert results["mirror"][0].title == "EU → KZ exports against KZ imports from EU, all goods"
