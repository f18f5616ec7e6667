"""Owed re-screens: a list activation records one in its own transaction; the re-screen marks
it done in the transaction that stores its decisions. A crash in between leaves it owed, and
whatever runs next (a list import, `cases rescreen`, the server's start) finishes it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from diversion.store.engine import Store
from diversion.store.models import RescreenOwedRow


@dataclass(frozen=True)
class OwedRescreen:
    id: int
    owed_at: datetime
    reason: str
    detail: dict[str, Any]
    days: int


def owe(session: Session, reason: str, days: int, detail: dict[str, Any]) -> None:
    """Record a re-screen owed, inside the caller's transaction (the activation's)."""
    session.add(
        RescreenOwedRow(
            owed_at=datetime.now(UTC), reason=reason, detail=detail, days=days, done_at=None
        )
    )


def owed(store: Store) -> list[OwedRescreen]:
    """The re-screens not done yet, oldest first."""
    with store.read() as session:
        rows = session.scalars(
            select(RescreenOwedRow)
            .where(RescreenOwedRow.done_at.is_(None))
            .order_by(RescreenOwedRow.id)
        )
        return [OwedRescreen(r.id, r.owed_at, r.reason, r.detail, r.days) for r in rows]


def settle(session: Session, ids: list[int]) -> None:
    """Mark re-screens done, inside the transaction that stores their decisions."""
    if ids:
        session.execute(
            update(RescreenOwedRow)
            .where(RescreenOwedRow.id.in_(ids), RescreenOwedRow.done_at.is_(None))
            .values(done_at=datetime.now(UTC))
        )
