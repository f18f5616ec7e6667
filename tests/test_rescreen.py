"""Re-screening after a list update: new hits open (or reopen) cases, the same hits do not,
and declarations outside the window are left alone."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from diversion.cases.rescreen import rescreen
from diversion.cases.users import Users
from diversion.cases.workflow import Cases
from diversion.screening import ScreeningContext
from diversion.screening.pipeline import Screener
from diversion.store import Store
from diversion.store.audit import AuditLog
from tests.test_cases import declaration

TODAY = date(2024, 6, 1)


def test_new_hits_open_cases_and_old_decisions_stand(
    any_store: Store, context: ScreeningContext
) -> None:
    Users(any_store).add("ana", "analyst")
    before_listing = replace(context, sanctions_lists=[], matchers=[], network=None)
    recent = declaration(declaration_id="NEW-HIT", declared_at=str(TODAY - timedelta(days=3)),
                         exporter_name="ТОО «Беркут Аэро Трейд»")  # fmt: skip
    stale = declaration(declaration_id="OLD", declared_at=str(TODAY - timedelta(days=90)),
                        exporter_name="ТОО «Беркут Аэро Трейд»")  # fmt: skip
    decided = declaration(declaration_id="DECIDED", declared_at=str(TODAY - timedelta(days=2)),
                          exporter_name="ООО «Небосвод Комплект»")  # fmt: skip
    cases = Cases(any_store)
    old = Screener(before_listing)
    cases.record_screening([(d, old.screen(d)) for d in (recent, stale)])
    assert cases.find() == []  # nothing listed yet: green
    [decided_case] = cases.record_screening([(decided, Screener(context).screen(decided))])
    cases.act(decided_case, "ana", "confirm_block", "listed consignee")

    report = rescreen(any_store, context, days=30, today=TODAY)

    assert report.screened == 2  # NEW-HIT and DECIDED; OLD is outside the window
    [change] = report.changes
    assert (change.declaration_id, change.corridor_before, change.corridor_after) == (
        "NEW-HIT", "green", "red"
    )  # fmt: skip
    assert ("party.sanctioned", None, "demo-co-berkut-aero-trade") in change.new_hits
    [opened] = report.opened
    assert cases.get(opened).declaration_id == "NEW-HIT"  # type: ignore[union-attr]
    assert cases.get(decided_case).status == "blocked"  # type: ignore[union-attr]
    rescreened = [e.subject for e in AuditLog(any_store).entries(kind="decision")
                  if e.payload.get("rescreen")]  # fmt: skip
    assert rescreened == ["DECIDED"]
    assert AuditLog(any_store).verify()[1] == []


def test_importing_a_list_rescreens_recent_declarations(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from diversion.cli.app import app
    from diversion.cli.common import err_console, out_console
    from tests.conftest import SHARED, csv_text, row

    for console in (out_console, err_console):
        console.width = 400
    runner = CliRunner()
    home = tmp_path / "home"
    yesterday = str(date.today() - timedelta(days=1))
    source = tmp_path / "declarations.csv"
    source.write_text(csv_text([row(declaration_id="D-1", declared_at=yesterday,
                                    consignee_name="Korea Mining Development Trading Corporation",
                                    consignee_country="KP")]))  # fmt: skip

    def run(*args: str) -> str:
        result = runner.invoke(app, [*args, "--home", str(home)])
        assert result.exit_code == 0, result.output
        return result.output

    run("screen", str(source), "--out", str(tmp_path / "out.jsonl"))
    before = run("cases", "ls", "--all")
    un = SHARED / "lists" / "un" / "UN_consolidated.xml"
    output = run("lists", "import", "un-xml", str(un))
    assert "Re-screened 1 declaration(s)" in output
    assert "D-1: green → red; new:" in output and "party.sanctioned un-690735" in output
    assert "1 case(s) opened or reopened" in output
    assert "D-1" not in before and "D-1" in run("cases", "ls")
    again = run("lists", "import", "un-xml", str(un))
    assert "Unchanged" in again and "Re-screened" not in again  # no new snapshot, no re-screen


def test_importing_the_consolidated_list_keeps_the_sdn_hits(tmp_path: Path) -> None:
    """Issue 18: the non-SDN set used to land in the SDN's list, deactivating the SDN, and the
    re-screen turned SDN hits green. Now it is a list of its own: the hit stands."""
    from typer.testing import CliRunner

    from diversion.cli.app import app
    from diversion.cli.common import err_console, out_console
    from tests.conftest import SHARED, csv_text, row

    for console in (out_console, err_console):
        console.width = 400
    runner = CliRunner()
    home = tmp_path / "home"
    yesterday = str(date.today() - timedelta(days=1))
    source = tmp_path / "declarations.csv"
    source.write_text(csv_text([row(declaration_id="D-1", declared_at=yesterday,
                                    consignee_name="Banco Nacional de Cuba",
                                    consignee_country="CU")]))  # fmt: skip

    def run(*args: str) -> str:
        result = runner.invoke(app, [*args, "--home", str(home)])
        assert result.exit_code == 0, result.output
        return result.output

    run("screen", str(source), "--out", str(tmp_path / "out.jsonl"))
    sdn = run("lists", "import", "ofac-csv", str(SHARED / "lists" / "ofac-sdn-2021"))
    assert "D-1: green → red; new:" in sdn and "party.sanctioned ofac-306" in sdn
    cons = run("lists", "import", "ofac-csv", str(SHARED / "lists" / "ofac-consolidated"))
    assert "Imported ofac-cons-0001" in cons and "Re-screened 1 declaration(s)" in cons
    assert "gone" not in cons and "D-1:" not in cons  # no change: still red on the SDN hit


def test_an_open_case_takes_a_green_rescreen_and_says_so(
    any_store: Store, context: ScreeningContext
) -> None:
    """Issue 20: the entity leaves the list; the open case shows green, still open, with the
    change as a `decision_changed` action by `system` in the case and the audit log."""
    from diversion.cases.workflow import DECISION_CHANGED
    from diversion.store import audit

    unlisted = replace(context, sanctions_lists=[], matchers=[], network=None)
    listed = declaration(declaration_id="LISTED", declared_at=str(TODAY - timedelta(days=200)),
                         exporter_name="ТОО «Беркут Аэро Трейд»")  # fmt: skip
    cases = Cases(any_store)
    [case_id] = cases.record_screening([(listed, Screener(context).screen(listed))])

    report = rescreen(any_store, unlisted, days=30, today=TODAY)

    assert report.screened == 1 and report.opened == []  # an open case, outside the window
    [change] = report.changes
    assert (change.corridor_before, change.corridor_after) == ("red", "green")
    assert ("party.sanctioned", None, "demo-co-berkut-aero-trade") in change.gone_hits
    case = cases.get(case_id)
    assert case is not None and (case.status, case.corridor) == ("open", "green")
    last = cases.actions(case_id)[-1]
    assert (last.actor, last.action, last.status_after) == (audit.SYSTEM, DECISION_CHANGED, "open")
    [entry] = [e for e in AuditLog(any_store).entries(subject="LISTED", kind="case_action")]
    assert entry.payload["corridor_after"] == "green" and entry.actor == audit.SYSTEM
