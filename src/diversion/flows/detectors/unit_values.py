"""Unit values: what a kilogram of a product is worth leaving a hub for Russia, against what the
same product was worth arriving in the hub from the coalition, and against its own history.
Both are taken over the months the hub's exports cover, after HS editions are harmonised.

A hub that re-exports what it imported should sell at a small mark-up. A kilogram that is worth
far more on the way to Russia hints at relabelling (cheap goods declared under the code, dear
goods shipped); far less hints at undervaluation or at other goods under the same code.
"""

from __future__ import annotations

import math

import duckdb

from diversion.flows.coverage import period_bounds, period_label, register_coverage
from diversion.flows.detectors.common import (
    Options,
    controlled_label,
    group,
    harmonised_goods_filter,
    hubs,
    money,
    sql_list,
)
from diversion.flows.findings import Finding, Series

FACTOR = 2.0  # a unit value this many times higher, or lower, than the source's is a finding
TARGET = "RU"


def unit_values(con: duckdb.DuckDBPyConnection, options: Options) -> list[Finding]:
    factor = float(options.extra.get("factor", FACTOR))  # type: ignore[arg-type]
    coalition = sql_list(group("bans_exports_to_russia"))
    hub_list = sql_list(hubs(options))
    register_coverage(con)
    value = options.value
    rows = con.execute(
        f"""
        WITH t AS (
            SELECT left(hs_code, 6) AS p, reporter, partner, flow, year, month, scope,
                   {value} AS v, net_weight_kg AS kg, has_annual
            FROM hvals
            WHERE length(hs_code) >= 6 AND NOT reporter_aggregate AND NOT partner_aggregate
              AND net_weight_kg > 0 AND {harmonised_goods_filter(options)}),
        cov AS (
            SELECT reporter AS hub, scope, year, mask FROM coverage
            WHERE flow = 'export' AND reporter IN {hub_list} AND NOT looks_partial),
        outbound AS (
            SELECT t.reporter AS hub, t.p, t.year, c.mask, sum(t.v) AS v, sum(t.kg) AS kg
            FROM t JOIN cov c ON c.hub = t.reporter AND c.scope = t.scope AND c.year = t.year
            WHERE t.flow = 'export' AND t.partner = '{TARGET}'
            GROUP BY ALL),
        inbound AS (
            SELECT t.partner AS hub, t.p, t.year, sum(t.v) AS v, sum(t.kg) AS kg
            FROM t JOIN outbound o ON o.hub = t.partner AND o.p = t.p AND o.year = t.year
            WHERE t.flow = 'export' AND t.reporter IN {coalition}
              AND in_months(t.month, o.mask, t.has_annual)
            GROUP BY ALL)
        SELECT o.hub, o.p, o.year, o.v, o.kg, i.v, i.kg, o.mask
        FROM outbound o LEFT JOIN inbound i USING (hub, p, year)
        ORDER BY o.hub, o.p, o.year
        """
    ).fetchall()
    history: dict[tuple[str, str], list[tuple[int, float, float | None]]] = {}
    masks = {(hub, product, year): mask for hub, product, year, *_, mask in rows}
    for hub, product, year, out_v, out_kg, in_v, in_kg, _ in rows:
        inbound = in_v / in_kg if in_v is not None and in_kg else None
        history.setdefault((hub, product), []).append((year, out_v / out_kg, inbound))
    after = set(options.after_years)
    unit = options.unit
    findings = []
    per_kg = f"{unit}/kg"
    for hub, product, year, out_v, out_kg, in_v, in_kg, mask in rows:
        if year not in after or out_v < options.min_value or not in_kg:
            continue
        outbound, inbound = out_v / out_kg, in_v / in_kg
        ratio = outbound / inbound
        if 1 / factor < ratio < factor:
            continue
        past = [o for y, o, _ in history[(hub, product)] if y in options.baseline_years]
        before = (
            f"; before the war it left at {money(sum(past) / len(past), unit)}/kg"
            if past
            else "; no pre-war exports to compare"
        )
        label = controlled_label(con, product)
        note = (
            f"{hub} exports to {TARGET} at {money(outbound, unit)}/kg in "
            f"{period_label(year, mask)}, {ratio:.1f}× "
            f"the {money(inbound, unit)}/kg of coalition exports to {hub}{before} "
            f"({money(out_v, unit)}, {out_kg:,.0f} kg).{' ' + label + '.' if label else ''}"
        )
        points = history[(hub, product)]

        def _label(y: int, hub: str = hub, product: str = product) -> str:
            return period_label(y, masks[(hub, product, y)])

        findings.append(
            Finding(
                detector="unit-values",
                reporter=hub,
                partner=TARGET,
                flow="export",
                hs_code=product,
                period_from=period_bounds(year, mask)[0],
                period_to=period_bounds(year, mask)[1],
                baseline=inbound,
                current=outbound,
                ratio=ratio,
                score=abs(math.log2(ratio)),
                note=note,
                series=(
                    Series(
                        f"{hub} → {TARGET} per kg",
                        tuple((_label(y), o) for y, o, _ in points),
                        per_kg,
                    ),
                    Series(
                        f"coalition → {hub} per kg",
                        tuple((_label(y), i) for y, _, i in points),
                        per_kg,
                    ),
                ),
            )
        )
    findings.sort(key=lambda f: -f.score)
    return findings[: options.limit]
