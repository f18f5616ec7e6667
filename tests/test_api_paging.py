"""Paging and filters on the API's lists (/cases, /licences, /lists, flow findings) and on
`cases ls`, on SQLite and PostgreSQL: pages are read from the store a page at a time (the
statements say LIMIT), follow one another without gaps, and each filter keeps exactly the rows
a reading of the whole list in Python keeps."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event
from typer.testing import CliRunner

from diversion.cli.app import app
from diversion.licences import LicenceStore
from diversion.lists.snapshots import ListStore
from diversion.store import Store
from tests.conftest import DEMO, SHARED
from tests.test_api import RED, Api

CONSIGNEES = ["Anadolu Un Sanayi A.Ş.", "Özdemir Makina Ltd. Şti.", "ООО «Тайга Электросервис»"]


def declaration(number: int) -> dict[str, Any]:
    consignee = {"name": CONSIGNEES[number % 3], "country": "TR"}
    return {**RED, "declaration_id": f"PG-{number:02d}", "consignee": consignee}


@pytest.fixture
def api(any_store: Store, tmp_path: Path) -> Api:
    served = Api(any_store, tmp_path / "home")
    batch = {"declarations": [declaration(n) for n in range(1, 12)]}
    screened = served.call("ana", "POST", "/screen", json=batch)
    assert screened.status_code == 200 and len(screened.json()["cases_opened"]) == 11
    return served


def cases(api: Api, **params: Any) -> tuple[list[dict[str, Any]], Any]:
    response = api.call("vic", "GET", "/cases", params=params)
    assert response.status_code == 200, response.text
    return response.json(), response.headers


def links(headers: Any) -> dict[str, str]:
    return {rel: url for url, rel in re.findall(r'<([^>]+)>; rel="(\w+)"', headers.get("link", ""))}


def test_pages_follow_one_another_with_the_total_and_links(api: Api) -> None:
    whole, headers = cases(api, limit=1000)
    assert headers["x-total-count"] == "11" and len(whole) == 11 and "link" not in headers
    seen: list[str] = []
    params: dict[str, Any] = {"limit": 4}
    pages = 0
    while True:
        page, headers = cases(api, **params)
        assert headers["x-total-count"] == "11" and len(page) <= 4
        seen.extend(c["declaration_id"] for c in page)
        pages += 1
        following = links(headers).get("next")
        if following is None:
            assert "x-next-offset" not in headers
            break
        assert "offset=" in following and headers["x-next-offset"] == str(len(seen))
        params = dict(re.findall(r"[?&](\w+)=([^&]+)", following))
    assert pages == 3 and seen == [c["declaration_id"] for c in whole]
    last, headers = cases(api, limit=4, offset=8)
    assert len(last) == 3 and "offset=4" in links(headers)["prev"]
    newest, _ = cases(api, limit=2, sort="-id")
    assert [c["id"] for c in newest] == sorted((c["id"] for c in whole), reverse=True)[:2]
    beyond, headers = cases(api, offset=50)
    assert beyond == [] and headers["x-total-count"] == "11"


def test_a_page_is_read_from_the_store_a_page_at_a_time(api: Api, any_store: Store) -> None:
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(statement)

    event.listen(any_store.engine, "before_cursor_execute", seen)
    try:
        page, _ = cases(api, limit=2, offset=4)
    finally:
        event.remove(any_store.engine, "before_cursor_execute", seen)
    assert len(page) == 2
    reads = [s for s in statements if "FROM cases" in s and "count(" not in s.lower()]
    assert reads and all("LIMIT" in s and "OFFSET" in s for s in reads), reads


def test_each_filter_keeps_what_a_reading_of_the_whole_queue_keeps(api: Api) -> None:
    whole, _ = cases(api, limit=1000, open_only=False)
    ids = [c["declaration_id"] for c in whole]

    def kept(**params: Any) -> list[str]:
        found, headers = cases(api, limit=1000, **params)
        assert headers["x-total-count"] == str(len(found))
        return [c["declaration_id"] for c in found]

    turkish = [d for d in ids if int(d[3:]) % 3 == 1]
    assert kept(party="ozdemir") == turkish  # "Özdemir", folded
    assert kept(party="тайга ЭЛЕКТРО") == [d for d in ids if int(d[3:]) % 3 == 2]
    assert kept(party="Беркут") == ids  # the exporter of all of them
    assert kept(declaration="PG-1") == ["PG-10", "PG-11"]
    assert kept(declaration="PG-%") == []  # a wildcard is a character like any other
    codes = {r["code"] for c in whole for r in c["decision"]["reasons"]}
    for code in codes:
        having = [c["declaration_id"] for c in whole
                  if code in {r["code"] for r in c["decision"]["reasons"]}]  # fmt: skip
        assert kept(reason=code) == having, code
    assert kept(reason="party.sanctioned", party="ozdemir") == turkish
    assert kept(reason="no.such_code") == []
    today = datetime.now(UTC).date()
    assert kept(since=str(today)) == ids and kept(until=str(today)) == ids
    assert kept(until=str(today - timedelta(days=1))) == []
    assert kept(since=str(today + timedelta(days=1))) == []
    assert kept(until="9999-12-31") == ids
    for bad in ({"limit": 0}, {"limit": 1001}, {"offset": -1}, {"sort": "colour"}):
        assert api.call("vic", "GET", "/cases", params=bad).status_code == 422, bad


def test_licences_by_page_holder_status_and_day(api: Api, any_store: Store) -> None:
    LicenceStore(any_store).import_file(DEMO / "licences.csv")

    def licences(**params: Any) -> tuple[list[str], Any]:
        response = api.call("vic", "GET", "/licences", params=params)
        assert response.status_code == 200, response.text
        return [lic["licence_no"] for lic in response.json()], response.headers

    every, headers = licences()
    assert headers["x-total-count"] == "9" and every == sorted(every)
    first, headers = licences(limit=5)
    second, _ = licences(limit=5, offset=5)
    assert first + second == every and "offset=5" in links(headers)["next"]
    assert licences(holder="140340009120")[0] == ["KZ-EXP-2024-00311", "KZ-EXP-2024-00655"]
    assert licences(holder="shirak")[0] == ["AM-EXP-2024-0587", "AM-EXP-2024-0588"]
    assert licences(status="revoked")[0] == ["KZ-EXP-2024-00655"]
    in_force, _ = licences(status="active", valid_on="2024-08-15")
    assert in_force == ["AM-EXP-2024-0117", "AM-EXP-2024-0588", "KZ-EXP-2024-00311",
                        "KZ-GEN-2024-0001", "UZ-LIC-2024-1544"]  # fmt: skip
    by_end, _ = licences(sort="-valid_to", limit=1)
    assert by_end == ["KZ-GEN-2024-0001"]
    assert api.call("vic", "GET", "/licences/KZ-EXP-2025-00214").json()["status"] == "active"
    assert api.call("vic", "GET", "/licences/NOPE-1").status_code == 404


def test_lists_by_page_and_active_only(api: Api, any_store: Store) -> None:
    listed = ListStore(any_store)
    listed.import_files("ftm", [SHARED / "lists" / "ftm" / "zala.entities.ftm.json"], "zala")
    listed.import_files("ftm", [SHARED / "lists" / "ftm" / "t1.entities.ftm.json"], "t1")
    response = api.call("vic", "GET", "/lists", params={"limit": 1})
    assert response.headers["x-total-count"] == "2"
    assert [x["list"] for x in response.json()] == ["t1"]
    second = api.call("vic", "GET", "/lists", params={"limit": 1, "offset": 1}).json()
    assert [x["list"] for x in second] == ["zala"] and second[0]["count"] == 1
    assert second[0]["active"]["id"] == second[0]["snapshots"][0]["id"]
    named = api.call("vic", "GET", "/lists", params={"name": "za", "active_only": True})
    assert [x["list"] for x in named.json()] == ["zala"]


def test_cases_ls_pages_and_prints_json(api: Api, tmp_path: Path) -> None:
    runner = CliRunner()
    home = str(tmp_path / "home")
    db = ["--db", api.client.app.state.store.url]  # type: ignore[attr-defined]
    done = runner.invoke(app, ["cases", "ls", "--limit", "4", "--offset", "4", "--json",
                               "--home", home, *db])  # fmt: skip
    assert done.exit_code == 0, done.output
    body = json.loads(done.output)
    assert body["total"] == 11 and body["offset"] == 4 and body["next_offset"] == 8
    assert [c["declaration_id"] for c in body["cases"]] == [f"PG-{n:02d}" for n in range(5, 9)]
    assert all("party.sanctioned" in c["codes"] for c in body["cases"])
    table = runner.invoke(app, ["cases", "ls", "--party", "özdemir", "--sort", "-id",
                                "--home", home, *db])  # fmt: skip
    assert table.exit_code == 0 and "1-4 of 4 case(s)" in table.output
    assert table.output.index("PG-10") < table.output.index("PG-01")
    wrong = runner.invoke(app, ["cases", "ls", "--sort", "colour", "--home", home, *db])
    assert wrong.exit_code == 2 and "sort must be one of" in wrong.output


def test_findings_page_by_offset_with_links(api: Api, tmp_path: Path) -> None:
    assert api.call("vic", "GET", "/flows/findings/surges").status_code == 409  # none loaded
    from diversion.flows.synthetic import generate_panel

    panel = tmp_path / "panel.csv"
    generate_panel(panel)
    loaded = CliRunner().invoke(
        app, ["flows", "load", "comtrade", str(panel), "--home", str(tmp_path / "home")]
    )
    assert loaded.exit_code == 0, loaded.output

    def findings(**params: Any) -> tuple[list[Any], Any]:
        response = api.call("vic", "GET", "/flows/findings/surges", params=params)
        assert response.status_code == 200, response.text
        keys = [(f["reporter"], f["partner"], f["hs_code"]) for f in response.json()]
        return keys, response.headers

    six, _ = findings(limit=6)
    first, headers = findings(limit=3)
    assert "x-total-count" not in headers and headers["x-next-offset"] == "3"
    second, headers = findings(limit=3, offset=3)
    assert len(six) == 6 and first + second == six
    assert "offset=0" in links(headers)["prev"]
    deep = api.call("vic", "GET", "/flows/findings/surges", params={"offset": 5001})
    assert deep.status_code == 422


def test_the_migration_fills_the_filters_of_earlier_cases(api: Api, any_store: Store) -> None:
    """Migration 0007 on a store with cases: down to 0006 (the columns go), up again (they
    come back, filled from the kept declarations and decisions)."""
    from alembic import command
    from alembic.config import Config

    from diversion.store.engine import MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    for target in ("0006", "head"):
        with any_store.engine.begin() as connection:
            config.attributes["connection"] = connection
            (command.downgrade if target == "0006" else command.upgrade)(config, target)
    found, _ = cases(api, party="ozdemir", reason="party.sanctioned", limit=1000)
    assert [c["declaration_id"] for c in found] == ["PG-01", "PG-04", "PG-07", "PG-10"]
