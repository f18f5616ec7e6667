"""yente's own published client (yente-client, from PyPI) against a real `diversion serve`,
called exactly as its README calls it: match by full name and by name parts, set a false
positive aside with `exclude_entities`, fetch an entity nested, its adjacent entities, search,
the algorithms and the catalog (`datasets()`). The client validates every answer against its
pydantic models, which mirror yente's own (the `yente` package pins versions of
followthemoney, nomenklatura and rigour other than ours, so it cannot share our venv).

The home holds real lists nobody in the project wrote: the OFAC SDN list (2021), the UN
Security Council list and OpenSanctions' cluster around ZALA Aero (which holds the README's
own examples, Aleksandr Zakharov and NK-aU5ybkbRFJucf8YMwsJvDw)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from yente_client import BEST_ALGORITHM, Client, Company, Person  # type: ignore[import-untyped]
from yente_client.exceptions import (  # type: ignore[import-untyped]
    AuthenticationError,
    BadRequestError,
    NotFoundError,
)
from yente_client.models import Entity  # type: ignore[import-untyped]

from tests.conftest import SHARED

EXE = Path(sys.executable).with_name("diversion")
LISTS = SHARED / "lists"
ZALA_FILE = LISTS / "ftm" / "zala.entities.ftm.json"
ZAKHAROV = "NK-aU5ybkbRFJucf8YMwsJvDw"  # the README's fetch example
ZALA_AERO = "NK-cPks3aTbes8k4aCerfBAzN"
ZALA = [json.loads(line) for line in ZALA_FILE.read_text("utf-8").splitlines()]


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [str(EXE), *args], env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A `diversion serve` on a free loopback port over a home with the real lists, and an
    API key made with the project's own CLI."""
    home = tmp_path_factory.mktemp("yente") / "home"
    env = {**os.environ, "COLUMNS": "200", "DIVERSION_HOME": str(home)}
    _cli(env, "lists", "import", "ofac-csv", str(LISTS / "ofac-sdn-2021"), "--rescreen-days", "0")
    _cli(env, "lists", "import", "un-xml", str(LISTS / "un" / "UN_consolidated.xml"),
         "--rescreen-days", "0")  # fmt: skip
    _cli(env, "lists", "import", "ftm", str(ZALA_FILE), "--list", "zala", "--rescreen-days", "0")
    _cli(env, "users", "add", "gateway", "--role", "viewer")
    key = _cli(env, "users", "token", "gateway", "--label", "yente-client").strip()
    port = _port()
    process = subprocess.Popen(
        [str(EXE), "serve", "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            assert process.poll() is None, process.stdout.read() if process.stdout else ""
            try:  # /readyz answers once the lists are loaded and indexed
                with urllib.request.urlopen(f"{base}/readyz", timeout=600) as response:
                    if json.load(response)["status"] == "ok":
                        break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("diversion serve did not get ready")
        yield base, key
    finally:
        process.terminate()
        process.wait(timeout=60)


@pytest.fixture(scope="module")
def c(server: tuple[str, str]) -> Iterator[Client]:
    base, key = server
    # as the README: an api_key (sent as `Authorization: ApiKey ...`) and base_url for yente
    with Client(api_key=key, base_url=base, app_name="DiversionTests", timeout=300) as client:
        yield client


def test_the_quickstart_matches_by_name_parts(c: Client) -> None:
    hits = c.match(
        Person(firstName="Aleksandr", lastName="Zacharov", birthDate="1965"),
        datasets=["sanctions"],
        threshold=0.7,
    )
    assert hits.top is not None and hits.top.id == ZAKHAROV
    assert hits.top.score >= 0.9 and hits.top in hits.matches and hits.top.target
    # the query as the server read it: the parts combined into a name, as yente does
    assert "Aleksandr Zacharov" in hits.query["properties"]["alias"]
    # yente's FeatureResult objects; Diversion's words in `detail`
    name = hits.top.explanations["name_parts"]
    assert name.score == 1.0 and name.query == "Aleksandr Zacharov" and name.detail
    assert "sanction" in hits.top.properties["topics"]


def test_match_by_full_name_and_a_company(c: Client) -> None:
    person = c.match(Person(name="Aleksandr Zacharov"))
    assert person.top is not None and person.top.id == ZAKHAROV
    bank = c.match(Company(name="Banco Nacional de Cuba", country="cu"), datasets=["ofac-sdn"])
    assert bank.top is not None and bank.top.caption == "BANCO NACIONAL DE CUBA"
    assert bank.top.datasets == ["ofac-sdn"] and bank.top.match


def test_exclude_entities_sets_a_false_positive_aside(c: Client) -> None:
    query = Company(name="Zala Aero")
    first = c.match(query, limit=10)
    ids = [r.id for r in first.results]
    assert ZALA_AERO in ids
    again = c.match(query, limit=10, exclude_entities=[ZALA_AERO])
    assert ZALA_AERO not in [r.id for r in again.results]
    assert [r.id for r in again.results] == [i for i in ids if i != ZALA_AERO][: len(again.results)]


def test_match_filters(c: Client) -> None:
    query = Person(firstName="Aleksandr", lastName="Zakharov")
    assert ZAKHAROV in [r.id for r in c.match(query, topics=["sanction"]).results]
    assert c.match(query, topics=["crime.terror"]).results == []
    assert c.match(query, exclude_schemata=["Person"]).results == []
    elsewhere = c.match(query, exclude_datasets=["zala"])
    assert ZAKHAROV not in [r.id for r in elsewhere.results]
    # FtM lists carry when an entity last changed (2026-04-24 for him)
    assert c.match(query, datasets=["zala"], changed_since="2026-04-01").top is not None
    assert c.match(query, datasets=["zala"], changed_since="2026-04-25").results == []
    # cutoff leaves out what scores under it; threshold only sets `match`
    loose = c.match(Company(name="Zala Aero"), cutoff=0.0, threshold=0.99, limit=20)
    assert any(r.score < 0.5 for r in loose.results)  # under the default cutoff
    assert all(r.match == (r.score >= 0.99) for r in loose.results) and loose.matches
    assert len(loose.matches) < len(loose.results)
    strict = c.match(Company(name="Zala Aero"), cutoff=0.99, limit=20)
    assert all(r.score >= 0.99 for r in strict.results)


def test_logic_v2_is_the_second_algorithm(c: Client) -> None:
    hits = c.match(Person(firstName="Aleksandr", lastName="Zacharov"), algorithm="logic-v2")
    assert hits.top is not None and hits.top.id == ZAKHAROV and hits.top.match
    assert "name_match" in hits.top.explanations  # logic-v2's own features
    best = c.match(Person(firstName="Aleksandr", lastName="Zacharov"), algorithm=BEST_ALGORITHM)
    assert best.top is not None and "name_parts" in best.top.explanations
    with pytest.raises(BadRequestError):
        c.match(Person(name="X"), algorithm="no-such-algorithm")


def test_an_invalid_query_is_a_400(c: Client) -> None:
    with pytest.raises(BadRequestError, match="neither a name nor an identifier"):
        c.match(Person(birthDate="1965"))


def test_fetch_nested_as_the_readme(c: Client) -> None:
    entity = c.fetch(ZAKHAROV)
    sanctions = entity.properties.get("sanctions", [])
    expected = {
        e["id"]
        for e in ZALA
        if e["schema"] == "Sanction" and ZAKHAROV in e["properties"].get("entity", [])
    }
    assert {s.id for s in sanctions if isinstance(s, Entity)} == expected
    authorities: set[str] = set()
    for sanction in sanctions:
        assert isinstance(sanction, Entity)
        authorities.update(str(a) for a in sanction.properties["authority"])
    assert "State Secretariat for Economic Affairs" in authorities
    plain = c.fetch(ZAKHAROV, nested=False)
    assert "sanctions" not in plain.properties and plain.target
    with pytest.raises(NotFoundError):
        c.fetch("no-such-entity")


def test_adjacent_with_paging(c: Client) -> None:
    everything = c.adjacent(ZAKHAROV)
    assert everything.entity.id == ZAKHAROV
    sanctions = everything.adjacent["sanctions"]
    total = sanctions.total.value
    assert total > 10 and len(sanctions.results) == 10  # the first page
    page = c.adjacent(ZAKHAROV, prop="sanctions", limit=5, offset=10)
    assert page.total.value == total and len(page.results) == min(5, total - 10)
    owned = c.adjacent(ZAKHAROV, prop="ownershipOwner")
    assert owned.results and all(isinstance(r, Entity) for r in owned.results)
    assets = [a for r in owned.results if isinstance(r, Entity) for a in r.properties["asset"]]
    assert all(isinstance(a, Entity) for a in assets)  # the company owned, nested


def test_search_with_filters_facets_and_paging(c: Client) -> None:
    res = c.search("zala aero", datasets=["default"], schema="Company")
    ids = [r.id for r in res.results]
    assert ZALA_AERO in ids and all(r.schema_ == "Company" for r in res.results)
    assert res.facets["countries"].values[0].name == "ru"
    second = c.search("zala aero", schema="Company", limit=1, offset=1)
    assert second.total.value == res.total.value and [r.id for r in second.results] == ids[1:2]
    # addresses are searched too, and filtered by country
    swiss = c.search("zurich", countries=["ch"], limit=50)
    assert swiss.total.value >= 5 and swiss.total.value == len(swiss.results)
    assert all("ch" in r.properties.get("country", []) for r in swiss.results)
    assert c.search("zurich", countries=["ve"]).total.value == 0
    assert c.search("zurich", countries=["ch"], exclude_datasets=["ofac-sdn"]).total.value < (
        swiss.total.value
    )


def test_algorithms_and_datasets(c: Client) -> None:
    algorithms = c.algorithms()
    assert [a.name for a in algorithms.algorithms] == ["diversion", "logic-v2"]
    assert algorithms.default == algorithms.best == "diversion"
    datasets = {d.name: d for d in c.datasets().datasets}
    assert set(datasets) == {"ofac-sdn", "un-sc", "zala", "default"}
    assert datasets["zala"].entity_count == len(ZALA) and datasets["zala"].load
    assert set(datasets["default"].children) == {"ofac-sdn", "un-sc", "zala"}
    assert c.healthz().status == "ok" and c.readyz().status == "ok"


def test_a_wrong_key_is_refused(server: tuple[str, str]) -> None:
    base, _ = server
    with (
        Client(api_key="dvn_not-a-key", base_url=base) as wrong,
        pytest.raises(AuthenticationError),
    ):
        wrong.match(Person(name="Aleksandr Zacharov"))
