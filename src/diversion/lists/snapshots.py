"""Immutable, versioned snapshots of lists in the store, one of them active per list.

An import is parsed whole in memory first; only then is it written, with the switch of the
active snapshot, in one transaction. A file that fails to parse writes nothing, and the
previous active snapshot stays as it was.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from followthemoney import model
from followthemoney.proxy import EntityProxy
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from diversion.lists.diff import Diff, diff_entities
from diversion.lists.importers import (
    IMPORTER_VERSION,
    Importer,
    ListFormatError,
    Parsed,
    default_list_name,
    importer,
    parts,
)
from diversion.lists.importers.base import merge_parsed
from diversion.lists.model import SanctionsList, unresolved_references
from diversion.reference import ReferenceData, file_sha256
from diversion.store import Store, audit, rescreens
from diversion.store.models import EntityRow, SanctionsListRow, SnapshotRow
from diversion.store.paging import Page, page_of

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
    left_out: dict[str, int] = field(default_factory=dict)  # rows left out on purpose, by why
    rows: int | None = None  # rows read, where the format reads one listed party a row


# A new snapshot that lacks more than this share of the active snapshot's entities is refused
# unless the user confirms it: a one-entity file must not silently replace a whole list.
SHRINK_LIMIT = 0.5


class ImportRefused(ValueError):
    """An import that reads well but would replace a list with another source's, or drop
    most of it; nothing is written. `--replace` / `--allow-shrink` say it is meant."""


@dataclass(frozen=True)
class Shrink:
    """What a new snapshot would drop of the active one."""

    list_name: str
    active: Snapshot
    dropped: int  # entities of the active snapshot the new one lacks
    new_total: int
    files: str  # the new files' names

    def __str__(self) -> str:
        return (
            f"{self.list_name}: {self.files} hold {self.new_total:,} entities and lack "
            f"{self.dropped:,} of the {self.active.entity_count:,} entities of the active "
            f"snapshot {self.active.id}"
        )


Confirm = Callable[[list[Shrink]], bool]


@dataclass
class _Planned:
    """One list's share of an import, parsed and checked, not yet written."""

    name: str
    fmt: str
    parsed: Parsed
    files: list[dict[str, Any]]
    sha256: str
    entities: dict[str, EntityProxy]


def _holds(active: Snapshot, fmt: str, sha256: str) -> bool:
    """The active snapshot already is what importing these files would give: the same files,
    read as the same format by this version of the importers. A snapshot an older importer
    wrote is read again, so that a fixed importer reaches lists imported before the fix."""
    return (
        active.sha256 == sha256
        and active.format == fmt
        and active.importer_version == IMPORTER_VERSION
    )


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
    for path in sorted(expand_paths(paths), key=lambda p: p.name):  # a set of files: any order
        try:
            files.append({"name": path.name, "sha256": file_sha256(path)})
        except OSError as exc:
            raise ListFormatError(path, "", f"cannot read file: {exc.strerror or exc}") from None
    combined = hashlib.sha256("".join(f["sha256"] for f in files).encode()).hexdigest()
    return files, combined


def source_family(fmt: str, source: str) -> str:
    """What must match for a new snapshot to continue a list: the source it states (OFAC SDN
    from the CSV or the XML alike); a user CSV's source names its file, so any user CSV."""
    return "User list" if fmt == "csv" else source


def _checked(parsed: Parsed, files: list[dict[str, Any]]) -> dict[str, EntityProxy]:
    """The entities by id; a list with none, or with an id twice, is refused."""
    entities = {str(e.id): e for e in parsed.entities}
    names = ", ".join(f["name"] for f in files)
    if len(entities) != len(parsed.entities):
        dupes = [k for k, n in Counter(str(e.id) for e in parsed.entities).items() if n > 1]
        raise ListFormatError(names, "", f"duplicate ids {dupes[:5]}")
    if not entities:
        raise ListFormatError(names, "", "the list holds no entities")
    return entities


def _joined(files: Sequence[Path]) -> str:
    return ", ".join(str(p) for p in files) or "(none)"


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
        *,
        replace: bool = False,
        allow_shrink: bool = False,
        confirm: Confirm | None = None,
        read: Importer | None = None,
        rescreen_days: int = 0,
    ) -> ImportOutcome:
        """Import files of one source as the new active snapshot of one list (see `import_all`)."""
        (outcome,) = self.import_all(
            fmt, paths, list_name, progress, kind,
            replace=replace, allow_shrink=allow_shrink, confirm=confirm, one_list=True, read=read,
            rescreen_days=rescreen_days,
        )  # fmt: skip
        return outcome

    def import_all(
        self,
        fmt: str,
        paths: Sequence[Path],
        list_name: str | None = None,
        progress: Progress | None = None,
        kind: str = "sanctions",
        *,
        replace: bool = False,
        allow_shrink: bool = False,
        confirm: Confirm | None = None,
        one_list: bool = False,
        read: Importer | None = None,
        rescreen_days: int = 0,
    ) -> list[ImportOutcome]:
        """Parse `paths` as `fmt` and make each source among them the active snapshot of its
        list: `list_name`, else the source's default (`ofac-sdn`, `ofac-cons`, `bis-dpl` ...).
        Files that are parts of one source make one snapshot. `kind` says what the lists are:
        `sanctions` (screened against) or `registry` (the network).

        All or nothing: every part is parsed and checked before anything is written, then the
        snapshots are written and activated in one transaction. Refused (ImportRefused, nothing
        written): a list whose active snapshot is of another source, unless `replace`; a
        snapshot that would drop most of the active one, unless `allow_shrink` or `confirm`
        says yes; files of several sources when `one_list`. Files identical to the active
        snapshot's make no new snapshot.

        `fmt` is one of the list formats (`lists.importers.FORMATS`), or, with `read`, the name
        of a format a part above the lists reads itself (a registry's): the files are read
        whole by `read` into the list `list_name`.

        `rescreen_days` above 0: a new active snapshot owes a re-screen of the open cases and
        the last so many days, recorded in the activation's transaction (store.rescreens)."""
        if read is not None and list_name is None:
            raise ValueError(f"importing {fmt!r} with its own importer needs a list name")
        outcomes: list[ImportOutcome] = []
        planned: list[_Planned] = []
        for part_paths, parsed in self._read(fmt, paths, list_name, outcomes, read):
            name = list_name or parsed.list_name or default_list_name(fmt)
            files, sha256 = _fingerprint(part_paths)
            where = _joined(part_paths)
            if any(p.name == name for p in planned) or any(
                o.snapshot.list_name == name for o in outcomes
            ):
                raise ImportRefused(f"{where}: a second source for list {name!r} in one import")
            known = self.kind(name)
            if known is not None and known != kind:
                raise ListFormatError(where, "", f"{name!r} is a {known} list, not a {kind}")
            active = self.active(name)
            if active is not None and _holds(active, fmt, sha256):
                outcomes.append(ImportOutcome(active, created=False))
                continue
            if (
                active is not None
                and not replace
                and (
                    source_family(active.format, active.source) != source_family(fmt, parsed.source)
                )
            ):
                raise ImportRefused(
                    f"{where}: these files are {parsed.source}, but list {name!r} holds "
                    f"{active.source} ({active.id}); import them under their own list "
                    f"(--list NAME), or pass --replace to replace {active.source} with them"
                )
            planned.append(_Planned(name, fmt, parsed, files, sha256, _checked(parsed, files)))
        if one_list and len(planned) + len(outcomes) > 1:
            lists = [*(p.name for p in planned), *(o.snapshot.list_name for o in outcomes)]
            names = ", ".join(lists)
            raise ImportRefused(f"{_joined(paths)}: these files are several lists ({names})")
        if not replace and not allow_shrink:
            shrinks = [s for s in map(self._shrink, planned) if s is not None]
            if shrinks and not (confirm is not None and confirm(shrinks)):
                raise ImportRefused(
                    "; ".join(map(str, shrinks))
                    + ". Is that the whole list? Pass --allow-shrink to import it anyway"
                )
        now = datetime.now(UTC)
        with self.store.transaction() as session:
            made = []
            for plan in planned:
                snapshot = self._write(session, plan, kind, now, progress)
                made.append(snapshot.id)
                outcomes.append(
                    ImportOutcome(snapshot, True, dict(plan.parsed.left_out), plan.parsed.rows)
                )
            if made and rescreen_days > 0:  # with the activation, so a crash leaves it owed
                rescreens.owe(session, "list_activation", rescreen_days, {"snapshots": made})
        return outcomes

    def _read(
        self,
        fmt: str,
        paths: Sequence[Path],
        list_name: str | None,
        unchanged: list[ImportOutcome],
        read: Importer | None = None,
    ) -> list[tuple[list[Path], Parsed]]:
        """Each source among the paths with its files, parsed; parts of one source merged.
        A part whose files an active snapshot already holds (same format) is not read: its
        outcome goes to `unchanged`."""
        split = [list(paths)] if read is not None else parts(fmt, paths)
        read = read or importer(fmt)
        by_source: dict[str, list[tuple[list[Path], Parsed]]] = {}
        for part in split:
            same = self._holding(fmt, part, list_name)
            if same is not None:
                unchanged.append(ImportOutcome(same, created=False))
                continue
            parsed = read(part)
            by_source.setdefault(parsed.source, []).append((part, parsed))
        if list_name is not None and len(by_source) + len(unchanged) > 1:
            sources = ", ".join([*by_source, *(o.snapshot.source for o in unchanged)])
            raise ImportRefused(
                f"{_joined(paths)}: --list names one list, but these files are of several "
                f"sources ({sources}); import them one source at a time, or without --list"
            )
        merged = []
        for group in by_source.values():
            files = [p for part, _ in group for p in part]
            if len(group) == 1:
                merged.append((files, group[0][1]))
            else:
                names = [_joined(part) for part, _ in group]
                merged.append((files, merge_parsed([parsed for _, parsed in group], names)))
        return merged

    def _holding(self, fmt: str, part: Sequence[Path], list_name: str | None) -> Snapshot | None:
        """The active snapshot (of `list_name`, or of any list) made from exactly these files."""
        _, sha256 = _fingerprint(part)
        candidates = (
            [self.active(list_name)]
            if list_name is not None
            else [active for _, active, _ in self.lists()]
        )
        for active in candidates:
            if active is not None and _holds(active, fmt, sha256):
                return active
        return None

    def _shrink(self, plan: _Planned) -> Shrink | None:
        active = self.active(plan.name)
        if active is None:
            return None
        with self.store.read() as session:
            old = set(
                session.scalars(
                    select(EntityRow.entity_id).where(EntityRow.snapshot_id == active.id)
                )
            )
        dropped = len(old - plan.entities.keys())
        if dropped <= SHRINK_LIMIT * len(old):
            return None
        files = ", ".join(f["name"] for f in plan.files)
        return Shrink(plan.name, active, dropped, len(plan.entities), files)

    def _write(
        self,
        session: Session,
        plan: _Planned,
        kind: str,
        now: datetime,
        progress: Progress | None,
    ) -> Snapshot:
        name = plan.name
        row = session.get(SanctionsListRow, name, with_for_update=True)
        if row is None:
            row = SanctionsListRow(name=name, created_at=now, kind=kind)
            session.add(row)
            session.flush()
        seq = (
            session.scalar(select(func.max(SnapshotRow.seq)).where(SnapshotRow.list_name == name))
            or 0
        ) + 1
        warnings = [
            f"{entity_id}: {prop} names {missing}, which the list does not hold"
            for entity_id, prop, missing in unresolved_references(plan.entities)
        ]
        counts = dict(sorted(Counter(e.schema.name for e in plan.entities.values()).items()))
        snapshot = SnapshotRow(
            id=f"{name}-{seq:04d}", list_name=name, seq=seq, format=plan.fmt,
            source=plan.parsed.source, files=plan.files, sha256=plan.sha256, imported_at=now,
            published_at=plan.parsed.published_at, counts=counts,
            importer_version=IMPORTER_VERSION, warnings=warnings,
        )  # fmt: skip
        session.add(snapshot)
        session.flush()
        self._write_entities(session, snapshot.id, list(plan.entities.values()), progress)
        row.active_snapshot_id = snapshot.id
        audit.append(session, audit.SYSTEM, "list_activation", name,
                     {"snapshot": snapshot.id, "kind": kind, "sha256": plan.sha256,
                      "counts": counts, "files": plan.files,
                      "left_out": plan.parsed.left_out})  # fmt: skip
        return Snapshot.of(snapshot)

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

    def page(
        self,
        limit: int,
        offset: int = 0,
        *,
        kind: str | None = None,
        active_only: bool = False,
        name: str | None = None,
    ) -> Page[tuple[str, Snapshot | None, int]]:
        """One page of the lists by name, as `lists` gives them: only those with an active
        snapshot (`active_only`), of a kind, or whose name starts with `name`."""
        query = select(SanctionsListRow).order_by(SanctionsListRow.name)
        if kind is not None:
            query = query.where(SanctionsListRow.kind == kind)
        if active_only:
            query = query.where(SanctionsListRow.active_snapshot_id.is_not(None))
        if name:
            query = query.where(SanctionsListRow.name.startswith(name, autoescape=True))
        with self.store.read() as session:
            rows = page_of(session, query, limit, offset)
            counts = dict(
                session.execute(
                    select(SnapshotRow.list_name, func.count())
                    .where(SnapshotRow.list_name.in_([row.name for row in rows.items]))
                    .group_by(SnapshotRow.list_name)
                ).all()
            )

            def listed(row: SanctionsListRow) -> tuple[str, Snapshot | None, int]:
                active = (
                    session.get(SnapshotRow, row.active_snapshot_id)
                    if row.active_snapshot_id
                    else None
                )
                return (
                    row.name,
                    Snapshot.of(active) if active else None,
                    int(counts.get(row.name, 0)),
                )

            return rows.map(listed)

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
