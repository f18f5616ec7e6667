"""A user's tuning of the rule catalogue: disable rules, change severities and parameters.

The catalogue ships with the package; an authority or a bank adapts it with a small YAML file
(HOME/rules.yml, or one named with `--rules`) instead of editing the package:

    rules:
      goods.defence_suspension:
        params:                            # the 2025 suspension started on another day
          suspensions:
            - {id: kz-2022, valid_from: 2022-08-27, valid_to: 2023-08-31}
            - {id: kz-2025, valid_from: 2026-01-05, valid_to: 2027-01-04}
      goods.reexport_ban:
        params: {goods: all}               # every good of coalition origin, not only listed ones
      licence.catch_all:
        enabled: false

Only rules and parameters the catalogue knows can be set, each to a value of the type the
catalogue declares for it (`params.py`: a number, a date, a country-group id, a list of
procedures...), so that a typo never silently leaves the default in force. Every fault is
reported as file:line: field: reason, all at once. The file is fingerprinted into the decisions.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from diversion.reference import ReferenceData, file_sha256
from diversion.rules.catalogue import SEVERITY_ORDER, Catalogue

CONFIG_FILE = "rules.yml"
RULE_KEYS = ("enabled", "severity", "params")


class RuleConfigError(ValueError):
    """Every fault of a rules file, each as file:line: field: reason."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class _Value:
    value: Any
    line: int


def _pairs(node: yaml.MappingNode) -> Iterator[tuple[str, yaml.Node, int]]:
    for key, value in node.value:
        yield str(key.value), value, key.start_mark.line + 1


def _plain(node: yaml.Node) -> Any:
    """A node's value as safe_load reads it (dates, numbers, lists, mappings)."""
    return yaml.safe_load(yaml.serialize(node))


def apply_config(catalogue: Catalogue, path: Path) -> Catalogue:
    """The catalogue with a rules file applied; RuleConfigError lists every fault."""
    name = str(path)
    errors: list[str] = []

    def fault(line: int, field: str, reason: str) -> None:
        errors.append(f"{name}:{line}: {field}: {reason}")

    try:
        root = yaml.compose(path.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleConfigError([f"{name}:0: -: cannot read: {exc}"]) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        raise RuleConfigError([f"{name}:{line}: -: not valid YAML: {exc}"]) from exc
    if root is None:
        return catalogue
    if not isinstance(root, yaml.MappingNode):
        raise RuleConfigError([f"{name}:1: -: must be a mapping with a `rules:` key"])
    rules = dict(catalogue.rules)
    disabled = set(catalogue.disabled)
    for key, section, line in _pairs(root):
        if key != "rules":
            fault(line, key, "unknown key (the file has one key, `rules`)")
            continue
        if not isinstance(section, yaml.MappingNode):
            fault(line, key, "must be a mapping of rule ids")
            continue
        for rule_id, spec, rule_line in _pairs(section):
            if rule_id not in catalogue.rules:
                fault(rule_line, rule_id, "no such rule (`diversion rules ls` lists them)")
                continue
            if not isinstance(spec, yaml.MappingNode):
                fault(rule_line, rule_id, f"must be a mapping of {', '.join(RULE_KEYS)}")
                continue
            rule = rules[rule_id]
            for setting, value_node, setting_line in _pairs(spec):
                field = f"{rule_id}.{setting}"
                value = _plain(value_node)
                if setting == "enabled":
                    if not isinstance(value, bool):
                        fault(setting_line, field, "must be true or false")
                    elif value:
                        disabled.discard(rule_id)
                    else:
                        disabled.add(rule_id)
                elif setting == "severity":
                    if value not in SEVERITY_ORDER:
                        fault(setting_line, field, f"must be one of {', '.join(SEVERITY_ORDER)}")
                    else:
                        rule = replace(rule, severity=value)
                elif setting == "params":
                    if not isinstance(value_node, yaml.MappingNode):
                        fault(setting_line, field, "must be a mapping")
                        continue
                    params = dict(rule.params)
                    for param, param_node, param_line in _pairs(value_node):
                        declared = rule.declared.get(param)
                        if declared is None:
                            known = ", ".join(rule.declared) or "none"
                            fault(param_line, f"{field}.{param}", f"unknown parameter ({known})")
                            continue
                        new = _plain(param_node)
                        faults = declared.faults(new, catalogue.vocabulary)
                        for reason in faults:
                            fault(param_line, f"{field}.{param}", reason)
                        if not faults:
                            params[param] = new
                    rule = replace(rule, params=params)
                else:
                    fault(setting_line, field, f"unknown setting ({', '.join(RULE_KEYS)})")
            rules[rule_id] = rule
    if errors:
        raise RuleConfigError(errors)
    reference = ReferenceData(
        id="rules-config",
        version=date.fromtimestamp(path.stat().st_mtime).isoformat(),
        sha256=file_sha256(path),
        title=f"Rule settings of this installation ({path.name})",
        source=name,
        licence="local configuration",
    )
    return replace(
        catalogue,
        rules=rules,
        disabled=frozenset(disabled),
        config=reference,
    )


def load_config(catalogue: Catalogue, path: Path | None) -> Catalogue:
    """The catalogue with the rules file applied, if there is one."""
    if path is None or not path.exists():
        return catalogue
    return apply_config(catalogue, path)
