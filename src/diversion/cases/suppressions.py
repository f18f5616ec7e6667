"""False-hit suppressions: an officer decides that one party is not one list entity, with a
reason, for a limited time.

A suppression is scoped to that party and that entity only, so it never hides another entity
(a new listing of a similar name is screened as usual). It keeps a fingerprint of both sides:
when the party's name or country changes, or the list entity's data changes in a new snapshot
(a new alias, address or identifier), the fingerprints no longer agree and the suppression
lapses. It also expires, and can be revoked. A suppressed hit still appears in the decision,
as a low-severity reason that names the suppression, so the file shows what was set aside.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from diversion.cases import audit
from diversion.cases.errors import PermissionDenied, WorkflowError
from diversion.cases.policy import SUPPRESSION_DAYS
from diversion.matching.analysis import legal_name_key
from diversion.store import Store
from diversion.store.models import SuppressionRow, UserRow

DEFAULT_DAYS = SUPPRESSION_DAYS
MAX_DAYS = 3 * 365


def _digest(value: Any) -> str:
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def party_key(name: str, country: str | None) -> str:
    return f"{legal_name_key(name)}|{(country or '').upper()}"


def party_fingerprint(name: str, country: str | None) -> str:
    return _digest({"name": " ".join(name.split()), "country": (country or "").upper()})


def entity_data(entity: Any) -> dict[str, Any]:
    """A list entity (a FollowTheMoney proxy) as the data its fingerprint covers."""
    return {
        "schema": entity.schema.name,
        "properties": {key: sorted(values) for key, values in entity.properties.items()},
    }


def entity_fingerprint(entity: Mapping[str, Any]) -> str:
    """The list entity as the list gives it: names, identifiers, addresses, sanctions."""
    return _digest(entity)


def _rank(role: str) -> int:
    from diversion.cases.workflow import workflow

    return workflow().rank(role)


@dataclass(frozen=True)
class Suppression:
    id: int
    party_key: str
    party: dict[str, Any]
    list_entity_id: str
    reason: str
    created_by: str
    created_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    party_fingerprint: str
    entity_fingerprint: str

    def label(self) -> str:
        return (
            f"suppression #{self.id} by {self.created_by} until "
            f"{self.expires_at.date().isoformat()}: {self.reason}"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "party": self.party,
            "list_entity_id": self.list_entity_id,
            "reason": self.reason,
            "created_by": self.created_by,
            "created_at": self.created_at.isoformat(),
            "expires_at": self.expires_at.isoformat(),
            "revoked": self.revoked_at is not None,
        }


def _of(row: SuppressionRow) -> Suppression:
    return Suppression(
        row.id,
        row.party_key,
        row.party,
        row.list_entity_id,
        row.reason,
        row.created_by,
        _aware(row.created_at),
        _aware(row.expires_at),
        row.revoked_at,
        row.party_fingerprint,
        row.entity_fingerprint,
    )


def _aware(moment: datetime) -> datetime:
    """SQLite returns times without their zone; the store writes them all in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass(frozen=True)
class SuppressionSet:
    """The suppressions in force when a screening starts, for the checks to consult."""

    by_key: Mapping[tuple[str, str], tuple[Suppression, ...]]
    now: datetime

    def hiding(
        self, name: str, country: str | None, entity_id: str, entity: Mapping[str, Any]
    ) -> Suppression | None:
        """The suppression that sets aside this party's hit on this entity, if one still
        holds: same party, same entity data, not expired, not revoked."""
        for suppression in self.by_key.get((party_key(name, country), entity_id), ()):
            if (
                suppression.revoked_at is None
                and suppression.expires_at > self.now
                and suppression.party_fingerprint == party_fingerprint(name, country)
                and suppression.entity_fingerprint == entity_fingerprint(entity)
            ):
                return suppression
        return None


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
            return _of(row)

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
            return _of(row)

    def all(self) -> list[Suppression]:
        with self.store.read() as session:
            return [
                _of(r) for r in session.scalars(select(SuppressionRow).order_by(SuppressionRow.id))
            ]

    def in_force(self) -> SuppressionSet:
        """Every suppression not revoked and not expired; fingerprints are checked per hit."""
        now = datetime.now(UTC)
        grouped: dict[tuple[str, str], list[Suppression]] = {}
        for suppression in self.all():
            if suppression.revoked_at is None and suppression.expires_at > now:
                key = (suppression.party_key, suppression.list_entity_id)
                grouped.setdefault(key, []).append(suppression)
        return SuppressionSet({k: tuple(v) for k, v in grouped.items()}, now)
