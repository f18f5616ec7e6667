"""What the queue is doing, in numbers: the corridors of the declarations day by day and week
by week, the open cases by corridor and age, their reason codes, who holds them, and each list
update with what re-screening did after it.

Every figure is one grouped query over narrow columns with indexes (migration 0008): the
dashboard of 100,000 open cases reads no decision.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from diversion.cases.policy import workflow
from diversion.cases.workflow import AGE_BUCKETS, DECISION_CHANGED, age_window
from diversion.store import Store, audit
from diversion.store.models import (
    CaseActionRow,
    CaseRow,
    SanctionsListRow,
    ScreenedDeclarationRow,
    SnapshotRow,
)

CORRIDORS = ("red", "yellow", "green")
DAYS = 60  # the daily chart: the last days that have declarations
WEEKS = 26
TOP_REASONS = 15
LIST_UPDATES = 12


@dataclass
class ListUpdate:
    """A list snapshot, how many entities it has and gained, and what re-screening changed
    before the next snapshot of any list: open cases whose corridor went up (to a worse one)
    or down, and decided cases reopened (the actions the system took)."""

    list_name: str
    seq: int
    imported_at: datetime
    entities: int
    change: int | None  # entities against the list's snapshot before, None for the first
    worse: int = 0
    better: int = 0
    reopened: int = 0


@dataclass
class Dashboard:
    open_total: int = 0
    by_corridor_age: dict[tuple[str, str], int] = field(default_factory=dict)
    days: list[tuple[date, dict[str, int]]] = field(default_factory=list)
    weeks: list[tuple[date, dict[str, int]]] = field(default_factory=list)  # Mondays
    reasons: list[tuple[str, int]] = field(default_factory=list)
    officers: list[tuple[str | None, dict[str, int]]] = field(default_factory=list)
    list_updates: list[ListUpdate] = field(default_factory=list)


def _rank(corridor: str) -> int:
    return {"red": 0, "yellow": 1, "green": 2}.get(corridor, 3)


def dashboard(store: Store, now: datetime | None = None) -> Dashboard:
    now = now or datetime.now(UTC)
    final = workflow().final_statuses
    found = Dashboard()
    open_cases = CaseRow.status.not_in(final)
    with store.read() as session:
        ages = []
        for name, _ in AGE_BUCKETS:
            after, up_to = age_window(name, now)
            condition = [c for c in (
                CaseRow.opened_at > after if after is not None else None,
                CaseRow.opened_at <= up_to if up_to is not None else None,
            ) if c is not None]  # fmt: skip
            ages.append(func.count().filter(*condition) if condition else func.count())
        for corridor, *counts in session.execute(
            select(CaseRow.corridor, *ages).where(open_cases).group_by(CaseRow.corridor)
        ):
            for (name, _), count in zip(AGE_BUCKETS, counts, strict=True):
                found.by_corridor_age[(corridor, name)] = int(count)
        found.open_total = sum(found.by_corridor_age.values())

        last = session.scalar(select(func.max(ScreenedDeclarationRow.declared_at)))
        if last is not None:
            first = last - timedelta(days=WEEKS * 7 - 1)
            daily: dict[date, Counter[str]] = defaultdict(Counter)
            for day, day_corridor, count in session.execute(
                select(
                    ScreenedDeclarationRow.declared_at,
                    ScreenedDeclarationRow.corridor,
                    func.count(),
                )
                .where(ScreenedDeclarationRow.declared_at >= first)
                .group_by(ScreenedDeclarationRow.declared_at, ScreenedDeclarationRow.corridor)
            ):
                daily[day][day_corridor or "unknown"] += int(count)
            weekly: dict[date, Counter[str]] = defaultdict(Counter)
            for day, day_counts in daily.items():
                weekly[day - timedelta(days=day.weekday())].update(day_counts)
            shown_from = last - timedelta(days=DAYS - 1)
            found.days = [(day, dict(daily[day])) for day in sorted(daily) if day >= shown_from]
            found.weeks = [(monday, dict(weekly[monday])) for monday in sorted(weekly)]

        reasons: Counter[str] = Counter()
        for codes, count in session.execute(
            select(CaseRow.reason_codes, func.count())
            .where(open_cases)
            .group_by(CaseRow.reason_codes)
        ):
            for code in (codes or "").split():
                reasons[code] += int(count)
        found.reasons = sorted(reasons.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_REASONS]

        officers: dict[str | None, dict[str, int]] = defaultdict(dict)
        for assignee, status, count in session.execute(
            select(CaseRow.assignee, CaseRow.status, func.count())
            .where(open_cases)
            .group_by(CaseRow.assignee, CaseRow.status)
        ):
            officers[assignee][status] = int(count)
        found.officers = sorted(
            officers.items(), key=lambda kv: (kv[0] is None, -sum(kv[1].values()), kv[0] or "")
        )
        found.list_updates = _list_updates(session)
    return found


def _list_updates(session: Any) -> list[ListUpdate]:
    snapshots = session.execute(
        select(SnapshotRow.list_name, SnapshotRow.seq, SnapshotRow.imported_at, SnapshotRow.counts)
        .join(SanctionsListRow, SanctionsListRow.name == SnapshotRow.list_name)
        .where(SanctionsListRow.kind == "sanctions")
        .order_by(SnapshotRow.imported_at.desc())
        .limit(LIST_UPDATES + 1)
    ).all()
    if not snapshots:
        return []
    actions = session.execute(
        select(CaseActionRow.at, CaseActionRow.action, CaseActionRow.detail)
        .where(CaseActionRow.actor == audit.SYSTEM)
        .where(CaseActionRow.action.in_((DECISION_CHANGED, "reopen")))
        .where(CaseActionRow.at >= snapshots[-1].imported_at)
    ).all()
    entities = {(name, seq): sum((counts or {}).values()) for name, seq, _, counts in snapshots}
    updates = []
    following: datetime | None = None  # the next snapshot's import, of any list
    for name, seq, imported_at, _ in snapshots[:LIST_UPDATES]:
        previous = entities.get((name, seq - 1))  # None: the first, or older than shown
        update = ListUpdate(
            name,
            seq,
            imported_at,
            entities[(name, seq)],
            None if previous is None else entities[(name, seq)] - previous,
        )
        for at, action, detail in actions:
            if at < imported_at or (following is not None and at >= following):
                continue
            if action == "reopen":
                update.reopened += 1
                continue
            was, became = (
                (detail or {}).get("corridor_before"),
                (detail or {}).get("corridor_after"),
            )
            if was and became and _rank(became) != _rank(was):
                if _rank(became) < _rank(was):
                    update.worse += 1
                else:
                    update.better += 1
        updates.append(update)
        following = imported_at
    return updates
