"""The scoring algorithm: features composed with weights into one score and its reasons.

The name decides (the best pair of a query alias and a listed name); an identical identifier
overrides it; the other features move the score down where facts disagree (different
numbers, legal forms, countries, birth dates) and a little up where an address agrees.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from diversion.matching import features
from diversion.matching.analysis import Name, analyse_all
from diversion.matching.defaults import DEFAULT_THRESHOLD as DEFAULT_THRESHOLD
from diversion.matching.features import Feature

# Feature weights: what each feature adds to (positive) or takes from (negative) the name
# score when it fires. `identifier` is the floor an identical identifier lifts the score to.
DEFAULT_WEIGHTS: dict[str, float] = {
    "identifier": 1.0,
    "numbers": -0.30,
    "patronymic": -0.25,
    "place_words": -0.25,
    "legal_form": -0.30,
    "country": -0.10,
    "birth_date": -0.20,
    "address": 0.05,
}

_ORGANISATIONS = frozenset({"Company", "Organization", "PublicBody"})


def compatible(query_schema: str, listed_schema: str) -> bool:
    """People are not firms; a LegalEntity (unknown kind) can be either."""
    person = {query_schema == "Person", listed_schema == "Person"}
    if person == {True, False}:
        return "LegalEntity" in (query_schema, listed_schema)
    return True


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
class Scored:
    score: float
    matched: str  # the listed name (alias) that matched best
    query_alias: str
    features: tuple[tuple[Feature, float], ...]  # each with the weight it had

    @property
    def explanation(self) -> str:
        return "; ".join(f.explanation for f, _ in self.features)

    def by_feature(self) -> dict[str, Feature]:
        return {f.name: f for f, _ in self.features}


def score(
    query: Query,
    query_names: Sequence[Name],
    listed: Listed,
    weights: Mapping[str, float] | None = None,
) -> Scored:
    weights = {**DEFAULT_WEIGHTS, **(weights or {})}
    best: tuple[float, list[tuple[Feature, float]], Name, Name] | None = None
    for q in query_names:
        for c in listed.names:
            feature, alignment = features.name_parts(q, c)
            value = feature.score
            found_here = [(feature, 1.0)]
            for extra in (
                features.numbers(q, c),
                features.patronymics(q, c, alignment),
                features.place_words(q, c),
                features.legal_form(q, c),
            ):
                if extra is not None:
                    found_here.append((extra, weights[extra.name]))
                    value += _effect(extra, weights[extra.name])
            if best is None or value > best[0]:
                best = (value, found_here, q, c)
    found: list[tuple[Feature, float]] = []
    total = 0.0
    matched, alias = "", query.name
    if best is not None:
        total, found, q, c = best
        matched, alias = c.original, q.original
    for extra in (
        features.countries(query.countries, listed.countries),
        features.birth_dates(query.birth_dates, listed.birth_dates)
        if "Person" in (query.schema, listed.schema)
        else None,
        features.address(query.address, listed.addresses),
    ):
        if extra is None:
            continue
        found.append((extra, weights[extra.name]))
        total += _effect(extra, weights[extra.name])
    identifier = features.identifiers(query.identifiers, dict(listed.identifiers))
    if identifier is not None:
        found.insert(0, (identifier, weights["identifier"]))
        total = max(total, weights["identifier"])
    return Scored(round(min(max(total, 0.0), 1.0), 4), matched, alias, tuple(found))


def most_added(weights: Mapping[str, float] | None = None, query: Query | None = None) -> float:
    """The most the features other than the name and an identifier can add to a name's
    score: a name scoring less than the threshold minus this cannot reach it. A feature of
    a fact the query does not give (an address, countries, birth dates) adds nothing."""
    merged = {**DEFAULT_WEIGHTS, **(weights or {})}
    given = {
        "country": query is None or bool(query.countries),
        "birth_date": query is None or bool(query.birth_dates),
        "address": query is None or bool(query.address),
    }
    return sum(
        max(weight, 0.0)
        for name, weight in merged.items()
        if name != "identifier" and given.get(name, True)
    )


def _effect(feature: Feature, weight: float) -> float:
    """A positive weight adds in proportion to what the feature found; a negative weight
    takes away in proportion to what it did not find (numbers on one side only: half)."""
    if weight >= 0:
        return weight * feature.score
    return weight * (1.0 - feature.score)
