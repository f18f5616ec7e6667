"""Cases: yellow and red decisions open one; officers act on it through the workflow in
data/workflow.yml. Every action is checked against the actor's role, the case's status, the
need for a written reason and, for approvals, that the approver is not the proposer (four
eyes); then it is recorded with the case and in the audit log, in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import case as sql_case
from sqlalchemy import func, select

from diversion.cases.errors import PermissionDenied, WorkflowError
from diversion.cases.policy import ActionRule as ActionRule
from diversion.cases.policy import Workflow as Workflow
from diversion.cases.policy import workflow as workflow
from diversion.declarations import Declaration
from diversion.screening.decision import Decision
from diversion.screening.records import keep
from diversion.store import Store, audit
from diversion.store.case_index import hs_digits, index_columns, reason_text
from diversion.store.models import CaseActionRow, CaseDecisionRow, CaseRow, UserRow
from diversion.store.paging import Page, page_of

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


SEVERITY = sql_case({"red": 0, "yellow": 1, "green": 2}, value=CaseRow.corridor, else_=3)
SORTS: dict[str, Any] = {
    "opened": CaseRow.opened_at,
    "updated": CaseRow.updated_at,
    "id": CaseRow.id,
    "declared": CaseRow.declared_at,
    "declaration": CaseRow.declaration_id,
    "assignee": CaseRow.assignee,
    "status": CaseRow.status,
    "corridor": SEVERITY,  # red, yellow, green
}
NULLABLE_SORTS = ("declared", "assignee")  # cases without one come last, either way
# How long a case has been open: the bucket's name and the days it ends before (None: open end).
AGE_BUCKETS: tuple[tuple[str, int | None], ...] = (
    ("today", 1),
    ("days_1_7", 8),
    ("days_8_30", 31),
    ("days_30", None),
)
AGES = tuple(name for name, _ in AGE_BUCKETS)
MAX_SEARCH_WORDS = 10


def age_bucket(opened: datetime, now: datetime | None = None) -> str:
    """The age bucket of a case opened at `opened`."""
    moment = opened if opened.tzinfo else opened.replace(tzinfo=UTC)
    days = ((now or datetime.now(UTC)) - moment).days
    for name, limit in AGE_BUCKETS:
        if limit is None or days < limit:
            return name
    return AGE_BUCKETS[-1][0]


def age_window(age: str, now: datetime) -> tuple[datetime | None, datetime | None]:
    """The opening times of a bucket's cases: after the first (excluded), up to the second."""
    start = 0
    for name, limit in AGE_BUCKETS:
        if name == age:
            after = now - timedelta(days=limit) if limit is not None else None
            return after, now - timedelta(days=start) if start else None
        start = limit or 0
    raise ValueError(f"age must be one of {', '.join(AGES)}")


@dataclass(frozen=True)
class CaseFilter:
    """Which cases, in what order. `since`/`until` are days of opening and
    `declared_since`/`declared_until` of the declaration, both ends included; `age` is how
    long the case has been open (AGE_BUCKETS); `party` is any part of a party's name (case,
    accents and script do not matter); `reasons` are codes the decision must all have; `hs`
    is an HS code or its start (dots aside); `search` are words each of which must be in the
    declaration id, a party's name, a goods description or manufacturer, or an HS code;
    `sort` is one of SORTS, `-` first for descending."""

    status: str | None = None
    corridor: str | None = None
    assignee: str | None = None
    open_only: bool = False
    reasons: tuple[str, ...] = field(default=())
    declaration: str | None = None  # the start of the declaration id
    party: str | None = None
    since: date | None = None
    until: date | None = None
    sort: str = "opened"
    unassigned: bool = False
    age: str | None = None
    hs: str | None = None
    declared_since: date | None = None
    declared_until: date | None = None
    search: str | None = None

    def __post_init__(self) -> None:
        if self.sort.lstrip("-") not in SORTS:
            raise ValueError(f"sort must be one of {', '.join(SORTS)} (- first: descending)")
        if self.age is not None and self.age not in AGES:
            raise ValueError(f"age must be one of {', '.join(AGES)}")
        if self.hs is not None and not hs_digits(self.hs):
            raise ValueError("hs must have digits: an HS code or its start, like 8542 or 8542.31")

    def search_words(self) -> list[str]:
        from diversion.folding import fold_text

        return fold_text(self.search or "").split()[:MAX_SEARCH_WORDS]


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)


def _index(row: CaseRow, columns: dict[str, Any]) -> None:
    for name, value in columns.items():
        setattr(row, name, value)


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
            indexed = {
                **index_columns(decision.declaration_id, declaration.model_dump(mode="json")),
                "reason_codes": reason_text(payload),
            }
            if row is not None and not self.flow.is_final(row.status):
                _index(row, indexed)
                self._follow(session, row, decision, payload, actor, now)
                continue
            if decision.corridor not in OPENING_CORRIDORS:
                continue
            if row is not None:  # decided before, and screened again with a new verdict
                before = row.status
                row.status, row.updated_at = "open", now
                row.decision_row.decision = payload
                _index(row, indexed)
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
                decision_row=CaseDecisionRow(decision=payload),
                opened_at=now,
                updated_at=now,
                proposed_by=None,
                **indexed,
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
        row.decision_row.decision = payload
        row.verdict, row.corridor = decision.verdict, decision.corridor
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
        """Every case that passes the filters, oldest first (a page of them: `page`)."""
        wanted = CaseFilter(status, corridor, assignee, open_only)
        with self.store.read() as session:
            return [Case.of(row) for row in session.scalars(self._query(wanted))]

    def page(self, wanted: CaseFilter, limit: int, offset: int = 0) -> Page[Case]:
        """One page of the cases that pass the filters, in the filter's order, and how many
        pass in all: the database reads only the page's rows."""
        with self.store.read() as session:
            return page_of(session, self._query(wanted), limit, offset).map(Case.of)

    def _query(self, wanted: CaseFilter) -> Any:
        query = select(CaseRow)
        if wanted.status:
            query = query.where(CaseRow.status == wanted.status)
        if wanted.corridor:
            query = query.where(CaseRow.corridor == wanted.corridor)
        if wanted.assignee:
            query = query.where(CaseRow.assignee == wanted.assignee)
        if wanted.open_only:
            query = query.where(CaseRow.status.not_in(self.flow.final_statuses))
        for code in wanted.reasons:
            query = query.where(CaseRow.reason_codes.contains(f" {code} ", autoescape=True))
        if wanted.declaration:
            query = query.where(
                CaseRow.declaration_id.startswith(wanted.declaration, autoescape=True)
            )
        if wanted.party:
            from diversion.folding import fold_text

            query = query.where(CaseRow.parties.contains(fold_text(wanted.party), autoescape=True))
        if wanted.since:
            query = query.where(CaseRow.opened_at >= _start_of(wanted.since))
        if wanted.until and wanted.until < date.max:  # the last day has no day after it
            query = query.where(CaseRow.opened_at < _start_of(wanted.until + timedelta(days=1)))
        if wanted.unassigned:
            query = query.where(CaseRow.assignee.is_(None))
        if wanted.age:
            after, up_to = age_window(wanted.age, datetime.now(UTC))
            if after is not None:
                query = query.where(CaseRow.opened_at > after)
            if up_to is not None:
                query = query.where(CaseRow.opened_at <= up_to)
        if wanted.hs:
            query = query.where(CaseRow.hs_codes.contains(f" {hs_digits(wanted.hs)}"))
        if wanted.declared_since:
            query = query.where(CaseRow.declared_at >= wanted.declared_since)
        if wanted.declared_until:
            query = query.where(CaseRow.declared_at <= wanted.declared_until)
        for word in wanted.search_words():
            query = query.where(CaseRow.search_text.contains(word))
        key = wanted.sort.lstrip("-")
        column = SORTS[key]
        descending = wanted.sort.startswith("-")
        order = column.desc() if descending else column.asc()
        if key in NULLABLE_SORTS:
            order = order.nulls_last()
        return query.order_by(order, CaseRow.id.desc() if descending else CaseRow.id)

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
