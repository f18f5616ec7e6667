"""The Eurasian roundabout: a product whose direct exports to Russia fell after the sanctions
while the coalition's exports of it to a hub, and the hub's exports of it to Russia, rose.

As in the EBRD study (Chupilkin, Javorcik, Plekhanov), the rise to the hub is measured as a
difference in differences: the product's growth to the hub, less its growth to control
destinations (every partner that is neither a hub nor Russia or Belarus), less the same
difference for the goods no control list names. Growth is the log of the after-mean over the
before-mean, each with the floor added. The substitution ratio is the hub's increase to Russia
over the fall in direct coalition exports to Russia: near 1, the hub replaced the direct trade.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

import duckdb

from diversion.flows.detectors.common import (
    CONTROLLED,
    Options,
    controlled_label,
    goods_filter,
    group,
    hubs,
    money,
    sql_list,
)
from diversion.flows.findings import Finding, Series

TARGET = "RU"
SANCTIONED = ("RU", "BY")


def _growth(pre: float, post: float, floor: float) -> float:
    return math.log((post + floor) / (pre + floor))


def roundabout(con: duckdb.DuckDBPyConnection, options: Options) -> list[Finding]:
    coalition = sql_list(group("bans_exports_to_russia"))
    hub_codes = hubs(options)
    hub_list = sql_list(hub_codes)
    years = (*options.baseline_years, *options.after_years)
    after = ", ".join(map(str, options.after_years))
    nb, na = len(options.baseline_years), len(options.after_years)
    rows = con.execute(
        f"""
        WITH t AS (
            SELECT left(hs_code, 6) AS p, reporter, partner, flow, {options.value} AS v,
                   year IN ({after}) AS post, {CONTROLLED.format(code="left(hs_code, 6)")} AS ctl
            FROM yearly
            WHERE length(hs_code) >= 6 AND NOT reporter_aggregate AND NOT partner_aggregate
              AND year IN ({", ".join(map(str, years))}) AND {goods_filter(options)}),
        parts AS (
            SELECT CASE
                WHEN flow = 'export' AND reporter IN {coalition} AND partner IN {hub_list}
                    THEN 'A'
                WHEN flow = 'export' AND reporter IN {hub_list} AND partner = '{TARGET}'
                    THEN 'B'
                WHEN flow = 'import' AND reporter = '{TARGET}' AND partner IN {hub_list}
                    THEN 'M'
                WHEN flow = 'export' AND reporter IN {coalition} AND partner = '{TARGET}'
                    THEN 'C'
                WHEN flow = 'export' AND reporter IN {coalition}
                     AND partner NOT IN {hub_list} AND partner NOT IN {sql_list(SANCTIONED)}
                    THEN 'D'
                END AS part,
                CASE WHEN reporter IN {hub_list} AND partner = '{TARGET}' THEN reporter
                     WHEN partner IN {hub_list} THEN partner ELSE '' END AS hub,
                p, ctl, post, v
            FROM t)
        SELECT part, hub, p, ctl, coalesce(sum(v) FILTER (WHERE NOT post), 0) / {nb},
               coalesce(sum(v) FILTER (WHERE post), 0) / {na}
        FROM parts WHERE part IS NOT NULL GROUP BY ALL
        """
    ).fetchall()
    sums: dict[tuple[str, str, str], tuple[float, float]] = {}
    goods_ok: dict[str, bool] = {}
    uncontrolled: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0.0, 0.0])
    for part, hub, product, ctl, pre, post in rows:
        sums[(part, hub, product)] = (pre, post)
        goods_ok[product] = ctl
        if not ctl and part in ("A", "D"):
            total = uncontrolled[(part, hub if part == "A" else "")]
            total[0] += pre
            total[1] += post
    floor = options.floor
    findings = []
    for (part, hub, product), (a_pre, a_post) in sums.items():
        if part != "A" or (options.controlled_only and not goods_ok.get(product)):
            continue
        b = sums.get(("B", hub, product)) or sums.get(("M", hub, product))
        c = sums.get(("C", "", product))
        d = sums.get(("D", "", product), (0.0, 0.0))
        if b is None or c is None:
            continue
        (b_pre, b_post), (c_pre, c_post) = b, c
        if not (a_post > a_pre and b_post > b_pre and c_post < c_pre):
            continue
        if b_post - b_pre < options.min_value:
            continue
        e_pre, e_post = uncontrolled.get(("A", hub), [0.0, 0.0])
        f_pre, f_post = uncontrolled.get(("D", ""), [0.0, 0.0])
        did_destination = _growth(a_pre, a_post, floor) - _growth(*d, floor)
        did_goods = _growth(e_pre, e_post, floor) - _growth(f_pre, f_post, floor)
        triple = did_destination - did_goods
        if triple <= 0:
            continue
        substitution = (b_post - b_pre) / (c_pre - c_post)
        label = controlled_label(con, product)
        unit = options.unit
        mark = f" {label}." if label else ""
        source = "" if ("B", hub, product) in sums else " (as Russia records it)"
        note = (
            f"Coalition exports to {hub} {money(a_pre, unit)} → {money(a_post, unit)} a year; "
            f"{hub} exports to {TARGET}{source} {money(b_pre, unit)} → {money(b_post, unit)}; "
            f"direct coalition exports to {TARGET} {money(c_pre, unit)} → "
            f"{money(c_post, unit)}. Difference in differences {did_destination:+.2f} against "
            f"control destinations, {triple:+.2f} after uncontrolled goods; substitution "
            f"{substitution:.2f}.{mark}"
        )
        findings.append(
            Finding(
                detector="roundabout",
                reporter=hub,
                partner=TARGET,
                flow="export",
                hs_code=product,
                period_from=str(options.baseline_years[0]),
                period_to=str(options.after_years[-1]),
                baseline=b_pre,
                current=b_post,
                ratio=substitution,
                score=triple,
                note=note,
            )
        )
    findings.sort(key=lambda f: -f.score)
    top = findings[: options.limit]
    return [_with_series(con, options, finding, hub_codes) for finding in top]


def _with_series(
    con: duckdb.DuckDBPyConnection, options: Options, finding: Finding, hub_codes: Any
) -> Finding:
    coalition = sql_list(group("bans_exports_to_russia"))
    hub, product = finding.reporter, finding.hs_code
    lines = (
        (
            f"coalition → {hub}",
            f"reporter IN {coalition} AND partner = '{hub}' AND flow = 'export'",
        ),
        (f"{hub} → {TARGET}", f"reporter = '{hub}' AND partner = '{TARGET}' AND flow = 'export'"),
        (
            f"coalition → {TARGET}",
            f"reporter IN {coalition} AND partner = '{TARGET}' AND flow = 'export'",
        ),
    )
    series = []
    for name, where in lines:
        points = con.execute(
            f"""SELECT year, sum({options.value}) FROM yearly
                WHERE {where} AND left(hs_code, 6) = ? AND length(hs_code) >= 6
                GROUP BY year ORDER BY year""",
            [product],
        ).fetchall()
        series.append(Series(name, tuple((str(y), v) for y, v in points), options.unit))
    return Finding(**{**finding.__dict__, "series": tuple(series)})
