"""The dashboard: each chart's numbers (the table beside it) are what the store holds, on
SQLite and PostgreSQL; plotly.js comes from the installed package, once per version, gzipped;
and in Debian's headless Chromium (Playwright) at 390 px and 1366 px the charts are drawn, the
queue pages, sorts and searches, and nothing loads from anywhere but the server."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from diversion.cases.users import Users
from diversion.lists.snapshots import ListStore
from diversion.store import Store
from tests import browser
from tests.browser import wait_until
from tests.conftest import SHARED
from tests.test_api import Api
from tests.test_web import SHOTS, server  # noqa: F401 (the fixture: `diversion serve`)
from tests.test_web_queue import PASSWORD, SCREENED, queue  # noqa: F401 (the fixture)
from tests.web_login import sign_in


def table(page: str, chart: str) -> list[list[str]]:
    """The rows of a chart's table, each cell's text."""
    found = re.search(rf'<table id="{chart}-table"[^>]*>(.*?)</table>', page, re.S)
    assert found is not None, f"no table for {chart}"
    body = found.group(1).split("<tbody>", 1)[1]
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def test_the_charts_numbers_are_the_stores(queue: Api, any_store: Store) -> None:  # noqa: F811
    ListStore(any_store).import_files(
        "ftm", [SHARED / "lists" / "ftm" / "zala.entities.ftm.json"], "zala"
    )
    page = queue.client.get("/app/")
    assert page.status_code == 200
    cases = queue.call("vic", "GET", "/cases", params={"limit": 1000}).json()
    assert re.search(rf'id="open-count">{len(cases)}<', page.text)

    days = Counter(d["declared_at"] for d in SCREENED.values())
    daily = table(page.text, "corridors-daily")
    assert [(row[0], int(row[1]), int(row[4])) for row in daily] == [
        (day, days[day], days[day]) for day in sorted(days)
    ]  # every declaration was red
    weekly = table(page.text, "corridors-weekly")
    assert sum(int(row[4]) for row in weekly) == 12 and weekly[0][0] == "2024-04-29"  # Monday

    ages = table(page.text, "open-by-age")
    assert ages[0] == ["red", "12", "0", "0", "0"] and ages[2] == ["green", "0", "0", "0", "0"]

    codes = Counter(
        r["code"] for c in cases for r in {x["code"]: x for x in c["decision"]["reasons"]}.values()
    )
    reasons = table(page.text, "top-reasons")
    assert {code: int(n) for code, n in reasons} == dict(codes.most_common(15))

    officers = {row[0]: int(row[-1]) for row in table(page.text, "per-officer")}
    assert officers == {"ana": 4, "Unassigned": 8}

    updates = table(page.text, "list-updates")
    assert len(updates) == 1 and updates[0][0] == "zala #1" and updates[0][3] == "–"
    entities = int(updates[0][2])
    assert entities > 0
    for chart in ("corridors-daily", "open-by-age", "top-reasons", "per-officer", "list-updates"):
        assert f'data-chart="{chart}-data" role="img"' in page.text
        assert f'id="{chart}-summary"' in page.text  # the text alternative
    assert not re.search(r'src="https?://', page.text)  # no CDN


def test_an_empty_store_says_so_instead_of_drawing(any_store: Store, tmp_path: Path) -> None:
    served = Api(any_store, tmp_path / "home")
    Users(any_store).set_password("vic", PASSWORD)
    assert sign_in(served.client, "vic", PASSWORD) == 200
    page = served.client.get("/app/").text
    assert "data-chart=" not in page
    assert "No declarations screened yet." in page and "diversion lists import" in page


def test_plotly_is_served_from_the_installed_package_once_per_version(queue: Api) -> None:  # noqa: F811
    import plotly

    page = queue.client.get("/app/").text
    source = re.search(r'<script src="(/app/static/plotly-[^"]+\.min\.js)"', page)
    assert source is not None
    packaged = (Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_bytes()
    raw = queue.client.get(source.group(1), headers={"accept-encoding": "identity"})
    assert raw.status_code == 200 and raw.content == packaged
    assert "immutable" in raw.headers["cache-control"] and "gzip" not in raw.headers.get(
        "content-encoding", ""
    )
    zipped = queue.client.get(source.group(1), headers={"accept-encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip" and zipped.content == packaged
    again = queue.client.get(source.group(1), headers={"if-none-match": raw.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    assert queue.client.get("/app/static/plotly-0.0.1.min.js").status_code == 404
    assert queue.client.get("/app/static/..%2Fdeps.py").status_code == 404


@pytest.mark.parametrize("width", [390, 1366])
def test_the_queue_pages_and_the_dashboard_draws_in_a_browser(
    server: tuple[str, dict[str, str], Path],  # noqa: F811
    width: int,
) -> None:
    if browser.find() is None:
        message = "no chromium: the dashboard and queue were not checked in a browser"
        if browser.required():
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    base, accounts, _ = server
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=browser.find(), args=["--no-sandbox", "--disable-gpu"]
        )
        page = chromium.new_page(viewport={"width": width, "height": 900})
        outside: list[str] = []
        page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(base) else None)
        page.goto(f"{base}/app/login")
        page.fill("input[name=username]", "demo-analyst")
        page.fill("input[name=password]", accounts["demo-analyst"])
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/app/")
        charts = page.locator("[data-chart]")
        assert charts.count() >= 4
        wait_until(
            page,
            "document.querySelectorAll('[data-chart]').length"
            " === document.querySelectorAll('[data-chart][data-drawn=true]').length",
        )
        for index in range(charts.count()):
            box = charts.nth(index)
            assert box.locator("svg.main-svg").count() >= 1  # plotly drew it
            assert box.locator(".bars path, .point path").count() >= 1  # with bars in it
            assert (box.bounding_box() or {"width": 0})["width"] <= width
        page.screenshot(path=str(SHOTS / f"dashboard-{width}.png"), full_page=True)

        page.goto(f"{base}/app/queue?limit=10")
        assert re.fullmatch(r"Cases 1–10 of \d+", page.text_content("#queue-count") or "")
        first = page.locator("#queue tbody tr td:nth-child(2)").all_text_contents()
        page.click("#page-next")
        assert (page.text_content("#queue-count") or "").startswith("Cases 11–20 of")
        second = page.locator("#queue tbody tr td:nth-child(2)").all_text_contents()
        assert len(first) == len(second) == 10 and not set(first) & set(second)
        page.click("#queue th a[data-sort=declared]")
        assert page.get_attribute("#queue th[aria-sort]", "aria-sort") == "ascending"
        page.fill("#q", "berkut")
        page.click("form.filters button[type=submit]")
        found = page.locator("#queue tbody tr").count()
        assert found >= 1 and f"of {found}" in (page.text_content("#queue-count") or "")
        assert all("berkut" in row.lower() or "беркут" in row.lower()
                   for row in page.locator("#queue tbody tr").all_text_contents())  # fmt: skip
        page.screenshot(path=str(SHOTS / f"queue-{width}.png"), full_page=True)
        chromium.close()
    assert outside == []
