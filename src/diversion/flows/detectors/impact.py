"""Impact: did a hub's exports of controlled goods to Russia change after a policy date (a new
national export-control rule, a sanctions package)?

The months before and after the date are compared, each window the same length, as a simple
event study: the chart shows every month from the window's start to its end against the
mean of the months before, with the date as month 0.
"""

from __future__ import annotations

import math

import duckdb

from diversion.flows.defaults import WINDOW
from diversion.flows.detectors.common import Options, goods_filter, hubs, money, sql_list
from diversion.flows.findings import Finding, Series

TARGET = "RU"


def impact(con: duckdb.DuckDBPyConnection, options: Options) -> list[Finding]:
    date = str(options.extra.get("date") or "")
    try:
        year, month = (int(part) for part in date.split("-")[:2])
    except ValueError:
        raise ValueError(f"impact needs a policy date as YYYY-MM, not {date!r}") from None
    window = int(options.extra.get("window", WINDOW))  # type: ignore[call-overload]
    zero = year * 12 + month - 1
    rows = con.execute(
        f"""
        SELECT reporter, year * 12 + month - 1 - {zero} AS t, sum({options.value})
        FROM flows
        WHERE month IS NOT NULL AND flow = 'export' AND partner = '{TARGET}'
          AND reporter IN {sql_list(hubs(options))} AND NOT reporter_aggregate
          AND hs_code <> 'TOTAL' AND {goods_filter(options)}
          AND year * 12 + month - 1 - {zero} BETWEEN {-window} AND {window - 1}
        GROUP BY ALL ORDER BY reporter, t
        """
    ).fetchall()
    by_hub: dict[str, dict[int, float]] = {}
    for hub, t, total in rows:
        by_hub.setdefault(hub, {})[t] = total
    unit = options.unit
    goods = "controlled goods" if options.controlled_only else "goods"
    if options.hs_prefix:
        goods += f" under HS {options.hs_prefix}"
    findings = []
    for hub, months in by_hub.items():
        before = sum(months.get(t, 0.0) for t in range(-window, 0)) / window
        after = sum(months.get(t, 0.0) for t in range(window)) / window
        if max(before, after) * window < options.min_value:
            continue
        ratio = (after + options.floor) / (before + options.floor)
        change = after / before - 1 if before else math.inf
        note = (
            f"{hub} exports of {goods} to {TARGET}: {money(before, unit)} a month in the "
            f"{window} months before {date}, {money(after, unit)} a month in the {window} "
            f"from it ({change:+.0%})."
        )
        index = tuple(
            (str(t), (months.get(t, 0.0) / before * 100) if before else None)
            for t in range(-window, window)
        )
        findings.append(
            Finding(
                detector="impact",
                reporter=hub,
                partner=TARGET,
                flow="export",
                hs_code=options.hs_prefix or ("CONTROLLED" if options.controlled_only else "ALL"),
                period_from=_month(zero - window),
                period_to=_month(zero + window - 1),
                baseline=before,
                current=after,
                ratio=ratio,
                score=abs(math.log2(ratio)),
                note=note,
                series=(Series("index, mean of the months before = 100", index, "index"),),
                chart="event",
            )
        )
    findings.sort(key=lambda f: -f.score)
    return findings[: options.limit]


def _month(serial: int) -> str:
    return f"{serial // 12}-{serial % 12 + 1:02d}"
