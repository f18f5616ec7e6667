"""FollowTheMoney JSON Lines (one entity per line), as OpenSanctions, Aleph and yente publish.

FtM is the lingua franca of the field, so such a list needs no translation. Reading is strict:
an unknown schema or property, or a value that is not a list of strings, is an error with its
line, never a silent drop.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from followthemoney import model
from followthemoney.proxy import EntityProxy

from diversion.lists.importers.base import ListFormatError, Parsed, all_files

parts = all_files  # all the files, read together


def _entity(path: Path, line: int, raw: str) -> EntityProxy:
    where = f"line {line}"
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ListFormatError(path, where, f"invalid JSON: {exc.msg}") from None
    if not isinstance(data, dict) or not data.get("id"):
        raise ListFormatError(path, where, "an entity needs an object with an id")
    schema = model.get(data.get("schema") or "")
    if schema is None:
        raise ListFormatError(path, where, f"unknown schema {data.get('schema')!r}")
    properties = data.get("properties") or {}
    if not isinstance(properties, dict):
        raise ListFormatError(path, where, "properties must be an object")
    for prop, values in properties.items():
        if prop not in schema.properties:
            raise ListFormatError(path, where, f"{schema.name} has no property {prop!r}")
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise ListFormatError(path, where, f"{prop}: values must be a list of strings")
    return model.get_proxy(data)


def read_ftm(paths: Sequence[Path]) -> Parsed:
    parsed = Parsed(source="FollowTheMoney entities")
    seen: dict[str, str] = {}
    for path in paths:
        try:
            handle = path.open(encoding="utf-8")
        except OSError as exc:
            raise ListFormatError(path, "", f"cannot read file: {exc.strerror or exc}") from None
        with handle:
            try:
                for line, raw in enumerate(handle, start=1):
                    if not raw.strip():
                        continue
                    entity = _entity(path, line, raw)
                    where = f"{path.name}:{line}"
                    if entity.id in seen:
                        raise ListFormatError(
                            path,
                            f"line {line}",
                            f"entity {entity.id} already given at {seen[entity.id]}",
                        )
                    seen[str(entity.id)] = where
                    parsed.add(entity)
            except UnicodeDecodeError as exc:
                raise ListFormatError(path, "", f"not valid UTF-8: {exc.reason}") from None
    return parsed
