"""The detectors, by the name the CLI and the report use."""

from __future__ import annotations

from collections.abc import Callable

import duckdb

from diversion.flows.detectors.common import Options
from diversion.flows.detectors.impact import impact
from diversion.flows.detectors.mirror import mirror
from diversion.flows.detectors.roundabout import roundabout
from diversion.flows.detectors.surges import surges
from diversion.flows.detectors.unit_values import unit_values
from diversion.flows.findings import Finding

Detector = Callable[[duckdb.DuckDBPyConnection, Options], list[Finding]]

DETECTORS: dict[str, Detector] = {
    "surges": surges,
    "roundabout": roundabout,
    "mirror": mirror,
    "unit-values": unit_values,
    "impact": impact,
}

__all__ = ["DETECTORS", "Detector", "Options"]
