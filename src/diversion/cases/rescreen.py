"""Re-screening: when a new list snapshot becomes active, the open cases and the declarations
of the last days are screened again with it.

A declaration whose new decision has a hit the old one did not (a reason with a new code, item
or list entity) gets a case, or has its decided case reopened; its open case takes the new
decision either way. A declaration without a new hit keeps its case as it is: a list update
must not reopen what an officer already decided for the same reasons. Every new decision is
stored and audited, in one transaction with the owed re-screens it settles (a crash leaves
them owed). The report says what changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from diversion.cases.policy import RESCREEN_DAYS
from diversion.cases.workflow import OPENING_CORRIDORS, Cases, HitKey, hit_keys, workflow
from diversion.declarations import Declaration
from diversion.files import crash_point
from diversion.screening.context import ScreeningContext
from diversion.screening.decision import Decision
from diversion.screening.pipeline import Screener
from diversion.screening.records import keep
from diversion.store import Store, audit
from diversion.store.models import CaseRow, ScreenedDeclarationRow

DEFAULT_DAYS = RESCREEN_DAYS


@dataclass(frozen=True)
class Change:
    declaration_id: str
    corridor_before: str
    corridor_after: str
    new_hits: tuple[HitKey, ...]
    gone_hits: tuple[HitKey, ...]


@dataclass
class RescreenReport:
    screened: int = 0
    changes: list[Change] = field(default_factory=list)
    opened: list[int] = field(default_factory=list)  # cases opened or reopened


def _targets(store: Store, since: date) -> list[tuple[Declaration, dict[str, Any]]]:
    """Declarations of open cases, and those declared since `since`, with their last decision."""
    final = workflow().final_statuses
    with store.read() as session:
        open_ids = select(CaseRow.declaration_id).where(CaseRow.status.not_in(final))
        rows = session.execute(
            select(ScreenedDeclarationRow.declaration, ScreenedDeclarationRow.decision)
            .where(
                or_(
                    ScreenedDeclarationRow.declared_at >= since,
                    ScreenedDeclarationRow.declaration_id.in_(open_ids),
                )
            )
            .order_by(ScreenedDeclarationRow.declared_at, ScreenedDeclarationRow.declaration_id)
        ).all()
    return [(Declaration.model_validate(data), decision) for data, decision in rows]


def rescreen(
    store: Store,
    context: ScreeningContext,
    days: int = DEFAULT_DAYS,
    today: date | None = None,
    settle: Callable[[Session], None] | None = None,
) -> RescreenReport:
    """Screen again; store every new decision, open or follow cases, and call `settle` (what
    the re-screen pays off: the owed re-screens) in the same transaction."""
    since = (today or date.today()) - timedelta(days=days)
    report = RescreenReport()
    screener = Screener(context)
    cases = Cases(store)
    for_cases: list[tuple[Declaration, Decision]] = []
    quiet: list[tuple[Declaration, Decision]] = []
    for declaration, before in _targets(store, since):
        after = screener.screen(declaration)
        report.screened += 1
        old, new = hit_keys(before.get("reasons", [])), hit_keys(r.to_dict() for r in after.reasons)
        added, gone = sorted(new - old, key=str), sorted(old - new, key=str)
        if added or gone or before.get("corridor") != after.corridor:
            report.changes.append(
                Change(
                    declaration.declaration_id,
                    str(before.get("corridor")),
                    after.corridor,
                    tuple(added),
                    tuple(gone),
                )
            )
        has_open_case = (
            case := cases.for_declaration(declaration.declaration_id)
        ) is not None and (not cases.flow.is_final(case.status))
        if has_open_case or (added and after.corridor in OPENING_CORRIDORS):
            for_cases.append((declaration, after))
        else:
            quiet.append((declaration, after))
    crash_point("rescreen.decided")
    with store.transaction() as session:  # all of it, and what it settles, or none
        report.opened = cases.record_in(session, for_cases, actor=audit.SYSTEM)
        for declaration, decision in quiet:  # stored and audited, cases untouched
            keep(session, declaration, decision)
            audit.append(session, audit.SYSTEM, "decision", declaration.declaration_id,
                         {**decision.to_dict(), "rescreen": True})  # fmt: skip
        if settle is not None:
            settle(session)
    return report
