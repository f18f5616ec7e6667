"""Surges: a flow that grew far beyond its pre-war baseline.

Growth is measured against the mean of the baseline years (a year with no record counts as
zero: statistics leave out flows that did not happen). A pseudo-count (the floor) is added to
both sides, so a baseline near zero still gives a finite ratio that ranks a jump from USD 2
thousand to USD 13 million high, without letting a jump from USD 10 to USD 1,000 rank at all;
the current figure must also reach the minimum size.
"""

from __future__ import annotations

import math
from collections import defaultdict

import duckdb

from diversion.flows.detectors.common import (
    Options,
    controlled_label,
    goods_filter,
    money,
    sql_list,
)
from diversion.flows.findings import Finding, Series

RANKINGS = ("score", "change", "ratio")


def surges(con: duckdb.DuckDBPyConnection, options: Options) -> list[Finding]:
    value = options.value
    base = options.baseline_years
    after = options.after_years
    hub_filter = "TRUE"
    if options.hubs:
        listed = sql_list(options.hubs)
        hub_filter = f"(reporter IN {listed} OR partner IN {listed})"
    rows = con.execute(
        f"""
        WITH s AS (
            SELECT reporter, partner, flow, hs_code, year, sum({value}) AS v FROM yearly
            WHERE NOT reporter_aggregate AND NOT partner_aggregate AND {hub_filter}
              AND {goods_filter(options)}
              AND year IN ({", ".join(str(y) for y in (*base, *after))})
            GROUP BY ALL),
        k AS (
            SELECT reporter, partner, flow, hs_code,
                   coalesce(sum(v) FILTER (WHERE year IN ({", ".join(map(str, base))})), 0)
                       / {len(base)} AS baseline,
                   arg_max(year, v) FILTER (WHERE year IN ({", ".join(map(str, after))}))
                       AS peak_year,
                   max(v) FILTER (WHERE year IN ({", ".join(map(str, after))})) AS peak
            FROM s GROUP BY ALL)
        SELECT reporter, partner, flow, hs_code, baseline, peak_year, peak
        FROM k WHERE peak >= ? AND peak > baseline
        """,
        [options.min_value],
    ).fetchall()
    floor = options.floor
    scored = []
    for reporter, partner, flow, code, baseline, year, peak in rows:
        ratio = (peak + floor) / (baseline + floor)
        scored.append((reporter, partner, flow, code, baseline, year, peak, ratio))
    rank = str(options.extra.get("rank", "score"))
    if rank not in RANKINGS:
        raise ValueError(f"rank must be one of {', '.join(RANKINGS)}")

    def order(item: tuple[str, str, str, str, float, int, float, float]) -> float:
        change, ratio = item[6] - item[4], item[7]
        return {"change": change, "ratio": ratio, "score": math.log2(ratio)}[rank]

    scored.sort(key=order, reverse=True)
    top = scored[: options.limit]
    history = _history(con, options, [(r, p, f, c) for r, p, f, c, *_ in top])
    findings = []
    for reporter, partner, flow, code, baseline, year, peak, ratio in top:
        unit = options.unit
        label = controlled_label(con, code) if code != "TOTAL" else None
        listed = f" Listed: {label}." if label else ""
        note = (
            f"{reporter} {flow} {'to' if flow.endswith('export') else 'from'} {partner}: "
            f"{money(peak, unit)} in {year} against a {base[0]}-{base[-1]} mean of "
            f"{money(baseline, unit)} (×{ratio:,.0f} with a floor of {money(floor, unit)})."
            f"{listed}"
        )
        findings.append(
            Finding(
                detector="surges",
                reporter=reporter,
                partner=partner,
                flow=flow,
                hs_code=code,
                period_from=f"{base[0]}",
                period_to=str(year),
                baseline=baseline,
                current=peak,
                ratio=ratio,
                score=math.log2(ratio),
                note=note,
                series=(
                    Series(
                        f"{reporter} → {partner} {flow}",
                        tuple(history[(reporter, partner, flow, code)]),
                        unit,
                    ),
                ),
            )
        )
    return findings


def _history(
    con: duckdb.DuckDBPyConnection, options: Options, keys: list[tuple[str, str, str, str]]
) -> dict[tuple[str, str, str, str], list[tuple[str, float | None]]]:
    """Every year of each found series, for its chart."""
    result: dict[tuple[str, str, str, str], list[tuple[str, float | None]]] = defaultdict(list)
    if not keys:
        return result
    con.execute("CREATE OR REPLACE TEMP TABLE wanted (r TEXT, p TEXT, f TEXT, c TEXT)")
    con.executemany("INSERT INTO wanted VALUES (?, ?, ?, ?)", keys)
    for reporter, partner, flow, code, year, total in con.execute(
        f"""SELECT reporter, partner, flow, hs_code, year, sum({options.value}) FROM yearly
            JOIN wanted ON reporter = r AND partner = p AND flow = f AND hs_code = c
            GROUP BY ALL ORDER BY year"""
    ).fetchall():
        result[(reporter, partner, flow, code)].append((str(year), total))
    return result
