"""HS editions made comparable across years before any detector compares them.

HS 2022 split some HS 2017 subheadings (8541.40 became 8541.41, .42, .43 and .49): a flat
trade recorded under 854140 until 2021 and under 854149 from 2022 is one series, not a new
product from zero. Each split is grouped back to the code both editions share (the HS 2017
subheading, which is the sum of its HS 2022 parts); a renumbered subheading (8803.30 to
8807.30) goes under its HS 2022 code. Codes longer than six digits under a grouped subheading
(CN8) are grouped at six digits, since national subdivisions are not carried across editions.
"Partial" correlations (camera drones some administrations classified as cameras) are not
grouped: most goods of the new code were never under the old one.

The table is the bundled concordance (`diversion.goods.concordance`, from the WCO
correlation tables). It holds HS 2017 to HS 2022 only; HS 2012 to HS 2017 changes are not in it.
"""

from __future__ import annotations

from functools import lru_cache

import duckdb
import pyarrow as pa

from diversion.goods.concordance import Concordance, bundled_concordance


@lru_cache(maxsize=1)
def _bundled_groups() -> dict[str, str]:
    return edition_groups(bundled_concordance())


def edition_groups(concordance: Concordance) -> dict[str, str]:
    """Six-digit code -> the code it is compared under (only codes that change)."""
    groups: dict[str, str] = {}
    for row in concordance.rows:
        if row.relation == "split":
            groups[row.hs2022] = row.hs2017
        elif row.relation == "renumbered":
            groups[row.hs2017] = row.hs2022
    return groups


def harmonised_code(code: str, groups: dict[str, str] | None = None) -> str:
    """The code a detector compares `code` under (itself unless an edition changed it)."""
    table = _bundled_groups() if groups is None else groups
    six = code[:6]
    if len(code) < 6 or not six.isdigit():
        return code
    group = table.get(six)
    if group is None:
        return code if six not in table.values() else six
    return group


def register_editions(
    con: duckdb.DuckDBPyConnection, concordance: Concordance | None = None
) -> None:
    """A table `hs_groups(code, grp)` and a view `hflows`: `flows` with `hs_code` harmonised and
    the loaded code kept as `hs_original`."""
    groups = _bundled_groups() if concordance is None else edition_groups(concordance)
    members = dict(groups)
    for group in set(groups.values()):
        members.setdefault(group, group)
    con.register(
        "hs_groups_table",
        pa.table(
            {"code": list(members), "grp": list(members.values())},
            schema=pa.schema([("code", pa.string()), ("grp", pa.string())]),
        ),
    )
    con.execute("CREATE OR REPLACE TEMP TABLE hs_groups AS SELECT * FROM hs_groups_table")
    con.unregister("hs_groups_table")
    con.execute(
        """
        CREATE OR REPLACE TEMP VIEW hflows AS
        SELECT f.* EXCLUDE (hs_code),
               CASE WHEN g.grp IS NULL THEN f.hs_code ELSE g.grp END AS hs_code,
               f.hs_code AS hs_original
        FROM flows f LEFT JOIN hs_groups g
          ON length(f.hs_code) >= 6 AND left(f.hs_code, 6) = g.code
        """
    )
