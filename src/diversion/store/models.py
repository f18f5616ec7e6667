"""Tables of the store, as SQLAlchemy models. Migrations in `migrations/` create them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


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
