"""Searching the active lists by name, for every front end: `match query` and yente's `/match`
ask the same question and get the same answer (the best hit per listed entity over the lists
and the names asked, strongest first), which they used to merge each their own way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from diversion.lists.model import SanctionsList
    from diversion.matching.matcher import Match, Matcher
    from diversion.matching.settings import Settings
    from diversion.screening.context import ScreeningContext


@dataclass(frozen=True)
class Hit:
    match: Match
    listing: SanctionsList


def lists_named(context: ScreeningContext, dataset: str) -> list[tuple[SanctionsList, Matcher]]:
    """The active lists a request names: `default` (or `all`) for every one, else a list by
    its snapshot id, title or name (`ofac-sdn` for `ofac-sdn-0003`); LookupError if none."""
    pairs = list(zip(context.sanctions_lists, context.matchers, strict=True))
    if dataset in ("default", "all"):
        return pairs
    chosen = [(ls, m) for ls, m in pairs if dataset in (ls.reference.id, ls.reference.title)]
    chosen = chosen or [
        (ls, m) for ls, m in pairs if ls.reference.id.startswith(dataset.rstrip("-") + "-")
    ]
    if not chosen:
        raise LookupError(f"no dataset {dataset!r}; use `default` or a list name")
    return chosen


def search(
    lists: Iterable[tuple[SanctionsList, Matcher]],
    names: Sequence[str],
    identifier: str | None,
    cutoff: float,
    *,
    limit: int,
    schema: str = "LegalEntity",
    countries: Iterable[str] = (),
    birth_dates: Iterable[str] = (),
    address: str | None = None,
    weights: Mapping[str, float] | None = None,
    settings: Settings | None = None,
) -> list[Hit]:
    """The best hit per listed entity over every list and every name asked (the identifier
    alone when no name is given), strongest first, ties by entity id; at most `limit`."""
    from diversion.matching.settings import DEFAULTS

    countries, birth_dates = tuple(countries), tuple(birth_dates)
    asked = list(names) or ([identifier] if identifier else [])
    best: dict[str, Hit] = {}
    for listing, matcher in lists:
        for name in asked:
            for match in matcher.match(
                name,
                identifier,
                cutoff,
                schema=schema,
                countries=countries,
                birth_dates=birth_dates,
                address=address,
                weights=weights,
                limit=limit,
                settings=settings or DEFAULTS,
            ):
                known = best.get(match.entity_id)
                if known is None or match.score > known.match.score:
                    best[match.entity_id] = Hit(match, listing)
    ranked = sorted(best.values(), key=lambda hit: (-hit.match.score, hit.match.entity_id))
    return ranked[:limit]
