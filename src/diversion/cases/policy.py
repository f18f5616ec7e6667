"""The case workflow as data/workflow.yml states it (roles, statuses, actions), and how long
re-screening looks back and a suppression holds.

Apart from the cases and their store so that the CLI names roles, actions and defaults in its
help without loading SQLAlchemy."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from diversion.reference import load_yaml, package_file

RESCREEN_DAYS = 30  # a new list snapshot re-screens declarations of the last N days
SUPPRESSION_DAYS = 365  # a false-hit suppression holds this long unless told otherwise


@dataclass(frozen=True)
class ActionRule:
    name: str
    role: str
    sources: tuple[str, ...] | None
    target: str | None
    reason: bool
    four_eyes: bool
    proposal_for: tuple[str, ...]
    proposal: str | None


@dataclass(frozen=True)
class Workflow:
    roles: tuple[str, ...]
    statuses: dict[str, dict[str, Any]]
    actions: dict[str, ActionRule]

    def rank(self, role: str) -> int:
        return self.roles.index(role)

    def allows(self, role: str, action: str) -> bool:
        return self.rank(role) >= self.rank(self.actions[action].role)

    def is_final(self, status: str) -> bool:
        return bool(self.statuses[status]["final"])

    @property
    def final_statuses(self) -> list[str]:
        return [status for status in self.statuses if self.is_final(status)]


@lru_cache(maxsize=1)
def workflow() -> Workflow:
    data = load_yaml(package_file("diversion.cases", "data/workflow.yml"))
    roles = tuple(data["roles"])
    statuses = {name: dict(item) for name, item in data["statuses"].items()}
    actions = {}
    for name, item in data["actions"].items():
        rule = ActionRule(
            name=name,
            role=item["role"],
            sources=tuple(item["from"]) if "from" in item else None,
            target=item.get("to"),
            reason=bool(item.get("reason", False)),
            four_eyes=bool(item.get("four_eyes", False)),
            proposal_for=tuple(item.get("proposal_for", ())),
            proposal=item.get("proposal"),
        )
        for status in (*(rule.sources or ()), rule.target, rule.proposal):
            if status is not None and status not in statuses:
                raise ValueError(f"workflow.yml: {name}: unknown status {status!r}")
        if rule.role not in roles:
            raise ValueError(f"workflow.yml: {name}: unknown role {rule.role!r}")
        actions[name] = rule
    return Workflow(roles, statuses, actions)
