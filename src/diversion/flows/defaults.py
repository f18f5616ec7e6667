"""What the flows commands offer before any data is read: the sources `flows load` accepts and
the detectors' defaults.

Apart from the loaders and detectors so that the CLI builds its help without pyarrow, DuckDB
and numpy."""

from __future__ import annotations

# What `diversion flows load SOURCE` accepts: a family of layouts, or one layout by name.
SOURCES = {
    "auto": None,
    "comtrade": ("comtrade-api", "comtradr", "comtrade-legacy", "comtrade-legacy-compact"),
    "comext": ("comext-bulk", "comext-relational", "eurostat-databrowser"),
    "national": ("comext-relational", "armstat-monthly"),
}

# The smallest current figure (in the report currency) each detector reports by default.
RUSSIA_HUB_DEFAULTS: dict[str, float] = {
    "surges": 1_000_000.0,
    "roundabout": 1_000_000.0,
    "mirror": 1_000_000.0,
    "unit-values": 1_000_000.0,
    "impact": 100_000.0,
}

WINDOW = 6  # impact: months on each side of the date

POLICY = (2023, 10)  # Kazakhstan's rule in the demo: its exports of controlled goods drop
