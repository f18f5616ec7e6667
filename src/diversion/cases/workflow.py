"""Cases: yellow and red decisions open one; officers act on it through the workflow in
data/workflow.yml. Every action is checked against the actor's role, the case's status, the
need for a written reason and, for approvals, that the approver is not the proposer (four
eyes); then it is recorded with the case and in the audit log, in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from diversion.cases.errors import PermissionDenied, WorkflowError
from diversion.cases.policy import ActionRule as ActionRule
from diversion.cases.policy import Workflow as Workflow
from diversion.cases.policy import workflow as workflow
from diversion.declarations import Declaration
from diversion.screening.decision import Decision
from diversion.screening.records import keep
from diversion.store import Store, audit
from diversion.store.models import CaseActionRow, CaseRow, UserRow

SYSTEM = audit.SYSTEM
OPENING_CORRIDORS = ("yellow", "red")
DECISION_CHANGED = "decision_changed"  # the action by which an open case follows a new screening


HitKey = tuple[str, Any, Any]


def hit_keys(reasons: Iterable[dict[str, Any]]) -> set[HitKey]:
    """What a decision found, as comparable keys: the rule, the item and the list entity."""
    return {
        (r["code"], r.get("item_no"), (r.get("evidence") or {}).get("entity_id"))
        for r in reasons
        if r.get("severity") != "low"
    }


def hit_label(hit: HitKey) -> str:
    code, item, entity = hit
    return " ".join(str(part) for part in (code, f"item {item}" if item else None, entity) if part)


@dataclass(frozen=True)
class Case:
    id: int
    declaration_id: str
    verdict: str
    corridor: str
    status: str
    assignee: str | None
    decision: dict[str, Any]
    opened_at: datetime
    updated_at: datetime
    proposed_by: str | None

    @classmethod
    def of(cls, row: CaseRow) -> Case:
        return cls(
            row.id,
            row.declaration_id,
            row.verdict,
            row.corridor,
            row.status,
            row.assignee,
            row.decision,
            row.opened_at,
            row.updated_at,
            row.proposed_by,
        )


@dataclass(frozen=True)
class Action:
    id: int
    case_id: int
    at: datetime
    actor: str
    action: str
    reason: str | None
    status_before: str
    status_after: str
    detail: dict[str, Any]

    def summary(self) -> dict[str, Any]:
        """The action as the API and `cases show --json` give it."""
        return {
            "at": self.at.isoformat(),
            "actor": self.actor,
            "action": self.action,
            "reason": self.reason,
            "from": self.status_before,
            "to": self.status_after,
        }


class Cases:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.flow = workflow()

    # -- opening -------------------------------------------------------------------------------

    def record_screening(
        self, screened: Iterable[tuple[Declaration, Decision]], actor: str = SYSTEM
    ) -> list[int]:
        """Keep every screened declaration with its decision, audit the decision, and open a
        case for each yellow or red one that has none open; returns the ids of the cases
        opened or reopened. An open case follows its declaration's latest decision whatever
        the corridor, green included (see `_follow`); a decided case is reopened by a yellow
        or red one and left alone by a green one. One transaction: all of it is recorded, or
        none."""
        with self.store.transaction() as session:
            return self.record_in(session, screened, actor)

    def record_in(
        self,
        session: Any,
        screened: Iterable[tuple[Declaration, Decision]],
        actor: str = SYSTEM,
    ) -> list[int]:
        """`record_screening` inside the caller's transaction (a re-screen's, which also
        settles what it owed)."""
        opened: list[int] = []
        now = datetime.now(UTC)
        audit.lock(session)
        for declaration, decision in screened:
            keep(session, declaration, decision, actor)
            payload = decision.to_dict()
            audit.append(session, actor, "decision", decision.declaration_id, payload)
            row = session.scalars(
                select(CaseRow).where(CaseRow.declaration_id == decision.declaration_id)
            ).one_or_none()
            if row is not None and not self.flow.is_final(row.status):
                self._follow(session, row, decision, payload, actor, now)
                continue
            if decision.corridor not in OPENING_CORRIDORS:
                continue
            if row is not None:  # decided before, and screened again with a new verdict
                before = row.status
                row.status, row.decision, row.updated_at = "open", payload, now
                row.verdict, row.corridor, row.proposed_by = (
                    decision.verdict,
                    decision.corridor,
                    None,
                )
                session.flush()
                self._action(
                    session,
                    row,
                    actor,
                    "reopen",
                    "screened again: " + ", ".join(decision.codes),
                    before,
                    {},
                )
                opened.append(row.id)
                continue
            row = CaseRow(
                declaration_id=decision.declaration_id,
                verdict=decision.verdict,
                corridor=decision.corridor,
                status="open",
                assignee=None,
                decision=payload,
                opened_at=now,
                updated_at=now,
                proposed_by=None,
            )
            session.add(row)
            session.flush()
            audit.append(
                session,
                actor,
                "case_opened",
                decision.declaration_id,
                {"case": row.id, "verdict": decision.verdict, "codes": decision.codes},
            )
            opened.append(row.id)
        return opened

    # -- acting --------------------------------------------------------------------------------

    def act(
        self,
        case_id: int,
        actor: str,
        action: str,
        reason: str | None = None,
        assignee: str | None = None,
    ) -> Case:
        """Take an action, or raise WorkflowError (PermissionDenied for a role) saying why."""
        rule = self.flow.actions.get(action)
        if rule is None:
            raise WorkflowError(
                f"unknown action {action!r}; one of: {', '.join(self.flow.actions)}"
            )
        reason = (reason or "").strip() or None
        if rule.reason and reason is None:
            raise WorkflowError(f"{action} needs a written reason")
        with self.store.transaction() as session:
            audit.lock(session)
            user = session.get(UserRow, actor)
            if user is None or user.disabled:
                raise PermissionDenied(f"{actor!r} is not a user (`diversion users add`)")
            if not self.flow.allows(user.role, action):
                raise PermissionDenied(
                    f"{actor} is {user.role}: {action} needs the {rule.role} role or higher"
                )
            row = session.get(CaseRow, case_id)
            if row is None:
                raise WorkflowError(f"no case {case_id}")
            before = row.status
            if rule.sources is not None and before not in rule.sources:
                raise WorkflowError(
                    f"case {case_id} is {before}: {action} needs one of {', '.join(rule.sources)}"
                )
            if rule.four_eyes and row.proposed_by == actor:
                raise PermissionDenied(
                    f"{actor} proposed this; a second person must {action.replace('_', ' ')}"
                )
            detail: dict[str, Any] = {}
            target = rule.target
            if row.corridor in rule.proposal_for:
                target = rule.proposal  # overriding a block is only a proposal
                row.proposed_by = actor
                detail["proposal"] = True
            elif rule.four_eyes:
                detail["proposed_by"] = row.proposed_by
                row.proposed_by = None
            if action == "assign":
                target_user = session.get(UserRow, assignee or "")
                if target_user is None:
                    raise WorkflowError(f"cannot assign to {assignee!r}: not a user")
                row.assignee = detail["assignee"] = target_user.username
            if target is not None:
                row.status = target
            row.updated_at = datetime.now(UTC)
            session.flush()
            self._action(session, row, actor, action, reason, before, detail)
            return Case.of(row)

    def _follow(
        self,
        session: Any,
        row: CaseRow,
        decision: Decision,
        payload: dict[str, Any],
        actor: str,
        now: datetime,
    ) -> None:
        """An open case takes the new decision, whatever its corridor. If the corridor or the
        hits changed, a `decision_changed` action (status unchanged) says from what to what,
        with the hits found and gone, in the case and the audit log. A green decision does not
        close the case: an officer may be working on it, and a list that lost an entry by
        mistake must not release goods by itself; the officer sees the green decision and
        releases (without a second person, since nothing blocks any more)."""
        before_corridor = row.corridor
        old, new = hit_keys(row.decision.get("reasons", [])), hit_keys(payload["reasons"])
        row.decision, row.verdict, row.corridor = payload, decision.verdict, decision.corridor
        row.updated_at = now
        if before_corridor == decision.corridor and old == new:
            return
        found, gone = sorted(new - old, key=str), sorted(old - new, key=str)
        words = [f"screened again: {before_corridor} → {decision.corridor}"]
        if found:
            words.append("new: " + ", ".join(hit_label(h) for h in found))
        if gone:
            words.append("gone: " + ", ".join(hit_label(h) for h in gone))
        detail = {
            "corridor_before": before_corridor,
            "corridor_after": decision.corridor,
            "verdict": decision.verdict,
            "new_hits": [list(h) for h in found],
            "gone_hits": [list(h) for h in gone],
        }
        session.flush()
        self._action(session, row, actor, DECISION_CHANGED, "; ".join(words), row.status, detail)

    def _action(
        self,
        session: Any,
        row: CaseRow,
        actor: str,
        action: str,
        reason: str | None,
        before: str,
        detail: dict[str, Any],
    ) -> None:
        now = datetime.now(UTC)
        session.add(
            CaseActionRow(
                case_id=row.id,
                at=now,
                actor=actor,
                action=action,
                reason=reason,
                status_before=before,
                status_after=row.status,
                detail=detail,
            )
        )
        audit.append(
            session,
            actor,
            "case_action",
            row.declaration_id,
            {
                "case": row.id,
                "action": action,
                "reason": reason,
                "from": before,
                "to": row.status,
                **detail,
            },
        )

    # -- reading -------------------------------------------------------------------------------

    def get(self, case_id: int) -> Case | None:
        with self.store.read() as session:
            row = session.get(CaseRow, case_id)
            return None if row is None else Case.of(row)

    def for_declaration(self, declaration_id: str) -> Case | None:
        with self.store.read() as session:
            row = session.scalars(
                select(CaseRow).where(CaseRow.declaration_id == declaration_id)
            ).one_or_none()
            return None if row is None else Case.of(row)

    def find(
        self,
        status: str | None = None,
        corridor: str | None = None,
        assignee: str | None = None,
        open_only: bool = False,
    ) -> list[Case]:
        with self.store.read() as session:
            query = select(CaseRow).order_by(CaseRow.opened_at, CaseRow.id)
            if status:
                query = query.where(CaseRow.status == status)
            if corridor:
                query = query.where(CaseRow.corridor == corridor)
            if assignee:
                query = query.where(CaseRow.assignee == assignee)
            if open_only:
                query = query.where(CaseRow.status.not_in(self.flow.final_statuses))
            return [Case.of(row) for row in session.scalars(query)]

    def actions(self, case_id: int) -> list[Action]:
        with self.store.read() as session:
            rows = session.scalars(
                select(CaseActionRow)
                .where(CaseActionRow.case_id == case_id)
                .order_by(CaseActionRow.id)
            )
            return [
                Action(
                    r.id,
                    r.case_id,
                    r.at,
                    r.actor,
                    r.action,
                    r.reason,
                    r.status_before,
                    r.status_after,
                    r.detail,
                )
                for r in rows
            ]

    def counts(self) -> dict[tuple[str, str], int]:
        """Cases by corridor and status, for the queue."""
        with self.store.read() as session:
            rows = session.execute(
                select(CaseRow.corridor, CaseRow.status, func.count()).group_by(
                    CaseRow.corridor, CaseRow.status
                )
            )
            return {(corridor, status): count for corridor, status, count in rows}
