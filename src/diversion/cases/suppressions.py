"""Making and revoking false-hit suppressions: who may, for how long, and the audit entry.

What a suppression is, and how the screening finds the one that sets a hit aside, is data below
the screening (`diversion.matching.suppressions`); this is the case workflow around it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from diversion.cases.errors import PermissionDenied, WorkflowError
from diversion.cases.policy import SUPPRESSION_DAYS, workflow
from diversion.matching.suppressions import (
    Suppression,
    SuppressionSet,
    all_suppressions,
    entity_fingerprint,
    party_fingerprint,
    party_key,
    suppression_of,
    suppressions_in_force,
)
from diversion.store import Store, audit
from diversion.store.models import SuppressionRow, UserRow

DEFAULT_DAYS = SUPPRESSION_DAYS
MAX_DAYS = 3 * 365


def _rank(role: str) -> int:
    return workflow().rank(role)


class Suppressions:
    def __init__(self, store: Store) -> None:
        self.store = store

    def add(
        self,
        actor: str,
        name: str,
        country: str | None,
        entity_id: str,
        entity: Mapping[str, Any],
        reason: str,
        days: int = DEFAULT_DAYS,
    ) -> Suppression:
        if not reason.strip():
            raise WorkflowError("a suppression needs a written reason")
        if not 1 <= days <= MAX_DAYS:
            raise WorkflowError(f"a suppression lasts 1 to {MAX_DAYS} days")
        now = datetime.now(UTC)
        with self.store.transaction() as session:
            audit.lock(session)
            user = session.get(UserRow, actor)
            if user is None or user.disabled:
                raise PermissionDenied(f"{actor!r} is not a user")
            if _rank(user.role) < _rank("analyst"):
                raise PermissionDenied(f"{actor} is {user.role}: suppressing needs analyst")
            party = {"name": name, "country": (country or "").upper() or None}
            row = SuppressionRow(
                party_key=party_key(name, country),
                party_fingerprint=party_fingerprint(name, country),
                party=party,
                list_entity_id=entity_id,
                entity_fingerprint=entity_fingerprint(entity),
                reason=reason.strip(),
                created_by=actor,
                created_at=now,
                expires_at=now + timedelta(days=days),
                revoked_at=None,
                revoked_by=None,
            )
            session.add(row)
            session.flush()
            audit.append(
                session,
                actor,
                "suppression",
                entity_id,
                {"suppression": row.id, "party": party, "reason": row.reason, "days": days},
            )
            return suppression_of(row)

    def revoke(self, actor: str, suppression_id: int, reason: str) -> Suppression:
        if not reason.strip():
            raise WorkflowError("revoking a suppression needs a written reason")
        with self.store.transaction() as session:
            audit.lock(session)
            user = session.get(UserRow, actor)
            if user is None or _rank(user.role) < _rank("analyst"):
                raise PermissionDenied(f"{actor!r} may not revoke suppressions")
            row = session.get(SuppressionRow, suppression_id)
            if row is None:
                raise WorkflowError(f"no suppression {suppression_id}")
            row.revoked_at, row.revoked_by = datetime.now(UTC), actor
            audit.append(
                session,
                actor,
                "suppression_revoked",
                row.list_entity_id,
                {"suppression": row.id, "reason": reason.strip()},
            )
            return suppression_of(row)

    def all(self) -> list[Suppression]:
        return all_suppressions(self.store)

    def in_force(self) -> SuppressionSet:
        return suppressions_in_force(self.store)
