"""What changed between two snapshots of a list: added, removed and changed entities."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from followthemoney.proxy import EntityProxy


@dataclass(frozen=True)
class Change:
    entity_id: str
    caption: str
    schema: str
    # property -> values gained and values lost
    added: dict[str, list[str]] = field(default_factory=dict)
    removed: dict[str, list[str]] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.entity_id,
            "caption": self.caption,
            "schema": self.schema,
            "added": self.added,
            "removed": self.removed,
        }


@dataclass(frozen=True)
class Diff:
    old: str
    new: str
    added: list[EntityProxy]
    removed: list[EntityProxy]
    changed: list[Change]

    def to_dict(self) -> dict[str, Any]:
        return {
            "old": self.old,
            "new": self.new,
            "added": [str(e.id) for e in self.added],
            "removed": [str(e.id) for e in self.removed],
            "changed": [c.entity_id for c in self.changed],
            "changes": [c.to_dict() for c in self.changed],
        }


def _values(entity: EntityProxy) -> dict[str, set[str]]:
    values = {prop: set(vals) for prop, vals in entity.properties.items()}
    values["$schema"] = {entity.schema.name}
    return values


def _change(old: EntityProxy, new: EntityProxy) -> Change | None:
    before, after = _values(old), _values(new)
    added = {p: sorted(after[p] - before.get(p, set())) for p in after}
    removed = {p: sorted(before[p] - after.get(p, set())) for p in before}
    added = {p: v for p, v in added.items() if v}
    removed = {p: v for p, v in removed.items() if v}
    if not added and not removed:
        return None
    return Change(str(new.id), str(new.caption), new.schema.name, added, removed)


def diff_entities(
    old_id: str, old: Iterable[EntityProxy], new_id: str, new: Iterable[EntityProxy]
) -> Diff:
    before = {str(e.id): e for e in old}
    after = {str(e.id): e for e in new}
    changed = [
        change
        for entity_id in sorted(before.keys() & after.keys())
        if (change := _change(before[entity_id], after[entity_id])) is not None
    ]
    return Diff(
        old=old_id,
        new=new_id,
        added=[after[k] for k in sorted(after.keys() - before.keys())],
        removed=[before[k] for k in sorted(before.keys() - after.keys())],
        changed=changed,
    )
