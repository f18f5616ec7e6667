"""The scoring algorithm: features composed with weights into one score and its reasons.

The name decides (the best pair of a query alias and a listed name); an identical identifier
overrides it; the other features move the score down where facts disagree (different
numbers, legal forms, countries, birth dates) and a little up where an address agrees.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from diversion.matching import features
from diversion.matching.analysis import Name
from diversion.matching.compared import Compared, Listed, Query
from diversion.matching.defaults import DEFAULT_THRESHOLD as DEFAULT_THRESHOLD
from diversion.matching.features import FeatureResult, Finding, align_names
from diversion.matching.settings import DEFAULTS, Settings

__all__ = ["DEFAULT_THRESHOLD", "DEFAULT_WEIGHTS", "Listed", "Query", "Scored", "score"]

# How a feature's finding enters the score:
#   base:  the name score, of each pair of a query name and a listed name (the best pair wins)
#   names: qualifies each pair of names, by its weight
#   facts: qualifies the entity once (the facts of both sides, not their names), by its weight
#   floor: lifts the score to its weight when it finds anything
Role = Literal["base", "names", "facts", "floor"]


@dataclass(frozen=True)
class Feature:
    """A feature of the algorithm: its function, its weight and its role. The name is the
    function's and the description its docstring's, as in nomenklatura's algorithms."""

    func: Callable[[Compared], Finding | None]
    weight: float
    role: Role
    name: str = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "name", self.func.__name__)

    @property
    def description(self) -> str:
        """The docstring, as one paragraph."""
        return " ".join((inspect.getdoc(self.func) or "").split())


# The algorithm: the name decides (the best pair of a query alias and a listed name); an
# identical identifier overrides it; the other features move the score down where facts
# disagree (a negative weight takes away in proportion to what the feature did not find) and
# a little up where an address agrees (a positive weight adds in proportion to what it found).
FEATURES: tuple[Feature, ...] = (
    Feature(features.name_parts, 1.0, "base"),
    Feature(features.numbers, -0.30, "names"),
    Feature(features.patronymic, -0.25, "names"),
    Feature(features.place_words, -0.25, "names"),
    Feature(features.legal_form, -0.30, "names"),
    Feature(features.country, -0.10, "facts"),
    Feature(features.birth_date, -0.20, "facts"),
    Feature(features.address, 0.05, "facts"),
    Feature(features.identifier, 1.0, "floor"),
)
_BASE = next(f for f in FEATURES if f.role == "base")
_NAMES = tuple(f for f in FEATURES if f.role == "names")
_FACTS = tuple(f for f in FEATURES if f.role == "facts")
_FLOORS = tuple(f for f in FEATURES if f.role == "floor")

# The weights a request may change (`weights`); the base feature's score is the name score.
DEFAULT_WEIGHTS: dict[str, float] = {f.name: f.weight for f in FEATURES if f.role != "base"}


def compatible(query_schema: str, listed_schema: str) -> bool:
    """People are not firms; a LegalEntity (unknown kind) can be either."""
    person = {query_schema == "Person", listed_schema == "Person"}
    if person == {True, False}:
        return "LegalEntity" in (query_schema, listed_schema)
    return True


@dataclass(frozen=True)
class Scored:
    score: float
    matched: str  # the listed name (alias) that matched best
    query_alias: str
    features: tuple[tuple[FeatureResult, float], ...]  # each with the weight it had

    @property
    def explanation(self) -> str:
        return "; ".join(f.explanation for f, _ in self.features)

    def by_feature(self) -> dict[str, FeatureResult]:
        return {f.name: f for f, _ in self.features}


def score(
    query: Query,
    query_names: Sequence[Name],
    listed: Listed,
    weights: Mapping[str, float] | None = None,
    settings: Settings = DEFAULTS,
) -> Scored:
    weights = {**DEFAULT_WEIGHTS, **(weights or {})}
    best: tuple[float, list[tuple[FeatureResult, float]], Compared] | None = None
    for q in query_names:
        for c in listed.names:
            if q.acronym and c.acronym:
                continue  # two names read as their initials say nothing of each other
            pair = Compared(query, listed, q, c, settings, align_names(q, c, settings))
            base = _BASE.func(pair)
            assert base is not None  # the name score is always given
            value = base.score
            found_here = [(FeatureResult(_BASE.name, *base), _BASE.weight)]
            for feature in _NAMES:
                finding = feature.func(pair)
                if finding is not None:
                    weight = weights[feature.name]
                    found_here.append((FeatureResult(feature.name, *finding), weight))
                    value += _effect(finding.score, weight)
            if best is None or value > best[0]:
                best = (value, found_here, pair)
    found: list[tuple[FeatureResult, float]] = []
    total = 0.0
    if best is not None:
        total, found, pair = best
        matched, alias = pair.listed_name.original, pair.query_name.original
    else:  # a side without names: the facts still speak
        matched, alias = "", query.name
        none = Name("", query.schema, ())
        pair = Compared(query, listed, none, Name("", listed.schema, ()), settings)
    for feature in _FACTS:
        finding = feature.func(pair)
        if finding is not None:
            weight = weights[feature.name]
            found.append((FeatureResult(feature.name, *finding), weight))
            total += _effect(finding.score, weight)
    for feature in _FLOORS:
        finding = feature.func(pair)
        if finding is not None:
            weight = weights[feature.name]
            found.insert(0, (FeatureResult(feature.name, *finding), weight))
            total = max(total, weight)
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


def _effect(found: float, weight: float) -> float:
    """A positive weight adds in proportion to what the feature found; a negative weight
    takes away in proportion to what it did not find (numbers on one side only: half)."""
    if weight >= 0:
        return weight * found
    return weight * (1.0 - found)
