"""The rule catalogue, read from data: ids, severities, parameters and cited sources."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from diversion.reference import ReferenceData, describe, load_yaml, package_file

SEVERITY_ORDER = ("high", "medium", "low")


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    severity: str
    rationale: str
    source: str
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Catalogue:
    rules: Mapping[str, Rule]
    verdict_of_severity: Mapping[str, str]
    corridor_of_verdict: Mapping[str, str]
    reference: ReferenceData
    # rules a rules file switched off (see config.py), and that file's descriptor
    disabled: frozenset[str] = frozenset()
    config: ReferenceData | None = None

    def __getitem__(self, rule_id: str) -> Rule:
        return self.rules[rule_id]

    @property
    def active(self) -> dict[str, Rule]:
        """The rules screening applies, in catalogue order."""
        return {rule_id: r for rule_id, r in self.rules.items() if rule_id not in self.disabled}

    @property
    def references(self) -> list[ReferenceData]:
        return [self.reference, *([self.config] if self.config else [])]


def load_catalogue(path: Path | None = None) -> Catalogue:
    path = path or package_file("diversion.rules", "data/catalogue.yml")
    raw = load_yaml(path)
    severities = dict(raw["severities"])
    if set(severities) != set(SEVERITY_ORDER):
        raise ValueError(f"{path}: severities must be exactly {', '.join(SEVERITY_ORDER)}")
    rules: dict[str, Rule] = {}
    for spec in raw["rules"]:
        rule = Rule(
            id=spec["id"],
            title=spec["title"],
            severity=spec["severity"],
            rationale=" ".join(str(spec["rationale"]).split()),
            source=spec["source"],
            params=dict(spec.get("params") or {}),
        )
        if rule.severity not in severities:
            raise ValueError(f"{path}: rule {rule.id}: unknown severity {rule.severity!r}")
        if rule.id in rules:
            raise ValueError(f"{path}: rule {rule.id} is defined twice")
        rules[rule.id] = rule
    return Catalogue(
        rules=rules,
        verdict_of_severity=severities,
        corridor_of_verdict=dict(raw["corridors"]),
        reference=describe(path),
    )
