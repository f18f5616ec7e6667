"""What every list importer shares: the result type, the error type, and entity helpers.

An importer is a function from the paths a user gave to a `Parsed` list: every entity
(people, companies, addresses, sanctions) as FollowTheMoney proxies, and the list's own
publication date if it states one. It raises `ListFormatError` naming the file, the place in
it and the reason; it never skips a record it cannot read.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from followthemoney import model
from followthemoney.proxy import EntityProxy
from followthemoney.util import ENTITY_ID_LEN
from normality import ascii_text

# Recorded with every snapshot; raise it when an importer reads the same files differently, so
# that importing them again makes a new snapshot instead of "Unchanged". 2: OFAC weak aliases,
# identifiers, links, topics and target; ids FtM cannot carry; lists named by their source.
IMPORTER_VERSION = "2"


class ListFormatError(ValueError):
    """A list file that cannot be read as the format it claims to be."""

    def __init__(self, file: Path | str, where: str, reason: str) -> None:
        self.file = str(file)
        self.where = where
        self.reason = reason
        super().__init__(f"{self.file}: {where}: {reason}" if where else f"{self.file}: {reason}")


@dataclass
class Parsed:
    source: str  # the publishing authority and list, for people: "OFAC SDN"
    entities: list[EntityProxy] = field(default_factory=list)
    published_at: str | None = None  # ISO date or datetime of the list's own publication
    # The default list name of the source the files turned out to be ("ofac-cons" for
    # cons_prim.csv); None: the format's default. Set from the files, not the format alone.
    list_name: str | None = None
    # Rows the source's reader leaves out on purpose, by reason, counted so that rows read =
    # rows used + rows left out ("annex 'III' (not selected by the mapping)": 40)
    left_out: dict[str, int] = field(default_factory=dict)
    rows: int | None = None  # rows read, for a table read row by row (one listed party each)

    def add(self, entity: EntityProxy) -> EntityProxy:
        self.entities.append(entity)
        return entity


Importer = Callable[[Sequence[Path]], Parsed]


def read_text(path: Path) -> str:
    """A text file as UTF-8 (a byte-order mark is dropped); ListFormatError says why not."""
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        reason = f"not valid UTF-8: {exc.reason}; save it as UTF-8"
        raise ListFormatError(path, "", reason) from None
    except OSError as exc:
        raise ListFormatError(path, "", f"cannot read file: {exc.strerror or exc}") from None


Records = list[tuple[int, list[str]]]  # (the line a record starts on, its cells)


def csv_records(path: Path) -> tuple[list[str], Records]:
    """A CSV file's header (trimmed) and every record with the line it starts on (a quoted
    field may span lines; blank lines are no records); a broken quote is an error."""
    reader = csv.reader(io.StringIO(read_text(path), newline=""), strict=True)
    try:
        header = [cell.strip() for cell in next(reader, [])]
        rows: Records = []
        end = reader.line_num
        for cells in reader:
            start, end = end + 1, reader.line_num
            if cells:
                rows.append((start, cells))
    except csv.Error as exc:
        raise ListFormatError(path, f"line {reader.line_num}", f"not CSV: {exc}") from None
    return header, rows


FTM_ID = re.compile(r"[0-9a-zA-Z]([0-9a-zA-Z.\-]*[0-9a-zA-Z])?")


def ftm_id(raw: str) -> str:
    """An entity id FtM keeps for an id a file gives: the id itself when FtM can carry it (ASCII
    letters, digits, `.` and `-`, at most 200 characters), else a slug of it and a digest of the
    whole id, so that two ids never meet (p_nurlan -> p-nurlan-8f0c…). FtM drops a reference
    to any other id without a word, so an entity would keep its id and lose its every edge."""
    if len(raw) <= ENTITY_ID_LEN and FTM_ID.fullmatch(raw):
        return raw
    slug = re.sub(r"[^0-9a-zA-Z]+", "-", ascii_text(raw) or "").strip("-")[:80].strip("-")
    digest = hashlib.sha1(raw.encode("utf-8")).hexdigest()[:12]
    return f"{slug or 'id'}-{digest}"


def make(schema: str, entity_id: str) -> EntityProxy:
    entity = model.make_entity(schema)
    entity.id = entity_id
    return entity


def stable_id(prefix: str, *parts: str) -> str:
    """An id from content, for sources that give a record no id of its own."""
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]
    return f"{prefix}-{digest}"


def mark_listed(entity: EntityProxy, topics: Iterable[str]) -> None:
    """Mark `entity` as one a list names itself, as OpenSanctions does: its `topics` say
    what the listing means (`sanction`, `export.control`, `debarment`) and the top-level
    `target` flag (kept in the proxy's context, so `to_dict` writes it) says it is listed,
    not merely linked to a listed party."""
    entity.add("topics", list(topics), quiet=True)
    entity.context["target"] = True


def add_sanction(
    parsed: Parsed,
    target: EntityProxy,
    authority: str,
    programs: Iterable[str] = (),
    *,
    suffix: str = "sanction",
    topics: Sequence[str] = ("sanction",),
    **props: str | Sequence[str] | None,
) -> EntityProxy:
    """The Sanction entity that records one listing of `target`, which is marked listed."""
    mark_listed(target, topics)
    sanction = make("Sanction", f"{target.id}-{suffix}")
    sanction.add("entity", target.id)
    sanction.add("authority", authority)
    sanction.add("program", list(programs))
    for prop, value in props.items():
        if value:
            sanction.add(prop, value)
    return parsed.add(sanction)


def files_in(paths: Sequence[Path]) -> list[Path]:
    """Files as given; a folder stands for the files in it (sorted; hidden files left out)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            try:
                children = sorted(p for p in path.iterdir() if p.is_file())
            except OSError as exc:
                raise ListFormatError(
                    path, "", f"cannot read folder: {exc.strerror or exc}"
                ) from None
            files.extend(p for p in children if not p.name.startswith("."))
        else:
            files.append(path)
    return files


def each_file(paths: Sequence[Path]) -> list[list[Path]]:
    """The parts of an import for a format whose files are each a whole list: one per file."""
    return [[path] for path in files_in(paths)]


def all_files(paths: Sequence[Path]) -> list[list[Path]]:
    """One part of every file: for formats whose reader takes many files (FtM lines)."""
    return [files_in(paths)]


def merge_parsed(parts: Sequence[Parsed], names: Sequence[str]) -> Parsed:
    """Files that are parts of one source as one list. An entity two parts both hold is kept
    once when it is the same in both (an address two files share) and is an error otherwise."""
    merged = Parsed(source=parts[0].source, list_name=parts[0].list_name)
    dates = [p.published_at for p in parts if p.published_at]
    merged.published_at = max(dates) if dates else None
    seen: dict[str, tuple[EntityProxy, str]] = {}
    for part, name in zip(parts, names, strict=True):
        for why, count in part.left_out.items():
            merged.left_out[why] = merged.left_out.get(why, 0) + count
        for entity in part.entities:
            known = seen.get(str(entity.id))
            if known is None:
                seen[str(entity.id)] = (entity, name)
                merged.add(entity)
            elif known[0].to_dict() != entity.to_dict():
                raise ListFormatError(
                    name, f"entity {entity.id}", f"also in {known[1]}, with other properties"
                )
    return merged


def one_file(paths: Sequence[Path], what: str) -> Path:
    if len(paths) != 1:
        raise ListFormatError(
            ", ".join(map(str, paths)) or "(none)", "", f"{what} takes exactly one file"
        )
    return paths[0]
