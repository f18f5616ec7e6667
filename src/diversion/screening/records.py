"""The declarations `screen` has seen, kept in the store with their latest decision: the
history that later screenings compare with (`screen --history store`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from diversion.declarations import Declaration
from diversion.screening.decision import Decision
from diversion.store import Store
from diversion.store.models import ScreenedDeclarationRow


def keep(session: Session, declaration: Declaration, decision: Decision) -> None:
    """Store one declaration with its decision, inside the caller's transaction."""
    session.merge(
        ScreenedDeclarationRow(
            declaration_id=declaration.declaration_id,
            declared_at=declaration.declared_at,
            procedure=declaration.procedure,
            declaration=declaration.model_dump(mode="json"),
            verdict=decision.verdict,
            decision=decision.to_dict(),
            screened_at=datetime.now(UTC),
            corridor=decision.corridor,
        )
    )


class DeclarationRecords:
    def __init__(self, store: Store) -> None:
        self.store = store

    def record(self, screened: Iterable[tuple[Declaration, Decision]]) -> int:
        """Keep each declaration with its decision, in one transaction; a declaration
        screened again keeps its latest decision."""
        count = 0
        with self.store.transaction() as session:
            for declaration, decision in screened:
                keep(session, declaration, decision)
                count += 1
        return count

    def declarations(self, procedure: str | None = None) -> Iterator[Declaration]:
        """The stored declarations, oldest first; of one procedure if given."""
        query = select(ScreenedDeclarationRow.declaration).order_by(
            ScreenedDeclarationRow.declared_at, ScreenedDeclarationRow.declaration_id
        )
        if procedure is not None:
            query = query.where(ScreenedDeclarationRow.procedure == procedure)
        with self.store.read() as session:
            rows = session.execute(query)
            for (data,) in rows:
                yield Declaration.model_validate(data)

    def get(self, declaration_id: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """A stored declaration and its latest decision, as JSON."""
        with self.store.read() as session:
            row = session.get(ScreenedDeclarationRow, declaration_id)
            return None if row is None else (row.declaration, row.decision)

    def bodies(self, declaration_ids: list[str]) -> dict[str, dict[str, Any]]:
        """Some stored declarations, as JSON, by id (a queue page's, in one statement)."""
        if not declaration_ids:
            return {}
        query = select(
            ScreenedDeclarationRow.declaration_id, ScreenedDeclarationRow.declaration
        ).where(ScreenedDeclarationRow.declaration_id.in_(declaration_ids))
        with self.store.read() as session:
            return {found: body for found, body in session.execute(query)}

    def __len__(self) -> int:
        with self.store.read() as session:
            return len(session.scalars(select(ScreenedDeclarationRow.declaration_id)).all())
