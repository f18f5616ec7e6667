"""HS 2017 to HS 2022 correlations for the subheadings control lists care about.

Declarations, licences and lists written before 2022 (or by tools that were never updated)
still use HS 2017 subheadings that HS 2022 deleted, such as 8803.30 for aircraft and drone parts
(now 8807.30) or 8541.50 for other semiconductor devices (now 8541.51 and 8541.59). A code is
read as HS 2022 unless its subheading is one that HS 2022 deleted; only then is it translated,
so that a code valid in both editions is never given a second meaning. The table lives in
`data/hs_concordance.csv` with its source (the WCO correlation tables).
"""

from __future__ import annotations

import csv
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from diversion.goods.hs import hs6
from diversion.reference import ReferenceData, describe, package_file

RELATIONS = {
    "renumbered": "the whole HS 2017 subheading became this HS 2022 subheading",
    "split": "the HS 2017 subheading was divided; this is one of its HS 2022 parts",
    "partial": "some goods of the HS 2017 subheading moved here, as some administrations classify",
}
COLUMNS = ("hs2017", "hs2022", "relation", "note")


@dataclass(frozen=True)
class Correlation:
    hs2017: str
    hs2022: str
    relation: str
    note: str

    def to_dict(self) -> dict[str, str]:
        return {
            "hs2017": self.hs2017,
            "hs2022": self.hs2022,
            "relation": self.relation,
            "note": self.note,
        }


@dataclass(frozen=True)
class Concordance:
    reference: ReferenceData
    rows: tuple[Correlation, ...]
    _forward: Mapping[str, tuple[Correlation, ...]] = field(repr=False, default_factory=dict)
    _backward: Mapping[str, tuple[Correlation, ...]] = field(repr=False, default_factory=dict)

    @classmethod
    def build(cls, reference: ReferenceData, rows: tuple[Correlation, ...]) -> Concordance:
        forward: dict[str, list[Correlation]] = defaultdict(list)
        backward: dict[str, list[Correlation]] = defaultdict(list)
        for row in rows:
            forward[row.hs2017].append(row)
            backward[row.hs2022].append(row)
        return cls(
            reference=reference,
            rows=rows,
            _forward={k: tuple(v) for k, v in forward.items()},
            _backward={k: tuple(v) for k, v in backward.items()},
        )

    def deleted(self, code: str) -> bool:
        """Whether the code's subheading is an HS 2017 one that HS 2022 no longer has."""
        return hs6(code) in self._forward

    def successors(self, code: str) -> tuple[Correlation, ...]:
        """The HS 2022 subheadings a deleted HS 2017 code went to (none for other codes)."""
        return self._forward.get(hs6(code), ())

    def predecessors(self, code: str) -> tuple[Correlation, ...]:
        """The deleted HS 2017 subheadings whose goods (or some of them) are now in this code."""
        return self._backward.get(hs6(code), ())

    def equivalents(self, code: str) -> tuple[str, ...]:
        """The code itself and the subheadings it corresponds to in the other edition, for
        anything (a licence, a list) that compares codes written in either edition."""
        others = [row.hs2022 for row in self.successors(code)]
        others += [row.hs2017 for row in self.predecessors(code)]
        return (code, *dict.fromkeys(others))


def _row_error(path: Path, line: int, column: str, reason: str) -> ValueError:
    return ValueError(f"{path}:{line}: {column}: {reason}")


def _six_digits(path: Path, line: int, column: str, value: str) -> str:
    if len(value) != 6 or not value.isdigit():
        raise _row_error(path, line, column, f"{value!r} is not a six-digit HS subheading")
    return value


def load_concordance(path: Path | None = None) -> Concordance:
    """Read and check the correlation table (file:line: column: reason on any fault)."""
    path = path or package_file("diversion.goods", "data/hs_concordance.csv")
    rows: list[Correlation] = []
    seen: set[tuple[str, str]] = set()
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise _row_error(path, 1, "-", f"columns must be {', '.join(COLUMNS)}")
        for line, raw in enumerate(reader, start=2):
            old = _six_digits(path, line, "hs2017", (raw["hs2017"] or "").strip())
            new = _six_digits(path, line, "hs2022", (raw["hs2022"] or "").strip())
            relation = (raw["relation"] or "").strip()
            if relation not in RELATIONS:
                raise _row_error(
                    path, line, "relation", f"{relation!r} is not one of {', '.join(RELATIONS)}"
                )
            if (old, new) in seen:
                raise _row_error(path, line, "hs2022", f"{old} to {new} is listed twice")
            seen.add((old, new))
            rows.append(Correlation(old, new, relation, (raw["note"] or "").strip()))
    successors = {row.hs2022 for row in rows}
    for row in rows:
        if row.hs2017 in successors:
            # a code cannot be both deleted (HS 2017 side) and current (HS 2022 side)
            raise ValueError(f"{path}: {row.hs2017} is on both sides of the concordance")
        if row.relation == "renumbered" and sum(r.hs2017 == row.hs2017 for r in rows) > 1:
            raise ValueError(f"{path}: {row.hs2017} is 'renumbered' but has several successors")
    return Concordance.build(describe(path), tuple(rows))


@lru_cache(maxsize=1)
def bundled_concordance() -> Concordance:
    return load_concordance()


__all__ = [
    "RELATIONS",
    "Concordance",
    "Correlation",
    "bundled_concordance",
    "load_concordance",
]
