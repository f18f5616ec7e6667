"""The cases and their actions, recomputed from the audit log and compared with the tables.

The log is the record; `cases` and `case_actions` are what the queue reads. Every change to
a case is written to both in one transaction, so they agree unless someone edited a table
behind the workflow's back. Replaying the log's `decision`, `case_opened` and `case_action`
entries in order, by the workflow's own rules, gives each case's status, assignee, pending
proposer, verdict, corridor and decision, and each case's actions; every difference from the
tables is named.

The replay follows `Cases.record_screening` and `Cases.act`:
- a decision (not one marked `rescreen`, which leaves cases untouched) is taken by its
  declaration's case while that case is not decided (released or blocked);
- `case_opened` opens a case on the decision written just before it (same transaction);
- a `reopen` that follows a yellow or red decision of its declaration by the same actor, one
  no case took, is a screening's reopening, and takes that decision;
- a proposal (`proposal` in the entry) makes its actor the pending proposer; a four-eyes
  action (`proposed_by` in the entry) or a screening's reopening clears it; `assignee` assigns.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from diversion.cases.policy import workflow
from diversion.store import Store
from diversion.store.audit import AuditLog, Entry
from diversion.store.models import CaseActionRow, CaseRow

KINDS = ("decision", "case_opened", "case_action")
OPENING_CORRIDORS = ("yellow", "red")
_ACTION_FIELDS = ("case", "action", "reason", "from", "to")


def _digest(value: Any) -> str:
    body = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


@dataclass
class _Case:
    declaration_id: str
    opened_seq: int
    status: str = "open"
    assignee: str | None = None
    proposed_by: str | None = None
    verdict: str | None = None
    corridor: str | None = None
    decision: str | None = None  # the digest of the decision payload
    decision_seq: int | None = None


@dataclass(frozen=True)
class _Action:
    """An action as both the table and the log hold it."""

    actor: str
    action: str
    reason: str | None
    status_before: str
    status_after: str
    detail: str  # digest of the detail
    where: str  # "audit entry 12" or "case_actions row 7"

    @property
    def key(self) -> tuple[str, ...]:
        return (self.actor, self.action, self.reason or "", self.status_before,
                self.status_after, self.detail)  # fmt: skip

    def label(self) -> str:
        return f"{self.action} by {self.actor} ({self.status_before} → {self.status_after})"


@dataclass
class Replay:
    cases: dict[int, _Case] = field(default_factory=dict)
    actions: dict[int, list[_Action]] = field(default_factory=dict)
    by_declaration: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # the log disagreeing with itself


def replay(log: AuditLog) -> Replay:
    """The cases and their actions as the log tells them."""
    flow = workflow()
    done = Replay()
    pending: Entry | None = None  # the latest decision, until a case takes it
    for entry in log.entries(kinds=KINDS):
        payload = entry.payload
        if entry.kind == "decision":
            number = done.by_declaration.get(entry.subject)
            case = done.cases.get(number) if number is not None else None
            pending = None if payload.get("rescreen") else entry
            if pending is not None and case is not None and not flow.is_final(case.status):
                _take(case, entry)
                pending = None
        elif entry.kind == "case_opened":
            number = int(payload["case"])
            if number in done.cases:
                done.problems.append(f"audit entry {entry.seq} opens case {number} a second time")
            case = _Case(entry.subject, entry.seq, verdict=payload.get("verdict"))
            if pending is not None and pending.subject == entry.subject:
                _take(case, pending)
                pending = None
            done.cases[number] = case
            done.by_declaration[entry.subject] = number
            done.actions[number] = []
        elif entry.kind == "case_action":
            number = int(payload["case"])
            case = done.cases.get(number)
            if case is None:
                done.problems.append(
                    f"audit entry {entry.seq} acts on case {number}, which no entry opened"
                )
                continue
            if payload.get("from") != case.status:
                done.problems.append(
                    f"audit entry {entry.seq}: {payload.get('action')} on case {number} from "
                    f"{payload.get('from')}, but the log left it {case.status}"
                )
            case.status = str(payload.get("to"))
            if "assignee" in payload:
                case.assignee = payload["assignee"]
            if payload.get("proposal"):
                case.proposed_by = entry.actor
            elif "proposed_by" in payload:
                case.proposed_by = None
            if payload.get("action") == "reopen" and _reopened_by(entry, pending):
                assert pending is not None
                _take(case, pending)
                case.proposed_by, pending = None, None
            detail = {k: v for k, v in payload.items() if k not in _ACTION_FIELDS}
            done.actions[number].append(
                _Action(
                    entry.actor,
                    str(payload.get("action")),
                    payload.get("reason"),
                    str(payload.get("from")),
                    str(payload.get("to")),
                    _digest(detail),
                    f"audit entry {entry.seq}",
                )
            )
    return done


def _take(case: _Case, decision: Entry) -> None:
    payload = {k: v for k, v in decision.payload.items() if k != "rescreen"}
    case.verdict, case.corridor = payload.get("verdict"), payload.get("corridor")
    case.decision, case.decision_seq = _digest(payload), decision.seq


def _reopened_by(reopen: Entry, decision: Entry | None) -> bool:
    """Whether a reopening is a screening's: a yellow or red decision of the same declaration
    by the same actor, that no case took, came just before it (a decided case screened yellow
    or red is always reopened at once, in the same transaction)."""
    return (
        decision is not None
        and decision.subject == reopen.subject
        and decision.actor == reopen.actor
        and decision.payload.get("corridor") in OPENING_CORRIDORS
    )


def differences(store: Store) -> list[str]:
    """Every way the cases and case_actions tables differ from the log's account of them,
    in words; empty when they agree. The log and the tables are read one after the other, so
    a case action committed in between would differ for a moment: a difference is reported
    only if a second reading finds it too."""
    first = _differences(store)
    if not first:
        return []
    again = set(_differences(store))
    return [found for found in first if found in again]


def _differences(store: Store) -> list[str]:
    told = replay(AuditLog(store))
    found = list(told.problems)
    with store.read() as session:
        rows = {row.id: row for row in session.scalars(select(CaseRow).order_by(CaseRow.id))}
        actions: dict[int, list[_Action]] = {}
        for action in session.scalars(select(CaseActionRow).order_by(CaseActionRow.id)):
            actions.setdefault(action.case_id, []).append(
                _Action(
                    action.actor,
                    action.action,
                    action.reason,
                    action.status_before,
                    action.status_after,
                    _digest(action.detail),
                    f"case_actions row {action.id}",
                )
            )
    for number in sorted(set(rows) | set(told.cases)):
        row, case = rows.get(number), told.cases.get(number)
        if row is None:
            assert case is not None
            found.append(
                f"case {number} ({case.declaration_id}): opened in audit entry "
                f"{case.opened_seq}, missing from the cases table"
            )
            continue
        if case is None:
            found.append(
                f"case {number} ({row.declaration_id}): in the cases table, never opened in "
                "the audit log"
            )
            continue
        found.extend(_case_differences(number, row, case))
    for number in sorted(set(actions) | set(told.actions)):
        found.extend(_action_differences(number, actions.get(number, []),
                                         told.actions.get(number, [])))  # fmt: skip
    return found


def _case_differences(number: int, row: CaseRow, case: _Case) -> list[str]:
    label = f"case {number} ({row.declaration_id})"
    if row.declaration_id != case.declaration_id:
        return [
            f"{label}: the cases table says declaration {row.declaration_id}, the audit log "
            f"{case.declaration_id}"
        ]
    found = []
    for name, table, logged in (
        ("status", row.status, case.status),
        ("assignee", row.assignee, case.assignee),
        ("pending proposal by", row.proposed_by, case.proposed_by),
        ("verdict", row.verdict, case.verdict),
        ("corridor", row.corridor, case.corridor),
    ):
        if table != logged:
            found.append(
                f"{label}: {name} is {table!r} in the cases table, the audit log says {logged!r}"
            )
    if _digest(row.decision) != case.decision:
        source = f"audit entry {case.decision_seq}" if case.decision_seq else "no logged decision"
        found.append(f"{label}: its decision in the cases table is not the logged one ({source})")
    return found


def _action_differences(number: int, table: list[_Action], logged: list[_Action]) -> list[str]:
    """Aligned in order; where they part, an action of the same kind and statuses on both
    sides is one action edited, and the rest were added to one side or removed from it."""
    found = []
    matcher = difflib.SequenceMatcher(a=[a.key for a in table], b=[a.key for a in logged],
                                      autojunk=False)  # fmt: skip
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        theirs_left = list(logged[j1:j2])
        for mine in table[i1:i2]:
            twin = next((t for t in theirs_left if t.key[1:2] + t.key[3:5] ==
                         mine.key[1:2] + mine.key[3:5]), None)  # fmt: skip
            if twin is None:
                found.append(
                    f"case {number}: {mine.where} ({mine.label()}) is not in the audit log"
                )
                continue
            theirs_left.remove(twin)
            found.append(
                f"case {number}: {mine.where} ({mine.label()}) differs from "
                f"{twin.where} ({twin.label()})" + _which(mine, twin)
            )
        for theirs in theirs_left:
            found.append(
                f"case {number}: {theirs.where} ({theirs.label()}) is missing from case_actions"
            )
    return found


def _which(mine: _Action, theirs: _Action) -> str:
    names = ("actor", "action", "reason", "status before", "status after", "detail")
    differ = [n for n, a, b in zip(names, mine.key, theirs.key, strict=True) if a != b]
    return ": " + ", ".join(differ)
