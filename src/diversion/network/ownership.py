"""Who is blocked through ownership: OFAC's 50 % rule and the EU/UK majority rule, computed to a
fixed point over the ownership graph, each derived status with the edges that caused it.

OFAC: an entity owned 50 % or more, directly or indirectly, in the aggregate, by one or more
blocked persons is itself blocked (OFAC, "Revised Guidance on Entities Owned by Persons Whose
Property and Interests in Property Are Blocked", 13 August 2014). "Indirectly" means through
entities that are themselves blocked by the rule, so the shares of blocked owners are added up,
and an entity that becomes blocked counts as a blocked owner in turn.

EU and UK: an entity owned more than 50 % by listed persons is subject to the asset freeze
(EU Council, "Restrictive measures (sanctions): update of the EU best practices", 2022, on
ownership and control; UK OFSI general guidance, on ownership and control). The same
aggregation is applied, with a strict threshold.

The computation is a worklist: each newly blocked entity adds its shares to the entities it
owns, and an entity is blocked the moment its blocked owners' shares reach the threshold.
Statuses only ever grow, so cycles (A owns B owns A) end, and every derivation points only to
owners blocked before it: the evidence paths never loop.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class Stake:
    """One ownership edge: `owner` holds `share` percent of `asset`."""

    owner: str
    asset: str
    share: Decimal | None  # None: the registry does not say how much
    start: date | None = None
    end: date | None = None
    edge_id: str = ""

    def in_force(self, on: date | None) -> bool:
        if on is None:
            return True
        return (self.start is None or self.start <= on) and (self.end is None or on <= self.end)


@dataclass(frozen=True)
class OwnershipRule:
    id: str
    title: str
    threshold: Decimal
    inclusive: bool  # True: at least the threshold (OFAC); False: more than it (EU, UK)

    def reached(self, share: Decimal) -> bool:
        return share >= self.threshold if self.inclusive else share > self.threshold


US = OwnershipRule("us", "OFAC 50 % rule (50 % or more, aggregated)", Decimal(50), True)
EU = OwnershipRule("eu", "EU/UK ownership rule (more than 50 %, aggregated)", Decimal(50), False)
RULES = {rule.id: rule for rule in (US, EU)}


@dataclass(frozen=True)
class Derivation:
    """Why an entity is blocked under one rule: the blocked owners and their shares."""

    entity: str
    rule: OwnershipRule
    total: Decimal
    owners: tuple[Stake, ...]  # the edges from blocked owners, in the order they counted


@dataclass
class OwnershipResult:
    rule: OwnershipRule
    listed: frozenset[str]
    derived: dict[str, Derivation] = field(default_factory=dict)

    def blocked(self, entity: str) -> bool:
        return entity in self.listed or entity in self.derived

    def paths(self, entity: str, limit: int = 10) -> list[list[tuple[str, Decimal | None]]]:
        """Chains from a listed party down to the entity: [(listed, None), (owned, share),
        ..., (entity, share)], each share being that of the owner before it."""
        if entity in self.listed:
            return [[(entity, None)]]
        derivation = self.derived.get(entity)
        if derivation is None:
            return []
        out: list[list[tuple[str, Decimal | None]]] = []
        for stake in derivation.owners:
            for chain in self.paths(stake.owner, limit):
                out.append([*chain, (entity, stake.share)])
                if len(out) >= limit:
                    return out
        return out

    def evidence(self, entity: str) -> dict[str, Any]:
        derivation = self.derived.get(entity)
        if derivation is None:
            return {"rule": self.rule.id, "listed": entity in self.listed}
        return {
            "rule": self.rule.id,
            "rule_title": self.rule.title,
            "total_share": str(derivation.total),
            "owners": [
                {"owner": s.owner, "share": str(s.share), "edge": s.edge_id}
                for s in derivation.owners
            ],
            "paths": [
                [
                    {"entity": node, "share": None if share is None else str(share)}
                    for node, share in chain
                ]
                for chain in self.paths(entity)
            ],
        }


def compute(
    stakes: Iterable[Stake],
    listed: Iterable[str],
    rule: OwnershipRule = US,
    on: date | None = None,
) -> OwnershipResult:
    """Every entity blocked under `rule` by the `listed` ones through `stakes` in force `on`."""
    roots = frozenset(listed)
    owned_by: dict[str, list[Stake]] = defaultdict(list)
    for stake in stakes:
        if stake.share is not None and stake.share > 0 and stake.in_force(on):
            owned_by[stake.owner].append(stake)
    result = OwnershipResult(rule, roots)
    tally: dict[str, Decimal] = defaultdict(Decimal)
    counted: dict[str, list[Stake]] = defaultdict(list)
    work = sorted(roots)
    while work:
        owner = work.pop()
        for stake in sorted(owned_by.get(owner, ()), key=lambda s: (s.asset, s.edge_id)):
            asset = stake.asset
            if result.blocked(asset) or stake.share is None:
                continue
            tally[asset] += stake.share
            counted[asset].append(stake)
            if rule.reached(tally[asset]):
                result.derived[asset] = Derivation(asset, rule, tally[asset], tuple(counted[asset]))
                work.append(asset)
    return result


def describe_path(chain: list[tuple[str, Decimal | None]], names: Mapping[str, str]) -> str:
    """`A (listed) -> 60 % -> B -> 50 % -> C` for messages."""
    parts: list[str] = []
    for node, share in chain:
        if share is not None:
            parts.append(f"{_percent(share)} %")
        parts.append(names.get(node, node))
    return " → ".join(parts)


def _text(share: Decimal | None) -> str | None:
    return None if share is None else str(share)


def _percent(share: Decimal) -> str:
    return f"{share.normalize():f}"
