"""What every list importer shares: the result type, the error type, and entity helpers.

An importer is a function from the paths a user gave to a `Parsed` list: every entity
(people, companies, addresses, sanctions) as FollowTheMoney proxies, and the list's own
publication date if it states one. It raises `ListFormatError` naming the file, the place in
it and the reason; it never skips a record it cannot read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from followthemoney import model
from followthemoney.proxy import EntityProxy

IMPORTER_VERSION = "1"


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


def make(schema: str, entity_id: str) -> EntityProxy:
    entity = model.make_entity(schema)
    entity.id = entity_id
    return entity


def stable_id(prefix: str, *parts: str) -> str:
    """An id from content, for sources that give a record no id of its own."""
    digest = hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]
    return f"{prefix}-{digest}"


def add_sanction(
    parsed: Parsed,
    target: EntityProxy,
    authority: str,
    programs: Iterable[str] = (),
    *,
    suffix: str = "sanction",
    **props: str | Sequence[str] | None,
) -> EntityProxy:
    """The Sanction entity that records one listing of `target`."""
    sanction = make("Sanction", f"{target.id}-{suffix}")
    sanction.add("entity", target.id)
    sanction.add("authority", authority)
    sanction.add("program", list(programs))
    for prop, value in props.items():
        if value:
            sanction.add(prop, value)
    return parsed.add(sanction)


def one_file(paths: Sequence[Path], what: str) -> Path:
    if len(paths) != 1:
        raise ListFormatError(
            ", ".join(map(str, paths)) or "(none)", "", f"{what} takes exactly one file"
        )
    return paths[0]
