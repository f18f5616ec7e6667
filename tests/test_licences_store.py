"""The licence register in a real store, on a SQLite file and on PostgreSQL: imports, status
changes, depletion on acceptance, reversal on cancellation, and concurrent writers."""

from __future__ import annotations

import threading
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from diversion.declarations import Declaration
from diversion.home import Home
from diversion.licences import LicenceError, LicenceImportError, LicenceStore
from diversion.licences.store import DEPLETIONS, LICENCES
from diversion.screening import Screener
from diversion.service.screening import ScreeningService
from diversion.store import Store
from tests.conftest import DEMO
from tests.test_licences import GOOD_ROW, declaration, item, licence_csv

CSV_ROWS = [
    GOOD_ROW,
    {**GOOD_ROW, "licence_no": "KZ-GEN-1", "type": "general", "holder_name": "", "holder_id": "",
     "consignee_name": "", "quantity_limit": "", "value_limit": "", "currency": ""},
]  # fmt: skip


@pytest.fixture
def licences(any_store: Store) -> LicenceStore:
    return LicenceStore(any_store)


def write(tmp_path: Path, rows: list[dict[str, str]], name: str = "licences.csv") -> Path:
    path = tmp_path / name
    path.write_text(licence_csv(rows), encoding="utf-8")
    return path


def used(licences: LicenceStore, number: str = "KZ-EXP-1") -> tuple[Decimal, Decimal]:
    state = licences.get(number)
    assert state is not None
    return state.quantity_used, state.value_used


def count(licences: LicenceStore, table: Any) -> int:
    with licences.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(table)).scalar_one())


def shipment(
    declaration_id: str, quantity: int = 10, value: int = 5000, **changes: Any
) -> Declaration:
    return declaration(
        item(quantity=quantity, value=value), declaration_id=declaration_id, **changes
    )


@pytest.fixture
def imported(licences: LicenceStore, tmp_path: Path) -> LicenceStore:
    licences.import_file(write(tmp_path, CSV_ROWS))
    return licences


# -- the register ----------------------------------------------------------------------------


def test_import_adds_every_licence_and_again_changes_nothing(
    licences: LicenceStore, tmp_path: Path
) -> None:
    path = write(tmp_path, CSV_ROWS)
    first = licences.import_file(path)
    assert (first.added, first.unchanged) == (["KZ-EXP-1", "KZ-GEN-1"], [])
    again = licences.import_file(path)
    assert (again.added, again.unchanged) == ([], ["KZ-EXP-1", "KZ-GEN-1"])
    states = licences.licences()
    assert [s.licence.licence_no for s in states] == ["KZ-EXP-1", "KZ-GEN-1"]
    assert states[0].licence.value_limit == Decimal("50000.50")
    assert states[1].licence.quantity_limit is None
    events = licences.events("KZ-EXP-1")
    assert [e.action for e in events] == ["imported"]
    assert events[0].detail["source"].startswith("import licences.csv (sha256 ")


def test_a_bad_row_imports_nothing(licences: LicenceStore, tmp_path: Path) -> None:
    rows = [*CSV_ROWS, {**GOOD_ROW, "licence_no": "KZ-EXP-9", "valid_to": "2023-01-01"}]
    with pytest.raises(LicenceImportError) as caught:
        licences.import_file(write(tmp_path, rows))
    assert [(e.line, e.field) for e in caught.value.errors] == [(4, "valid_to")]
    assert licences.licences() == [] and count(licences, LICENCES) == 0


def test_changed_terms_of_a_known_licence_abort_the_whole_import(
    imported: LicenceStore, tmp_path: Path
) -> None:
    rows = [
        {**GOOD_ROW, "licence_no": "KZ-EXP-NEW"},
        {**GOOD_ROW, "quantity_limit": "1000"},  # KZ-EXP-1 with a larger limit
    ]
    with pytest.raises(LicenceImportError) as caught:
        imported.import_file(write(tmp_path, rows, "changed.csv"))
    (error,) = caught.value.errors
    assert (error.line, error.field) == (3, "licence_no")
    assert "other terms (quantity_limit)" in error.reason
    assert imported.get("KZ-EXP-NEW") is None  # the new licence of that file was not kept
    state = imported.get("KZ-EXP-1")
    assert state is not None and state.licence.quantity_limit == Decimal(100)


def test_status_changes_need_a_reason_and_follow_the_rules(imported: LicenceStore) -> None:
    with pytest.raises(LicenceError, match="needs a reason"):
        imported.set_status("KZ-EXP-1", "suspend", "  ")
    with pytest.raises(LicenceError, match="only a licence that is suspended"):
        imported.set_status("KZ-EXP-1", "reinstate", "nothing to reinstate")
    state = imported.set_status("kz-exp-1", "suspend", "end user under inquiry")
    assert (state.licence.status, state.status_reason) == ("suspended", "end user under inquiry")
    assert imported.set_status("KZ-EXP-1", "reinstate", "inquiry closed").licence.status == "active"
    assert imported.set_status("KZ-EXP-1", "revoke", "false end-user statement").licence.status == (
        "revoked"
    )
    for action in ("suspend", "reinstate", "revoke"):
        with pytest.raises(LicenceError, match="is revoked"):
            imported.set_status("KZ-EXP-1", action, "try")
    with pytest.raises(LicenceError, match="not in the register"):
        imported.set_status("KZ-NONE", "suspend", "why")
    history = [(e.action, e.status, e.reason) for e in imported.events("KZ-EXP-1")]
    assert history == [
        ("imported", "active", None),
        ("suspend", "suspended", "end user under inquiry"),
        ("reinstate", "active", "inquiry closed"),
        ("revoke", "revoked", "false end-user statement"),
    ]


def test_add_refuses_a_number_already_in_the_register(imported: LicenceStore) -> None:
    state = imported.get("KZ-EXP-1")
    assert state is not None
    with pytest.raises(LicenceError, match="already in the register"):
        imported.add(state.licence)


# -- depletion -------------------------------------------------------------------------------


def test_accepting_draws_and_records_each_item(imported: LicenceStore) -> None:
    decl = declaration(
        item(quantity=10, value=4000),
        item(item_no=2, quantity="2.5", value="1000.25", hs_code="8541.40"),
        item(item_no=3, licence_no=None, hs_code="1001.99"),
        declaration_id="D-1",
    )
    outcome = imported.accept(decl)
    assert outcome.status == "accepted"
    assert [(d.item_no, d.quantity, d.value) for d in outcome.depletions] == [
        (1, Decimal(10), Decimal(4000)),
        (2, Decimal("2.5"), Decimal("1000.25")),
    ]
    assert used(imported) == (Decimal("12.5"), Decimal("5000.25"))
    stored = imported.depletions(declaration_id="D-1")
    assert [(d.item_no, d.licence_no, d.hs_code, d.reversed_at) for d in stored] == [
        (1, "KZ-EXP-1", "8542310000", None),
        (2, "KZ-EXP-1", "854140", None),
    ]
    acceptance = imported.acceptance("D-1")
    assert acceptance is not None and acceptance["status"] == "accepted"


def test_accepting_the_same_declaration_twice_draws_once(imported: LicenceStore) -> None:
    assert imported.accept(shipment("D-1")).status == "accepted"
    again = imported.accept(shipment("D-1"))
    assert (again.status, again.depletions) == ("already accepted", [])
    assert used(imported) == (Decimal(10), Decimal(5000))
    assert count(imported, DEPLETIONS) == 1


def test_exactly_what_is_left_can_be_drawn_and_not_one_unit_more(imported: LicenceStore) -> None:
    assert imported.accept(shipment("D-1", quantity=60)).status == "accepted"
    assert imported.accept(shipment("D-2", quantity=40)).status == "accepted"
    assert used(imported)[0] == Decimal(100)
    refused = imported.accept(shipment("D-3", quantity=1))
    assert refused.refused and [f.code for f in refused.findings] == ["licence.exhausted"]
    assert refused.findings[0].evidence["quantity_left"] == "0"
    assert imported.acceptance("D-3") is None  # a refused declaration is not recorded


def test_a_declaration_draws_all_its_items_or_none(imported: LicenceStore) -> None:
    decl = declaration(
        item(quantity=50),
        item(item_no=2, quantity=10, licence_no="KZ-UNKNOWN"),
        declaration_id="D-1",
    )
    outcome = imported.accept(decl)
    assert outcome.refused
    assert [f.code for f in outcome.findings] == ["licence.covered", "licence.unknown"]
    assert used(imported) == (Decimal(0), Decimal(0)) and count(imported, DEPLETIONS) == 0


def test_a_refused_declaration_can_be_accepted_once_the_licence_fits(
    imported: LicenceStore,
) -> None:
    imported.set_status("KZ-EXP-1", "suspend", "inquiry")
    refused = imported.accept(shipment("D-1"))
    assert refused.refused and refused.findings[0].code == "licence.suspended"
    imported.set_status("KZ-EXP-1", "reinstate", "inquiry closed")
    assert imported.accept(shipment("D-1")).status == "accepted"


def test_cancelling_gives_everything_back_once(imported: LicenceStore) -> None:
    imported.accept(shipment("D-1", quantity=30, value=9000))
    imported.accept(shipment("D-2", quantity=5, value=500))
    cancelled = imported.cancel("D-1", "declaration withdrawn by the exporter")
    assert not cancelled.already
    assert [(d.quantity, d.value) for d in cancelled.reversed] == [(Decimal(30), Decimal(9000))]
    assert used(imported) == (Decimal(5), Decimal(500))
    again = imported.cancel("D-1", "again")
    assert again.already and again.reversed == []
    assert used(imported) == (Decimal(5), Decimal(500))
    (record,) = imported.depletions(declaration_id="D-1")
    assert record.reversed_at is not None  # the draw stays on record, marked reversed
    acceptance = imported.acceptance("D-1")
    assert acceptance is not None
    assert (acceptance["status"], acceptance["cancel_reason"]) == (
        "cancelled",
        "declaration withdrawn by the exporter",
    )
    assert imported.accept(shipment("D-1")).status == "already cancelled"
    with pytest.raises(LicenceError, match="has not been accepted"):
        imported.cancel("D-404", "no such declaration")
    with pytest.raises(LicenceError, match="needs a reason"):
        imported.cancel("D-2", "")


def test_screening_reads_what_is_left_but_never_draws(
    imported: LicenceStore, tmp_path: Path
) -> None:
    imported.accept(shipment("D-1", quantity=95))
    context = ScreeningService(Home(tmp_path / "home"), imported.store).context()
    assert context.licences is not None
    decision = Screener(context).screen(shipment("D-2", quantity=10))
    assert "licence.exhausted" in decision.codes
    reason = next(r for r in decision.reasons if r.code == "licence.exhausted")
    assert reason.evidence["quantity_left"] == "5"
    assert reason.evidence["register_sha256"] == context.licences.reference.sha256
    assert used(imported) == (Decimal(95), Decimal(5000))  # unchanged by screening
    assert Screener(context).screen(shipment("D-3", quantity=5)).codes == [
        "goods.controlled",
        "licence.covered",
    ]


def test_the_register_fingerprint_changes_with_every_draw(imported: LicenceStore) -> None:
    before = imported.register().reference
    imported.accept(shipment("D-1"))
    after = imported.register().reference
    assert before.sha256 != after.sha256
    assert after.version.startswith("2 licences as of ")


def test_the_database_itself_refuses_an_overdrawn_licence(imported: LicenceStore) -> None:
    with pytest.raises(IntegrityError), imported.engine.begin() as connection:
        connection.execute(
            update(LICENCES)
            .where(LICENCES.c.licence_no == "KZ-EXP-1")
            .values(quantity_used_milli=100_001)
        )
    assert used(imported)[0] == Decimal(0)


def test_general_licence_without_limits_still_records_draws(imported: LicenceStore) -> None:
    decl = declaration(
        item(licence_no="KZ-GEN-1", quantity=7, value=70),
        declaration_id="D-1",
        exporter={"name": "Any Exporter LLP", "country": "KZ"},
    )
    outcome = imported.accept(decl)
    assert outcome.status == "accepted"
    assert used(imported, "KZ-GEN-1") == (Decimal(7), Decimal(70))


def test_import_declarations_draw_nothing(imported: LicenceStore) -> None:
    outcome = imported.accept(shipment("D-1", procedure="import"))
    assert (outcome.status, outcome.depletions) == ("accepted", [])
    assert used(imported) == (Decimal(0), Decimal(0))


def test_the_demo_register_loads_into_a_store(licences: LicenceStore) -> None:
    outcome = licences.import_file(DEMO / "licences.csv")
    assert len(outcome.added) == 9
    revoked = licences.licences(status="revoked")
    assert [s.licence.licence_no for s in revoked] == ["KZ-EXP-2024-00655"]


# -- concurrent writers ----------------------------------------------------------------------

WRITERS = 12


def race(target: Any, arguments: list[Any]) -> list[Any]:
    """Run `target` on each argument in its own thread, all released at the same moment."""
    barrier = threading.Barrier(len(arguments))
    results: list[Any] = [None] * len(arguments)
    errors: list[BaseException] = []

    def run(index: int, argument: Any) -> None:
        try:
            barrier.wait()
            results[index] = target(argument)
        except BaseException as exc:  # reported below, with the thread's own traceback
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(arguments)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return results


def test_concurrent_declarations_never_overdraw_a_licence(imported: LicenceStore) -> None:
    # 12 writers each want 30 of the 100 left: exactly 3 can have it, whoever comes first
    outcomes = race(imported.accept, [shipment(f"D-{n}", quantity=30) for n in range(WRITERS)])
    statuses = Counter(outcome.status for outcome in outcomes)
    assert statuses == {"accepted": 3, "refused": WRITERS - 3}
    assert used(imported) == (Decimal(90), Decimal(15000))
    assert count(imported, DEPLETIONS) == 3
    refusals = {f.code for o in outcomes if o.refused for f in o.findings}
    assert refusals == {"licence.exhausted"}


def test_concurrent_value_draws_stop_at_the_value_limit(imported: LicenceStore) -> None:
    # the value limit (50000.50) binds before the quantity limit: 5 x 10000 fit, then 0.50 is left
    outcomes = race(
        imported.accept, [shipment(f"D-{n}", quantity=1, value=10000) for n in range(WRITERS)]
    )
    assert sum(o.status == "accepted" for o in outcomes) == 5
    assert used(imported) == (Decimal(5), Decimal(50000))


def test_the_same_declaration_accepted_at_once_draws_once(imported: LicenceStore) -> None:
    outcomes = race(imported.accept, [shipment("D-1") for _ in range(WRITERS)])
    statuses = Counter(outcome.status for outcome in outcomes)
    assert statuses == {"accepted": 1, "already accepted": WRITERS - 1}
    assert used(imported) == (Decimal(10), Decimal(5000))
    assert count(imported, DEPLETIONS) == 1


def test_concurrent_cancellations_give_back_once(imported: LicenceStore) -> None:
    imported.accept(shipment("D-1", quantity=40))
    outcomes = race(lambda reason: imported.cancel("D-1", reason), [f"r{n}" for n in range(8)])
    assert sum(not o.already for o in outcomes) == 1
    assert used(imported) == (Decimal(0), Decimal(0))


def test_draws_and_cancellations_interleaved_stay_consistent(imported: LicenceStore) -> None:
    for n in range(3):
        imported.accept(shipment(f"OLD-{n}", quantity=30))  # 90 of 100 drawn

    def act(task: tuple[str, str]) -> str:
        kind, declaration_id = task
        if kind == "cancel":
            imported.cancel(declaration_id, "withdrawn")
            return "cancelled"
        return imported.accept(shipment(declaration_id, quantity=30)).status

    tasks = [("cancel", f"OLD-{n}") for n in range(3)] + [("accept", f"NEW-{n}") for n in range(6)]
    race(act, tasks)
    live = [d for d in imported.depletions() if d.reversed_at is None]
    drawn = sum((d.quantity for d in live), Decimal(0))
    assert drawn <= 100 and used(imported)[0] == drawn
    assert len(live) == int(drawn / 30)
