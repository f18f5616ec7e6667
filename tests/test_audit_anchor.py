"""The audit log anchored outside the database (issue 24, item 7), on a real SQLite file and a
real PostgreSQL server: a chain rewritten consistently (hashes recomputed, head moved) passes
the plain `verify` and fails against a signed checkpoint; edits to `cases` and `case_actions`
are named by `verify`; and the CLI takes who acts from a password or a token, so one person
cannot propose a red release and approve it under another name."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import delete, insert, select, text, update
from typer.testing import CliRunner

from diversion.cases.consistency import differences
from diversion.cases.rescreen import rescreen
from diversion.cases.users import Users
from diversion.cases.workflow import Cases
from diversion.cli.app import app
from diversion.cli.common import err_console, out_console
from diversion.home import Home
from diversion.screening import ScreeningContext
from diversion.store import Store, audit, open_store
from diversion.store import checkpoint as anchors
from diversion.store.audit import GENESIS, AuditLog, entry_hash
from diversion.store.models import AuditHeadRow, AuditRow, CaseActionRow, CaseDecisionRow, CaseRow
from tests.conftest import csv_text, row
from tests.test_cases import RED, _drop_guards, declaration, screened

PASSWORDS = {"ana": "ana-password-1", "sue": "sue-password-1", "ada": "ada-password-1"}


@pytest.fixture
def worked(any_store: Store, context: ScreeningContext) -> Store:
    """A store with users and a red case proposed by ana and approved by sue."""
    users = Users(any_store)
    for name, role in (("ana", "analyst"), ("sue", "supervisor"), ("sam", "supervisor")):
        users.add(name, role)
    cases = Cases(any_store)
    [case_id] = cases.record_screening(screened(context, RED))
    cases.act(case_id, "ana", "release", "end user verified")
    cases.act(case_id, "sue", "approve_release", "documents checked")
    return any_store


def _rewrite(store: Store, change: dict[int, dict[str, str]], keep_upto: int | None = None) -> None:
    """What someone with the database's keys can do: drop the guards, change entries (or drop
    those after `keep_upto`), recompute every hash after the change and move the head."""
    _drop_guards(store)
    with store.transaction() as session:
        if keep_upto is not None:
            session.execute(delete(AuditRow).where(AuditRow.seq > keep_upto))
        rows = session.scalars(select(AuditRow).order_by(AuditRow.seq)).all()
        previous = GENESIS
        for entry in rows:
            values = {**change.get(entry.seq, {})}
            actor = values.get("actor", entry.actor)
            digest = entry_hash(entry.seq, entry.at, actor, entry.kind, entry.subject,
                                entry.payload, previous)  # fmt: skip
            session.execute(update(AuditRow).where(AuditRow.seq == entry.seq)
                            .values(actor=actor, prev_hash=previous, hash=digest))  # fmt: skip
            previous = digest
        session.execute(update(AuditHeadRow).where(AuditHeadRow.id == 1)
                        .values(seq=rows[-1].seq, hash=previous))  # fmt: skip


def _approval_seq(store: Store) -> int:
    return next(e.seq for e in AuditLog(store).entries(kind="case_action")
                if e.payload["action"] == "approve_release")  # fmt: skip


def test_a_consistent_rewrite_passes_the_chain_but_not_a_checkpoint(
    worked: Store, tmp_path: Path
) -> None:
    public_path, key_id = anchors.generate_key(tmp_path / "audit.key")
    assert (tmp_path / "audit.key").stat().st_mode & 0o777 == 0o600
    point = anchors.make(worked, anchors.load_private_key(tmp_path / "audit.key"))
    anchors.write(point, tmp_path / "cp.json")
    signed = anchors.read(tmp_path / "cp.json")
    trusted = anchors.load_public_key(public_path)
    assert signed == point and signed.key_id == key_id
    assert anchors.check(worked, signed, trusted) == []
    Users(worked).add("later", "viewer")  # the log goes on: the checkpoint still holds
    assert anchors.check(worked, signed, trusted) == []

    # sam, not sue, approved: the log and the case_actions table both say so, consistently
    approval = _approval_seq(worked)
    _rewrite(worked, {approval: {"actor": "sam"}})
    with worked.transaction() as session:
        session.execute(update(CaseActionRow).where(CaseActionRow.action == "approve_release")
                        .values(actor="sam"))  # fmt: skip
    assert AuditLog(worked).verify()[1] == []  # the chain agrees with itself
    assert differences(worked) == []  # and the tables with the chain
    [problem] = anchors.check(worked, signed, trusted)
    assert f"entry {signed.seq} has another hash" in problem and "rewritten" in problem


def test_a_cut_tail_passes_the_chain_but_not_a_checkpoint(worked: Store, tmp_path: Path) -> None:
    anchors.generate_key(tmp_path / "k")
    before = AuditLog(worked).verify()[0]
    Users(worked).add("later", "viewer")
    point = anchors.make(worked, anchors.load_private_key(tmp_path / "k"))
    assert point.seq == before + 1
    _rewrite(worked, {}, keep_upto=before)  # the user's entry is gone, the head moved back
    assert AuditLog(worked).verify() == (before, [])
    [problem] = anchors.check(worked, point)
    assert f"entry {point.seq}" in problem and f"ends at entry {before}" in problem


def test_an_entry_added_past_the_head_is_reported(worked: Store) -> None:
    _drop_guards(worked)
    count, _ = AuditLog(worked).verify()
    with worked.transaction() as session:
        session.execute(insert(AuditRow).values(
            seq=count + 1, at="2020-01-01T00:00:00+00:00", actor="sue", kind="case_action",
            subject="R-1", payload={}, prev_hash="0" * 64, hash="0" * 64))  # fmt: skip
    _, problems = AuditLog(worked).verify()
    assert [str(p) for p in problems] == [
        f"entry {count + 1}: past the head (entry {count}): added behind the log"
    ]


def test_an_altered_or_foreign_checkpoint_is_refused(worked: Store, tmp_path: Path) -> None:
    mine, _ = anchors.generate_key(tmp_path / "mine")
    anchors.generate_key(tmp_path / "theirs")
    point = anchors.make(worked, anchors.load_private_key(tmp_path / "mine"))
    forged = replace(point, seq=point.seq - 1)  # an attacker moves it to a shorter log
    assert anchors.check(worked, forged) == [
        "the checkpoint's signature does not verify: the file was altered"
    ]
    theirs = anchors.make(worked, anchors.load_private_key(tmp_path / "theirs"))
    assert anchors.check(worked, theirs) == []  # consistent with itself, but whose?
    [problem] = anchors.check(worked, theirs, anchors.load_public_key(mine))
    assert "not by the public key given" in problem
    with pytest.raises(anchors.CheckpointError, match="not overwritten"):
        anchors.generate_key(tmp_path / "mine")
    (tmp_path / "bad.json").write_text(json.dumps({"format": "x"}))
    with pytest.raises(anchors.CheckpointError, match="is not a"):
        anchors.read(tmp_path / "bad.json")


# -- the cases tables against the log ----------------------------------------------------------


def test_the_replay_agrees_with_the_tables_after_a_whole_working_life(
    worked: Store, context: ScreeningContext
) -> None:
    """Every path that writes a case: open, propose, approve, follow a new screening (green
    included), a screening's reopening, a supervisor's reopening, assign, reject, and a
    re-screen that leaves decided cases alone."""
    cases = Cases(worked)
    unlisted = replace(context, sanctions_lists=[], matchers=[], network=None)
    other = declaration(declaration_id="R-2", exporter_name="ТОО «Беркут Аэро Трейд»")
    [second] = cases.record_screening(screened(context, other))
    [first] = [c.id for c in cases.find(status="released")]
    steps: list[Callable[[], object]] = [
        lambda: cases.act(second, "ana", "assign", assignee="ana"),
        lambda: cases.record_screening(screened(unlisted, other)),  # the open case follows
        lambda: cases.record_screening(screened(context, other)),  # and red again
        lambda: cases.act(second, "ana", "release", "proposed"),
        lambda: cases.act(second, "sam", "reject_release", "no documents"),  # proposer cleared
        lambda: cases.act(second, "ana", "confirm_block", "listed"),
        lambda: cases.act(second, "sue", "reopen", "new evidence"),
        lambda: cases.act(second, "ana", "release", "proposed again"),
        lambda: cases.act(second, "ana", "confirm_block", "blocked while proposed"),  # kept
        lambda: cases.act(second, "sue", "reopen", "one more look"),  # still kept
        lambda: cases.act(second, "ana", "release", "and again"),
        lambda: cases.act(second, "ana", "confirm_block", "blocked"),
        lambda: cases.record_screening(screened(unlisted, other)),  # decided: green leaves it
        lambda: cases.record_screening(screened(context, other)),  # red reopens, clears it
        lambda: cases.record_screening(screened(context, RED)),  # reopened by screening
        lambda: cases.record_screening(screened(unlisted, RED)),  # and follows green
        lambda: cases.act(first, "ana", "release", "green now: no second person"),
        lambda: rescreen(worked, context, days=(date.today() - date(2000, 1, 1)).days),
    ]
    proposers = []
    for step in steps:
        step()
        assert differences(worked) == []
        proposers.append(cases.get(second).proposed_by)  # type: ignore[union-attr]
    assert proposers[3:14] == ["ana", None, None, None, "ana", "ana", "ana", "ana", "ana", "ana",
                               None]  # fmt: skip
    # released on green, then the re-screen finds the hit again and reopens it
    assert [a.action for a in cases.actions(first)][-2:] == ["release", "reopen"]
    assert AuditLog(worked).verify()[1] == []


def test_verify_names_each_edit_of_the_cases_tables(worked: Store) -> None:
    with worked.transaction() as session:
        case = session.scalars(select(CaseRow)).one()
        session.execute(update(CaseRow).where(CaseRow.id == case.id)
                        .values(status="blocked", assignee="sam", corridor="yellow"))  # fmt: skip
        session.execute(update(CaseDecisionRow).where(CaseDecisionRow.case_id == case.id)
                        .values(decision={**case.decision, "verdict": "clear"}))  # fmt: skip
        approval = session.scalars(
            select(CaseActionRow).where(CaseActionRow.action == "approve_release")
        ).one()
        session.execute(update(CaseActionRow).where(CaseActionRow.id == approval.id)
                        .values(actor="sam", reason="rubber stamp"))  # fmt: skip
        proposal = session.scalars(
            select(CaseActionRow).where(CaseActionRow.action == "release")
        ).one()
        session.execute(delete(CaseActionRow).where(CaseActionRow.id == proposal.id))
        session.execute(insert(CaseActionRow).values(
            case_id=case.id, at=approval.at, actor="sue", action="comment", reason="all fine",
            status_before="released", status_after="released", detail={}))  # fmt: skip
        session.add(CaseRow(declaration_id="GHOST-1", verdict="block", corridor="red",
                            status="open", decision_row=CaseDecisionRow(decision={}),
                            opened_at=case.opened_at,
                            updated_at=case.opened_at))  # fmt: skip
    found = differences(worked)
    label = f"case {case.id} (R-1)"
    expected = [
        f"{label}: status is 'blocked' in the cases table, the audit log says 'released'",
        f"{label}: assignee is 'sam' in the cases table, the audit log says None",
        f"{label}: corridor is 'yellow' in the cases table, the audit log says 'red'",
        f"{label}: its decision in the cases table is not the logged one",
        "in the cases table, never opened in the audit log",
        f"case_actions row {approval.id} (approve_release by sam (release_proposed → released))"
        " differs from audit entry",
        ": actor, reason",
        "(release by ana (open → release_proposed)) is missing from case_actions",
        "(comment by sue (released → released)) is not in the audit log",
    ]
    for words in expected:
        assert any(words in line for line in found), (words, found)
    assert len(found) == 8, found
    assert AuditLog(worked).verify()[1] == []  # the chain itself is untouched


# -- the CLI -----------------------------------------------------------------------------------


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, CliRunner]:
    for console in (out_console, err_console):
        console.width = 400
    for name in ("DIVERSION_PASSWORD", "DIVERSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    home = tmp_path / "home"
    declarations = tmp_path / "decl.csv"
    declarations.write_text(
        csv_text([row(declaration_id="R-1", exporter_name="ТОО «Беркут Аэро Трейд»")])
    )
    runner = CliRunner()
    result = runner.invoke(app, ["screen", str(declarations), "--out", str(tmp_path / "o.jsonl"),
                                 "--home", str(home)])  # fmt: skip
    assert "1 case(s) opened" in result.output
    return home, runner


def _run(
    home: Path, runner: CliRunner, *args: str, env: dict[str, str] | None = None, stdin: str = ""
) -> tuple[int, str]:
    result = runner.invoke(app, [*args, "--home", str(home)], env=env, input=stdin)
    return result.exit_code, result.output


def _actions(home: Path) -> list[tuple[str, str]]:
    store = open_store(Home(home))
    try:
        return [(a.actor, a.action) for a in Cases(store).actions(1)]
    finally:
        store.engine.dispose()


def test_one_person_cannot_propose_and_approve_under_another_name(
    cli: tuple[Path, CliRunner], tmp_path: Path
) -> None:
    home, runner = cli
    for name, role in (("ana", "analyst"), ("sue", "supervisor"), ("ada", "admin")):
        assert _run(home, runner, "users", "add", name, "--role", role)[0] == 0
        code, _ = _run(home, runner, "users", "set-password", name,
                       stdin=f"{PASSWORDS[name]}\n{PASSWORDS[name]}\n")  # fmt: skip
        assert code == 0
    act = ("cases", "act", "1")
    as_ana = {"DIVERSION_PASSWORD": PASSWORDS["ana"]}

    code, output = _run(home, runner, *act, "release", "--as", "ana", "--reason", "ok")
    assert code == 2 and "--as ana is a name anyone can type" in output
    code, output = _run(home, runner, *act, "release", "--reason", "ok")
    assert code == 2 and "who is acting?" in output
    code, output = _run(home, runner, *act, "release", "--user", "ana", "--reason", "ok")
    assert code == 2 and "no password" in output  # no terminal, no $DIVERSION_PASSWORD
    code, output = _run(home, runner, *act, "release", "--user", "ana", "--reason", "checked",
                        env=as_ana)  # fmt: skip
    assert code == 0 and "release_proposed" in output

    # ana, knowing only her own password, tries to approve her proposal as sue
    code, output = _run(home, runner, *act, "approve_release", "--as", "sue", "--reason", "x")
    assert code == 2 and "refused" in output
    code, output = _run(home, runner, *act, "approve_release", "--user", "sue", "--reason", "x",
                        env=as_ana)  # fmt: skip
    assert code == 2 and "wrong password" in output
    # ... or mints a token for sue, or a new supervisor
    code, output = _run(home, runner, "users", "token", "sue", "--user", "ana", env=as_ana)
    assert code == 3 and "needs an admin" in output
    code, output = _run(home, runner, "users", "token", "sue")
    assert code == 2 and "sign in as an admin" in output
    code, output = _run(home, runner, "users", "add", "sock", "--role", "supervisor",
                        "--user", "ana", env=as_ana)  # fmt: skip
    assert code == 3
    assert _actions(home) == [("ana", "release")]  # none of that acted

    # sue, with a token an admin made for her, approves
    code, token = _run(home, runner, "users", "token", "sue", "--user", "ada",
                       env={"DIVERSION_PASSWORD": PASSWORDS["ada"]})  # fmt: skip
    assert code == 0 and token.startswith("dvn_")
    token_file = tmp_path / "sue.token"
    token_file.write_text(token)
    token_file.chmod(0o600)
    code, output = _run(home, runner, *act, "approve_release", "--token-file", str(token_file),
                        "--reason", "documents checked")  # fmt: skip
    assert code == 0 and "released" in output
    assert _actions(home) == [("ana", "release"), ("sue", "approve_release")]
    code, output = _run(home, runner, "audit", "replay", "R-1")
    assert "ana release (open → release_proposed)" in output
    assert "sue approve_release (release_proposed → released)" in output
    entries = [
        (e.actor, e.payload) for e in _log(home) if e.kind == "user" and "token" in e.payload
    ]
    assert [actor for actor, _ in entries] == ["ada"]  # who made the token is on record


def _log(home: Path) -> list[audit.Entry]:
    store = open_store(Home(home))
    try:
        return list(AuditLog(store).entries())
    finally:
        store.engine.dispose()


def test_a_supervisor_cannot_approve_their_own_proposal_with_a_token(
    cli: tuple[Path, CliRunner],
) -> None:
    home, runner = cli
    store = open_store(Home(home))
    Users(store).add("sue", "supervisor")
    token = Users(store).create_token("sue", "cli")
    store.engine.dispose()
    env = {"DIVERSION_TOKEN": token}
    code, _ = _run(home, runner, "cases", "act", "1", "release", "--reason", "mine", env=env)
    assert code == 0
    code, output = _run(home, runner, "cases", "act", "1", "approve_release", "--reason", "mine",
                        env=env)  # fmt: skip
    assert code == 3 and "a second person must approve release" in output
    code, output = _run(home, runner, "cases", "act", "1", "approve_release", "--user", "sam",
                        "--reason", "x", env=env)  # fmt: skip
    assert code == 2 and "the token is sue's" in output
    assert _actions(home) == [("sue", "release")]


def test_checkpoint_and_verify_on_the_command_line(
    cli: tuple[Path, CliRunner], tmp_path: Path
) -> None:
    home, runner = cli
    key = tmp_path / "keys" / "audit.key"
    key.parent.mkdir()
    made = runner.invoke(app, ["audit", "keygen", "--out", str(key)])  # no store needed
    assert made.exit_code == 0 and "Fingerprint sha256:" in made.output
    assert "BEGIN PUBLIC KEY" in made.output
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    again = runner.invoke(app, ["audit", "keygen", "--out", str(key)])
    assert again.exit_code == 2 and "not overwritten" in again.output
    point = tmp_path / "cp-1.json"
    code, output = _run(home, runner, "audit", "checkpoint", "--key", str(key), "--out", str(point))
    assert code == 0 and "Checkpoint" in output
    check = ("audit", "verify", "--checkpoint", str(point), "--public-key", f"{key}.pub")
    code, output = _run(home, runner, *check)
    assert code == 0 and "The audit log verifies" in output and "Without a checkpoint" not in output
    code, output = _run(home, runner, "audit", "verify")
    assert code == 0 and "Without a checkpoint this proves only" in output

    store = open_store(Home(home))
    first = next(AuditLog(store).entries()).seq
    _rewrite(store, {first: {"actor": "nobody"}})
    store.engine.dispose()
    assert _run(home, runner, "audit", "verify")[0] == 0  # consistent: the chain cannot tell
    code, output = _run(home, runner, *check)
    assert code == 1 and "has another hash than when it was signed" in output
    assert "1 checkpoint(s) not held" in output

    # a broken chain is not signed
    store = open_store(Home(home))
    with store.transaction() as session:
        session.execute(text("UPDATE audit_log SET actor = 'x' WHERE seq = :s"), {"s": first})
    store.engine.dispose()
    code, output = _run(home, runner, "audit", "checkpoint", "--key", str(key),
                        "--out", str(tmp_path / "cp-2.json"))  # fmt: skip
    assert code == 1 and "nothing signed" in output and not (tmp_path / "cp-2.json").exists()


def test_verify_on_the_command_line_names_a_case_edited_in_the_table(
    cli: tuple[Path, CliRunner],
) -> None:
    home, runner = cli
    store = open_store(Home(home))
    with store.transaction() as session:
        session.execute(update(CaseRow).values(status="released"))
    store.engine.dispose()
    code, output = _run(home, runner, "audit", "verify")
    assert code == 1
    assert "case 1 (R-1): status is 'released' in the cases table, the audit log says 'open'" in (
        output
    )
    assert "1 difference(s) with the cases" in output
