"""Labelled and unlabelled name pairs: reading them, scoring them, and measuring the scores.

The same pairs go through our scorer and through nomenklatura's `logic-v2` (the matcher
behind OpenSanctions' yente), so `diversion match eval` shows both side by side.
"""

from __future__ import annotations

import csv
import itertools
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from followthemoney.proxy import EntityProxy

from diversion.countries.normalise import CountryError, normalise_country
from diversion.declarations.errors import InputError
from diversion.matching.defaults import SCHEMATA as SCHEMATA
from diversion.matching.scoring import DEFAULT_THRESHOLD, Listed, Query, Scored, score

TRUE = {"true", "1", "yes", "y", "t"}
FALSE = {"false", "0", "no", "n", "f"}


class PairsFileError(ValueError):
    """A pairs file that cannot be read at all (no such columns)."""


@dataclass(frozen=True)
class Pair:
    line: int
    name1: str
    name2: str
    schema: str
    country1: str | None = None
    country2: str | None = None
    is_match: bool | None = None
    category: str = ""


def read_pairs(path: Path, labelled: bool = False) -> tuple[list[Pair], list[InputError]]:
    """Read a pairs CSV; every bad row is an error with its line and field, never skipped."""
    pairs: list[Pair] = []
    errors: list[InputError] = []
    source = str(path)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        needed = ["name1", "name2", "schema"] + (["is_match"] if labelled else [])
        missing = [c for c in needed if c not in (reader.fieldnames or [])]
        if missing:
            raise PairsFileError(
                str(InputError(source, 1, missing[0], f"missing column(s): {', '.join(missing)}"))
            )
        for row in reader:
            line = reader.line_num
            problem = _check(row, labelled)
            if problem:
                errors.append(InputError(source, line, problem[0], problem[1]))
                continue
            countries: list[str | None] = []
            for column in ("country1", "country2"):
                value = (row.get(column) or "").strip()
                countries.append(normalise_country(value) if value else None)
            label = (row.get("is_match") or "").strip().lower()
            pairs.append(
                Pair(
                    line,
                    str(row["name1"]).strip(),
                    str(row["name2"]).strip(),
                    str(row["schema"]).strip(),
                    countries[0],
                    countries[1],
                    (label in TRUE) if label else None,
                    (row.get("category") or "").strip(),
                )
            )
    return pairs, errors


def _check(row: dict[str, str | None], labelled: bool) -> tuple[str, str] | None:
    for field in ("name1", "name2"):
        if not (row.get(field) or "").strip():
            return field, "is empty"
    if (row.get("schema") or "").strip() not in SCHEMATA:
        return "schema", f"{row.get('schema')!r} is not one of {', '.join(SCHEMATA)}"
    label = (row.get("is_match") or "").strip().lower()
    if labelled and label not in TRUE | FALSE:
        return "is_match", f"{row.get('is_match')!r} is not true or false"
    for field in ("country1", "country2"):
        value = (row.get(field) or "").strip()
        if value:
            try:
                normalise_country(value)
            except CountryError as exc:
                return field, str(exc)
    return None


def score_pair(pair: Pair) -> Scored:
    query = Query(pair.name1, pair.schema, (pair.country1,) if pair.country1 else ())
    listed_names = Query(pair.name2, pair.schema).names()
    listed = Listed(
        entity_id="listed",
        schema=pair.schema,
        names=listed_names,
        countries=(pair.country2,) if pair.country2 else (),
    )
    return score(query, query.names(), listed)


_ENTITY_IDS = itertools.count()


class LogicV2:
    """nomenklatura's logic-v2 on the same pair, each side a one-name entity."""

    THRESHOLD = 0.7  # its own default match threshold

    def __init__(self) -> None:
        from followthemoney import model
        from nomenklatura.matching import LogicV2 as Algorithm
        from nomenklatura.matching.types import ScoringConfig

        self._model = model
        self._algorithm = Algorithm
        self._config = ScoringConfig.defaults()

    def entity(self, name: str, schema: str, country: str | None = None) -> EntityProxy:
        entity = self._model.make_entity(schema)
        # logic-v2 caches name analysis by entity id, in the process: every entity needs a
        # fresh one, across yardsticks too (a second one counting from e0 again would be
        # scored with the first one's names)
        entity.id = f"e{next(_ENTITY_IDS)}"
        entity.add("name", name)
        if country:
            entity.add("country", country)
        return entity

    def score(self, pair: Pair) -> float:
        query = self.entity(pair.name1, pair.schema, pair.country1)
        result = self.entity(pair.name2, pair.schema, pair.country2)
        return float(self._algorithm.compare(query, result, self._config).score)


@dataclass(frozen=True)
class Metrics:
    pairs: int
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def metrics(labels: Sequence[bool], predicted: Sequence[bool]) -> Metrics:
    tp = sum(1 for y, p in zip(labels, predicted, strict=True) if y and p)
    fp = sum(1 for y, p in zip(labels, predicted, strict=True) if not y and p)
    fn = sum(1 for y, p in zip(labels, predicted, strict=True) if y and not p)
    return Metrics(len(labels), tp, fp, fn)


@dataclass
class Evaluation:
    """Scores of both matchers on labelled pairs, sliced overall, by schema and by category."""

    pairs: list[Pair]
    ours: list[float]
    theirs: list[float]
    threshold: float = DEFAULT_THRESHOLD
    their_threshold: float = LogicV2.THRESHOLD

    def slices(self) -> Iterator[tuple[str, str, Metrics, Metrics]]:
        groups: dict[tuple[str, str], list[int]] = defaultdict(list)
        for i, pair in enumerate(self.pairs):
            groups[("all", "")].append(i)
            groups[("schema", pair.schema)].append(i)
            if pair.category:
                groups[("category", pair.category)].append(i)
        for (kind, value), rows in sorted(groups.items(), key=lambda g: (g[0][0] != "all", g[0])):
            labels = [bool(self.pairs[i].is_match) for i in rows]
            ours = metrics(labels, [self.ours[i] >= self.threshold for i in rows])
            theirs = metrics(labels, [self.theirs[i] >= self.their_threshold for i in rows])
            yield kind, value, ours, theirs


def evaluate(
    pairs: list[Pair],
    with_logic_v2: bool = True,
    progress: Callable[[int], None] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
) -> Evaluation:
    yardstick = LogicV2() if with_logic_v2 else None
    ours: list[float] = []
    theirs: list[float] = []
    for pair in pairs:
        ours.append(score_pair(pair).score)
        theirs.append(yardstick.score(pair) if yardstick else float("nan"))
        if progress is not None:
            progress(1)
    return Evaluation(pairs, ours, theirs, threshold)
