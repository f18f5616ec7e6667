"""False-hit suppressions as the screening reads them: an officer's decision that one party is
not one list entity, held until it expires, is revoked, or either side changes.

A suppression is scoped to that party and that entity only, so it never hides another entity
(a new listing of a similar name is screened as usual). It keeps a fingerprint of both sides:
when the party's name or country changes, or the list entity's data changes in a new snapshot
(a new alias, address or identifier), the fingerprints no longer agree and the suppression
lapses. A suppressed hit still appears in the decision, as a low-severity reason that names the
suppression, so the file shows what was set aside.

This module is the data and its lookup, below the screening that consults it; making and
revoking suppressions (who may, and the audit entry) is the case workflow's
(`diversion.cases.suppressions`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from diversion.matching.keys import legal_name_key
from diversion.store import Store
from diversion.store.models import SuppressionRow


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


def suppression_of(row: SuppressionRow) -> Suppression:
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


def all_suppressions(store: Store) -> list[Suppression]:
    """Every suppression ever made, in force or not, oldest first."""
    with store.read() as session:
        rows = session.scalars(select(SuppressionRow).order_by(SuppressionRow.id))
        return [suppression_of(row) for row in rows]


def suppressions_in_force(store: Store) -> SuppressionSet:
    """Every suppression not revoked and not expired; fingerprints are checked per hit."""
    now = datetime.now(UTC)
    grouped: dict[tuple[str, str], list[Suppression]] = {}
    for suppression in all_suppressions(store):
        if suppression.revoked_at is None and suppression.expires_at > now:
            key = (suppression.party_key, suppression.list_entity_id)
            grouped.setdefault(key, []).append(suppression)
    return SuppressionSet({k: tuple(v) for k, v in grouped.items()}, now)
