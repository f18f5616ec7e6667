"""Ghost trade: partners report more exports to a hub than the hub reports importing from them.

Exports are valued free on board and imports with cost, insurance and freight, so a hub's
imports normally exceed its partners' exports by a few per cent (the CIF/FOB margin); goods
shipped in December may be recorded in January (the timing margin). Imports that fall short of
exports by more than the timing margin, although they should exceed them, mean goods that left
the partner were never declared into the hub: they went on (to Russia) or were declared as
something else.

Groups such as the EU are compared as a whole: the group's published total where a source has
one (Eurostat's EU27 row, a hub's "European Union - 27" row), else the sum of its members.
Only whole years are compared: a year with some months missing on either side is left out.
"""

from __future__ import annotations

from collections import defaultdict

import duckdb

from diversion.flows.detectors.common import (
    Options,
    goods_filter,
    hubs,
    money,
    register_groups,
    sql_list,
)
from diversion.flows.findings import Finding, Series

CIF_FOB = 0.05  # imports CIF over exports FOB (IMF/UN mirror-statistics rule of thumb)
TIMING = 0.05  # goods in transit at the turn of a year; imports further below exports are a gap


def mirror(con: duckdb.DuckDBPyConnection, options: Options) -> list[Finding]:
    register_groups(con)
    cif = CIF_FOB
    timing = float(options.extra.get("timing", TIMING))  # type: ignore[arg-type]
    value = options.value
    hub_list = sql_list(hubs(options))
    rows = con.execute(
        f"""
        WITH y AS (SELECT * FROM yearly WHERE months = 12 AND {goods_filter(options)}),
        exp_c AS (
            SELECT reporter AS exporter, partner AS hub, year, hs_code, sum({value}) AS v
            FROM y WHERE flow = 'export' AND partner IN {hub_list} AND NOT reporter_aggregate
            GROUP BY ALL),
        imp_c AS (
            SELECT partner AS exporter, reporter AS hub, year, hs_code, sum({value}) AS v
            FROM y WHERE flow = 'import' AND reporter IN {hub_list} AND NOT partner_aggregate
            GROUP BY ALL),
        exp_a AS (
            SELECT reporter AS exporter, partner AS hub, year, hs_code, sum({value}) AS v
            FROM y WHERE flow = 'export' AND partner IN {hub_list}
              AND reporter IN (SELECT area FROM area_members) GROUP BY ALL),
        imp_a AS (
            SELECT partner AS exporter, reporter AS hub, year, hs_code, sum({value}) AS v
            FROM y WHERE flow = 'import' AND reporter IN {hub_list}
              AND partner IN (SELECT area FROM area_members) GROUP BY ALL),
        exp_s AS (
            SELECT m.area AS exporter, hub, year, hs_code, sum(v) AS v, count(*) AS n
            FROM exp_c JOIN area_members m ON exp_c.exporter = m.member GROUP BY ALL),
        imp_s AS (
            SELECT m.area AS exporter, hub, year, hs_code, sum(v) AS v, count(*) AS n
            FROM imp_c JOIN area_members m ON imp_c.exporter = m.member GROUP BY ALL),
        exp_g AS (
            SELECT exporter, hub, year, hs_code, coalesce(a.v, s.v) AS v,
                   CASE WHEN a.v IS NOT NULL THEN 'published total'
                        ELSE 'sum of ' || s.n || ' members' END AS how
            FROM exp_a a FULL JOIN exp_s s USING (exporter, hub, year, hs_code)),
        imp_g AS (
            SELECT exporter, hub, year, hs_code, coalesce(a.v, s.v) AS v,
                   CASE WHEN a.v IS NOT NULL THEN 'published total'
                        ELSE 'sum of ' || s.n || ' members' END AS how
            FROM imp_a a FULL JOIN imp_s s USING (exporter, hub, year, hs_code))
        SELECT exporter, hub, year, hs_code, e.v, i.v, '', ''
        FROM exp_c e JOIN imp_c i USING (exporter, hub, year, hs_code)
        UNION ALL
        SELECT exporter, hub, year, hs_code, e.v, i.v, e.how, i.how
        FROM exp_g e JOIN imp_g i USING (exporter, hub, year, hs_code)
        ORDER BY year
        """
    ).fetchall()
    history: dict[tuple[str, str, str], list[tuple[int, float, float]]] = defaultdict(list)
    for exporter, hub, year, code, exports, imports, _, _ in rows:
        history[(exporter, hub, code)].append((year, exports, imports))
    years = options.extra.get("years")
    findings = []
    for exporter, hub, year, code, exports, imports, exp_how, imp_how in rows:
        if years and year not in years:  # type: ignore[operator]
            continue
        if exports is None or imports is None:
            continue
        gap = exports - imports
        if gap < options.min_value or imports >= exports * (1 - timing):
            continue
        unit = options.unit
        how = f" ({exp_how} / {imp_how})" if exp_how else ""
        note = (
            f"{exporter} reports exports to {hub} of {money(exports, unit)}; {hub} reports "
            f"imports from {exporter} of {money(imports, unit)}{how}. Gap {money(gap, unit)}, "
            f"{gap / exports:.0%} of exports, where imports (CIF) normally exceed exports (FOB) "
            f"by about {cif:.0%} and timing shifts less than {timing:.0%}: goods declared as "
            "leaving for the hub were not declared there."
        )
        series = history[(exporter, hub, code)]
        findings.append(
            Finding(
                detector="mirror",
                reporter=exporter,
                partner=hub,
                flow="export",
                hs_code=code,
                period_from=str(year),
                period_to=str(year),
                baseline=imports,
                current=exports,
                ratio=exports / imports if imports else None,
                score=gap,
                note=note,
                series=(
                    Series(
                        f"{exporter} exports to {hub}",
                        tuple((str(y), e) for y, e, _ in series),
                        unit,
                    ),
                    Series(
                        f"{hub} imports from {exporter}",
                        tuple((str(y), i) for y, _, i in series),
                        unit,
                    ),
                ),
                chart="bars",
            )
        )
    findings.sort(key=lambda f: -f.score)
    return findings[: options.limit]
