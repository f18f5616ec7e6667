"""Coverage as data: which months each reporter's statistics cover, so that detectors compare
like with like and never read a missing month as zero trade or as a fall.

A reporter that reported anything in a flow for a month, at a level of detail, covers that
month at that level: within covered months a product it did not report is zero trade; outside
them it is missing. The level is the HS chapter (a file of chapter 85 says nothing about
chapter 84) or TOTAL (a file of totals by partner says nothing about any product). An annual
row covers the whole year but cannot be cut into months, so a year known only as an annual
figure is compared only with whole years.

Coverage is a bit mask of months (bit 0 for January; 4095 is the whole year). Two sides are
compared over the months both cover. A year whose total trade (all goods, all partners) is far
below the reporter's usual year (a quarter of the median of its years) although it is labelled
annual is flagged as looking partial (an upstream file that holds January only under a year's
label); a product's or a chapter's figures swing too much for that test.

The SQL objects, on a connection that has `flows` (store.connect) and `hflows`
(editions.register_editions):

- `coverage(reporter, flow, scope, year, mask, annual, months, total, share, looks_partial)`;
- `hvals(reporter, partner, reporter_aggregate, partner_aggregate, flow, hs_code, scope, year,
  month, value_usd, value_eur, net_weight_kg, has_annual)`: one row per harmonised series and
  period (`month` null for an annual figure);
- macros `common_months(a, a_annual, b, b_annual)` (the months two sides can be compared over)
  and `in_months(month, mask, has_annual)` (whether a row counts towards a sum over `mask`).
"""

from __future__ import annotations

import duckdb

from diversion.flows.editions import register_editions

WHOLE_YEAR = 4095
PARTIAL_SHARE = 0.25  # an annual figure below this share of the reporter's median year
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
SCOPE = "CASE WHEN {code} = 'TOTAL' THEN 'TOTAL' ELSE left({code}, 2) END"


def register_coverage(con: duckdb.DuckDBPyConnection) -> None:
    """Create `hflows`, `coverage`, `hvals` and the macros (idempotent)."""
    register_editions(con)
    con.execute(
        """
        CREATE OR REPLACE TEMP MACRO common_months(a, a_annual, b, b_annual) AS
            CASE WHEN a IS NULL OR b IS NULL THEN 0
                 WHEN a_annual OR b_annual THEN
                     CASE WHEN a = 4095 AND b = 4095 THEN 4095 ELSE 0 END
                 ELSE a & b END
        """
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP MACRO in_months(month, mask, has_annual) AS
            CASE WHEN month IS NULL THEN mask = 4095
                 ELSE NOT (has_annual AND mask = 4095)
                      AND ((mask::INTEGER >> (month::INTEGER - 1)) & 1) = 1 END
        """
    )
    scope = SCOPE.format(code="hs_code")
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE coverage AS
        WITH c AS (
            SELECT reporter, flow, {scope} AS scope, year,
                   bit_or(CASE WHEN month IS NULL THEN 4095
                               ELSE (1::INTEGER << (month::INTEGER - 1)) END)::INTEGER AS mask,
                   bool_or(month IS NULL) AS annual,
                   sum(coalesce(value_eur, value_usd))
                       FILTER (WHERE NOT partner_aggregate) AS total
            FROM flows GROUP BY ALL),
        m AS (
            SELECT *, bit_count(mask)::INTEGER AS months,
                   total / nullif(median(total) OVER (PARTITION BY reporter, flow, scope), 0)
                       AS share,
                   count(*) OVER (PARTITION BY reporter, flow, scope) AS years
            FROM c)
        SELECT reporter, flow, scope, year, mask, annual, months, total, share,
               coalesce(scope = 'TOTAL' AND annual AND years >= 3
                        AND share < {PARTIAL_SHARE}, FALSE) AS looks_partial
        FROM m
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP VIEW hvals AS
        SELECT *, bool_or(month IS NULL) OVER (
                   PARTITION BY reporter, partner, flow, hs_code, year) AS has_annual
        FROM (
            SELECT reporter, partner, reporter_aggregate, partner_aggregate, flow, hs_code,
                   {scope} AS scope, year, month, sum(value_usd) AS value_usd,
                   sum(value_eur) AS value_eur, sum(net_weight_kg) AS net_weight_kg
            FROM hflows GROUP BY ALL)
        """
    )


def months_label(mask: int) -> str:
    """ "Jan–Nov", "Jan, Mar–May"; "" for the whole year."""
    if mask == WHOLE_YEAR:
        return ""
    runs: list[tuple[int, int]] = []
    for month in range(12):
        if mask >> month & 1:
            if runs and runs[-1][1] == month - 1:
                runs[-1] = (runs[-1][0], month)
            else:
                runs.append((month, month))
    return ", ".join(
        MONTH_NAMES[a] if a == b else f"{MONTH_NAMES[a]}–{MONTH_NAMES[b]}" for a, b in runs
    )


def period_label(year: int, mask: int) -> str:
    """A year as a chart or a note names it: "2022", or "2024 (Jan–Aug)"."""
    label = months_label(mask)
    return f"{year} ({label})" if label else str(year)


def period_bounds(year: int, mask: int) -> tuple[str, str]:
    """period_from and period_to of a finding over these months of a year."""
    if mask in (WHOLE_YEAR, 0):
        return str(year), str(year)
    months = [m + 1 for m in range(12) if mask >> m & 1]
    return f"{year}-{months[0]:02d}", f"{year}-{months[-1]:02d}"


def coverage_rows(con: duckdb.DuckDBPyConnection) -> list[dict[str, object]]:
    """Per reporter, flow and level, the years and the months each covers (for the report)."""
    rows = con.execute(
        """SELECT reporter, flow, scope, year, mask, annual, share, looks_partial
           FROM coverage ORDER BY reporter, flow, scope, year"""
    ).fetchall()
    result: dict[tuple[str, str, str], dict[str, object]] = {}
    for reporter, flow, scope, year, mask, annual, share, partial in rows:
        entry = result.setdefault(
            (reporter, flow, scope),
            {"reporter": reporter, "flow": flow, "scope": scope, "years": []},
        )
        if annual:
            text = f"{year} (annual figure"
            text += f", {share:.0%} of a usual year: looks partial)" if partial else ")"
        else:
            text = period_label(year, mask)
        entry["years"].append(text)  # type: ignore[attr-defined]
    return list(result.values())
