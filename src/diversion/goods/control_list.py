"""Control lists as data: which HS6 subheadings a list names, and under which tier."""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from diversion.goods.hs import hs6
from diversion.reference import ReferenceData, describe, package_file


@dataclass(frozen=True)
class ControlListEntry:
    hs6: str
    tier: str
    description: str


@dataclass(frozen=True)
class ControlList:
    reference: ReferenceData
    entries: Mapping[str, ControlListEntry]

    def lookup(self, hs_code: str) -> ControlListEntry | None:
        return self.entries.get(hs6(hs_code))


def load_chpl(path: Path | None = None) -> ControlList:
    """The Common High Priority List shipped with the package."""
    path = path or package_file("diversion.goods", "data/chpl.csv")
    entries: dict[str, ControlListEntry] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            code = (row.get("hs6") or "").strip()
            if len(code) != 6 or not code.isdigit():
                raise ValueError(f"{path}:{line}: hs6: {code!r} is not a six-digit HS code")
            if code in entries:
                raise ValueError(f"{path}:{line}: hs6: {code} is listed twice")
            entries[code] = ControlListEntry(
                hs6=code, tier=row["tier"].strip(), description=row["description"].strip()
            )
    return ControlList(reference=describe(path), entries=entries)
