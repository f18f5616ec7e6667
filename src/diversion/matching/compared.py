"""What a feature compares: a query and a listed entity, the pair of their names being
compared, how the words of those names align, and the settings of this request.

Every feature takes one `Compared` (`features.py`), as nomenklatura's take the query, the
result and the scoring configuration.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from diversion.matching.analysis import Name, Part, analyse_all
from diversion.matching.settings import Settings


@dataclass(frozen=True)
class Query:
    name: str
    schema: str = "LegalEntity"
    countries: tuple[str, ...] = ()
    birth_dates: tuple[str, ...] = ()
    identifiers: tuple[str, ...] = ()
    address: str | None = None

    def names(self) -> list[Name]:
        return analyse_all(self.name, self.schema)


@dataclass
class Listed:
    """What the scorer needs of a listed entity."""

    entity_id: str
    schema: str
    names: Sequence[Name]
    countries: tuple[str, ...] = ()
    birth_dates: tuple[str, ...] = ()
    identifiers: Mapping[str, tuple[str, str]] = field(default_factory=dict)
    addresses: tuple[str, ...] = ()


@dataclass(frozen=True)
class Alignment:
    pairs: tuple[tuple[Part, Part, float], ...]
    query_left: tuple[Part, ...]
    listed_left: tuple[Part, ...]
    score: float


NO_ALIGNMENT = Alignment((), (), (), 0.0)


@dataclass(frozen=True)
class Compared:
    """A query against a listed entity, through one of the query's names and one of the
    entity's (the best pair, for the features of facts; an empty name where a side has none).
    `alignment` is how the two names' words pair (`features.align_names`), worked out once
    for every feature that reads it."""

    query: Query
    listed: Listed
    query_name: Name
    listed_name: Name
    settings: Settings
    alignment: Alignment = NO_ALIGNMENT
