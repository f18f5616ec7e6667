"""The rules that read history: pass-through, a sudden new line of goods, unit values far
from the market; and the history itself, from a file or from the store."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from diversion.declarations import Declaration
from diversion.screening import Screener, ScreeningContext
from diversion.screening.history import History
from diversion.screening.records import DeclarationRecords
from diversion.store import Store
from tests.conftest import csv_text, row
from tests.test_cli import run

START = date(2024, 1, 10)


def item(**changes: Any) -> dict[str, Any]:
    return {
        "item_no": 1, "hs_code": "8542.31", "description": "Microcontrollers",
        "country_of_origin": "DE", "quantity": 1000, "unit": "pcs", "value": 5000,
        "currency": "USD", **changes,
    }  # fmt: skip


def decl(declaration_id: str, day: date, **changes: Any) -> Declaration:
    record: dict[str, Any] = {
        "declaration_id": declaration_id,
        "declared_at": day.isoformat(),
        "procedure": "export",
        "exporter": {"name": "ТОО «Транзит Компонент»", "country": "KZ", "id": "230140000016"},
        "consignee": {"name": "ООО «Получатель»", "country": "RU"},
        "country_of_dispatch": "KZ",
        "country_of_destination": "RU",
        "items": [item()],
        **changes,
    }
    return Declaration.model_validate(record)


def imported(declaration_id: str, day: date, **item_changes: Any) -> Declaration:
    """The exporter of `decl` receiving goods from Germany (named without its number)."""
    return decl(
        declaration_id, day, procedure="import",
        exporter={"name": "Elbtal Halbleiter GmbH", "country": "DE"},
        consignee={"name": "TRANZIT KOMPONENT TOO", "country": "KZ"},
        country_of_dispatch="DE", country_of_destination="KZ",
        items=[item(**item_changes)],
    )  # fmt: skip


def codes_with(context: ScreeningContext, past: list[Declaration], now: Declaration) -> set[str]:
    ctx = replace(context, history=History.build([*past, now]))
    return {r.code for r in Screener(ctx).screen(now).reasons}


# -- flow.pass_through ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days_before", "quantity", "hs_code", "fires"),
    [
        (14, 1000, "8542.31", True),
        (60, 1000, "8542.31", True),  # the window includes its last day
        (61, 1000, "8542.31", False),
        (14, 1040, "8542.31", True),  # within 5 %
        (14, 1100, "8542.31", False),
        (14, 1000, "8542.32", False),  # another HS6
        (-1, 1000, "8542.31", False),  # imported after the export
    ],
)
def test_pass_through(
    context: ScreeningContext, days_before: int, quantity: int, hs_code: str, fires: bool
) -> None:
    past = imported(
        "IMP-1", START - timedelta(days=days_before), quantity=quantity, hs_code=hs_code
    )
    assert ("flow.pass_through" in codes_with(context, [past], decl("EXP-1", START))) is fires


def test_pass_through_evidence_names_both_shipments(context: ScreeningContext) -> None:
    ctx = replace(context, history=History.build([imported("IMP-1", START - timedelta(days=9))]))
    (reason,) = [
        r
        for r in Screener(ctx).screen(decl("EXP-1", START)).reasons
        if r.code == "flow.pass_through"
    ]
    assert reason.evidence["received"]["declaration_id"] == "IMP-1"
    assert reason.evidence["days_between"] == 9


# -- party.sudden_new_line ------------------------------------------------------------------------


def wheat(declaration_id: str, day: date) -> Declaration:
    return decl(declaration_id, day, items=[item(hs_code="1001.99", description="Wheat")])


def test_first_controlled_goods_after_a_year_of_other_trade(context: ScreeningContext) -> None:
    chips = decl("EXP-9", START)
    year = [wheat("W-1", START - timedelta(days=400)), wheat("W-2", START - timedelta(days=30))]
    assert "party.sudden_new_line" in codes_with(context, year, chips)
    months = [wheat("W-1", START - timedelta(days=200))]
    assert "party.sudden_new_line" not in codes_with(context, months, chips)
    before = [*year, decl("C-1", START - timedelta(days=100))]  # chips before: not new
    assert "party.sudden_new_line" not in codes_with(context, before, chips)


def test_a_volume_far_above_the_usual(context: ScreeningContext) -> None:
    usual = [decl(f"C-{n}", START - timedelta(days=30 * n)) for n in (1, 2, 3)]
    big = decl("EXP-9", START, items=[item(value=25000)])
    assert "party.sudden_new_line" in codes_with(context, usual, big)
    normal = decl("EXP-9", START, items=[item(value=20000)])  # 4 times: below 5
    assert "party.sudden_new_line" not in codes_with(context, usual, normal)


# -- price.unit_value_anomaly ---------------------------------------------------------------------


def market(count: int) -> list[Declaration]:
    """Other exporters' shipments of the HS6 at 5 USD a piece."""
    return [
        decl(
            f"M-{n}",
            START - timedelta(days=10 * n),
            exporter={"name": f"Trader {n} LLP", "country": "KZ"},
        )
        for n in range(1, count + 1)
    ]


@pytest.mark.parametrize(
    ("value", "observations", "fires"),
    [(500, 5, True), (100000, 5, True), (2500, 5, False), (12000, 5, False), (500, 4, False)],
)
def test_unit_values_far_from_the_median(
    context: ScreeningContext, value: int, observations: int, fires: bool
) -> None:
    now = decl("EXP-1", START, items=[item(value=value)])
    found = "price.unit_value_anomaly" in codes_with(context, market(observations), now)
    assert found is fires


# -- the store and the CLI ------------------------------------------------------------------------


def test_screened_declarations_are_kept_with_their_latest_decision(
    any_store: Store, context: ScreeningContext
) -> None:
    records = DeclarationRecords(any_store)
    screener = Screener(context)
    first = decl("EXP-1", START)
    records.record([(first, screener.screen(first))])
    changed = decl("EXP-1", START, items=[item(hs_code="1001.99", description="Wheat")])
    records.record([(changed, screener.screen(changed))])
    (kept,) = list(records.declarations())
    assert kept == changed and len(records) == 1


def test_screen_with_history_from_the_store_and_from_a_file(tmp_path: Path) -> None:
    home = tmp_path / "home"
    common = {"exporter_name": "ТОО «Транзит Компонент»", "exporter_id": "230140000016"}
    imports = tmp_path / "imports.csv"
    imports.write_text(
        csv_text([row(
            declaration_id="IMP-1", declared_at="2024-01-02", procedure="import",
            exporter_name="Elbtal Halbleiter GmbH", exporter_country="DE", exporter_id="",
            consignee_name="TRANZIT KOMPONENT TOO", consignee_country="KZ",
            country_of_dispatch="DE", country_of_destination="KZ", hs_code="8542.31",
            quantity="1000", unit="pcs",
        )]),
        encoding="utf-8",
    )  # fmt: skip
    exports = tmp_path / "exports.csv"
    exports.write_text(
        csv_text([row(
            declaration_id="EXP-1", declared_at="2024-01-10", **common,
            consignee_name="ООО «Получатель»", consignee_country="RU",
            country_of_destination="RU", hs_code="8542.31", quantity="1000", unit="pcs",
        )]),
        encoding="utf-8",
    )  # fmt: skip
    out = tmp_path / "out.jsonl"

    def screened(*extra: str) -> set[str]:
        done = run(
            "screen", str(exports), "--out", str(out), "--home", str(home), *extra, cwd=tmp_path
        )
        assert done.returncode == 0, done.stderr
        (decision,) = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
        return {r["code"] for r in decision["reasons"]}

    assert "flow.pass_through" not in screened()
    assert "flow.pass_through" in screened("--history", str(imports))
    assert run("screen", str(imports), "--home", str(home), cwd=tmp_path).returncode == 0
    assert "flow.pass_through" in screened("--history", "store")
    broken = tmp_path / "broken.csv"
    broken.write_text(csv_text([row(declared_at="someday")]), encoding="utf-8")
    bad = run("screen", str(exports), "--home", str(home), "--history", str(broken), cwd=tmp_path)
    assert bad.returncode == 2 and "--history: 1 invalid row(s)" in bad.stderr


def test_pass_through_names_family_ties_with_the_supplier(context: ScreeningContext) -> None:
    # the demo registry: Esil's owner Daniyar Krüger is the son of Elbtal's owners
    esil = {"name": "ТОО «Есиль Микрокомпонент»", "country": "KZ", "id": "220340017783"}
    bought = decl(
        "IMP-7", START - timedelta(days=5), procedure="import",
        exporter={"name": "Elbtal Halbleiter Vertrieb GmbH", "country": "DE"},
        consignee=esil, country_of_dispatch="DE", country_of_destination="KZ",
    )  # fmt: skip
    sold = decl("EXP-7", START, exporter=esil)
    ctx = replace(context, history=History.build([bought, sold]))
    (reason,) = [r for r in Screener(ctx).screen(sold).reasons if r.code == "flow.pass_through"]
    ties = {(t["person"], t["relative"], t["tie"]) for t in reason.evidence["related_to_supplier"]}
    assert ties == {
        ("p-kruger-andreas", "p-kruger-daniyar", "son"),
        ("p-kruger-marina", "p-kruger-daniyar", "son"),
    }
    assert "Andreas Krüger – son – Daniyar Krüger" in reason.message


def test_the_reference_is_the_route_when_it_has_enough_shipments(
    context: ScreeningContext,
) -> None:
    to_china = [
        decl(
            f"CN-{n}",
            START - timedelta(days=7 * n),
            country_of_destination="CN",
            exporter={"name": f"Shipper {n} LLP", "country": "KZ"},
            items=[item(value=50000)],
        )
        for n in range(1, 6)
    ]
    past = [*market(5), *to_china]  # 5 USD a piece to Russia, 50 to China
    assert "price.unit_value_anomaly" not in codes_with(context, past, decl("EXP-1", START))
    to_dubai = decl("EXP-2", START, country_of_destination="AE")
    ctx = replace(context, history=History.build([*past, to_dubai]))
    (reason,) = [
        r for r in Screener(ctx).screen(to_dubai).reasons if r.code == "price.unit_value_anomaly"
    ]
    assert reason.evidence["reference_basis"] == "all routes"
    assert reason.evidence["observations"] == 10
