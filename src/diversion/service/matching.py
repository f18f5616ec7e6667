"""Matching the active lists, for every front end: `match query` and yente's `/match` ask the
same question and get the same answer (the best hit per listed entity over the lists and the
names asked, strongest first).

yente's `/match` adds what its clients send: queries by example (name parts combined into
names as yente does), filters (datasets, topics, schemata, entity ids, changed since), a
cutoff, and a choice of algorithm: Diversion's own, or nomenklatura's logic-v2 scoring the
candidates Diversion's index finds.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from followthemoney.proxy import EntityProxy

    from diversion.lists.model import SanctionsList
    from diversion.matching.matcher import Match, Matcher
    from diversion.matching.settings import Settings
    from diversion.screening.context import ScreeningContext

DIVERSION = "diversion"
LOGIC_V2 = "logic-v2"
ALGORITHMS = (DIVERSION, LOGIC_V2)
# yente's clients may ask for "best" or "default" rather than a name
ALGORITHM_ALIASES = {"best": DIVERSION, "default": DIVERSION}
LOGIC_V2_THRESHOLD = 0.7  # logic-v2's own default match threshold, as yente's
LOGIC_V2_CANDIDATES = 30  # candidates of Diversion's index that logic-v2 scores
LOGIC_V2_FLOOR = 0.3  # how low Diversion's score may be for logic-v2 to see a candidate
# the name properties a query's names are read from (after name parts are combined)
NAME_PROPERTIES = ("name", "alias", "previousName", "weakAlias")


@dataclass(frozen=True)
class Hit:
    match: Match
    listing: SanctionsList


class QueryError(ValueError):
    """A query the matcher cannot read: an unknown or unmatchable schema, an unknown
    property, or neither a name nor an identifier (yente answers these with HTTP 400)."""


def lists_named(context: ScreeningContext, dataset: str) -> list[tuple[SanctionsList, Matcher]]:
    """The active lists a request names: `default` (or `all`, or `sanctions`, OpenSanctions'
    collection of sanctions lists, which every list screening uses is) for every one, else a
    list by its name, title or snapshot id (`ofac-sdn` or `ofac-sdn-0003`); LookupError if
    none."""
    pairs = list(zip(context.sanctions_lists, context.matchers, strict=True))
    if dataset in ("default", "all", "sanctions"):
        return pairs
    chosen = [
        (ls, m)
        for ls, m in pairs
        if dataset in (ls.reference.id, ls.reference.title, ls.reference.version)
    ]
    chosen = chosen or [
        (ls, m) for ls, m in pairs if ls.reference.id.startswith(dataset.rstrip("-") + "-")
    ]
    if not chosen:
        raise LookupError(f"no dataset {dataset!r}; use `default` or a list name")
    return chosen


def lists_selected(
    context: ScreeningContext,
    dataset: str,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
) -> list[tuple[SanctionsList, Matcher]]:
    """The lists of `dataset` and of each `include_dataset`, less those `exclude_dataset`
    names (yente's dataset filters); LookupError for a name that is no list."""
    chosen = list(lists_named(context, dataset))
    for name in include:
        for pair in lists_named(context, name):
            if all(pair[0] is not ls for ls, _ in chosen):
                chosen.append(pair)
    dropped = {id(ls) for name in exclude for ls, _ in lists_named(context, name)}
    return [(ls, m) for ls, m in chosen if id(ls) not in dropped]


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


# -- yente's /match -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Filters:
    """yente's filters on what a match or a search may return."""

    topics: tuple[str, ...] = ()
    exclude_schema: tuple[str, ...] = ()
    exclude_entity_ids: tuple[str, ...] = ()
    changed_since: str | None = None
    schema: str | None = None  # /search: the schema (or a descendant) results must have
    countries: tuple[str, ...] = ()  # /search
    properties: tuple[tuple[str, str], ...] = ()  # /search's `filter=prop:value`

    def __bool__(self) -> bool:
        return any(
            (
                self.topics,
                self.exclude_schema,
                self.exclude_entity_ids,
                self.changed_since,
                self.schema,
                self.countries,
                self.properties,
            )
        )

    def admit(self, entity: EntityProxy, last_change: str | None) -> bool:
        """Whether the filters let `entity` through (`last_change` is when it last changed)."""
        if str(entity.id) in self.exclude_entity_ids:
            return False
        if any(entity.schema.is_a(name) for name in self.exclude_schema):
            return False
        if self.schema is not None and not entity.schema.is_a(self.schema):
            return False
        if self.topics and not set(self.topics) & set(entity.get("topics", quiet=True)):
            return False
        if self.countries:
            from followthemoney.types import registry

            if not set(self.countries) & set(entity.get_type_values(registry.country)):
                return False
        for prop, value in self.properties:
            if value not in entity.get(prop, quiet=True):
                return False
        return not (
            self.changed_since is not None
            and last_change is not None
            and last_change < self.changed_since
        )


@dataclass(frozen=True)
class Example:
    """A query by example, read as yente reads it: the entity with its name parts combined
    into names, and what the matcher takes from it."""

    entity: EntityProxy
    names: list[str]
    identifiers: list[str]
    countries: list[str]
    birth_dates: list[str]
    address: str | None

    @classmethod
    def read(cls, schema: str, properties: Mapping[str, Any]) -> Example:
        """QueryError for an unknown or unmatchable schema, an unknown property, or a query
        with neither a name nor an identifier."""
        from followthemoney import model
        from followthemoney.helpers import combine_names
        from followthemoney.types import registry

        found = model.get(schema)
        if found is None:
            raise QueryError(f"unknown schema {schema!r}")
        if not found.matchable:
            raise QueryError(f"schema {schema!r} cannot be matched; use Person, Company, ...")
        entity = model.make_entity(found)
        for prop, value in properties.items():
            if found.get(prop) is None:
                raise QueryError(f"{schema} has no property {prop!r}")
            values = value if isinstance(value, list) else [value]
            for item in values:
                if isinstance(item, str | int | float) and str(item).strip():
                    entity.add(prop, str(item), cleaned=False, quiet=True)
        combine_names(entity)  # firstName + lastName ... -> alias, as yente does
        names = [n for prop in NAME_PROPERTIES for n in entity.get(prop, quiet=True)]
        identifiers = [
            v for prop, v in entity.itervalues() if prop.type == registry.identifier and v.strip()
        ]
        if not names and not identifiers:
            raise QueryError("the query gives neither a name nor an identifier")
        return cls(
            entity=entity,
            names=list(dict.fromkeys(names)),
            identifiers=identifiers,
            countries=sorted(set(entity.get_type_values(registry.country))),
            birth_dates=entity.get("birthDate", quiet=True),
            address=next(iter(entity.get("address", quiet=True)), None),
        )


@dataclass(frozen=True)
class Feature:
    """A feature's score and its explanation, as yente's FeatureResult; `weight` and
    Diversion's words in `detail`."""

    score: float
    detail: str | None = None
    query: str | None = None
    candidate: str | None = None
    weight: float | None = None


@dataclass(frozen=True)
class Scored:
    entity: EntityProxy
    listing: SanctionsList
    score: float
    match: bool
    features: dict[str, Feature]
    explanation: str = ""  # Diversion's words for the whole score
    matched: str = ""  # the listed name or identifier that matched
    method: str = ""  # name, identifier or identifier+name


@dataclass(frozen=True)
class Options:
    threshold: float
    cutoff: float
    limit: int
    algorithm: str = DIVERSION
    weights: Mapping[str, float] = field(default_factory=dict)
    config: Mapping[str, Any] = field(default_factory=dict)


def algorithm_named(name: str | None) -> str:
    """The algorithm a request names (`best` and `default` are Diversion's); LookupError."""
    chosen = ALGORITHM_ALIASES.get(name or "default", name or DIVERSION)
    if chosen not in ALGORITHMS:
        raise LookupError(f"no algorithm {name!r}; use one of: {', '.join(ALGORITHMS)}")
    return chosen


def diversion_settings(config: Mapping[str, Any]) -> Settings:
    """Matching settings with a request's `config` (SettingsError for an unknown one)."""
    from diversion.matching.settings import DEFAULTS

    return DEFAULTS.with_overrides(dict(config))


def logic_v2_config(weights: Mapping[str, float], config: Mapping[str, Any]) -> Any:
    """nomenklatura's ScoringConfig for logic-v2; ValueError for a setting it lacks."""
    from nomenklatura.matching import LogicV2
    from nomenklatura.matching.types import ScoringConfig

    unknown = sorted(set(config) - set(LogicV2.CONFIG))
    if unknown:
        raise ValueError(
            f"logic-v2 has no setting {', '.join(unknown)}; it has: {', '.join(LogicV2.CONFIG)}"
        )
    merged = {k: v.default for k, v in LogicV2.CONFIG.items()}
    merged.update(config)
    return ScoringConfig(weights=dict(weights), config=merged)


def match_example(
    lists: Sequence[tuple[SanctionsList, Matcher]],
    example: Example,
    options: Options,
    filters: Filters,
    last_change: Mapping[str, str | None],
) -> list[Scored]:
    """The results of one query: scored by the algorithm asked, at or above the cutoff, those
    the filters let through, strongest first, at most `limit`. `last_change` gives each
    list's change time for entities that carry none of their own."""
    filtered = bool(filters)
    wanted = LOGIC_V2_CANDIDATES if options.algorithm == LOGIC_V2 else options.limit
    # filters act after the index: ask it for more, so that a filtered answer is still full
    asked = max(wanted, 200) if filtered else wanted
    floor = min(options.cutoff, LOGIC_V2_FLOOR) if options.algorithm == LOGIC_V2 else options.cutoff
    settings = diversion_settings(options.config) if options.algorithm == DIVERSION else None
    hits = search(
        lists,
        example.names,
        example.identifiers[0] if example.identifiers else None,
        floor,
        limit=asked,
        schema=example.entity.schema.name,
        countries=example.countries,
        birth_dates=example.birth_dates,
        address=example.address,
        weights=(options.weights or None) if options.algorithm == DIVERSION else None,
        settings=settings,
    )
    admitted: list[Hit] = []
    for hit in hits:
        entity = hit.listing.entities.get(hit.match.entity_id)
        if entity is None:
            continue
        if filtered and not filters.admit(entity, changed_at(entity, hit.listing, last_change)):
            continue
        admitted.append(hit)
    if options.algorithm == LOGIC_V2:
        scored = _logic_v2(example, admitted[:wanted], options)
    else:
        scored = [_diversion(hit, options) for hit in admitted]
    scored = [s for s in scored if s.score >= options.cutoff]
    scored.sort(key=lambda s: (-s.score, str(s.entity.id)))
    return scored[: options.limit]


def _diversion(hit: Hit, options: Options) -> Scored:
    found = hit.match
    features: dict[str, Feature] = {}
    for result, weight in found.features:
        is_name = result.name == "name_parts"
        features[result.name] = Feature(
            score=round(result.score, 4),
            detail=result.explanation,
            query=found.query if is_name else None,
            candidate=found.matched if is_name else None,
            weight=weight,
        )
    return Scored(
        entity=hit.listing.entities[found.entity_id],
        listing=hit.listing,
        score=round(found.score, 4),
        match=found.score >= options.threshold,
        features=features,
        explanation=found.explanation,
        matched=found.matched,
        method=found.method,
    )


_QUERY_IDS = itertools.count()


def _logic_v2(example: Example, hits: Sequence[Hit], options: Options) -> list[Scored]:
    """nomenklatura's logic-v2 on the candidates Diversion's index found. logic-v2 caches
    its name analysis by entity id: each query gets an id of its own, and each listed entity
    one that names its snapshot, so a changed list is never scored with old names."""
    from followthemoney import model
    from nomenklatura.matching import LogicV2

    config = logic_v2_config(options.weights, options.config)
    query = model.get_proxy(example.entity.to_dict())
    query.id = f"diversion-query-{next(_QUERY_IDS)}"
    out = []
    for hit in hits:
        listed = hit.listing.entities[hit.match.entity_id]
        candidate = model.get_proxy(listed.to_dict())
        candidate.id = f"{hit.listing.reference.version}:{listed.id}"
        result = LogicV2.compare(query, candidate, config)
        features = {
            name: Feature(
                score=round(float(ft.score), 4),
                detail=ft.detail,
                query=ft.query,
                candidate=ft.candidate,
            )
            for name, ft in result.explanations.items()
        }
        score = round(float(result.score), 4)
        out.append(
            Scored(
                entity=listed,
                listing=hit.listing,
                score=score,
                match=score >= options.threshold,
                features=features,
            )
        )
    return out


def changed_at(
    entity: EntityProxy, listing: SanctionsList, last_change: Mapping[str, str | None]
) -> str | None:
    """When the entity last changed: as its list gives it (FtM lists do), else when its
    list's snapshot was published or imported (an upper bound: a filter on it lets through
    more entities, never fewer)."""
    own = entity.context.get("last_change")
    if isinstance(own, str) and own:
        return own
    return last_change.get(listing.reference.version)
