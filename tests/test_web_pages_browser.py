"""The evidence, entity, licences and lists pages (issue 25, parts 4 to 7): the pieces on the
demo's own data (evidence tables, FtM labels and country names, the network's nodes and edges,
the static SVG), then every page in Debian's headless Chromium driven by Playwright, in every
language of the interface and at 390 px and 1366 px: no page wider than the screen, evidence
tables and a drawn graph that a click expands, and axe-core (from the axe-playwright-python
package) finds no serious or critical violation. Screenshots go to
test-artifacts/screenshots/pages/."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from diversion.api.app import create_app
from diversion.home import Home
from diversion.lists import demo_list
from diversion.matching import Matcher
from diversion.network.bundled import demo_network
from diversion.network.explore import graph_data
from diversion.network.export import subgraph, to_svg
from diversion.network.graph import Network
from diversion.store import Store
from diversion.web.entity_view import country_name, linked_rows, property_rows
from diversion.web.evidence import matched_words, readable
from diversion.web.i18n import LANGUAGES, translator
from tests import browser
from tests.browser import wait_until
from tests.test_web import _signed_in

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "test-artifacts" / "screenshots" / "pages"
EXE = Path(sys.executable).with_name("diversion")
WIDTHS = (390, 1366)
RED = "KZ-2023-000412"  # the demo's red declaration: listed exporter, drones, CHPL goods
OWNED = "KZ-2024-001311"  # exporter owned by listed parties
ENTITY = "demo-co-berkut-aero-trade"


@pytest.fixture(scope="module")
def network() -> Network:
    listing = demo_list()
    found = demo_network(listing, Matcher(listing))
    assert found is not None
    return found


# -- the pieces ------------------------------------------------------------------------------


def test_matching_words_are_marked_across_scripts() -> None:
    left, right = matched_words("ТОО «Беркут Аэро Трейд»", "Berkut Aero Trade LLP")
    assert [w.text for w in left if w.matched] == ["«Беркут", "Аэро", "Трейд»"]
    assert [w.text for w in right if not w.matched] == ["LLP"]
    left, right = matched_words("TLEUKHANOV MARAT", "Тлеуханов Марат Серикович", "Person")
    assert all(w.matched for w in left)
    assert [w.text for w in right if not w.matched] == ["Серикович"]


def _reason(code: str, evidence: dict[str, Any]) -> dict[str, Any]:
    return {"code": code, "evidence": evidence}


def test_evidence_tables_take_every_field_once() -> None:
    t = translator("en")
    evidence = {
        "role": "exporter",
        "query_name": "ТОО «Беркут Аэро Трейд»",
        "list": "diversion-demo-list",
        "list_version": "2026-11-23",
        "entity_id": ENTITY,
        "entity_name": "ТОО «Беркут Аэро Трейд»",
        "matched_name": "Berkut Aero Trade LLP",
        "score": 1.0,
        "method": "identifier+name",
        "programs": ["Demo Authority (fictional): DEMO-RUSSIA-EO"],
        "country_of_origin": "US",
    }
    sanctions = [{"programme": "DEMO-RUSSIA-EO", "Listing date": "2023-05-19"}]
    told = readable(evidence, t, "en", sanctions_of=lambda _: sanctions)
    kinds = [s.kind for s in told.sections]
    assert kinds == ["names", "facts", "facts"]
    listing = dict((name, value) for name, value, _ in told.sections[1].rows)
    assert listing["Listed entity"] == "ТОО «Беркут Аэро Трейд»"
    assert listing["Programmes"] == "Demo Authority (fictional): DEMO-RUSSIA-EO"
    assert "2023-05-19" in listing["DEMO-RUSSIA-EO"]
    rest = dict((name, value) for name, value, _ in told.sections[2].rows)
    assert rest == {"Party": "exporter", "Country of origin": "United States (US)"}
    russian = readable(evidence, translator("ru"), "ru")
    rest_ru = dict((name, value) for name, value, _ in russian.sections[-1].rows)
    assert rest_ru["Страна происхождения"] == "Соединённые штаты (US)"


def test_ownership_chains_and_licence_left_are_told(network: Network) -> None:
    t = translator("en")
    chain = {
        "ownership": {
            "us": {
                "rule_title": "OFAC 50 % rule",
                "total_share": "55",
                "owners": [{"owner": "p-tleukhanov", "share": "30"}],
                "paths": [[{"entity": "p-tleukhanov", "share": None},
                           {"entity": "kz-sapa", "share": "30"}]],
            }
        },
        "listed_owners": {"p-tleukhanov": []},
        "variants": ["us"],
    }  # fmt: skip
    told = readable(chain, t, "en", caption=network.caption)
    [section] = told.sections
    assert section.kind == "ownership"
    steps = section.rows[0]["chains"][0]
    assert [(s["name"], s["share"], s["listed"]) for s in steps] == [
        ("Тлеуханов Марат Серикович", None, True),
        ("Sapa Electronics Distribution LLP", "30", False),
    ]
    licence = {
        "licence_no": "KZ-1",
        "quantity_limit": "100",
        "quantity_left": "40",
        "quantity_requested": "60",
        "quantity_left_after": "-20",
        "checked": "amounts",
    }
    told = readable(licence, t, "en")
    rows = dict((name, value) for name, value, _ in told.sections[0].rows)
    assert rows["Quantity left"] == "40" and rows["Quantity left after this"] == "-20"
    assert told.sections[-1].rows == [("checked", "amounts", "")]  # no label: its own name


def test_entity_properties_have_ftm_labels_and_country_names() -> None:
    listing = demo_list()
    entity = listing.entities[ENTITY]
    rows = {row["name"]: row for row in property_rows(entity, "ru")}
    assert rows["jurisdiction"]["label"] == "Юрисдикция"
    assert rows["jurisdiction"]["values"] == ["Казахстан"]
    assert rows["name"]["label"] == "Имя" and next(iter(rows)) == "name"  # featured first
    english = {row["name"]: row for row in property_rows(entity, "en")}
    assert english["registrationNumber"]["label"] == "Registration number"
    assert country_name("kz", "kk") == "Қазақстан"
    related = [e for e in listing.entities.values() if ENTITY in e.get("asset", quiet=True)]
    [ownership] = linked_rows(entity, related, "en")
    assert ownership["schema"] == "Ownership" and ownership["as"] == "Asset"
    assert ownership["parties"] == ["demo-person-vedernikov"]
    assert ("Percentage held", "100") in ownership["details"]


def test_the_graph_service_gives_directed_labelled_edges(network: Network) -> None:
    data = graph_data(network, "kz-berkut-aero", 1)
    nodes = {n["id"]: n for n in data["nodes"]}
    assert nodes["kz-berkut-aero"]["centre"] and nodes["kz-berkut-aero"]["listed"]
    assert nodes["p-vedernikov"]["person"] and nodes["p-vedernikov"]["listed"]
    assert not nodes["p-abenov"]["listed"]
    pairs = {(e["from"], e["to"], e["kind"], e["label"]) for e in data["edges"]}
    assert ("p-vedernikov", "kz-berkut-aero", "ownership", "100 %") in pairs
    assert ("p-vedernikov", "kz-berkut-aero", "directorship", "founder") in pairs
    deeper = graph_data(network, "kz-berkut-aero", 2)
    assert len(deeper["nodes"]) > len(data["nodes"])
    with pytest.raises(KeyError):
        graph_data(network, "no-such-entity")


def test_the_static_picture_has_one_label_per_pair_and_a_legend(network: Network) -> None:
    nodes, edges = subgraph(network, "kz-berkut-aero", 2)
    svg = to_svg(network, "kz-berkut-aero", nodes, edges)
    assert "100 % · founder" in svg  # not "100 %" printed over "founder"
    places = re.findall(r'<text x="([\d.]+)" y="([\d.]+)" fill="#333"', svg)
    assert len(places) == len(set(places))  # no two edge labels on the same spot
    assert 'class="legend"' in svg and "owns (share)" in svg and "marker-end" in svg


def test_empty_pages_say_what_to_do_and_the_demo_list_shows(
    any_store: Store, tmp_path: Path
) -> None:
    client = TestClient(create_app(Home(tmp_path), any_store))
    _signed_in(client, any_store, "ana", "analyst")
    licences = client.get("/app/licences")
    assert 'id="no-licences"' in licences.text and "diversion licences import" in licences.text
    lists = client.get("/app/lists")
    assert "diversion lists import" in lists.text
    assert 'id="bundled-diversion-demo-list"' in lists.text
    script = client.get("/app/static/vis-network.js")
    assert script.status_code == 200 and "vis-network" in script.text[:400]
    assert script.headers["content-type"].startswith("application/javascript")


# -- in a browser ----------------------------------------------------------------------------


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    home = tmp_path_factory.mktemp("pages") / "home"
    port = _port()
    env = {**os.environ, "COLUMNS": "200", "DIVERSION_HOME": str(home)}
    process = subprocess.Popen(
        [str(EXE), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = []
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        line = process.stdout.readline() if process.stdout else ""
        lines.append(line)
        if "Diversion API on" in line or not line:
            break
    accounts = dict(re.findall(r"Demo account (\S+) \(\w+\), password: (\S+)", "".join(lines)))
    time.sleep(1.5)
    try:
        yield f"http://127.0.0.1:{port}", accounts
    finally:
        process.terminate()
        process.wait(timeout=30)


PAGES = (
    ("login", "/app/login"),
    ("dashboard", "/app/"),
    ("queue", "/app/queue"),
    ("declaration-red", f"/app/declarations/{RED}"),
    ("declaration-owned", f"/app/declarations/{OWNED}"),
    ("entity", f"/app/entities/{ENTITY}"),
    ("licences", "/app/licences"),
    ("lists", "/app/lists"),
    ("flows", "/app/flows"),
)


def _serious(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes'][:3]]}"
        for v in found
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_fits_the_screen_and_passes_axe(
    served: tuple[str, dict[str, str]], lang: str, width: int
) -> None:
    if browser.find() is None:
        message = "no chromium: the web pages were not checked in a browser"
        if browser.required():
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    base, accounts = served
    SHOTS.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=browser.find(), args=["--no-sandbox", "--disable-gpu"]
        )
        page = chromium.new_page(viewport={"width": width, "height": 900})
        outside: list[str] = []
        page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(base) else None)
        page.goto(f"{base}/app/lang/{lang}")
        page.goto(f"{base}/app/login")
        page.fill("input[name=username]", "demo-analyst")
        page.fill("input[name=password]", accounts["demo-analyst"])
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/app/")
        assert page.get_attribute("html", "lang") == lang
        for name, path in PAGES:
            if name == "login":
                context = chromium.new_context(viewport={"width": width, "height": 900})
                context.add_cookies([{"name": "diversion_lang", "value": lang, "url": base}])
                shown = context.new_page()
            else:
                shown = page
            shown.goto(f"{base}{path}")
            if name == "entity":
                wait_until(shown, "window.diversionGraph !== undefined")
                shown.evaluate("window.diversionGraph.ready")
                wait_until(shown, "window.diversionGraph.nodes.length >= 3")
            wide = shown.evaluate("document.documentElement.scrollWidth")
            if wide > width:
                problems.append(f"{name}: {wide} px wide at {width} px")
            problems += [f"{name}: {found}" for found in _serious(shown)]
            shown.screenshot(path=str(SHOTS / f"{lang}-{width}-{name}.png"), full_page=True)
            if name == "login":
                shown.context.close()
        page.goto(f"{base}/app/declarations/{RED}")
        assert page.locator(".evidence-section.names mark").count() >= 3
        assert page.locator(".evidence-section.controls table.controls tbody tr").count() >= 1
        raw = page.locator("#reasons details.raw").first
        raw.locator("summary").click()
        assert '"entity_id"' in (raw.locator("pre").text_content() or "")
        page.goto(f"{base}/app/declarations/{OWNED}")
        assert page.locator(".evidence-section.ownership ol.chains li").count() >= 2
        assert page.locator(".evidence-section.ownership a.listed").count() >= 2
        _expand_a_node(page, base)
        chromium.close()
    assert outside == []
    assert problems == []


def _expand_a_node(page: Any, base: str) -> None:
    """Open the entity's graph, click a party whose neighbourhood holds someone not yet drawn,
    and see the graph grow."""
    page.goto(f"{base}/app/entities/{ENTITY}")
    wait_until(page, "window.diversionGraph !== undefined")
    page.evaluate("window.diversionGraph.ready")
    drawn = set(page.evaluate("window.diversionGraph.nodes.getIds()"))
    assert len(drawn) >= 3
    assert page.locator("#legend li").count() == 7
    assert page.evaluate("window.diversionGraph.edges.get().every(e => e.arrows === 'to')")
    shares = page.evaluate(
        "window.diversionGraph.edges.get().filter(e => !e.dashes).map(e => e.label)"
    )
    assert any(label.endswith("%") for label in shares)
    growing = next(
        node
        for node in sorted(drawn)
        if {n["id"] for n in page.request.get(f"{base}/app/network/{node}").json()["nodes"]} - drawn
    )
    page.locator("#graph").scroll_into_view_if_needed()
    page.wait_for_timeout(500)  # the layout settles
    point = page.evaluate(
        """id => { const g = window.diversionGraph.network;
                   const p = g.canvasToDOM(g.getPositions([id])[id]);
                   const box = document.getElementById('graph').getBoundingClientRect();
                   return {x: box.left + p.x, y: box.top + p.y}; }""",
        growing,
    )
    page.mouse.click(point["x"], point["y"])
    wait_until(page, f"window.diversionGraph.nodes.length > {len(drawn)}")
