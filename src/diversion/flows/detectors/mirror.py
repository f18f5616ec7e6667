"""Ghost trade: partners report more exports to a hub than the hub reports importing from them,
beyond the gap the same pair had before the war.

Exports are valued free on board and imports with cost, insurance and freight, so a hub's
imports normally exceed its partners' exports by a few per cent (the CIF/FOB margin); goods
shipped in December may be recorded in January (the timing margin); and a hub that books
imports by country of origin puts goods the partner re-exported under the country that made
them. Each pair's own pre-war gap (2019–2021, as a share of exports) measures all of that at
once: the finding is the excess of this year's gap over the gap the pre-war rate predicts.
Goods that left the partner for the hub and were never declared there went on (to Russia) or
were declared as something else.

The two sides are compared over the months both cover (coverage.py): a hub that reported
imports from any partner in a month covers it, so a partner it recorded nothing from in that
month is zero (pure ghost trade); a hub that did not report at all is missing, not zero. A
year labelled annual whose figure is far below the hub's usual year is left out as partial.
Groups such as the EU are compared as a whole: the group's published total where a source has
one (Eurostat's EU27 row, a hub's "European Union - 27" row), else the sum of its members.
Products are compared after HS editions are harmonised (editions.py).
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

import duckdb

from diversion.flows.coverage import (
    WHOLE_YEAR,
    months_label,
    period_bounds,
    period_label,
    register_coverage,
)
from diversion.flows.detectors.common import (
    Options,
    harmonised_goods_filter,
    hubs,
    money,
    register_groups,
    sql_list,
)
from diversion.flows.findings import Finding, Series
from diversion.reference import package_file

CIF_FOB = 0.05  # imports CIF over exports FOB (IMF/UN mirror-statistics rule of thumb)
TIMING = 0.05  # goods in transit at the turn of a year; imports further below exports are a gap


@lru_cache(maxsize=1)
def partner_attribution() -> dict[str, str]:
    """Reporter -> how it attributes imports to partners (origin or consignment)."""
    path = package_file("diversion.flows", "data/partner_attribution.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["reporter"]: row["imports_by"] for row in csv.DictReader(handle)}


@dataclass(frozen=True)
class Year:
    year: int
    mask: int  # the months both sides cover (0: not comparable)
    exports: float | None
    imports: float | None
    how: str
    why_not: str = ""  # why the year is not compared

    @property
    def gap(self) -> float | None:
        if self.exports is None or self.imports is None:
            return None
        return self.exports - self.imports


def _years(con: duckdb.DuckDBPyConnection, options: Options) -> list[tuple[object, ...]]:
    value = options.value
    hub_list = sql_list(hubs(options))
    goods = harmonised_goods_filter(options)
    return con.execute(
        f"""
        WITH areas AS (SELECT DISTINCT area FROM area_members),
        ex_raw AS (
            SELECT reporter AS exporter, partner AS hub, hs_code, scope, year, month,
                   {value} AS v, has_annual,
                   CASE WHEN reporter_aggregate THEN 'published total' ELSE '' END AS how
            FROM hvals WHERE flow = 'export' AND partner IN {hub_list} AND {goods}
              AND (NOT reporter_aggregate OR reporter IN (SELECT area FROM areas))),
        ex AS (
            SELECT * FROM ex_raw
            UNION ALL
            SELECT m.area, x.hub, x.hs_code, x.scope, x.year, x.month, sum(x.v),
                   bool_or(x.has_annual), 'sum of ' || count(DISTINCT x.exporter) || ' members'
            FROM ex_raw x JOIN area_members m ON x.exporter = m.member
            WHERE NOT EXISTS (SELECT 1 FROM ex_raw a WHERE a.exporter = m.area
                              AND a.hub = x.hub AND a.year = x.year AND a.hs_code = x.hs_code)
            GROUP BY ALL),
        ex_how AS (
            SELECT exporter, hub, hs_code, year, min(how) AS how FROM ex GROUP BY ALL),
        im_raw AS (
            SELECT reporter AS hub, partner AS exporter, hs_code, year, month, {value} AS v,
                   has_annual
            FROM hvals WHERE flow = 'import' AND reporter IN {hub_list} AND {goods}
              AND (NOT partner_aggregate OR partner IN (SELECT area FROM areas))),
        im AS (
            SELECT *, 'published total' AS how FROM im_raw
            UNION ALL
            SELECT i.hub, m.area, i.hs_code, i.year, i.month, sum(i.v), bool_or(i.has_annual),
                   'sum of ' || count(DISTINCT i.exporter) || ' members'
            FROM im_raw i JOIN area_members m ON i.exporter = m.member
            WHERE NOT EXISTS (SELECT 1 FROM im_raw a WHERE a.exporter = m.area
                              AND a.hub = i.hub AND a.year = i.year AND a.hs_code = i.hs_code)
            GROUP BY ALL),
        ex_cov AS (
            SELECT reporter AS exporter, scope, year, mask, annual, looks_partial
            FROM coverage WHERE flow = 'export'
            UNION ALL
            SELECT m.area, c.scope, c.year, bit_and(c.mask), bool_or(c.annual),
                   bool_or(c.looks_partial)
            FROM coverage c JOIN area_members m ON c.reporter = m.member
            WHERE c.flow = 'export' AND NOT EXISTS (
                SELECT 1 FROM coverage o WHERE o.reporter = m.area AND o.flow = 'export'
                  AND o.scope = c.scope AND o.year = c.year)
            GROUP BY ALL),
        hub_cov AS (
            SELECT reporter AS hub, scope, year, mask, annual, looks_partial
            FROM coverage WHERE flow = 'import' AND reporter IN {hub_list}),
        pairs AS (
            SELECT DISTINCT exporter, hub, hs_code, scope, year FROM ex),
        matched AS (
            SELECT p.*, common_months(e.mask, e.annual, h.mask, h.annual) AS mask,
                   h.mask IS NULL AS hub_silent,
                   coalesce(h.looks_partial, FALSE) OR coalesce(e.looks_partial, FALSE)
                       AS looks_partial
            FROM pairs p
            LEFT JOIN ex_cov e USING (exporter, scope, year)
            LEFT JOIN hub_cov h USING (hub, scope, year)),
        exports AS (
            SELECT m.exporter, m.hub, m.hs_code, m.year, sum(x.v) AS v
            FROM matched m JOIN ex x USING (exporter, hub, hs_code, year)
            WHERE in_months(x.month, m.mask, x.has_annual) GROUP BY ALL),
        imports AS (
            SELECT m.exporter, m.hub, m.hs_code, m.year, sum(i.v) AS v, min(i.how) AS how
            FROM matched m JOIN im i USING (exporter, hub, hs_code, year)
            WHERE in_months(i.month, m.mask, i.has_annual) GROUP BY ALL)
        SELECT m.exporter, m.hub, m.hs_code, m.year, m.mask, m.hub_silent, m.looks_partial,
               x.v, coalesce(i.v, 0.0), h.how, i.how
        FROM matched m
        LEFT JOIN exports x USING (exporter, hub, hs_code, year)
        LEFT JOIN imports i USING (exporter, hub, hs_code, year)
        LEFT JOIN ex_how h USING (exporter, hub, hs_code, year)
        ORDER BY m.exporter, m.hub, m.hs_code, m.year
        """
    ).fetchall()


def mirror(con: duckdb.DuckDBPyConnection, options: Options) -> list[Finding]:
    register_groups(con)
    register_coverage(con)
    timing = float(options.extra.get("timing", TIMING))  # type: ignore[arg-type]
    history: dict[tuple[str, str, str], list[Year]] = defaultdict(list)
    for row in _years(con, options):
        exporter, hub, code, year, mask, silent, partial, exports, imports, how, imp_how = row
        why = ""
        if silent:
            why = f"{hub} reported no imports in {year}"
        elif partial:
            why = f"{year} looks partial (an annual figure far below the usual year)"
        elif not mask:
            why = f"no months of {year} that both sides cover"
        how_text = f"{how} / {imp_how or 'none recorded'}" if how else ""
        history[(str(exporter), str(hub), str(code))].append(
            Year(
                int(year),  # type: ignore[call-overload]
                0 if why else int(mask),  # type: ignore[call-overload]
                None if why or exports is None else float(exports),  # type: ignore[arg-type]
                None if why else float(imports),  # type: ignore[arg-type]
                how_text,
                why,
            )
        )
    years = options.extra.get("years") or options.after_years
    base = options.baseline_years
    findings = []
    for (exporter, hub, code), series in history.items():
        prewar = [y for y in series if y.year in base and y.gap is not None and y.exports]
        prewar_share = (
            sum(y.gap or 0.0 for y in prewar) / sum(y.exports or 0.0 for y in prewar)
            if prewar
            else None
        )
        for point in series:
            if point.year not in years or point.gap is None or not point.exports:  # type: ignore[operator]
                continue
            exports, imports, gap = point.exports, point.imports or 0.0, point.gap
            if gap < options.min_value or imports >= exports * (1 - timing):
                continue
            expected = (prewar_share or 0.0) * exports
            excess = gap - expected
            if excess < options.min_value:
                continue
            findings.append(
                _finding(exporter, hub, code, point, series, prewar, prewar_share, excess, options)
            )
    findings.sort(key=lambda f: -f.score)
    return findings[: options.limit]


def _finding(
    exporter: str,
    hub: str,
    code: str,
    point: Year,
    series: list[Year],
    prewar: list[Year],
    prewar_share: float | None,
    excess: float,
    options: Options,
) -> Finding:
    unit = options.unit
    exports, imports, gap = point.exports or 0.0, point.imports or 0.0, point.gap or 0.0
    when = period_label(point.year, point.mask)
    how = f" ({point.how})" if point.how else ""
    if imports == 0:
        recorded = f"{hub} recorded no imports from {exporter} in those months: pure ghost trade"
    else:
        recorded = f"{hub} reports imports from {exporter} of {money(imports, unit)}{how}"
    base = options.baseline_years
    if prewar_share is None:
        before = (
            f"No pre-war year ({base[0]}–{base[-1]}) to compare: the whole gap is counted, "
            f"though imports (CIF) normally exceed exports (FOB) by about {CIF_FOB:.0%}."
        )
    else:
        names = ", ".join(period_label(y.year, y.mask) for y in prewar)
        before = (
            f"Before the war ({names}) the gap was {prewar_share:.0%} of exports; at that rate "
            f"it would be {money(prewar_share * exports, unit)}, so the excess is "
            f"{money(excess, unit)}."
        )
    months = months_label(point.mask)
    compared = f" Compared over {months}, the months both sides cover." if months else ""
    attribution = partner_attribution().get(hub)
    if attribution == "origin":
        origin = (
            f" {hub} records imports by country of origin: goods {exporter} exported but did "
            f"not make are booked under their maker, which the pre-war gap already reflects."
        )
    elif attribution == "consignment":
        origin = f" {hub} records imports by country of consignment, as {exporter} its exports."
    else:
        origin = f" How {hub} attributes imports to partners is not known here."
    note = (
        f"{exporter} reports exports to {hub} of {money(exports, unit)} in {when}; {recorded}. "
        f"Gap {money(gap, unit)}, {gap / exports:.0%} of exports. {before}{compared}{origin}"
    )
    first, last = period_bounds(point.year, point.mask)
    labels = [
        period_label(y.year, y.mask) if y.mask not in (0, WHOLE_YEAR) else str(y.year)
        for y in series
    ]
    return Finding(
        detector="mirror",
        reporter=exporter,
        partner=hub,
        flow="export",
        hs_code=code,
        period_from=first,
        period_to=last,
        baseline=imports,
        current=exports,
        ratio=exports / imports if imports else None,
        score=excess,
        note=note,
        series=(
            Series(
                f"{exporter} exports to {hub}",
                tuple(zip(labels, (y.exports for y in series), strict=True)),
                unit,
            ),
            Series(
                f"{hub} imports from {exporter}",
                tuple(zip(labels, (y.imports for y in series), strict=True)),
                unit,
            ),
        ),
        chart="bars",
        shade=tuple(str(y) for y in options.baseline_years),
    )
