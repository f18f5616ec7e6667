"""Load a list published as FollowTheMoney JSON Lines (one entity per line).

FtM is the lingua franca of the field (OpenSanctions, Aleph, yente), so a list in this form
needs no translation. Loading is strict: an unknown schema or property, or a Sanction that
points at no entity, is an error with its line, never a silent drop.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from followthemoney import model
from followthemoney.proxy import EntityProxy

from diversion.reference import ReferenceData, describe, package_file


class ListFileError(ValueError):
    """A list file that cannot be loaded as it is."""


@dataclass(frozen=True)
class SanctionsList:
    reference: ReferenceData
    entities: Mapping[str, EntityProxy]
    sanctions: Mapping[str, tuple[EntityProxy, ...]]

    def parties(self) -> Iterator[EntityProxy]:
        """The entities a declaration party can match: people, companies, organisations."""
        for entity in self.entities.values():
            if entity.schema.is_a("LegalEntity"):
                yield entity


def _entity(path: Path, line: int, raw: str) -> EntityProxy:
    where = f"{path}:{line}"
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ListFileError(f"{where}: invalid JSON: {exc.msg}") from None
    if not isinstance(data, dict) or not data.get("id"):
        raise ListFileError(f"{where}: an entity needs an object with an id")
    schema = model.get(data.get("schema") or "")
    if schema is None:
        raise ListFileError(f"{where}: unknown schema {data.get('schema')!r}")
    properties = data.get("properties") or {}
    for prop, values in properties.items():
        if prop not in schema.properties:
            raise ListFileError(f"{where}: {schema.name} has no property {prop!r}")
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise ListFileError(f"{where}: {prop}: values must be a list of strings")
    return model.get_proxy(data)


def load_ftm_list(path: Path) -> SanctionsList:
    entities: dict[str, EntityProxy] = {}
    with path.open(encoding="utf-8") as handle:
        for line, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            entity = _entity(path, line, raw)
            if entity.id in entities:
                raise ListFileError(f"{path}:{line}: entity {entity.id} appears twice")
            entities[str(entity.id)] = entity
    sanctions: dict[str, list[EntityProxy]] = defaultdict(list)
    for entity in entities.values():
        if entity.schema.name != "Sanction":
            continue
        for target in entity.get("entity"):
            if target not in entities:
                raise ListFileError(f"{path}: Sanction {entity.id} names unknown entity {target}")
            sanctions[target].append(entity)
    return SanctionsList(
        reference=describe(path),
        entities=entities,
        sanctions={k: tuple(v) for k, v in sanctions.items()},
    )


def demo_list() -> SanctionsList:
    """The fictional demo list bundled with the package."""
    return load_ftm_list(package_file("diversion", "data/demo/sanctions.ftm.jsonl"))
