"""Euro and dollar values from one another, at the annual rates kept in eur_usd.csv."""

from __future__ import annotations

import csv
from functools import lru_cache

from diversion.reference import package_file


@lru_cache(maxsize=1)
def usd_per_eur() -> dict[int, float]:
    path = package_file("diversion.flows", "data/eur_usd.csv")
    with path.open(encoding="utf-8") as handle:
        return {int(row["year"]): float(row["usd_per_eur"]) for row in csv.DictReader(handle)}


def to_usd(eur: float, year: int) -> float | None:
    rate = usd_per_eur().get(year)
    return None if rate is None else eur * rate


def to_eur(usd: float, year: int) -> float | None:
    rate = usd_per_eur().get(year)
    return None if rate is None else usd / rate
