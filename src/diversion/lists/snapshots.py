"""Immutable, versioned snapshots of lists in the store, one of them active per list.

An import is parsed whole in memory first; only then is it written, with the switch of the
active snapshot, in one transaction. A file that fails to parse writes nothing, and the
previous active snapshot stays as it was.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from followthemoney import model
from followthemoney.proxy import EntityProxy
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from diversion.cases import audit
from diversion.lists.diff import Diff, diff_entities
from diversion.lists.importers import IMPORTER_VERSION, ListFormatError, default_list_name, importer
from diversion.lists.model import SanctionsList, unresolved_references
from diversion.reference import ReferenceData, file_sha256
from diversion.store import Store
from diversion.store.models import EntityRow, SanctionsListRow, SnapshotRow

BATCH = 2000
Progress = Callable[[int, int], None]  # (done, total)


@dataclass(frozen=True)
class Snapshot:
    id: str
    list_name: str
    seq: int
    format: str
    source: str
    files: list[dict[str, Any]]
    sha256: str
    imported_at: datetime
    published_at: str | None
    counts: dict[str, int]
    importer_version: str
    warnings: list[str]

    @classmethod
    def of(cls, row: SnapshotRow) -> Snapshot:
        imported_at = row.imported_at
        if imported_at.tzinfo is None:  # SQLite keeps no zone; we only ever write UTC
            imported_at = imported_at.replace(tzinfo=UTC)
        return cls(
            row.id, row.list_name, row.seq, row.format, row.source, list(row.files), row.sha256,
            imported_at, row.published_at, dict(row.counts), row.importer_version,
            list(row.warnings),
        )  # fmt: skip

    @property
    def entity_count(self) -> int:
        return sum(self.counts.values())

    @property
    def reference(self) -> ReferenceData:
        """How decisions name this snapshot: the list, the snapshot id and the files' hash."""
        return ReferenceData(
            id=self.list_name,
            version=self.id,
            sha256=self.sha256,
            title=self.source,
            source=", ".join(f["name"] for f in self.files),
            licence="as published by the source",
        )


@dataclass(frozen=True)
class ImportOutcome:
    snapshot: Snapshot
    created: bool  # False when the files were identical to the active snapshot's


def expand_paths(paths: Sequence[Path]) -> list[Path]:
    """Files as given; a folder stands for the files in it (sorted)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.is_file()))
        else:
            files.append(path)
    return files


def _fingerprint(paths: Sequence[Path]) -> tuple[list[dict[str, Any]], str]:
    files = []
    for path in expand_paths(paths):
        try:
            files.append({"name": path.name, "sha256": file_sha256(path)})
        except OSError as exc:
            raise ListFormatError(path, "", f"cannot read file: {exc.strerror or exc}") from None
    combined = hashlib.sha256("".join(f["sha256"] for f in files).encode()).hexdigest()
    return files, combined


class ListStore:
    def __init__(self, store: Store) -> None:
        self.store = store

    def import_files(
        self,
        fmt: str,
        paths: Sequence[Path],
        list_name: str | None = None,
        progress: Progress | None = None,
        kind: str = "sanctions",
    ) -> ImportOutcome:
        """Parse `paths` as `fmt` and make them the active snapshot of the list. `kind` says
        what the list is: `sanctions` (screened against) or `registry` (the network)."""
        name = list_name or default_list_name(fmt)
        known = self.kind(name)
        if known is not None and known != kind:
            raise ListFormatError(
                ", ".join(str(p) for p in paths), "", f"{name!r} is a {known} list, not a {kind}"
            )
        read = importer(fmt)
        files, sha256 = _fingerprint(paths)
        active = self.active(name)
        if active is not None and active.sha256 == sha256 and active.format == fmt:
            return ImportOutcome(active, created=False)
        parsed = read(list(paths))
        entities = {str(e.id): e for e in parsed.entities}
        if len(entities) != len(parsed.entities):
            dupes = [k for k, n in Counter(str(e.id) for e in parsed.entities).items() if n > 1]
            raise ListFormatError(
                ", ".join(f["name"] for f in files), "", f"duplicate ids {dupes[:5]}"
            )
        if not entities:
            raise ListFormatError(
                ", ".join(f["name"] for f in files), "", "the list holds no entities"
            )
        warnings = [
            f"{entity_id}: {prop} names {missing}, which the list does not hold"
            for entity_id, prop, missing in unresolved_references(entities)
        ]
        counts = dict(sorted(Counter(e.schema.name for e in entities.values()).items()))
        now = datetime.now(UTC)
        with self.store.transaction() as session:
            row = session.get(SanctionsListRow, name, with_for_update=True)
            if row is None:
                row = SanctionsListRow(name=name, created_at=now, kind=kind)
                session.add(row)
                session.flush()
            seq = (
                session.scalar(
                    select(func.max(SnapshotRow.seq)).where(SnapshotRow.list_name == name)
                )
                or 0
            ) + 1
            snapshot = SnapshotRow(
                id=f"{name}-{seq:04d}", list_name=name, seq=seq, format=fmt,
                source=parsed.source, files=files, sha256=sha256, imported_at=now,
                published_at=parsed.published_at, counts=counts, importer_version=IMPORTER_VERSION,
                warnings=warnings,
            )  # fmt: skip
            session.add(snapshot)
            session.flush()
            self._write_entities(session, snapshot.id, list(entities.values()), progress)
            row.active_snapshot_id = snapshot.id
            audit.append(session, audit.SYSTEM, "list_activation", name,
                         {"snapshot": snapshot.id, "kind": kind, "sha256": sha256,
                          "counts": counts, "files": files})  # fmt: skip
        return ImportOutcome(Snapshot.of(snapshot), created=True)

    @staticmethod
    def _write_entities(
        session: Session, snapshot_id: str, entities: list[EntityProxy], progress: Progress | None
    ) -> None:
        for start in range(0, len(entities), BATCH):
            chunk = entities[start : start + BATCH]
            session.execute(
                insert(EntityRow),
                [
                    {
                        "snapshot_id": snapshot_id,
                        "entity_id": str(e.id),
                        "schema": e.schema.name,
                        "caption": str(e.caption),
                        "data": e.to_dict(),
                    }
                    for e in chunk
                ],
            )
            if progress is not None:
                progress(start + len(chunk), len(entities))

    def active(self, list_name: str) -> Snapshot | None:
        with self.store.read() as session:
            row = session.get(SanctionsListRow, list_name)
            if row is None or row.active_snapshot_id is None:
                return None
            snapshot = session.get(SnapshotRow, row.active_snapshot_id)
            return Snapshot.of(snapshot) if snapshot else None

    def kind(self, list_name: str) -> str | None:
        """`sanctions` or `registry`, or None for a list not in the store."""
        with self.store.read() as session:
            row = session.get(SanctionsListRow, list_name)
            return None if row is None else row.kind

    def lists(self, kind: str | None = None) -> list[tuple[str, Snapshot | None, int]]:
        """Every list (of a kind) with its active snapshot and its number of snapshots."""
        with self.store.read() as session:
            query = select(SanctionsListRow).order_by(SanctionsListRow.name)
            if kind is not None:
                query = query.where(SanctionsListRow.kind == kind)
            rows = session.scalars(query).all()
            out = []
            for row in rows:
                active = (
                    session.get(SnapshotRow, row.active_snapshot_id)
                    if row.active_snapshot_id
                    else None
                )
                total = session.scalar(
                    select(func.count())
                    .select_from(SnapshotRow)
                    .where(SnapshotRow.list_name == row.name)
                )
                out.append((row.name, Snapshot.of(active) if active else None, int(total or 0)))
            return out

    def snapshots(self, list_name: str) -> list[Snapshot]:
        with self.store.read() as session:
            rows = session.scalars(
                select(SnapshotRow)
                .where(SnapshotRow.list_name == list_name)
                .order_by(SnapshotRow.seq)
            ).all()
            return [Snapshot.of(row) for row in rows]

    def snapshot(self, snapshot_id: str) -> Snapshot | None:
        with self.store.read() as session:
            row = session.get(SnapshotRow, snapshot_id)
            return Snapshot.of(row) if row else None

    def entities(self, snapshot_id: str) -> Iterator[EntityProxy]:
        with self.store.read() as session:
            rows = session.execute(
                select(EntityRow.data)
                .where(EntityRow.snapshot_id == snapshot_id)
                .order_by(EntityRow.entity_id)
            )
            for (data,) in rows:
                yield model.get_proxy(data)

    def load(self, snapshot: Snapshot) -> SanctionsList:
        return SanctionsList.build(snapshot.reference, self.entities(snapshot.id))

    def active_lists(self, kind: str = "sanctions") -> list[SanctionsList]:
        """The active snapshot of every list of a kind: sanctions lists unless asked."""
        return [self.load(active) for _, active, _ in self.lists(kind) if active is not None]

    def find(self, entity_id: str) -> list[tuple[Snapshot, EntityProxy]]:
        """The entity as it stands in each active snapshot that holds it."""
        found = []
        with self.store.read() as session:
            for _name, active, _ in self.lists():
                if active is None:
                    continue
                data = session.scalar(
                    select(EntityRow.data).where(
                        EntityRow.snapshot_id == active.id, EntityRow.entity_id == entity_id
                    )
                )
                if data is not None:
                    found.append((active, model.get_proxy(data)))
        return found

    def related(self, snapshot_id: str, entity_id: str) -> list[EntityProxy]:
        """Entities of the snapshot that point at `entity_id`: its sanctions, addresses, links."""
        pattern = f'%"{entity_id}"%'
        with self.store.read() as session:
            rows = session.execute(
                select(EntityRow.data).where(
                    EntityRow.snapshot_id == snapshot_id,
                    EntityRow.entity_id != entity_id,
                    func.cast(EntityRow.data, type_=EntityRow.caption.type).like(pattern),
                )
            )
            entities = [model.get_proxy(data) for (data,) in rows]
        return [
            e for e in entities
            if any(p.type.name == "entity" and v == entity_id for p, v in e.itervalues())
        ]  # fmt: skip

    def diff(self, list_name: str, old: str | None = None, new: str | None = None) -> Diff:
        """Diff two snapshots of a list; by default the active one against the one before it."""
        snapshots = self.snapshots(list_name)
        if not snapshots:
            raise LookupError(f"list {list_name!r} has no snapshots")
        by_id = {s.id: s for s in snapshots}
        for given in (old, new):
            if given is not None and given not in by_id:
                raise LookupError(f"list {list_name!r} has no snapshot {given!r}")
        active = self.active(list_name)
        new_snapshot = by_id[new] if new else (active or snapshots[-1])
        if old:
            old_snapshot = by_id[old]
        else:
            earlier = [s for s in snapshots if s.seq < new_snapshot.seq]
            if not earlier:
                raise LookupError(f"{new_snapshot.id} is the first snapshot of {list_name!r}")
            old_snapshot = earlier[-1]
        return diff_entities(
            old_snapshot.id,
            self.entities(old_snapshot.id),
            new_snapshot.id,
            self.entities(new_snapshot.id),
        )
