"""The declarations `screen` has seen, kept in the store with their latest decision: the
history that later screenings compare with (`screen --history store`).

Declarations are versioned: a declaration id submitted again with other content (parties,
items, anything) is an amendment, kept as a new version; the earlier version and the decision
it got stay in `declaration_versions`, and the audit log records the amendment."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from diversion.declarations import Declaration
from diversion.screening.decision import Decision
from diversion.store import Store, audit
from diversion.store.models import DeclarationVersionRow, ScreenedDeclarationRow


def declaration_sha256(data: dict[str, Any]) -> str:
    """What tells two versions of a declaration apart: the SHA-256 of its JSON, keys sorted."""
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def keep(
    session: Session, declaration: Declaration, decision: Decision, actor: str = audit.SYSTEM
) -> int:
    """Store one declaration with its decision, inside the caller's transaction; returns its
    version. The same content screened again is the same version, which takes the new
    decision. Other content under the same id is an amendment: a new version, the earlier
    one kept with its decision, and a `declaration_amended` entry in the audit log."""
    now = datetime.now(UTC)
    data = declaration.model_dump(mode="json")
    digest = declaration_sha256(data)
    payload = decision.to_dict()
    current = session.get(ScreenedDeclarationRow, declaration.declaration_id)
    version = 1 if current is None else current.version
    latest = (
        None
        if current is None
        else session.get(DeclarationVersionRow, (declaration.declaration_id, version))
    )
    if latest is not None and latest.sha256 == digest:
        latest.decision, latest.verdict, latest.screened_at = payload, decision.verdict, now
    else:
        if current is not None:
            version += 1
            audit.append(
                session,
                actor,
                "declaration_amended",
                declaration.declaration_id,
                {
                    "version": version,
                    "sha256": digest,
                    "previous": {
                        "version": version - 1,
                        "sha256": None if latest is None else latest.sha256,
                        "verdict": current.verdict,
                        "corridor": current.decision.get("corridor"),
                        "codes": [r.get("code") for r in current.decision.get("reasons", [])],
                    },
                },
            )
        session.add(
            DeclarationVersionRow(
                declaration_id=declaration.declaration_id, version=version, sha256=digest,
                declaration=data, verdict=decision.verdict, decision=payload,
                first_screened_at=now, screened_at=now,
            )
        )  # fmt: skip
    session.merge(
        ScreenedDeclarationRow(
            declaration_id=declaration.declaration_id,
            declared_at=declaration.declared_at,
            procedure=declaration.procedure,
            declaration=data,
            verdict=decision.verdict,
            decision=payload,
            screened_at=now,
            version=version,
            corridor=decision.corridor,
        )
    )
    return version


@dataclass(frozen=True)
class DeclarationVersion:
    """One version of a declaration, with the last decision it got."""

    version: int
    sha256: str
    declaration: dict[str, Any]
    decision: dict[str, Any]
    first_screened_at: datetime
    screened_at: datetime


class DeclarationRecords:
    def __init__(self, store: Store) -> None:
        self.store = store

    def record(self, screened: Iterable[tuple[Declaration, Decision]]) -> int:
        """Keep each declaration with its decision, in one transaction; a declaration
        screened again keeps its latest decision, an amended one a new version."""
        count = 0
        with self.store.transaction() as session:
            audit.lock(session)
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

    def versions(self, declaration_id: str) -> list[DeclarationVersion]:
        """Every version of a declaration, oldest first, each with its last decision."""
        with self.store.read() as session:
            rows = session.scalars(
                select(DeclarationVersionRow)
                .where(DeclarationVersionRow.declaration_id == declaration_id)
                .order_by(DeclarationVersionRow.version)
            )
            return [
                DeclarationVersion(
                    r.version,
                    r.sha256,
                    r.declaration,
                    r.decision,
                    r.first_screened_at,
                    r.screened_at,
                )
                for r in rows
            ]

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
