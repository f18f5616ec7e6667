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

Only rules and parameters the catalogue knows can be set, each to a value of the catalogue's
type, so that a typo never silently leaves the default in force. Every fault is reported as
file:line: field: reason, all at once. The file is fingerprinted into the decisions.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
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


def _fits(default: Any, value: Any) -> bool:
    """Whether a value may replace a parameter's default: the same kind of value."""
    if default is None or isinstance(default, date):
        return value is None or isinstance(value, date)
    if isinstance(default, bool):
        return isinstance(value, bool)
    if isinstance(default, int | float):
        return isinstance(value, int | float) and not isinstance(value, bool)
    if isinstance(default, str):
        # a list id parameter may be `all` or a list of ids
        return isinstance(value, str) or (default == "all" and isinstance(value, list))
    if isinstance(default, list):
        return isinstance(value, list) or value == "all"
    if isinstance(default, Mapping):
        return isinstance(value, Mapping)
    return isinstance(value, type(default))


def _item_faults(default: list[Any], value: list[Any]) -> list[str]:
    """Why the items of a value do not fit a default that is a list of mappings (a ban, a
    suspension): each item must be a mapping of keys the default's items have, each of the
    kind the default gives it. Empty when the value fits, or the default holds no mappings."""
    shapes = [item for item in default if isinstance(item, Mapping)]
    if not shapes:
        return []
    known: dict[str, list[Any]] = {}
    for shape in shapes:
        for key, example in shape.items():
            known.setdefault(key, []).append(example)
    faults: list[str] = []
    for n, item in enumerate(value, start=1):
        if not isinstance(item, Mapping):
            faults.append(f"item {n} must be a mapping of {', '.join(known)}")
            continue
        for key, given in item.items():
            if key not in known:
                faults.append(f"item {n}: unknown key {key!r} ({', '.join(known)})")
                continue
            # a key that is null in every default item is a date, as a null parameter is
            examples = [e for e in known[key] if e is not None] or [None]
            if given is None:
                continue
            if all(e is None or isinstance(e, date) for e in examples) and not isinstance(
                given, date
            ):
                faults.append(f"item {n}: {key} must be a date (YYYY-MM-DD) or null, not {given!r}")
            elif not any(_fits(e, given) for e in examples):
                faults.append(f"item {n}: {key} must be {_kind(examples[0])}, not {given!r}")
    return faults


def _kind(value: Any) -> str:
    if value is None or isinstance(value, date):
        return "a date (YYYY-MM-DD) or null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "a mapping"
    return "text"


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
                        if param not in rule.params:
                            known = ", ".join(rule.params) or "none"
                            fault(param_line, f"{field}.{param}", f"unknown parameter ({known})")
                            continue
                        new = _plain(param_node)
                        if not _fits(rule.params[param], new):
                            fault(
                                param_line,
                                f"{field}.{param}",
                                f"must be {_kind(rule.params[param])}, not {new!r}",
                            )
                            continue
                        faults = (
                            _item_faults(rule.params[param], new)
                            if isinstance(rule.params[param], list) and isinstance(new, list)
                            else []
                        )
                        for reason in faults:
                            fault(param_line, f"{field}.{param}", reason)
                        if faults:
                            continue
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
