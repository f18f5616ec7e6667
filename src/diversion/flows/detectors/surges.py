"""Surges: a flow that grew far beyond its pre-war baseline, over the same months of each year.

Each year after is compared with the same months of the baseline years (2022 January to
November against January to November of 2019–2021 when 2022 stops in November); a baseline
year whose reporter did not cover those months is left out of the mean, and a series with no
covered baseline year is not measured at all (a file that starts in 2022 is not a surge from
zero). Within covered months a product the reporter did not report is zero trade. HS editions
are harmonised first, so a code HS 2022 split (854140 into 854149) continues its series. A
pseudo-count (the floor, for a whole year; a partial year gets its share) is added to both
sides, so a baseline near zero still gives a finite ratio that ranks a jump from USD 2
thousand to USD 13 million high, without letting a jump from USD 10 to USD 1,000 rank at all;
the current figure must also reach the minimum size.
"""

from __future__ import annotations

import math
from collections import defaultdict

import duckdb

from diversion.flows.coverage import (
    months_label,
    period_bounds,
    period_label,
    register_coverage,
)
from diversion.flows.detectors.common import (
    Options,
    controlled_label,
    harmonised_goods_filter,
    money,
    sql_list,
)
from diversion.flows.findings import Finding, Series

RANKINGS = ("score", "change", "ratio")
Key = tuple[str, str, str, str]


def _years(values: tuple[int, ...]) -> str:
    return ", ".join(str(year) for year in values) or "NULL"


def surges(con: duckdb.DuckDBPyConnection, options: Options) -> list[Finding]:
    register_coverage(con)
    value = options.value
    base = options.baseline_years
    after = options.after_years
    hub_filter = "TRUE"
    if options.hubs:
        listed = sql_list(options.hubs)
        hub_filter = f"(reporter IN {listed} OR partner IN {listed})"
    key = "reporter, partner, flow, hs_code"
    join = " AND ".join(f"v.{c} = a.{c}" for c in ("reporter", "partner", "flow", "hs_code"))
    rows = con.execute(
        f"""
        WITH v AS (
            SELECT reporter, partner, flow, hs_code, scope, year, month, {value} AS v,
                   has_annual
            FROM hvals
            WHERE NOT reporter_aggregate AND NOT partner_aggregate AND {hub_filter}
              AND {harmonised_goods_filter(options)}
              AND year IN ({_years((*base, *after))})),
        keys AS (SELECT DISTINCT {key}, scope FROM v WHERE year IN ({_years(after)})),
        a AS (
            SELECT k.*, c.year AS ay, c.mask AS am, c.annual AS aa
            FROM keys k JOIN coverage c USING (reporter, flow, scope)
            WHERE c.year IN ({_years(after)}) AND NOT c.looks_partial AND c.mask > 0),
        b AS (
            SELECT a.*, c.year AS byear
            FROM a JOIN coverage c USING (reporter, flow, scope)
            WHERE c.year IN ({_years(base)}) AND NOT c.looks_partial
              AND common_months(a.am, a.aa, c.mask, c.annual) = a.am),
        cur AS (
            SELECT a.reporter, a.partner, a.flow, a.hs_code, a.ay, a.am,
                   coalesce(sum(v.v) FILTER (WHERE in_months(v.month, a.am, v.has_annual)), 0)
                       AS cur
            FROM a LEFT JOIN v ON {join} AND v.year = a.ay GROUP BY ALL),
        past AS (
            SELECT a.reporter, a.partner, a.flow, a.hs_code, a.ay, a.byear,
                   coalesce(sum(v.v) FILTER (WHERE in_months(v.month, a.am, v.has_annual)), 0)
                       AS val
            FROM b a LEFT JOIN v ON {join} AND v.year = a.byear GROUP BY ALL),
        baseline AS (
            SELECT {key}, ay, avg(val) AS baseline, list(byear ORDER BY byear) AS years
            FROM past GROUP BY ALL)
        SELECT {key}, ay, am, cur, baseline, years
        FROM cur JOIN baseline USING ({key}, ay)
        WHERE cur >= ? AND cur > baseline
        """,
        [options.min_value],
    ).fetchall()
    floor = options.floor
    best: dict[Key, tuple[int, int, float, float, list[int], float]] = {}
    for reporter, partner, flow, code, year, mask, peak, baseline, years in rows:
        share = floor * bin(mask).count("1") / 12
        ratio = (peak + share) / (baseline + share)
        found = (year, mask, peak, baseline, years, ratio)
        key_ = (reporter, partner, flow, code)
        if key_ not in best or (ratio, peak) > (best[key_][5], best[key_][2]):
            best[key_] = found
    rank = str(options.extra.get("rank", "score"))
    if rank not in RANKINGS:
        raise ValueError(f"rank must be one of {', '.join(RANKINGS)}")

    def order(item: tuple[Key, tuple[int, int, float, float, list[int], float]]) -> float:
        _, (_, _, peak, baseline, _, ratio) = item
        return {"change": peak - baseline, "ratio": ratio, "score": math.log2(ratio)}[rank]

    top = sorted(best.items(), key=order, reverse=True)[: options.limit]
    history = _history(con, options, [k for k, _ in top])
    groups = _group_members(con)
    findings = []
    for (reporter, partner, flow, code), (year, mask, peak, baseline, years, ratio) in top:
        findings.append(
            _finding(
                con,
                (reporter, partner, flow, code),
                (year, mask, peak, baseline, years, ratio),
                history[(reporter, partner, flow, code)],
                groups.get(code, ()),
                options,
            )
        )
    return findings


def _finding(
    con: duckdb.DuckDBPyConnection,
    key: Key,
    found: tuple[int, int, float, float, list[int], float],
    points: list[tuple[str, float | None]],
    members: tuple[str, ...],
    options: Options,
) -> Finding:
    reporter, partner, flow, code = key
    year, mask, peak, baseline, years, ratio = found
    unit, base = options.unit, options.baseline_years
    label = controlled_label(con, code) if code != "TOTAL" else None
    listed = f" Listed: {label}." if label else ""
    months = months_label(mask)
    same = " over the same months" if months else ""
    left_out = sorted(set(base) - set(years))
    missing = (
        f" {', '.join(map(str, left_out))} not covered{' for those months' if months else ''}: "
        "left out of the mean."
        if left_out
        else ""
    )
    merged = (
        f" HS 2017 {code} and its HS 2022 parts {', '.join(members)} taken together."
        if members
        else ""
    )
    direction = "to" if flow.endswith("export") else "from"
    floor = options.floor * bin(mask).count("1") / 12
    note = (
        f"{reporter} {flow}s {direction} {partner}: {money(peak, unit)} in "
        f"{period_label(year, mask)} against a {years[0]}–{years[-1]} mean of "
        f"{money(baseline, unit)}{same} (×{ratio:,.1f} with a floor of {money(floor, unit)})."
        f"{missing}{merged}{listed}"
    )
    _, last = period_bounds(year, mask)
    return Finding(
        detector="surges",
        reporter=reporter,
        partner=partner,
        flow=flow,
        hs_code=code,
        period_from=str(base[0]),
        period_to=last,
        baseline=baseline,
        current=peak,
        ratio=ratio,
        score=math.log2(ratio),
        note=note,
        series=(Series(f"{reporter} {flow}s {direction} {partner}", tuple(points), unit),),
        shade=tuple(str(y) for y in base),
        reference=baseline if not months else None,
    )


def _group_members(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[str, ...]]:
    """A grouped HS code -> the codes of the other edition summed into it."""
    groups: dict[str, list[str]] = defaultdict(list)
    for code, group in con.execute(
        "SELECT code, grp FROM hs_groups WHERE code <> grp ORDER BY code"
    ).fetchall():
        groups[group].append(code)
    return {group: tuple(codes) for group, codes in groups.items()}


def _history(
    con: duckdb.DuckDBPyConnection, options: Options, keys: list[Key]
) -> dict[Key, list[tuple[str, float | None]]]:
    """Every year of each found series over the months its reporter covers (none: a gap)."""
    result: dict[Key, list[tuple[str, float | None]]] = defaultdict(list)
    if not keys:
        return result
    con.execute("CREATE OR REPLACE TEMP TABLE wanted (r TEXT, p TEXT, f TEXT, c TEXT)")
    con.executemany("INSERT INTO wanted VALUES (?, ?, ?, ?)", keys)
    rows = con.execute(
        f"""
        WITH w AS (
            SELECT DISTINCT w.r, w.p, w.f, w.c, v.scope
            FROM wanted w JOIN hvals v ON v.reporter = w.r AND v.partner = w.p
              AND v.flow = w.f AND v.hs_code = w.c),
        y AS (
            SELECT w.*, c.year, c.mask, c.looks_partial FROM w JOIN coverage c
              ON c.reporter = w.r AND c.flow = w.f AND c.scope = w.scope)
        SELECT y.r, y.p, y.f, y.c, y.year, y.mask, y.looks_partial,
               coalesce(sum(v.{options.value})
                   FILTER (WHERE in_months(v.month, y.mask, v.has_annual)), 0)
        FROM y LEFT JOIN hvals v ON v.reporter = y.r AND v.partner = y.p AND v.flow = y.f
          AND v.hs_code = y.c AND v.year = y.year
        GROUP BY ALL ORDER BY y.year
        """
    ).fetchall()
    for reporter, partner, flow, code, year, mask, partial, total in rows:
        label = period_label(year, mask) if not partial else f"{year} (looks partial)"
        result[(reporter, partner, flow, code)].append((label, None if partial else total))
    return result
