"""A synthetic monthly HS6 panel in UN Comtrade's layout, on which every detector has something
to find. It is made up, and says so in every row's source file name; its shape follows the
published footprints of the trade:

- coalition exports of high-priority goods to Russia fall by nine tenths from March 2022, and
  their exports of the same goods to Kazakhstan, Kyrgyzstan and Armenia rise several times;
- Kazakhstan's chip exports to Russia go from about USD 245 thousand a year to about USD 18
  million, and Armenia's from about USD 2 thousand to about USD 13 million;
- Kazakhstan and Kyrgyzstan record only part of what the coalition says it sent them;
- Kazakhstan's memory chips leave for Russia at three times the unit value they arrived at;
- Kazakhstan's exports of controlled goods to Russia fall after a national rule of October 2023.

The panel is generated, not shipped: the same seed (the date of the invasion) gives the same
rows on every machine, so the demo report and its tests are reproducible.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from diversion.csv_output import CsvWriter
from diversion.flows.defaults import POLICY as POLICY

SEED = 20220224
YEARS = range(2019, 2025)
SANCTIONS = (2022, 3)  # the month direct exports fall
M49 = {
    "DE": 276, "FR": 251, "IT": 380, "PL": 616, "NL": 528, "US": 842, "JP": 392, "KR": 410,
    "KZ": 398, "KG": 417, "AM": 51, "UZ": 860, "RU": 643,
    "IN": 699, "BR": 76, "ZA": 710, "MX": 484, "EG": 818,
}  # fmt: skip
COALITION = ("DE", "FR", "IT", "PL", "NL", "US", "JP", "KR")
HUBS = ("KZ", "KG", "AM", "UZ")
CONTROLS = ("IN", "BR", "ZA", "MX", "EG")
# product: (controlled, USD per kg, yearly coalition exports to Russia before the war)
PRODUCTS = {
    "854231": (True, 2500.0, 60e6),
    "854232": (True, 1800.0, 40e6),
    "854239": (True, 1500.0, 25e6),
    "852589": (True, 400.0, 15e6),
    "848210": (True, 12.0, 30e6),
    "880730": (True, 300.0, 5e6),
    "090111": (False, 4.0, 20e6),
    "300490": (False, 60.0, 80e6),
    "640399": (False, 25.0, 15e6),
    "870323": (False, 15.0, 120e6),
    "392690": (False, 6.0, 25e6),
    "940360": (False, 5.0, 10e6),
}
# hub -> yearly exports of 854231 to Russia before and after (the published footprints)
CHIP_FOOTPRINTS = {"KZ": (245e3, 18e6), "AM": (2e3, 13e6), "KG": (50e3, 6e6), "UZ": (80e3, 1e6)}
HEADER = [
    "typeCode",
    "freqCode",
    "refPeriodId",
    "refYear",
    "refMonth",
    "period",
    "reporterCode",
    "reporterISO",
    "flowCode",
    "partnerCode",
    "partnerISO",
    "partner2Code",
    "classificationCode",
    "cmdCode",
    "customsCode",
    "motCode",
    "qtyUnitAbbr",
    "qty",
    "netWgt",
    "primaryValue",
]


def _months() -> list[tuple[int, int]]:
    return [(year, month) for year in YEARS for month in range(1, 13)]


def _after(year: int, month: int, start: tuple[int, int]) -> bool:
    return (year, month) >= start


def generate_panel(path: Path, seed: int = SEED) -> int:
    """Write the panel as a Comtrade CSV; returns the number of rows."""
    rng = np.random.default_rng(seed)
    rows: list[list[object]] = []

    def add(
        reporter: str, flow: str, partner: str, code: str, ym: tuple[int, int], value: float
    ) -> None:
        year, month = ym
        value *= float(rng.lognormal(0.0, 0.12))
        per_kg = PRODUCTS[code][1]
        if reporter == "KZ" and partner == "RU" and code == "854232" and year >= 2022:
            per_kg *= 3.0  # leaves for Russia dearer than it arrived: relabelled goods
        weight = value / per_kg
        rows.append(
            [
                "C", "M", f"{year}{month:02d}01", year, month, f"{year}{month:02d}",
                M49[reporter], reporter, flow, M49[partner], partner, 0, "H6", code, "C00", 0,
                "kg", round(weight, 1), round(weight, 1), round(value, 2),
            ]
        )  # fmt: skip

    for ym in _months():
        war = _after(*ym, SANCTIONS)
        policy = _after(*ym, POLICY)
        for code, (controlled, _, to_russia) in PRODUCTS.items():
            monthly = to_russia / 12
            for exporter in COALITION:
                share = 1 / len(COALITION)
                direct = monthly * share * ((0.1 if controlled else 0.8) if war else 1.0)
                add(exporter, "X", "RU", code, ym, direct)
                for hub in HUBS:
                    base = monthly * share * 0.05
                    lift = (4.0 if hub != "UZ" else 1.5) if controlled else 1.1
                    sent = base * (lift if war else 1.0)
                    add(exporter, "X", hub, code, ym, sent)
                    recorded = 0.55 if war and controlled and hub in ("KZ", "KG") else 1.06
                    add(hub, "M", exporter, code, ym, sent * recorded)
                for control in CONTROLS:
                    add(
                        exporter,
                        "X",
                        control,
                        code,
                        ym,
                        monthly * share * 0.3 * (1.05 if war else 1),
                    )
            for hub in HUBS:
                if code == "854231":
                    before, after = CHIP_FOOTPRINTS[hub]
                    value = (after if war else before) / 12
                elif controlled:
                    value = monthly * 0.01 * (8.0 if war else 1.0)
                else:
                    value = monthly * 0.05 * (1.2 if war else 1.0)
                if hub == "KZ" and controlled and policy:
                    value *= 0.3  # the national rule bites
                add(hub, "X", "RU", code, ym, value)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = CsvWriter(handle, HEADER, numeric=("qty", "netWgt", "primaryValue"))
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)
