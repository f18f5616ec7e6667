"""`diversion flows` end to end: load (all or nothing), the detectors, the report, the demo,
and the report's charts rendered by a real browser with no network."""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from diversion.cli.app import app
from diversion.cli.common import err_console, out_console
from diversion.flows.findings import COLUMNS
from diversion.flows.store import FlowStore
from diversion.flows.synthetic import generate_panel
from tests import browser
from tests.conftest import SHARED

HUBS = SHARED / "trade" / "eurostat-hubs"
runner = CliRunner()


def invoke(*args: str) -> tuple[int, str]:
    for console in (out_console, err_console):
        console.width = 400  # one message, one line
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_load_is_all_or_nothing_unless_told_to_skip(tmp_path: Path) -> None:
    home = tmp_path / "home"
    good = HUBS / "kyrgyz_export_eurostat"
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "REPORTER,PARTNER,PRODUCT,FLOW,STAT_PROCEDURE,PERIOD,VALUE_IN_EUR\n"
        "Atlantis,Kyrgyzstan,Total,EXPORT,Total,Jan. 2022,5\n"
        "Latvia,Kyrgyzstan,Total,EXPORT,Total,Jan. 2018,7\n",
        encoding="utf-8",
    )
    code, output = invoke("flows", "load", "comext", str(good), str(bad), "--home", str(home))
    assert code == 1
    assert f"{bad}:2: reporter: unknown country or area 'Atlantis'" in output
    assert "nothing loaded" in output
    assert FlowStore(home / "flows").loads() == []
    code, output = invoke(
        "flows", "load", "comext", str(good), str(bad), "--home", str(home), "--skip-bad-rows"
    )
    assert code == 0, output
    [load] = FlowStore(home / "flows").loads()
    assert len(load.files) == 69
    rejected = home / "flows" / f"{load.id}.rejected.csv"
    assert list(csv.DictReader(rejected.open())) == [
        {"file": str(bad), "line": "2", "field": "reporter",
         "reason": "unknown country or area 'Atlantis'"}
    ]  # fmt: skip
    code, output = invoke("flows", "load", "comext", str(good), "--home", str(home))
    assert code == 0 and "already loaded" in output and "Nothing new" in output
    code, output = invoke("flows", "ls", "--home", str(home))
    assert load.id in output
    code, output = invoke("flows", "rm", load.id, "--home", str(home))
    assert code == 0 and FlowStore(home / "flows").loads() == []


def test_an_unknown_source_or_file_is_a_usage_error(tmp_path: Path) -> None:
    code, output = invoke("flows", "load", "wto", str(tmp_path), "--home", str(tmp_path))
    assert code == 2 and "unknown source 'wto'" in output
    code, output = invoke("flows", "load", "auto", str(tmp_path / "missing.csv"))
    assert code == 2 and "no such file" in output


def test_detectors_write_findings_as_csv_and_json(tmp_path: Path) -> None:
    home = tmp_path / "home"
    panel = tmp_path / "panel.csv"
    generate_panel(panel)
    assert invoke("flows", "load", "comtrade", str(panel), "--home", str(home))[0] == 0
    out = tmp_path / "surges.csv"
    code, output = invoke(
        "flows", "surges", "--hub", "AM", "--hs", "8542", "--controlled-only",
        "--out", str(out), "--home", str(home),
    )  # fmt: skip
    assert code == 0, output
    rows = list(csv.DictReader(out.open()))
    assert tuple(rows[0]) == COLUMNS
    assert (rows[0]["reporter"], rows[0]["partner"], rows[0]["hs_code"]) == ("AM", "RU", "854231")
    assert all(r["hs_code"].startswith("8542") for r in rows)
    out = tmp_path / "impact.json"
    code, output = invoke(
        "flows", "impact", "--hub", "KZ", "--controlled-only", "--date", "2023-10",
        "--out", str(out), "--home", str(home),
    )  # fmt: skip
    assert code == 0, output
    [finding] = json.loads(out.read_text())
    assert finding["reporter"] == "KZ" and finding["current"] < finding["baseline"] * 0.5
    assert finding["series"][0]["points"][6][0] == "0"
    code, output = invoke("flows", "impact", "--home", str(home))
    assert code == 2 and "YYYY-MM" in output


def test_detectors_need_loaded_flows(tmp_path: Path) -> None:
    code, output = invoke("flows", "mirror", "--home", str(tmp_path))
    assert code == 2 and "no flows loaded" in output


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("flows-demo")
    code, output = invoke("flows", "demo", "--out", str(out))
    assert code == 0, output
    return out


def test_demo_report_has_findings_from_every_detector(demo: Path) -> None:
    findings = json.loads((demo / "findings.json").read_text())
    detectors = {f["detector"] for f in findings}
    assert detectors == {"surges", "roundabout", "mirror", "unit-values", "impact"}
    with (demo / "findings.csv").open() as handle:
        assert len(list(csv.DictReader(handle))) == len(findings)
    mirror = [f for f in findings if f["detector"] == "mirror"]
    assert (mirror[0]["reporter"], mirror[0]["partner"], mirror[0]["period_to"]) == (
        "EU", "KZ", "2022"
    )  # fmt: skip
    pngs = sorted(p.name for p in (demo / "charts").iterdir())
    assert {name.split("-")[1] for name in pngs} >= {"surges", "mirror", "impact", "roundabout"}
    assert all((demo / "charts" / name).read_bytes()[:4] == b"\x89PNG" for name in pngs)


def test_demo_report_renders_offline_in_a_browser(demo: Path) -> None:
    page = demo / "report.html"
    html = page.read_text(encoding="utf-8")
    assert not re.search(r"<(script|link|img)[^>]+(src|href)=[\"']?(https?:)?//", html)
    if browser.find() is None:
        message = "no chromium: the report was not checked in a browser (`make test` installs it)"
        if browser.required():
            pytest.fail(message)
        pytest.skip(message)
    dom = browser.rendered_dom(page)
    figures = dom.split('<figure class="chart"')[1:]
    assert len(figures) == html.count('<figure class="chart"') >= 10
    for figure in figures:  # plotly drew every chart: an SVG with at least one trace
        assert 'class="main-svg"' in figure
        assert re.search(r'class="(scatterlayer|barlayer)', figure)
        assert re.search(r'class="trace (scatter|bars)', figure)


def test_the_bundled_demo_data_is_the_shared_data(tmp_path: Path) -> None:
    """The package ships a copy of the shared Eurostat files; it must not drift."""
    from diversion.reference import package_file

    bundled = package_file("diversion.flows", "data/eurostat-hubs")
    for folder in sorted(p for p in bundled.iterdir() if p.is_dir()):
        for path in sorted(folder.iterdir()):
            assert path.read_bytes() == (HUBS / folder.name / path.name).read_bytes()
    assert shutil.which("diversion") or True
