"""The licence register in the store: adding, importing, status changes, and depletion.

Depletion is safe against concurrent writers on both backends:

- every write runs in one transaction that holds the licence rows it reads: SQLite takes the
  database's write lock at the start (`BEGIN IMMEDIATE`), PostgreSQL locks the rows
  (`SELECT ... FOR UPDATE`, in licence-number order so that two writers never deadlock);
- the licence is re-assessed against those locked rows, with the same code as screening;
- each draw is a conditional `UPDATE ... SET used = used + x WHERE used + x <= limit`, and a
  draw that matches no row aborts the transaction; CHECK constraints on the table refuse an
  overdrawn row even from a writer that skips all this;
- an accepted declaration id is a primary key, and each (declaration, item) draws once
  (unique key), so accepting a declaration twice, even at the same moment, draws once.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, and_, func, insert, or_, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from diversion.declarations import Declaration
from diversion.declarations.errors import InputError
from diversion.licences.assess import DRAWING_PROCEDURES, Assessment, Draw, Finding, assess
from diversion.licences.csv_format import read_licences
from diversion.licences.model import Licence, LicenceState, from_milli, licence_key, to_milli
from diversion.licences.register import LicenceRegister, content_sha256
from diversion.reference import ReferenceData, file_sha256
from diversion.store import Store, audit
from diversion.store.models import (
    AcceptedDeclarationRow,
    Base,
    DepletionRow,
    LicenceEventRow,
    LicenceRow,
)
from diversion.store.paging import Page, check_window

# Core tables of the models: every statement here is explicit SQL on them
LICENCES = Base.metadata.tables[LicenceRow.__tablename__]
EVENTS = Base.metadata.tables[LicenceEventRow.__tablename__]
ACCEPTED = Base.metadata.tables[AcceptedDeclarationRow.__tablename__]
DEPLETIONS = Base.metadata.tables[DepletionRow.__tablename__]
# status changes: action -> (statuses it applies to, status after)
TRANSITIONS = {
    "suspend": (("active",), "suspended"),
    "reinstate": (("suspended",), "active"),
    "revoke": (("active", "suspended"), "revoked"),
}
_RETRIES = 5  # PostgreSQL deadlock or serialisation failures are retried this often


class LicenceImportError(Exception):
    """A licence file with problems; nothing of it was written."""

    def __init__(self, errors: Sequence[InputError]) -> None:
        super().__init__(f"{len(errors)} problem(s); nothing imported")
        self.errors = list(errors)


class LicenceError(Exception):
    """A register operation that cannot be done, with the reason for the user."""


@dataclass(frozen=True)
class ImportOutcome:
    added: list[str]
    unchanged: list[str]
    how: str = ""  # how the file was read: encoding and delimiter


@dataclass(frozen=True)
class Event:
    at: datetime
    action: str
    status: str
    reason: str | None
    detail: dict[str, Any]


@dataclass(frozen=True)
class Depletion:
    declaration_id: str
    item_no: int
    licence_no: str
    hs_code: str
    quantity: Decimal
    unit: str | None
    value: Decimal
    currency: str
    depleted_at: datetime
    reversed_at: datetime | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "declaration_id": self.declaration_id,
            "item_no": self.item_no,
            "licence_no": self.licence_no,
            "hs_code": self.hs_code,
            "quantity": str(self.quantity),
            "unit": self.unit,
            "value": str(self.value),
            "currency": self.currency,
            "depleted_at": self.depleted_at.isoformat(),
            "reversed_at": self.reversed_at.isoformat() if self.reversed_at else None,
        }


@dataclass(frozen=True)
class AcceptOutcome:
    declaration_id: str
    status: str  # accepted | already accepted | already cancelled | refused
    findings: list[Finding]
    depletions: list[Depletion]

    @property
    def refused(self) -> bool:
        return self.status == "refused"


@dataclass(frozen=True)
class CancelOutcome:
    declaration_id: str
    already: bool
    reversed: list[Depletion]


class _Refused(Exception):
    def __init__(self, assessment: Assessment) -> None:
        super().__init__("licence problems")
        self.assessment = assessment


def _now() -> datetime:
    return datetime.now(UTC)


def _utc(moment: datetime) -> datetime:
    """SQLite keeps no zone; we only ever write UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _licence_values(licence: Licence) -> dict[str, Any]:
    return licence.store_values()


def _state(row: Any, status_reason: str | None = None) -> LicenceState:
    licence = Licence.from_store(row)
    return LicenceState(
        licence,
        quantity_used=from_milli(row.quantity_used_milli),
        value_used=from_milli(row.value_used_milli),
        status_reason=status_reason,
    )


def _depletion(row: Any) -> Depletion:
    return Depletion(
        declaration_id=row.declaration_id,
        item_no=row.item_no,
        licence_no=row.licence_no,
        hs_code=row.hs_code,
        quantity=from_milli(row.quantity_milli),
        unit=row.unit,
        value=from_milli(row.value_milli),
        currency=row.currency,
        depleted_at=_utc(row.depleted_at),
        reversed_at=_utc(row.reversed_at) if row.reversed_at else None,
    )


def _changed_terms(known: Licence, new: Licence) -> list[str]:
    """The terms in which a licence read from a file differs from the one in the register.

    The CSV has no goods description, so a description added with `licences add` stays.
    """
    old_terms, new_terms = known.terms(), new.terms()
    return sorted(
        key
        for key, value in new_terms.items()
        if old_terms[key] != value and not (key == "goods_description" and value is None)
    )


def _retryable(exc: DBAPIError) -> bool:
    """A PostgreSQL deadlock (40P01) or serialisation failure (40001): safe to run again."""
    return getattr(exc.orig, "sqlstate", None) in ("40P01", "40001")


LICENCE_SORTS = {
    "number": LICENCES.c.licence_no,
    "valid_to": LICENCES.c.valid_to,
    "valid_from": LICENCES.c.valid_from,
    "updated": LICENCES.c.updated_at,
}


@dataclass(frozen=True)
class LicenceFilter:
    """Which licences, in what order: `holder` is the holder's id, or part of the holder's
    name (case aside for Latin letters); `valid_on` a day within the validity window (with
    status active: in force that day); `sort` a LICENCE_SORTS key, `-` first for descending."""

    status: str | None = None
    holder: str | None = None
    valid_on: date | None = None
    sort: str = "number"

    def __post_init__(self) -> None:
        if self.sort.lstrip("-") not in LICENCE_SORTS:
            raise ValueError(f"sort must be one of {', '.join(LICENCE_SORTS)}")


class LicenceStore:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.engine = store.engine

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        """One write transaction that owns what it reads until it commits.

        On SQLite the write lock is taken at BEGIN (IMMEDIATE), so a transaction that reads
        and then writes can neither be overtaken nor fail to upgrade its lock; writers queue
        on the busy timeout. On PostgreSQL the statements lock the rows they read.
        """
        if self.engine.dialect.name != "sqlite":
            with self.engine.begin() as connection:
                yield connection
            return
        with self.engine.connect() as connection:
            # the driver must not open transactions itself: we issue BEGIN IMMEDIATE
            connection.execution_options(isolation_level="AUTOCOMMIT")
            connection.exec_driver_sql("BEGIN IMMEDIATE")
            try:
                yield connection
            except BaseException:
                connection.exec_driver_sql("ROLLBACK")
                raise
            connection.exec_driver_sql("COMMIT")

    # -- reading ---------------------------------------------------------------------------

    def _reasons(self, connection: Connection, numbers: Sequence[str] | None) -> dict[str, str]:
        """The reason of each licence's latest status change."""
        query = (
            select(EVENTS.c.licence_no, EVENTS.c.reason)
            .where(EVENTS.c.action.in_(tuple(TRANSITIONS)))
            .order_by(EVENTS.c.id)
        )
        if numbers is not None:
            query = query.where(EVENTS.c.licence_no.in_(numbers))
        return {row.licence_no: row.reason for row in connection.execute(query)}

    def licences(self, status: str | None = None) -> list[LicenceState]:
        with self.engine.connect() as connection:
            query = select(LICENCES).order_by(LICENCES.c.licence_no)
            if status:
                query = query.where(LICENCES.c.status == status)
            rows = connection.execute(query).all()
            reasons = self._reasons(connection, None)
        return [_state(row, reasons.get(row.licence_no)) for row in rows]

    def page(self, wanted: LicenceFilter, limit: int, offset: int = 0) -> Page[LicenceState]:
        """One page of the licences that pass the filters, and how many pass in all: the
        database reads only the page's rows (and their status reasons)."""
        check_window(limit, offset)
        query = select(LICENCES)
        if wanted.status:
            query = query.where(LICENCES.c.status == wanted.status)
        if wanted.holder:
            query = query.where(
                or_(
                    LICENCES.c.holder_id == wanted.holder.strip(),
                    LICENCES.c.holder_name.icontains(wanted.holder.strip(), autoescape=True),
                )
            )
        if wanted.valid_on:
            query = query.where(
                LICENCES.c.valid_from <= wanted.valid_on, LICENCES.c.valid_to >= wanted.valid_on
            )
        column = LICENCE_SORTS[wanted.sort.lstrip("-")]
        descending = wanted.sort.startswith("-")
        order = (
            (column.desc(), LICENCES.c.licence_no.desc())
            if descending
            else (column, LICENCES.c.licence_no)
        )
        with self.engine.connect() as connection:
            total = connection.scalar(select(func.count()).select_from(query.subquery()))
            rows = connection.execute(query.order_by(*order).limit(limit).offset(offset)).all()
            reasons = self._reasons(connection, [row.licence_no for row in rows])
        states = [_state(row, reasons.get(row.licence_no)) for row in rows]
        return Page(states, int(total or 0), offset, limit)

    def get(self, licence_no: str) -> LicenceState | None:
        number = licence_key(licence_no)
        with self.engine.connect() as connection:
            row = connection.execute(
                select(LICENCES).where(LICENCES.c.licence_no == number)
            ).first()
            reasons = self._reasons(connection, [number])
        return None if row is None else _state(row, reasons.get(number))

    def events(self, licence_no: str) -> list[Event]:
        with self.engine.connect() as connection:
            rows = connection.execute(
                select(EVENTS)
                .where(EVENTS.c.licence_no == licence_key(licence_no))
                .order_by(EVENTS.c.id)
            ).all()
        return [Event(_utc(r.at), r.action, r.status, r.reason, dict(r.detail)) for r in rows]

    def depletions(
        self, licence_no: str | None = None, declaration_id: str | None = None
    ) -> list[Depletion]:
        query = select(DEPLETIONS).order_by(DEPLETIONS.c.id)
        if licence_no is not None:
            query = query.where(DEPLETIONS.c.licence_no == licence_key(licence_no))
        if declaration_id is not None:
            query = query.where(DEPLETIONS.c.declaration_id == declaration_id)
        with self.engine.connect() as connection:
            return [_depletion(row) for row in connection.execute(query)]

    def register(self) -> LicenceRegister:
        """The register as it stands, for screening; its reference names this state."""
        with self.engine.connect() as connection:
            rows = connection.execute(select(LICENCES)).all()
            reasons = self._reasons(connection, None)
        states = [_state(row, reasons.get(row.licence_no)) for row in rows]
        latest = max((_utc(row.updated_at) for row in rows), default=None)
        reference = ReferenceData(
            id="licence-register",
            version=f"{len(states)} licences as of {latest.isoformat() if latest else 'never'}",
            sha256=content_sha256(states),
            title="Licence register in the store",
            source=self.store.engine.url.render_as_string(hide_password=True),
            licence="as issued by the licensing authorities",
        )
        return LicenceRegister.of(states, reference)

    # -- changing the register ---------------------------------------------------------------

    def _insert(
        self, connection: Connection, licence: Licence, source: str, action: str, now: datetime
    ) -> None:
        connection.execute(
            insert(LICENCES).values(
                **_licence_values(licence),
                quantity_used_milli=0,
                value_used_milli=0,
                source=source,
                created_at=now,
                updated_at=now,
            )
        )
        connection.execute(
            insert(EVENTS).values(
                licence_no=licence.licence_no,
                at=now,
                action=action,
                status=licence.status,
                reason=None,
                detail={"source": source},
            )
        )

    def add(self, licence: Licence, source: str = "diversion licences add") -> None:
        """Add one licence; a licence number already in the register is refused."""
        with self._write() as connection:
            found = connection.execute(
                select(LICENCES.c.licence_no).where(LICENCES.c.licence_no == licence.licence_no)
            ).first()
            if found is not None:
                raise LicenceError(f"licence {licence.licence_no} is already in the register")
            self._insert(connection, licence, source, "added", _now())

    def import_file(self, path: Path) -> ImportOutcome:
        """Add every licence of a CSV file in one transaction, or none of them.

        A licence already in the register with the same terms is left as it is (its status
        may have changed since, through suspend or revoke); one with other terms is an error,
        since terms of an issued licence do not change silently.
        """
        read = read_licences(path)
        if read.errors:
            raise LicenceImportError(read.errors)
        source = f"import {path.name} (sha256 {file_sha256(path)[:12]})"
        added: list[str] = []
        unchanged: list[str] = []
        now = _now()
        with self._write() as connection:
            numbers = [licence.licence_no for licence in read.licences]
            existing = {
                row.licence_no: _state(row).licence
                for row in connection.execute(
                    select(LICENCES).where(LICENCES.c.licence_no.in_(numbers))
                )
            }
            conflicts = []
            for licence in read.licences:
                known = existing.get(licence.licence_no)
                if known is None:
                    continue
                changed = _changed_terms(known, licence)
                if not changed:
                    unchanged.append(licence.licence_no)
                    continue
                conflicts.append(
                    InputError(
                        str(path),
                        read.lines[licence.licence_no],
                        "licence_no",
                        f"licence {licence.licence_no} is already in the register with other "
                        f"terms ({', '.join(changed)}); issue a new licence number instead",
                    )
                )
            if conflicts:
                raise LicenceImportError(conflicts)
            for licence in read.licences:
                if licence.licence_no not in existing:
                    self._insert(connection, licence, source, "imported", now)
                    added.append(licence.licence_no)
        return ImportOutcome(added, unchanged, read.how)

    def set_status(self, licence_no: str, action: str, reason: str) -> LicenceState:
        """Suspend, reinstate or revoke a licence; the reason is required and recorded."""
        if action not in TRANSITIONS:
            raise LicenceError(f"unknown action {action!r}")
        if not reason.strip():
            raise LicenceError(f"{action} needs a reason")
        number = licence_key(licence_no)
        allowed, after = TRANSITIONS[action]
        now = _now()
        with self._write() as connection:
            row = connection.execute(
                select(LICENCES).where(LICENCES.c.licence_no == number).with_for_update()
            ).first()
            if row is None:
                raise LicenceError(f"licence {number} is not in the register")
            if row.status not in allowed:
                raise LicenceError(
                    f"licence {number} is {row.status}; only a licence that is "
                    f"{' or '.join(allowed)} can be {after}"
                )
            connection.execute(
                update(LICENCES)
                .where(LICENCES.c.licence_no == number)
                .values(status=after, updated_at=now)
            )
            connection.execute(
                insert(EVENTS).values(
                    licence_no=number,
                    at=now,
                    action=action,
                    status=after,
                    reason=reason.strip(),
                    detail={"status_before": row.status},
                )
            )
        state = self.get(number)
        assert state is not None
        return state

    # -- depletion ---------------------------------------------------------------------------

    def accept(self, declaration: Declaration) -> AcceptOutcome:
        """Accept a declaration: draw what each licensed item needs, all items or none.

        The licence checks run again on the locked rows; with any problem nothing is drawn
        and the declaration is not recorded, so it can be accepted once fixed. An id that was
        accepted (or cancelled) before draws nothing.
        """
        for attempt in range(_RETRIES):
            try:
                return self._accept(declaration)
            except IntegrityError:
                # another writer accepted the same id between our check and our insert
                status = self._acceptance_status(declaration.declaration_id)
                if status is None:
                    raise
                return AcceptOutcome(declaration.declaration_id, f"already {status}", [], [])
            except DBAPIError as exc:
                if not _retryable(exc) or attempt == _RETRIES - 1:
                    raise
        raise AssertionError("unreachable")

    def _acceptance_status(self, declaration_id: str) -> str | None:
        with self.engine.connect() as connection:
            return connection.execute(
                select(ACCEPTED.c.status).where(ACCEPTED.c.declaration_id == declaration_id)
            ).scalar()

    def _accept(self, declaration: Declaration) -> AcceptOutcome:
        declaration_id = declaration.declaration_id
        drawing = declaration.procedure in DRAWING_PROCEDURES
        numbers = sorted(
            {licence_key(i.licence_no) for i in declaration.items if i.licence_no and drawing}
        )
        now = _now()
        try:
            with self._write() as connection:
                status = connection.execute(
                    select(ACCEPTED.c.status).where(ACCEPTED.c.declaration_id == declaration_id)
                ).scalar()
                if status is not None:
                    return AcceptOutcome(declaration_id, f"already {status}", [], [])
                connection.execute(
                    insert(ACCEPTED).values(
                        declaration_id=declaration_id,
                        declared_at=declaration.declared_at,
                        exporter_name=declaration.exporter.name,
                        accepted_at=now,
                        status="accepted",
                    )
                )
                rows = connection.execute(
                    select(LICENCES)
                    .where(LICENCES.c.licence_no.in_(numbers))
                    .order_by(LICENCES.c.licence_no)
                    .with_for_update()
                ).all()
                reasons = self._reasons(connection, numbers)
                states = {row.licence_no: _state(row, reasons.get(row.licence_no)) for row in rows}
                assessment = assess(declaration, states.get) if drawing else Assessment([], [])
                if assessment.problems:
                    raise _Refused(assessment)
                depletions = [
                    self._draw(connection, declaration_id, d, now) for d in assessment.draws
                ]
                if depletions:
                    audit.append(connection, audit.SYSTEM, "licence_depletion", declaration_id,
                                 {"depletions": [d.to_dict() for d in depletions]})  # fmt: skip
        except _Refused as refused:
            return AcceptOutcome(declaration_id, "refused", refused.assessment.findings, [])
        return AcceptOutcome(declaration_id, "accepted", assessment.findings, depletions)

    def _draw(
        self, connection: Connection, declaration_id: str, draw: Draw, now: datetime
    ) -> Depletion:
        quantity = to_milli(draw.quantity)
        value = to_milli(draw.value)
        c = LICENCES.c
        done = connection.execute(
            update(LICENCES)
            .where(
                and_(
                    c.licence_no == draw.licence_no,
                    c.status == "active",
                    or_(
                        c.quantity_limit_milli.is_(None),
                        c.quantity_used_milli + quantity <= c.quantity_limit_milli,
                    ),
                    or_(
                        c.value_limit_milli.is_(None),
                        c.value_used_milli + value <= c.value_limit_milli,
                    ),
                )
            )
            .values(
                quantity_used_milli=c.quantity_used_milli + quantity,
                value_used_milli=c.value_used_milli + value,
                updated_at=now,
            )
        )
        if done.rowcount != 1:  # cannot happen while the row is locked; never draw blindly
            raise LicenceError(f"licence {draw.licence_no} changed during the draw; nothing drawn")
        connection.execute(
            insert(DEPLETIONS).values(
                declaration_id=declaration_id,
                item_no=draw.item_no,
                licence_no=draw.licence_no,
                hs_code=draw.hs_code,
                quantity_milli=quantity,
                unit=draw.unit,
                value_milli=value,
                currency=draw.currency,
                depleted_at=now,
            )
        )
        return Depletion(
            declaration_id, draw.item_no, draw.licence_no, draw.hs_code, draw.quantity,
            draw.unit, draw.value, draw.currency, now, None,
        )  # fmt: skip

    def cancel(self, declaration_id: str, reason: str) -> CancelOutcome:
        """Cancel an accepted declaration: give back everything it drew. Once only."""
        if not reason.strip():
            raise LicenceError("cancelling a declaration needs a reason")
        for attempt in range(_RETRIES):
            try:
                return self._cancel(declaration_id, reason.strip())
            except DBAPIError as exc:
                if not _retryable(exc) or attempt == _RETRIES - 1:
                    raise
        raise AssertionError("unreachable")

    def _cancel(self, declaration_id: str, reason: str) -> CancelOutcome:
        now = _now()
        with self._write() as connection:
            status = connection.execute(
                select(ACCEPTED.c.status)
                .where(ACCEPTED.c.declaration_id == declaration_id)
                .with_for_update()
            ).scalar()
            if status is None:
                raise LicenceError(f"declaration {declaration_id} has not been accepted")
            if status == "cancelled":
                return CancelOutcome(declaration_id, True, [])
            rows = connection.execute(
                select(DEPLETIONS)
                .where(DEPLETIONS.c.declaration_id == declaration_id)
                .where(DEPLETIONS.c.reversed_at.is_(None))
                .order_by(DEPLETIONS.c.licence_no, DEPLETIONS.c.item_no)
            ).all()
            c = LICENCES.c
            for row in rows:
                connection.execute(
                    update(LICENCES)
                    .where(c.licence_no == row.licence_no)
                    .values(
                        quantity_used_milli=c.quantity_used_milli - row.quantity_milli,
                        value_used_milli=c.value_used_milli - row.value_milli,
                        updated_at=now,
                    )
                )
            connection.execute(
                update(DEPLETIONS)
                .where(DEPLETIONS.c.declaration_id == declaration_id)
                .where(DEPLETIONS.c.reversed_at.is_(None))
                .values(reversed_at=now)
            )
            connection.execute(
                update(ACCEPTED)
                .where(ACCEPTED.c.declaration_id == declaration_id)
                .values(status="cancelled", cancelled_at=now, cancel_reason=reason)
            )
            reversed_ = [_depletion(row).to_dict() for row in rows]
            audit.append(
                connection,
                audit.SYSTEM,
                "licence_cancellation",
                declaration_id,
                {"reason": reason, "reversed": reversed_},
            )
        return CancelOutcome(
            declaration_id, False, [replace(_depletion(row), reversed_at=now) for row in rows]
        )

    def acceptance(self, declaration_id: str) -> dict[str, Any] | None:
        """The acceptance record of a declaration, if it was accepted."""
        with self.engine.connect() as connection:
            row = connection.execute(
                select(ACCEPTED).where(ACCEPTED.c.declaration_id == declaration_id)
            ).first()
        if row is None:
            return None
        return {
            "declaration_id": row.declaration_id,
            "declared_at": row.declared_at.isoformat(),
            "exporter_name": row.exporter_name,
            "accepted_at": _utc(row.accepted_at).isoformat(),
            "status": row.status,
            "cancelled_at": _utc(row.cancelled_at).isoformat() if row.cancelled_at else None,
            "cancel_reason": row.cancel_reason,
        }
