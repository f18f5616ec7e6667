"""What every detector writes: ranked findings with the numbers behind them.

The CSV and JSON columns are the same for every detector (ISO alpha-2 or area codes); JSON adds
each finding's series, which the report draws.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from diversion.csv_output import CsvWriter
from diversion.files import AtomicFile

COLUMNS = (
    "detector",
    "reporter",
    "partner",
    "flow",
    "hs_code",
    "period_from",
    "period_to",
    "baseline",
    "current",
    "ratio",
    "score",
    "note",
)
NUMERIC_COLUMNS = ("baseline", "current", "ratio", "score")


@dataclass(frozen=True)
class Series:
    """One line of a finding's chart: a name and (period, value) points."""

    name: str
    points: tuple[tuple[str, float | None], ...]
    unit: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "unit": self.unit, "points": [list(p) for p in self.points]}


@dataclass(frozen=True)
class Finding:
    detector: str
    reporter: str
    partner: str
    flow: str
    hs_code: str
    period_from: str
    period_to: str
    baseline: float
    current: float
    ratio: float | None
    score: float
    note: str
    series: tuple[Series, ...] = field(default=(), compare=False)
    chart: str = field(default="line", compare=False)  # line, bars or event
    # Periods the chart shades as the baseline ("2019", "2020", "2021"), and the baseline's
    # level drawn across them (surges: the pre-war mean the ratio is measured against).
    shade: tuple[str, ...] = field(default=(), compare=False)
    reference: float | None = field(default=None, compare=False)

    @property
    def goods(self) -> str:
        named = {"TOTAL": "all goods", "ALL": "all goods", "CONTROLLED": "controlled goods"}
        return named.get(self.hs_code, f"HS {self.hs_code}")

    @property
    def title(self) -> str:
        """As an analyst titles a chart: "AM imports from VN", "EU → KZ exports"."""
        reporter, partner = self.reporter, self.partner
        if self.detector == "mirror":
            trade = f"{reporter} → {partner} exports against {partner} imports from {reporter}"
        elif self.detector == "unit-values":
            trade = f"{reporter} → {partner} exports per kg against coalition → {reporter}"
        elif self.flow in ("import", "re-import"):
            trade = f"{reporter} {self.flow}s from {partner}"
        else:
            trade = f"{reporter} → {partner} {self.flow}s"
        return f"{trade}, {self.goods}"

    def row(self) -> dict[str, Any]:
        values: dict[str, Any] = {column: getattr(self, column) for column in COLUMNS}
        for column in ("baseline", "current", "score"):
            values[column] = round(values[column], 4)
        ratio = values["ratio"]
        values["ratio"] = None if ratio is None or not math.isfinite(ratio) else round(ratio, 4)
        return values

    def to_dict(self) -> dict[str, Any]:
        return {**self.row(), "series": [s.to_dict() for s in self.series]}


def write_findings(findings: list[Finding], path: Path) -> None:
    """CSV or JSON by the file's suffix, written whole or not at all."""
    with AtomicFile(path) as handle:
        if path.suffix.lower() == ".json":
            json.dump([f.to_dict() for f in findings], handle, ensure_ascii=False, indent=1)
            handle.write("\n")
        else:
            writer = CsvWriter(handle, COLUMNS, numeric=NUMERIC_COLUMNS, lineterminator="\n")
            writer.writeheader()
            writer.writerows(f.row() for f in findings)
