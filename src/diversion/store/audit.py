"""The audit log: every decision, case action, suppression, licence depletion and list
activation, append-only and hash-chained.

Each entry's hash covers its number, time, actor, kind, subject, payload and the previous
entry's hash, so changing or removing any entry breaks every hash after it; the head row holds
the last number and hash, so removing the newest entries is seen too. The database refuses
UPDATE and DELETE on the log (triggers, migration 0005); the chain catches whoever drops them.

Appends first update the head row, which takes the write lock on SQLite and the row lock on
PostgreSQL, so concurrent appends chain one after another instead of forking.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update
from sqlalchemy.orm import Session

from diversion.store.engine import Store
from diversion.store.models import AuditHeadRow, AuditRow

GENESIS = "0" * 64
SYSTEM = "system"  # the actor of what the system does by itself
KINDS = (
    "decision",
    "declaration_amended",  # the same declaration id with other content: a new version
    "case_opened",
    "case_action",
    "suppression",
    "suppression_revoked",
    "licence_depletion",
    "licence_cancellation",
    "list_activation",
    "user",
)


@dataclass(frozen=True)
class Entry:
    seq: int
    at: str
    actor: str
    kind: str
    subject: str
    payload: dict[str, Any]
    prev_hash: str
    hash: str


def entry_hash(
    seq: int, at: str, actor: str, kind: str, subject: str, payload: Any, prev: str
) -> str:
    body = json.dumps(
        [seq, at, actor, kind, subject, payload, prev],
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def lock(session: Session | Connection) -> None:
    """Take the log's lock now: a writing transaction that also reads (a case, a licence)
    calls this first, so that on SQLite it holds the write lock before it reads anything."""
    session.execute(update(AuditHeadRow).where(AuditHeadRow.id == 1).values(seq=AuditHeadRow.seq))


def append(
    session: Session | Connection,
    actor: str,
    kind: str,
    subject: str,
    payload: dict[str, Any],
) -> Entry:
    """Add an entry inside the caller's transaction (an ORM session or a connection): it is
    kept only if the change it records is, and the change only if it is."""
    if kind not in KINDS:
        raise ValueError(f"unknown audit kind {kind!r}")
    lock(session)
    head = session.execute(
        select(AuditHeadRow.seq, AuditHeadRow.hash).where(AuditHeadRow.id == 1).with_for_update()
    ).one()
    seq = head.seq + 1
    at = datetime.now(UTC).isoformat(timespec="microseconds")
    payload = json.loads(json.dumps(payload, default=str))  # as the database will give it back
    digest = entry_hash(seq, at, actor, kind, subject, payload, head.hash)
    session.execute(
        insert(AuditRow).values(
            seq=seq,
            at=at,
            actor=actor,
            kind=kind,
            subject=subject,
            payload=payload,
            prev_hash=head.hash,
            hash=digest,
        )
    )
    session.execute(update(AuditHeadRow).where(AuditHeadRow.id == 1).values(seq=seq, hash=digest))
    return Entry(seq, at, actor, kind, subject, payload, head.hash, digest)


@dataclass(frozen=True)
class Problem:
    seq: int
    what: str

    def __str__(self) -> str:
        return f"entry {self.seq}: {self.what}"


class AuditLog:
    def __init__(self, store: Store) -> None:
        self.store = store

    def entries(
        self,
        subject: str | None = None,
        kind: str | None = None,
        kinds: Iterable[str] | None = None,
        upto: int | None = None,
    ) -> Iterator[Entry]:
        """The entries in order, read in batches (a log of millions is not held in memory)."""
        with self.store.read() as session:
            query = select(AuditRow).order_by(AuditRow.seq)
            if subject is not None:
                query = query.where(AuditRow.subject == subject)
            if kind is not None:
                query = query.where(AuditRow.kind == kind)
            if kinds is not None:
                query = query.where(AuditRow.kind.in_(list(kinds)))
            if upto is not None:
                query = query.where(AuditRow.seq <= upto)
            for row in session.scalars(query.execution_options(yield_per=1000)):
                yield Entry(
                    row.seq,
                    row.at,
                    row.actor,
                    row.kind,
                    row.subject,
                    row.payload,
                    row.prev_hash,
                    row.hash,
                )

    def verify(self) -> tuple[int, list[Problem]]:
        """Recompute the chain: the number of entries, and every break found. The head is read
        first and the chain up to it checked, so an entry appended meanwhile is not taken for
        a removed one; entries past the head at the end are reported."""
        problems: list[Problem] = []
        head_seq, head_hash = self._head()
        previous, expected_seq, count = GENESIS, 1, 0
        for entry in self.entries(upto=head_seq):
            count += 1
            if entry.seq != expected_seq:
                problems.append(Problem(entry.seq, f"expected entry {expected_seq}: removed"))
            if entry.prev_hash != previous:
                problems.append(Problem(entry.seq, "does not follow the entry before it"))
            digest = entry_hash(
                entry.seq,
                entry.at,
                entry.actor,
                entry.kind,
                entry.subject,
                entry.payload,
                entry.prev_hash,
            )
            if digest != entry.hash:
                problems.append(Problem(entry.seq, "its content was changed after it was written"))
            previous, expected_seq = entry.hash, entry.seq + 1
        if (head_seq, head_hash) != (expected_seq - 1, previous):
            problems.append(
                Problem(
                    head_seq,
                    f"the log ends at entry {expected_seq - 1}, but {head_seq} "
                    "entries were written: the newest were removed",
                )
            )
        last, _ = self._head()
        with self.store.read() as session:
            beyond = session.scalars(select(AuditRow.seq).where(AuditRow.seq > last)).all()
        for seq in beyond:
            problems.append(Problem(seq, f"past the head (entry {last}): added behind the log"))
        return count, problems

    def _head(self) -> tuple[int, str]:
        with self.store.read() as session:
            head = session.execute(select(AuditHeadRow).where(AuditHeadRow.id == 1)).scalar_one()
            return head.seq, head.hash
