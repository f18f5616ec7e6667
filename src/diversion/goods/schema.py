"""The fields of a control list, read from `data/control_list.schema.yml`.

The table says which fields an entry and a list's sidecar have, their types, which are
required, their defaults and the other names a CSV column may have. The loader applies it;
adding a field means adding a row to the table, not code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from diversion.reference import load_yaml, package_file

TYPES = ("text", "codes", "date", "bool", "countries", "defaults")


@dataclass(frozen=True)
class FieldSpec:
    name: str
    type: str
    required: bool = False
    default: Any = None
    aliases: tuple[str, ...] = ()
    help: str = ""


@dataclass(frozen=True)
class Schema:
    entry: Mapping[str, FieldSpec]
    list: Mapping[str, FieldSpec]

    def entry_field(self, name: str) -> str | None:
        """The entry field a column or key names (by its own name or an alias), or None."""
        key = name.strip().lower()
        for spec in self.entry.values():
            if key == spec.name or key in spec.aliases:
                return spec.name
        return None


def _fields(path: Path, section: str, raw: Mapping[str, Any]) -> dict[str, FieldSpec]:
    fields: dict[str, FieldSpec] = {}
    for name, spec in raw.items():
        if spec.get("type") not in TYPES:
            raise ValueError(f"{path}: {section}.{name}: type must be one of {', '.join(TYPES)}")
        fields[name] = FieldSpec(
            name=name,
            type=spec["type"],
            required=bool(spec.get("required", False)),
            default=spec.get("default"),
            aliases=tuple(spec.get("aliases") or ()),
            help=str(spec.get("help", "")),
        )
    return fields


@lru_cache(maxsize=4)
def load_schema(path: Path | None = None) -> Schema:
    path = path or package_file("diversion.goods", "data/control_list.schema.yml")
    raw = load_yaml(path)
    return Schema(
        entry=_fields(path, "entry", raw["entry"]), list=_fields(path, "list", raw["list"])
    )
