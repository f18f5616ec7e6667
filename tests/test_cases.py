"""Cases, roles and four eyes, false-hit suppressions and the audit log, on a real SQLite file
and a real PostgreSQL server."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text, update
from typer.testing import CliRunner

from diversion.cases.errors import PermissionDenied, WorkflowError
from diversion.cases.suppressions import Suppressions
from diversion.cases.users import Users
from diversion.cases.workflow import Cases
from diversion.cli.app import app
from diversion.cli.common import err_console, out_console
from diversion.declarations import Declaration
from diversion.home import Home
from diversion.lists import demo_list
from diversion.matching.suppressions import entity_data
from diversion.screening import ScreeningContext
from diversion.screening.decision import Decision
from diversion.screening.pipeline import Screener as Pipeline
from diversion.store import Store, audit, open_store
from diversion.store.audit import AuditLog
from diversion.store.models import AuditRow, SuppressionRow
from tests.conftest import row

BERKUT = "demo-co-berkut-aero-trade"


def declaration(**changes: Any) -> Declaration:
    fields = row(**changes)
    return Declaration.model_validate(
        {
            "declaration_id": fields["declaration_id"],
            "declared_at": fields["declared_at"],
            "procedure": fields["procedure"],
            "exporter": {"name": fields["exporter_name"], "country": fields["exporter_country"]},
            "consignee": {"name": fields["consignee_name"], "country": fields["consignee_country"]},
            "country_of_dispatch": fields["country_of_dispatch"],
            "country_of_destination": fields["country_of_destination"],
            "items": [
                {
                    "item_no": 1,
                    "hs_code": fields["hs_code"],
                    "description": fields["description"],
                    "country_of_origin": fields["country_of_origin"],
                    "quantity": fields["quantity"],
                    "unit": fields["unit"],
                    "value": fields["value"],
                    "currency": fields["currency"],
                }
            ],
        }
    )


GREEN = declaration(declaration_id="G-1")
RED = declaration(declaration_id="R-1", exporter_name="ТОО «Беркут Аэро Трейд»")


def screened(
    context: ScreeningContext, *declarations: Declaration
) -> list[tuple[Declaration, Decision]]:
    pipeline = Pipeline(context)
    return [(d, pipeline.screen(d)) for d in declarations]


@pytest.fixture
def staffed(any_store: Store) -> Store:
    users = Users(any_store)
    for name, role in (("vic", "viewer"), ("ana", "analyst"), ("amir", "analyst"),
                       ("sue", "supervisor"), ("sam", "supervisor")):  # fmt: skip
        users.add(name, role)
    return any_store


def test_yellow_and_red_decisions_open_cases_and_every_decision_is_audited(
    staffed: Store, context: ScreeningContext
) -> None:
    results = screened(context, GREEN, RED)
    assert [d.corridor for _, d in results] == ["green", "red"]
    opened = Cases(staffed).record_screening(results)
    [case] = Cases(staffed).find()
    assert opened == [case.id] and case.declaration_id == "R-1" and case.status == "open"
    kinds = [(e.kind, e.subject) for e in AuditLog(staffed).entries() if e.kind != "user"]
    assert kinds == [("decision", "G-1"), ("decision", "R-1"), ("case_opened", "R-1")]
    assert Cases(staffed).record_screening(results) == []  # screened again: the case goes on
    assert len(Cases(staffed).find()) == 1


def test_roles_and_four_eyes_on_overriding_a_block(
    staffed: Store, context: ScreeningContext
) -> None:
    cases = Cases(staffed)
    [case_id] = cases.record_screening(screened(context, RED))
    with pytest.raises(PermissionDenied, match="viewer"):
        cases.act(case_id, "vic", "comment", "just looking")
    with pytest.raises(WorkflowError, match="written reason"):
        cases.act(case_id, "ana", "release")
    proposed = cases.act(case_id, "ana", "release", "end user verified with the embassy")
    assert proposed.status == "release_proposed"  # an analyst only proposes
    with pytest.raises(PermissionDenied, match="supervisor"):
        cases.act(case_id, "amir", "approve_release", "agree")  # an analyst cannot override
    approved = cases.act(case_id, "sue", "approve_release", "documents checked")
    assert approved.status == "released"
    actions = [(a.actor, a.action, a.status_after) for a in cases.actions(case_id)]
    assert actions == [
        ("ana", "release", "release_proposed"),
        ("sue", "approve_release", "released"),
    ]
    logged = [e.payload["action"] for e in AuditLog(staffed).entries(subject="R-1")
              if e.kind == "case_action"]  # fmt: skip
    assert logged == ["release", "approve_release"]


def test_a_supervisor_cannot_approve_their_own_release(
    staffed: Store, context: ScreeningContext
) -> None:
    cases = Cases(staffed)
    [case_id] = cases.record_screening(screened(context, RED))
    assert cases.act(case_id, "sue", "release", "I know this firm").status == "release_proposed"
    with pytest.raises(PermissionDenied, match="second person"):
        cases.act(case_id, "sue", "approve_release", "still sure")
    assert cases.act(case_id, "sam", "reject_release", "no documents").status == "open"
    assert cases.act(case_id, "ana", "confirm_block", "listed exporter").status == "blocked"
    with pytest.raises(WorkflowError, match="blocked"):
        cases.act(case_id, "ana", "release", "changed my mind")


def test_a_yellow_case_is_released_by_one_analyst(
    staffed: Store, context: ScreeningContext
) -> None:
    cases = Cases(staffed)
    result = screened(context, RED)[0]
    yellow = replace(result[1], corridor="yellow", verdict="review")
    [case_id] = cases.record_screening([(result[0], yellow)])
    assert cases.act(case_id, "ana", "assign", assignee="amir").assignee == "amir"
    assert cases.act(case_id, "amir", "request_documents", "invoice please").status == (
        "documents_requested"
    )
    with pytest.raises(WorkflowError, match="not a user"):
        cases.act(case_id, "ana", "assign", assignee="nobody")
    assert cases.act(case_id, "amir", "release", "invoice matches").status == "released"


def test_a_decided_case_reopens_when_screened_red_again(
    staffed: Store, context: ScreeningContext
) -> None:
    cases = Cases(staffed)
    results = screened(context, RED)
    [case_id] = cases.record_screening(results)
    cases.act(case_id, "ana", "confirm_block", "listed exporter")
    assert cases.record_screening(results) == [case_id]
    assert cases.get(case_id).status == "open"  # type: ignore[union-attr]
    assert cases.actions(case_id)[-1].action == "reopen"


def test_an_open_case_follows_every_new_screening_green_included(
    staffed: Store, context: ScreeningContext
) -> None:
    """Issue 20: a green re-screen used to leave an open case on its stale red decision."""
    from diversion.cases.workflow import DECISION_CHANGED
    from diversion.web.i18n import LANGUAGES, catalog

    cases = Cases(staffed)
    unlisted = replace(context, sanctions_lists=[], matchers=[], network=None)
    [(_, red)] = screened(context, RED)
    [(_, green)] = screened(unlisted, RED)
    assert (red.corridor, green.corridor) == ("red", "green")
    yellow = replace(red, corridor="yellow", verdict="review")
    [case_id] = cases.record_screening([(RED, red)])
    cases.act(case_id, "ana", "escalate", "ask the supervisor")
    for decision in (yellow, green, red, red):  # the last one changes nothing
        assert cases.record_screening([(RED, decision)]) == []  # the case goes on
        case = cases.get(case_id)
        assert case is not None and case.status == "escalated"  # an officer is working on it
        assert (case.corridor, case.verdict) == (decision.corridor, decision.verdict)
        assert case.decision == decision.to_dict()
    followed = [a for a in cases.actions(case_id) if a.action == DECISION_CHANGED]
    assert [(a.detail["corridor_before"], a.detail["corridor_after"]) for a in followed] == [
        ("red", "yellow"), ("yellow", "green"), ("green", "red")
    ]  # fmt: skip
    assert all(a.status_before == a.status_after == "escalated" for a in followed)
    to_green = followed[1]
    hit = ["party.sanctioned", None, BERKUT]
    assert hit in to_green.detail["gone_hits"] and to_green.detail["new_hits"] == []
    assert to_green.reason is not None and "yellow → green" in to_green.reason
    assert f"gone: party.sanctioned {BERKUT}" in to_green.reason
    assert hit in followed[2].detail["new_hits"]
    logged = [e.payload for e in AuditLog(staffed).entries(subject="R-1")
              if e.kind == "case_action" and e.payload["action"] == DECISION_CHANGED]  # fmt: skip
    assert [(p["corridor_before"], p["corridor_after"]) for p in logged] == [
        ("red", "yellow"), ("yellow", "green"), ("green", "red")
    ]  # fmt: skip
    assert AuditLog(staffed).verify()[1] == []
    for language in LANGUAGES:  # the web page names the action in both languages
        assert f"action_{DECISION_CHANGED}" in catalog(language)


def test_a_green_screening_shows_on_an_open_case_and_leaves_a_decided_one_alone(
    staffed: Store, context: ScreeningContext
) -> None:
    cases = Cases(staffed)
    unlisted = replace(context, sanctions_lists=[], matchers=[], network=None)
    [case_id] = cases.record_screening(screened(context, RED))
    cases.record_screening(screened(unlisted, RED))
    assert [c.id for c in cases.find(corridor="green", open_only=True)] == [case_id]  # queued
    # green now: releasing no longer overrides a block, so one analyst releases it
    assert cases.act(case_id, "ana", "release", "cleared by the new list").status == "released"
    before = cases.get(case_id)
    cases.record_screening(screened(unlisted, RED))  # green again: the decided case stays
    assert cases.get(case_id) == before
    assert cases.actions(case_id)[-1].action == "release"
    assert cases.record_screening(screened(context, RED)) == [case_id]  # red reopens it
    reopened = cases.get(case_id)
    assert reopened is not None and (reopened.status, reopened.corridor) == ("open", "red")


# -- suppressions ------------------------------------------------------------------------------


def _party_reasons(decision: Decision) -> list[Any]:
    return [
        r
        for r in decision.reasons
        if r.code == "party.sanctioned" and r.evidence["role"] == "exporter"
    ]


def test_a_suppression_sets_aside_one_hit_and_lapses_when_the_entity_changes(
    staffed: Store, context: ScreeningContext
) -> None:
    listing = demo_list()
    entity = listing.entities[BERKUT]
    suppressions = Suppressions(staffed)
    with pytest.raises(PermissionDenied):
        suppressions.add("vic", RED.exporter.name, "KZ", BERKUT, entity_data(entity), "no")
    made = suppressions.add("ana", RED.exporter.name, "KZ", BERKUT, entity_data(entity),
                            "a different firm: BIN checked with the registry", days=30)  # fmt: skip
    with_them = replace(context, suppressions=suppressions.in_force())
    [hit] = _party_reasons(Pipeline(with_them).screen(RED))
    assert hit.severity == "low" and hit.evidence["suppression"]["id"] == made.id
    assert "set aside" in hit.message
    # another party with a name of its own is not covered
    other = declaration(declaration_id="R-2", exporter_name="TOO Berkut Aero Treid")
    assert all(r.severity != "low" for r in _party_reasons(Pipeline(with_them).screen(other)))
    # the list entity gets a new alias in a new snapshot: the suppression no longer holds
    changed = entity_data(entity)
    aliases = [*changed["properties"]["alias"], "Berkut Avia Group"]
    changed["properties"] = {**changed["properties"], "alias": aliases}
    assert with_them.suppressions is not None
    assert with_them.suppressions.hiding(RED.exporter.name, "KZ", BERKUT, changed) is None
    assert (
        with_them.suppressions.hiding(RED.exporter.name, "KZ", BERKUT, entity_data(entity)) == made
    )
    assert (
        with_them.suppressions.hiding(RED.exporter.name, "KG", BERKUT, entity_data(entity)) is None
    )


def test_a_suppression_covers_every_rule_that_rests_on_the_hit(
    staffed: Store, context: ScreeningContext
) -> None:
    """Wheat (on no control list) for a consignee that matches a listed entity needs a licence
    under catch-all control; once the hit is set aside as false, neither party.sanctioned nor
    licence.catch_all may block on it."""
    wheat = declaration(
        declaration_id="R-3", consignee_name="ТОО «Беркут Аэро Трейд»", consignee_country="KZ"
    )
    before = Pipeline(context).screen(wheat)
    codes = {r.code: r.severity for r in before.reasons}
    assert codes.get("licence.catch_all") == "high" and codes.get("party.sanctioned") == "high"
    [flagged] = [r for r in before.reasons if r.code == "licence.catch_all"]
    assert [p["entity_id"] for p in flagged.evidence["parties"]] == [BERKUT]
    assert before.corridor == "red"

    entity = entity_data(demo_list().entities[BERKUT])
    Suppressions(staffed).add("ana", wheat.consignee.name, "KZ", BERKUT, entity,
                              "a different firm: BIN checked with the registry")  # fmt: skip
    after = Pipeline(replace(context, suppressions=Suppressions(staffed).in_force())).screen(wheat)
    assert "licence.catch_all" not in {r.code for r in after.reasons}
    [hit] = [r for r in after.reasons if r.code == "party.sanctioned"]
    assert hit.severity == "low" and "suppression" in hit.evidence
    assert all(r.severity == "low" for r in after.reasons), after.reasons
    assert after.corridor == "green"


def test_expired_and_revoked_suppressions_hide_nothing(staffed: Store) -> None:
    entity = entity_data(demo_list().entities[BERKUT])
    suppressions = Suppressions(staffed)
    kept = suppressions.add("ana", RED.exporter.name, "KZ", BERKUT, entity, "checked")
    old = suppressions.add("ana", RED.exporter.name, "KZ", BERKUT, entity, "checked long ago")
    with staffed.transaction() as session:
        session.execute(update(SuppressionRow).where(SuppressionRow.id == old.id)
                        .values(expires_at=datetime.now(UTC) - timedelta(days=1)))  # fmt: skip
    assert [
        s.id for s in suppressions.in_force().by_key[next(iter(suppressions.in_force().by_key))]
    ] == [kept.id]
    suppressions.revoke("sue", kept.id, "the registry says otherwise")
    assert suppressions.in_force().by_key == {}
    kinds = [e.kind for e in AuditLog(staffed).entries() if e.kind.startswith("suppression")]
    assert kinds == ["suppression", "suppression", "suppression_revoked"]


# -- the audit log -----------------------------------------------------------------------------


def test_the_database_refuses_edits_to_the_audit_log(staffed: Store) -> None:
    with pytest.raises(Exception, match="append-only"), staffed.transaction() as session:
        session.execute(update(AuditRow).where(AuditRow.seq == 1).values(actor="mallory"))
    with pytest.raises(Exception, match="append-only"), staffed.transaction() as session:
        session.execute(text("DELETE FROM audit_log WHERE seq = 1"))
    assert AuditLog(staffed).verify() == (5, [])


def _drop_guards(store: Store) -> None:
    """What someone with the database's keys could do: remove the triggers."""
    with store.transaction() as session:
        for event in ("update", "delete"):
            if store.engine.dialect.name == "postgresql":
                session.execute(text(f"DROP TRIGGER audit_log_no_{event} ON audit_log"))
            else:
                session.execute(text(f"DROP TRIGGER audit_log_no_{event}"))


def test_verify_finds_an_edited_entry(staffed: Store) -> None:
    _drop_guards(staffed)
    with staffed.transaction() as session:
        entry = session.scalars(select(AuditRow).where(AuditRow.seq == 3)).one()
        session.execute(update(AuditRow).where(AuditRow.seq == 3)
                        .values(payload={**entry.payload, "role": "admin"}))  # fmt: skip
    count, problems = AuditLog(staffed).verify()
    assert count == 5 and [p.seq for p in problems] == [3]
    assert "changed after it was written" in str(problems[0])


def test_verify_finds_removed_entries_in_the_middle_and_at_the_end(staffed: Store) -> None:
    _drop_guards(staffed)
    with staffed.transaction() as session:
        session.execute(text("DELETE FROM audit_log WHERE seq IN (2, 5)"))
    _, problems = AuditLog(staffed).verify()
    messages = [str(p) for p in problems]
    assert any("expected entry 2: removed" in m for m in messages)
    assert any("the newest were removed" in m for m in messages)


def test_concurrent_appends_make_one_chain(staffed: Store) -> None:
    errors: list[BaseException] = []

    def work(number: int) -> None:
        try:
            for step in range(5):
                with staffed.transaction() as session:
                    audit.append(session, f"worker{number}", "user", f"w{number}", {"step": step})
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    count, problems = AuditLog(staffed).verify()
    assert (count, problems) == (5 + 40, [])


# -- the CLI -----------------------------------------------------------------------------------


def test_cli_queue_actions_and_a_tampered_log(tmp_path: Path) -> None:
    runner = CliRunner()
    for console in (out_console, err_console):
        console.width = 400
    home = tmp_path / "home"
    declarations = tmp_path / "decl.csv"
    from tests.conftest import csv_text

    declarations.write_text(
        csv_text([row(declaration_id="R-1", exporter_name="ТОО «Беркут Аэро Трейд»")])
    )

    def run(*args: str, password: str | None = None) -> tuple[int, str]:
        env = {"DIVERSION_PASSWORD": password} if password else None
        result = runner.invoke(app, [*args, "--home", str(home)], env=env)
        return result.exit_code, result.output

    code, output = run("screen", str(declarations), "--out", str(tmp_path / "out.jsonl"))
    assert "1 case(s) opened" in output
    assert run("users", "add", "vic", "--role", "viewer")[0] == 0
    assert run("users", "add", "ana", "--role", "analyst")[0] == 0
    code, output = run("cases", "ls")
    assert "R-1" in output and "red" in output
    store = open_store(Home(home))
    for name in ("vic", "ana"):  # the CLI acts only for a user who signs in
        Users(store).set_password(name, f"{name}-password-1")
    store.engine.dispose()
    code, output = run("cases", "act", "1", "release", "--user", "vic", "--reason", "ok",
                       password="vic-password-1")  # fmt: skip
    assert code == 3 and "viewer" in output
    code, output = run("cases", "act", "1", "release", "--user", "ana", "--reason", "checked",
                       password="ana-password-1")  # fmt: skip
    assert code == 0 and "release_proposed" in output
    code, output = run("audit", "replay", "R-1")
    assert (
        "screened: block (red)" in output
        and "ana release (open → release_proposed): checked" in output
    )
    assert run("audit", "verify")[0] == 0
    store = open_store(Home(home))
    _drop_guards(store)
    with store.transaction() as session:
        session.execute(update(AuditRow).where(AuditRow.kind == "case_action")
                        .values(actor="somebody else"))  # fmt: skip
    code, output = run("audit", "verify")
    assert code == 1 and "changed after it was written" in output
