"""The web queue on SQLite and PostgreSQL: pages that follow one another, sorting by each
column both ways, every filter and the search, each checked against the API's /cases with
the same filter and against the declarations the test screened; bad values are said and
left out; migration 0008 moves the decisions out of the cases and back without a loss."""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from diversion.cases.users import Users
from diversion.store import Store
from tests.test_api import RED, Api

PASSWORD = "a long enough password"
CONSIGNEES = ["Anadolu Un Sanayi A.Ş.", "Özdemir Makina Ltd. Şti.", "ООО «Тайга Электросервис»"]
GOODS = [("1001.99", "Wheat"), ("8542.31", "Microcontrollers"), ("8471.50", "Servers")]
START = date(2024, 5, 1)


def declaration(number: int) -> dict[str, Any]:
    hs, description = GOODS[number % 3]
    item = {**RED["items"][0], "hs_code": hs, "description": description}  # type: ignore[index]
    return {
        **RED,
        "declaration_id": f"WQ-{number:02d}",
        "declared_at": (START + timedelta(days=number % 5)).isoformat(),
        "consignee": {"name": CONSIGNEES[number % 3], "country": "TR"},
        "items": [item],
    }


SCREENED = {d["declaration_id"]: d for d in (declaration(n) for n in range(1, 13))}


@pytest.fixture
def queue(any_store: Store, tmp_path: Path) -> Api:
    served = Api(any_store, tmp_path / "home")
    batch = {"declarations": list(SCREENED.values())}
    screened = served.call("ana", "POST", "/screen", json=batch)
    assert screened.status_code == 200 and len(screened.json()["cases_opened"]) == 12
    cases = served.call("vic", "GET", "/cases", params={"limit": 1000}).json()
    for case in cases[:4]:  # ana holds the first four
        done = served.call(
            "ana",
            "POST",
            f"/cases/{case['id']}/actions",
            json={"action": "assign", "assignee": "ana"},
        )
        assert done.status_code == 200
    Users(any_store).set_password("vic", PASSWORD)
    signed = served.client.post("/app/login", data={"username": "vic", "password": PASSWORD})
    assert signed.status_code == 200
    return served


def shown(api: Api, **params: Any) -> tuple[list[str], str]:
    """The declaration ids of a queue page, in order, and the page's text."""
    page = api.client.get("/app/queue", params=params)
    assert page.status_code == 200, page.text
    body = page.text.split("<tbody>", 1)[-1]
    return re.findall(r'<a href="/app/declarations/([^"]+)">', body), page.text


def listed(api: Api, **params: Any) -> list[str]:
    response = api.call("vic", "GET", "/cases", params={"limit": 1000, **params})
    assert response.status_code == 200, response.text
    return [c["declaration_id"] for c in response.json()]


def test_pages_follow_one_another_with_the_count_and_links(queue: Api) -> None:
    first, text = shown(queue, limit=10)
    assert len(first) == 10 and "Cases 1–10 of 12" in text
    following = re.search(r'href="([^"]+)" rel="next"', text)
    assert following is not None and 'rel="prev"' not in text
    second_page = queue.client.get(following.group(1).replace("&amp;", "&"))
    second = re.findall(r'<a href="/app/declarations/([^"]+)">', second_page.text)
    assert "Cases 11–12 of 12" in second_page.text and 'rel="next"' not in second_page.text
    assert 'rel="prev"' in second_page.text and 'rel="first"' in second_page.text
    assert first + second == listed(queue)  # oldest first, as the API, nothing twice or lost
    assert len(set(first + second)) == 12


@pytest.mark.parametrize(
    ("sort", "key"),
    [
        ("declared", lambda d: (d["declared_at"], 0)),
        ("declaration", lambda d: (d["declaration_id"], 0)),
    ],
)
def test_sorting_by_a_column_both_ways(queue: Api, sort: str, key: Any) -> None:
    ids, text = shown(queue, sort=sort, limit=50)
    values = [key(SCREENED[i])[0] for i in ids]
    assert values == sorted(values) and len(ids) == 12
    assert f'aria-sort="ascending"><a href="/app/queue?sort=-{sort}"' in text
    backwards, text = shown(queue, sort=f"-{sort}", limit=50)
    assert [key(SCREENED[i])[0] for i in backwards] == sorted(values, reverse=True)
    assert 'aria-sort="descending"' in text
    assert backwards == listed(queue, sort=f"-{sort}")


def test_sorting_by_assignee_puts_the_unassigned_last_either_way(queue: Api) -> None:
    assigned = set(listed(queue, assignee="ana"))
    for sort in ("assignee", "-assignee"):
        ids = listed(queue, sort=sort)
        assert shown(queue, sort=sort, limit=50)[0] == ids
        assert set(ids[:4]) == assigned and len(assigned) == 4 and len(ids) == 12


def _goods(d: dict[str, Any]) -> str:
    return str(d["items"][0]["description"])


def _expected(predicate: Any) -> list[str]:
    return sorted(i for i, d in SCREENED.items() if predicate(d))


FILTERS = [
    ({"party": "ozdemir"}, {"party": "ozdemir"}, lambda d: "Özdemir" in d["consignee"]["name"]),
    ({"party": "тайга"}, {"party": "тайга"}, lambda d: "Тайга" in d["consignee"]["name"]),
    ({"hs": "8542"}, {"hs": "8542"}, lambda d: d["items"][0]["hs_code"].startswith("8542")),
    ({"hs": "847150"}, {"hs": "8471.50"}, lambda d: d["items"][0]["hs_code"] == "8471.50"),
    (
        {"from": "2024-05-02", "to": "2024-05-03"},
        {"declared_since": "2024-05-02", "declared_until": "2024-05-03"},
        lambda d: "2024-05-02" <= d["declared_at"] <= "2024-05-03",
    ),
    ({"q": "microcontrollers"}, {"q": "microcontrollers"},
     lambda d: _goods(d) == "Microcontrollers"),
    ({"q": "WQ-07"}, {"q": "wq 07"}, lambda d: d["declaration_id"] == "WQ-07"),
    ({"q": "servers тайга"}, {"q": "Servers ТАЙГА"},
     lambda d: _goods(d) == "Servers" and "Тайга" in d["consignee"]["name"]),
    ({"q": "berkut"}, {"q": "беркут"}, lambda d: True),  # every exporter, in either script
    ({"corridor": "red"}, {"corridor": "red"}, lambda d: True),
    ({"corridor": "green"}, {"corridor": "green"}, lambda d: False),
    ({"reason": "party.sanctioned"}, {"reason": "party.sanctioned"}, lambda d: True),
    ({"age": "today"}, {"age": "today"}, lambda d: True),
    ({"age": "days_30"}, {"age": "days_30"}, lambda d: False),
    ({"status": "escalated"}, {"status": "escalated"}, lambda d: False),
]  # fmt: skip


@pytest.mark.parametrize(("web", "api", "predicate"), FILTERS)
def test_each_filter_keeps_what_the_api_keeps_and_what_was_screened(
    queue: Api, web: dict[str, str], api: dict[str, str], predicate: Any
) -> None:
    ids, text = shown(queue, limit=200, **web)
    expected = _expected(predicate)
    assert sorted(ids) == expected
    assert ids == listed(queue, **api)
    if not expected:
        assert "No case matches these filters." in text


def test_the_assignee_filters(queue: Api) -> None:
    held, _ = shown(queue, assignee="ana", limit=50)
    free, _ = shown(queue, assignee="-", limit=50)
    assert len(held) == 4 and len(free) == 8 and not set(held) & set(free)
    assert free == listed(queue, unassigned="true")
    assert held == listed(queue, assignee="ana")


def test_bad_values_are_said_and_left_out_and_the_api_refuses_them(queue: Api) -> None:
    ids, text = shown(queue, **{"from": "2024-13-45", "hs": "chips", "corridor": "blue"})
    assert len(ids) == 12  # nothing filtered by what did not parse
    assert "“2024-13-45” is not valid" in text and "“chips” is not valid" in text
    for params in (
        {"hs": "chips"},
        {"age": "old"},
        {"sort": "drop table"},
        {"declared_since": "x"},
    ):
        assert queue.call("vic", "GET", "/cases", params=params).status_code == 422


def test_the_queue_and_its_filters_in_russian(queue: Api) -> None:
    page = queue.client.get("/app/queue", params={"limit": 10}, cookies={"diversion_lang": "ru"})
    assert "Дела 1–10 из 12" in page.text and "Следующая" in page.text and "красный" in page.text


def test_migration_0008_moves_the_decisions_out_and_back(queue: Api, any_store: Store) -> None:
    from alembic import command
    from alembic.config import Config

    from diversion.store.engine import MIGRATIONS

    before = {
        c["id"]: c["decision"]
        for c in queue.call("vic", "GET", "/cases", params={"limit": 1000}).json()
    }
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    for target in ("0007", "head"):
        with any_store.engine.begin() as connection:
            config.attributes["connection"] = connection
            (command.downgrade if target == "0007" else command.upgrade)(config, target)
    after = {
        c["id"]: c["decision"]
        for c in queue.call("vic", "GET", "/cases", params={"limit": 1000}).json()
    }
    assert after == before and len(after) == 12
    assert sorted(listed(queue, hs="8542", q="microcontrollers")) == _expected(
        lambda d: d["items"][0]["hs_code"] == "8542.31"
    )
    assert listed(queue, declared_since="2024-05-05") == _expected(
        lambda d: d["declared_at"] >= "2024-05-05"
    )
