"""The rule catalogue, read from data: ids, severities, parameters and cited sources.

Each rule declares its parameters (type, default, description; `params.py`); the loader
checks every default against its declaration and gives the checks the values (`Rule.params`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from diversion.reference import ReferenceData, describe, package_file
from diversion.rules.params import Param, Vocabulary, declare, joined

SEVERITY_ORDER = ("high", "medium", "low")


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    severity: str
    rationale: str
    source: str
    # the values in force, which the checks read: the defaults, or a rules file's settings
    params: Mapping[str, Any] = field(default_factory=dict)
    # what each parameter is: its type, default and meaning, as the catalogue declares it
    declared: Mapping[str, Param] = field(default_factory=dict)

    def named(self, *kinds: str) -> list[str]:
        """The ids the rule's values name through parameters of these types (for instance
        every control list, `named("control_lists", "control_list_ids")`), in order, once."""
        names = (
            name
            for key, param in self.declared.items()
            for name in param.named(self.params.get(key), kinds)
        )
        return list(dict.fromkeys(names))


@dataclass(frozen=True)
class Catalogue:
    rules: Mapping[str, Rule]
    verdict_of_severity: Mapping[str, str]
    corridor_of_verdict: Mapping[str, str]
    reference: ReferenceData
    # the ids parameter values may name (procedures, roles, country groups, reason codes)
    vocabulary: Vocabulary
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


def vocabulary(severities: Mapping[str, str], rule_ids: set[str]) -> Vocabulary:
    """The ids a catalogue's parameter values may name."""
    from diversion.countries import load_country_groups
    from diversion.declarations.fields import PROCEDURES
    from diversion.declarations.model import PARTY_ROLES

    return Vocabulary(
        procedures=frozenset(PROCEDURES),
        party_roles=frozenset(PARTY_ROLES),
        severities=frozenset(severities),
        country_groups=frozenset(load_country_groups().groups),
        reason_codes=frozenset(rule_ids),
    )


def load_catalogue(path: Path | None = None) -> Catalogue:
    path = path or package_file("diversion.rules", "data/catalogue.yml")
    # libyaml when there is one: the declared catalogue is long, and every context loads it
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    raw = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    severities = dict(raw["severities"])
    if set(severities) != set(SEVERITY_ORDER):
        raise ValueError(f"{path}: severities must be exactly {', '.join(SEVERITY_ORDER)}")
    rules: dict[str, Rule] = {}
    for spec in raw["rules"]:
        declared = {
            str(name): declare(str(name), param, f"{path}: rule {spec['id']}: parameter {name}")
            for name, param in (spec.get("params") or {}).items()
        }
        rule = Rule(
            id=spec["id"],
            title=spec["title"],
            severity=spec["severity"],
            rationale=" ".join(str(spec["rationale"]).split()),
            source=spec["source"],
            params={name: param.default for name, param in declared.items()},
            declared=declared,
        )
        if rule.severity not in severities:
            raise ValueError(f"{path}: rule {rule.id}: unknown severity {rule.severity!r}")
        if rule.id in rules:
            raise ValueError(f"{path}: rule {rule.id} is defined twice")
        rules[rule.id] = rule
    known = vocabulary(severities, set(rules))
    faults = [
        joined(f"{path}: rule {rule.id}: parameter {name}: the default", reason)
        for rule in rules.values()
        for name, param in rule.declared.items()
        for reason in param.faults(param.default, known)
    ]
    if faults:
        raise ValueError("\n".join(faults))
    return Catalogue(
        rules=rules,
        verdict_of_severity=severities,
        corridor_of_verdict=dict(raw["corridors"]),
        reference=describe(path),
        vocabulary=known,
    )
