"""Tables of the store, as SQLAlchemy models. Migrations in `migrations/` create them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class SanctionsListRow(Base):
    """A named list (say `ofac-sdn`) and which of its snapshots is active."""

    __tablename__ = "lists"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    active_snapshot_id: Mapped[str | None] = mapped_column(
        String(140), ForeignKey("list_snapshots.id", use_alter=True, name="fk_lists_active")
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # `sanctions`: screened against; `registry`: companies, owners and officers (network)
    kind: Mapped[str] = mapped_column(String(20), default="sanctions", server_default="sanctions")


class SnapshotRow(Base):
    """One import of one list: immutable once written."""

    __tablename__ = "list_snapshots"
    __table_args__ = (UniqueConstraint("list_name", "seq"),)

    id: Mapped[str] = mapped_column(String(140), primary_key=True)
    list_name: Mapped[str] = mapped_column(String(100), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    format: Mapped[str] = mapped_column(String(40))
    source: Mapped[str] = mapped_column(String(200))
    files: Mapped[list[dict[str, Any]]] = mapped_column(JSON)  # name and sha256 of each file
    sha256: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    published_at: Mapped[str | None] = mapped_column(String(40))
    counts: Mapped[dict[str, int]] = mapped_column(JSON)  # entities by schema
    importer_version: Mapped[str] = mapped_column(String(40))
    warnings: Mapped[list[str]] = mapped_column(JSON)  # kept, not fatal: dangling references


class EntityRow(Base):
    """A FollowTheMoney entity as it stood in one snapshot."""

    __tablename__ = "list_entities"

    snapshot_id: Mapped[str] = mapped_column(
        String(140), ForeignKey("list_snapshots.id"), primary_key=True
    )
    entity_id: Mapped[str] = mapped_column(String(300), primary_key=True)
    schema: Mapped[str] = mapped_column(String(40))
    caption: Mapped[str] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


class LicenceRow(Base):
    """A licence in the register, with how much has been drawn on it so far.

    Quantities and values are whole thousandths (`*_milli`), so that the database itself adds
    and compares them exactly: depletion is one conditional UPDATE on these columns.
    """

    __tablename__ = "licences"
    __table_args__ = (
        # the last line of defence: no writer, however buggy, can overdraw a licence
        CheckConstraint(
            "quantity_limit_milli IS NULL OR quantity_used_milli <= quantity_limit_milli",
            name="ck_licences_quantity_within_limit",
        ),
        CheckConstraint(
            "value_limit_milli IS NULL OR value_used_milli <= value_limit_milli",
            name="ck_licences_value_within_limit",
        ),
        CheckConstraint(
            "quantity_used_milli >= 0 AND value_used_milli >= 0", name="ck_licences_used"
        ),
    )

    licence_no: Mapped[str] = mapped_column(String(60), primary_key=True)
    holder_name: Mapped[str | None] = mapped_column(Text)
    holder_id: Mapped[str | None] = mapped_column(String(60))
    type: Mapped[str] = mapped_column(String(20))  # individual | general
    authority: Mapped[str] = mapped_column(String(200))
    goods: Mapped[list[str]] = mapped_column(JSON)  # HS codes or prefixes, digits only
    goods_description: Mapped[str | None] = mapped_column(Text)
    destinations: Mapped[list[str]] = mapped_column(JSON)  # ISO alpha-2; empty = any
    consignee_name: Mapped[str | None] = mapped_column(Text)
    end_user_name: Mapped[str | None] = mapped_column(Text)
    quantity_limit_milli: Mapped[int | None] = mapped_column(BigInteger)
    quantity_used_milli: Mapped[int] = mapped_column(BigInteger)
    value_limit_milli: Mapped[int | None] = mapped_column(BigInteger)
    value_used_milli: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str | None] = mapped_column(String(3))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date] = mapped_column(Date)  # inclusive, like valid_from
    status: Mapped[str] = mapped_column(String(20))  # active | suspended | revoked
    source: Mapped[str] = mapped_column(Text)  # how it entered the register
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class LicenceEventRow(Base):
    """A change of a licence: added, imported, suspended, reinstated, revoked, with its reason."""

    __tablename__ = "licence_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    licence_no: Mapped[str] = mapped_column(
        String(60), ForeignKey("licences.licence_no"), index=True
    )
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    action: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))  # the status after the event
    reason: Mapped[str | None] = mapped_column(Text)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)


class AcceptedDeclarationRow(Base):
    """A declaration accepted for the licences it draws on; its id can be accepted only once."""

    __tablename__ = "accepted_declarations"

    declaration_id: Mapped[str] = mapped_column(String(140), primary_key=True)
    declared_at: Mapped[date] = mapped_column(Date)
    exporter_name: Mapped[str] = mapped_column(Text)
    accepted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(20))  # accepted | cancelled
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    cancel_reason: Mapped[str | None] = mapped_column(Text)


class DepletionRow(Base):
    """What one goods item of an accepted declaration drew from one licence."""

    __tablename__ = "licence_depletions"
    __table_args__ = (UniqueConstraint("declaration_id", "item_no"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    declaration_id: Mapped[str] = mapped_column(
        String(140), ForeignKey("accepted_declarations.declaration_id"), index=True
    )
    item_no: Mapped[int] = mapped_column(Integer)
    licence_no: Mapped[str] = mapped_column(
        String(60), ForeignKey("licences.licence_no"), index=True
    )
    hs_code: Mapped[str] = mapped_column(String(10))
    quantity_milli: Mapped[int] = mapped_column(BigInteger)
    unit: Mapped[str | None] = mapped_column(String(40))
    value_milli: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    depleted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reversed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class RegistryLinkRow(Base):
    """A registry entity recorded as the same party as a list entity, with the match score:
    a link, never a merge."""

    __tablename__ = "registry_links"
    __table_args__ = (
        UniqueConstraint(
            "registry_snapshot_id", "registry_entity_id", "list_snapshot_id", "list_entity_id"
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    registry_snapshot_id: Mapped[str] = mapped_column(
        String(140), ForeignKey("list_snapshots.id"), index=True
    )
    registry_entity_id: Mapped[str] = mapped_column(String(300))
    list_snapshot_id: Mapped[str] = mapped_column(String(140), ForeignKey("list_snapshots.id"))
    list_entity_id: Mapped[str] = mapped_column(String(300))
    score: Mapped[float] = mapped_column(Float)
    method: Mapped[str] = mapped_column(String(40))
    explanation: Mapped[str] = mapped_column(Text)
    linked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RegistryLinkingRow(Base):
    """That a registry snapshot was linked to a list snapshot (with how many links)."""

    __tablename__ = "registry_linkings"

    registry_snapshot_id: Mapped[str] = mapped_column(
        String(140), ForeignKey("list_snapshots.id"), primary_key=True
    )
    list_snapshot_id: Mapped[str] = mapped_column(
        String(140), ForeignKey("list_snapshots.id"), primary_key=True
    )
    threshold: Mapped[float] = mapped_column(Float)
    links: Mapped[int] = mapped_column(Integer)
    linked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ScreenedDeclarationRow(Base):
    """A declaration's latest version as it was last screened, with that decision: the
    history later screenings read (`screen --history store`). Every version is kept in
    `declaration_versions`."""

    __tablename__ = "screened_declarations"

    declaration_id: Mapped[str] = mapped_column(String(140), primary_key=True)
    declared_at: Mapped[date] = mapped_column(Date, index=True)
    procedure: Mapped[str] = mapped_column(String(20))
    declaration: Mapped[dict[str, Any]] = mapped_column(JSON)
    verdict: Mapped[str] = mapped_column(String(10))
    decision: Mapped[dict[str, Any]] = mapped_column(JSON)
    screened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    # the decision's corridor, beside the day for the dashboard (index on both: migration 0008)
    corridor: Mapped[str | None] = mapped_column(String(10))


class DeclarationVersionRow(Base):
    """One version of a declaration: what was declared (its SHA-256 tells versions apart) and
    the last decision that version got. An amendment (the same id, other content) adds a
    version; the earlier ones stay as they were."""

    __tablename__ = "declaration_versions"

    declaration_id: Mapped[str] = mapped_column(String(140), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64))
    declaration: Mapped[dict[str, Any]] = mapped_column(JSON)
    verdict: Mapped[str] = mapped_column(String(10))
    decision: Mapped[dict[str, Any]] = mapped_column(JSON)
    first_screened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    screened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class RescreenOwedRow(Base):
    """A re-screen owed: written in the transaction that made a new list snapshot active, and
    marked done in the transaction that stores the re-screen's decisions, so a crash between
    the two leaves it owed (the next import, `cases rescreen` or server start finishes it)."""

    __tablename__ = "rescreens_owed"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    owed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str] = mapped_column(String(40))  # list_activation
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)  # the snapshots made active
    days: Mapped[int] = mapped_column(Integer)  # the declarations of the last N days too
    done_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)


class UserRow(Base):
    """Someone who works cases: a role (viewer, analyst, supervisor, admin) decides what they
    may do; the password hash is for the web and API sign-in."""

    __tablename__ = "users"

    username: Mapped[str] = mapped_column(String(60), primary_key=True)
    display_name: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)


class CaseRow(Base):
    """A yellow or red declaration an officer has to decide: one case per declaration.

    The row is narrow (what the queue filters and sorts by); the decision, some 20 kB of
    evidence, is in `case_decisions`, loaded with the row, so that reading the queue's pages
    never reads the decisions of the cases it skips (migration 0008)."""

    __tablename__ = "cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    declaration_id: Mapped[str] = mapped_column(String(140), unique=True)
    verdict: Mapped[str] = mapped_column(String(10))
    corridor: Mapped[str] = mapped_column(String(10), index=True)
    status: Mapped[str] = mapped_column(String(30), index=True)
    assignee: Mapped[str | None] = mapped_column(String(60), index=True)
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    proposed_by: Mapped[str | None] = mapped_column(String(60))  # of a pending proposal
    # what the queue is filtered by (store/case_index.py): folded party names, reason codes,
    # the declaration's day, its HS codes, and the words a search looks in
    parties: Mapped[str] = mapped_column(Text, default="", server_default="")
    reason_codes: Mapped[str] = mapped_column(Text, default="", server_default="")
    declared_at: Mapped[date | None] = mapped_column(Date, index=True)
    hs_codes: Mapped[str] = mapped_column(Text, default="", server_default="")
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    decision_row: Mapped[CaseDecisionRow] = relationship(lazy="selectin", cascade="all")

    @property
    def decision(self) -> dict[str, Any]:
        """The case's current decision (the screening that opened it, or the latest)."""
        return self.decision_row.decision


class CaseDecisionRow(Base):
    """A case's current decision, every reason with its evidence, apart from the queue's row."""

    __tablename__ = "case_decisions"

    case_id: Mapped[int] = mapped_column(Integer, ForeignKey("cases.id"), primary_key=True)
    decision: Mapped[dict[str, Any]] = mapped_column(JSON)


class CaseActionRow(Base):
    """One thing done to a case, by whom, why, and the status before and after."""

    __tablename__ = "case_actions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[int] = mapped_column(Integer, ForeignKey("cases.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(60))
    action: Mapped[str] = mapped_column(String(30))
    reason: Mapped[str | None] = mapped_column(Text)
    status_before: Mapped[str] = mapped_column(String(30))
    status_after: Mapped[str] = mapped_column(String(30))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)


class SuppressionRow(Base):
    """A false hit set aside: one party against one list entity, until it expires or either
    side's data changes (the fingerprints no longer agree)."""

    __tablename__ = "suppressions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    party_key: Mapped[str] = mapped_column(String(300), index=True)
    party_fingerprint: Mapped[str] = mapped_column(String(64))
    party: Mapped[dict[str, Any]] = mapped_column(JSON)
    list_entity_id: Mapped[str] = mapped_column(String(300), index=True)
    entity_fingerprint: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    revoked_by: Mapped[str | None] = mapped_column(String(60))


class AuditRow(Base):
    """One entry of the append-only, hash-chained audit log. `at` is kept as the ISO text
    that was hashed, so verifying never depends on how a database returns times."""

    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(40), index=True)
    subject: Mapped[str] = mapped_column(String(300), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHeadRow(Base):
    """The last entry's number and hash: appends lock this row first, so they chain one at a
    time, and a deleted tail no longer matches it."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))


class ApiTokenRow(Base):
    """A bearer token for the API; only its SHA-256 is kept, so a copy of the store does not
    give anyone the token."""

    __tablename__ = "api_tokens"

    token_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(String(60), ForeignKey("users.username"), index=True)
    label: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # "api" (sent as a bearer token) or "session" (the web's cookie, never accepted as one)
    kind: Mapped[str] = mapped_column(String(10), default="api", server_default="api")
    expires_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class LoginLimitRow(Base):
    """Failed sign-ins of one key (`user:NAME` or `client:ADDRESS`) since `window_start`
    (seconds since the epoch): kept in the store, so the limit holds across the server's
    processes and restarts, and counted by one conditional UPDATE, so it holds under load."""

    __tablename__ = "login_limits"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    window_start: Mapped[float] = mapped_column(Float, index=True)
    failures: Mapped[int] = mapped_column(Integer)
