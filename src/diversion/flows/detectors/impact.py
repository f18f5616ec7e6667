"""Impact: did a hub's exports of the chosen goods to Russia change after a policy date (a new
national export-control rule, a sanctions package), against a control group that the policy
did not touch?

An event study on the hub's monthly series (partner × HS6 product): log(1 + exports) on
treated series × each month from the date, with series and month fixed effects (the month
effects take out seasonality and shocks common to both groups), standard errors clustered by
series, month −1 the reference. The control group is the hub's exports of other goods to
Russia (`--control products`, the default when --hs or --controlled-only names the goods) or
of the same goods to other destinations (`--control destinations`). A window the hub's data do
not cover, or a missing control group, is refused.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import duckdb

from diversion.flows.defaults import WINDOW
from diversion.flows.detectors.common import Options, goods_filter, hubs, money, sql_list
from diversion.flows.estimation import Coefficient, EstimationError, Fit, WaldTest, absorbing_fit
from diversion.flows.findings import Finding, Series

if TYPE_CHECKING:
    import pandas as pd

TARGET = "RU"
SANCTIONED = ("RU", "BY")
CONTROLS = ("products", "destinations")
EFFECTS = {"series": ("series",), "month": ("t",)}


@dataclass(frozen=True)
class ImpactEstimate:
    pooled: Fit  # the coefficient "treated": treated series × months from the date
    event: Fit  # one coefficient per month from the date, −1 the reference
    months: tuple[int, ...]  # months from the date, −window to window − 1
    pretrend: WaldTest  # the months before −1 jointly zero
    treated_before: float  # monthly means of the treated series
    treated_after: float
    treated_series: int
    control_series: int

    @property
    def treated(self) -> Coefficient:
        return self.pooled["treated"]

    def month(self, k: int) -> Coefficient | None:
        return None if k == -1 else self.event[_event_name(k)]


def _event_name(k: int) -> str:
    return f"month_{'m' if k < 0 else 'p'}{abs(k)}"


def prepare(panel: pd.DataFrame, window: int) -> pd.DataFrame:
    """The panel ready to estimate: the outcome log(1 + value), `treated_after` and one column
    per month from the date (−1 left out). EstimationError without treated or control series."""
    import numpy as np

    frame = panel.reset_index(drop=True)
    treated = frame["treated"].astype(bool)
    if not treated.any():
        raise EstimationError("no treated series in the window")
    if treated.all():
        raise EstimationError("no control series in the window")
    frame = frame.assign(y=np.log1p(frame["value"].clip(lower=0.0)))
    frame["treated_after"] = (treated & (frame["t"] >= 0)).astype(float)
    for k in range(-window, window):
        if k != -1:
            frame[_event_name(k)] = (treated & (frame["t"] == k)).astype(float)
    return frame


def fit(frame: pd.DataFrame, names: list[str]) -> Fit:
    """log(1 + exports) on the named columns, series and month effects absorbed, errors
    clustered by series."""
    return absorbing_fit(frame, "y", names, EFFECTS, ("series",), "series")


def estimate(panel: pd.DataFrame, window: int) -> ImpactEstimate:
    """The event study on a panel with columns series, t (months from the date, −window to
    window − 1), value and treated (bool): one row per series and month, zeros included."""
    frame = prepare(panel, window)
    treated = frame["treated"].astype(bool)
    months = tuple(range(-window, window))
    event = fit(frame, [_event_name(k) for k in months if k != -1])
    pooled = fit(frame, ["treated_after"])
    pooled = replace(pooled, coefficients={"treated": pooled["treated_after"]})
    rows = frame[treated]
    return ImpactEstimate(
        pooled=pooled,
        event=event,
        months=months,
        pretrend=event.wald([_event_name(k) for k in months if k < -1]),
        treated_before=float(rows.loc[rows["t"] < 0, "value"].sum()) / window,
        treated_after=float(rows.loc[rows["t"] >= 0, "value"].sum()) / window,
        treated_series=int(frame.loc[treated, "series"].nunique()),
        control_series=int(frame.loc[~treated, "series"].nunique()),
    )


def _policy(options: Options) -> tuple[str, int, int]:
    date = str(options.extra.get("date") or "")
    try:
        year, month = (int(part) for part in date.split("-")[:2])
        if not 1 <= month <= 12:
            raise ValueError
    except ValueError:
        raise ValueError(f"impact needs a policy date as YYYY-MM, not {date!r}") from None
    window = int(str(options.extra.get("window", WINDOW)))
    if window < 2:
        raise ValueError("impact needs a window of at least 2 months on each side")
    return date, year * 12 + month - 1, window


def _control(options: Options) -> str:
    chosen = options.extra.get("control")
    if chosen is None:
        return "products" if options.hs_prefix or options.controlled_only else "destinations"
    if chosen not in CONTROLS:
        raise ValueError(f"--control must be one of {', '.join(CONTROLS)}, not {chosen!r}")
    if chosen == "products" and not (options.hs_prefix or options.controlled_only):
        raise ValueError(
            "--control products compares the chosen goods with the others, but no goods are "
            "chosen: add --hs or --controlled-only, or use --control destinations"
        )
    return str(chosen)


def _panel(
    con: duckdb.DuckDBPyConnection, hub: str, zero: int, window: int, control: str, options: Options
) -> pd.DataFrame:
    """The hub's series × month panel: series that trade at all in the window, zeros filled in
    the months the hub reports."""
    chosen = goods_filter(options)
    if control == "products":
        scope = f"partner = '{TARGET}'"
        treated = chosen
    else:
        scope = f"({chosen}) AND partner <> 'BY'"
        treated = f"partner = '{TARGET}'"
    return con.execute(
        f"""
        WITH src AS (
            SELECT partner, hs_code, year * 12 + month - 1 - {zero} AS t, {options.value} AS v
            FROM flows
            WHERE month IS NOT NULL AND flow = 'export' AND reporter = ?
              AND NOT partner_aggregate AND hs_code <> 'TOTAL'
              AND year * 12 + month - 1 - {zero} BETWEEN {-window} AND {window - 1}),
        codes AS (SELECT DISTINCT hs_code FROM src),
        finest AS (  -- a code with a finer code under it is its parent: never added to them
            SELECT hs_code FROM codes c WHERE NOT EXISTS (
                SELECT 1 FROM codes d WHERE length(d.hs_code) > length(c.hs_code)
                  AND starts_with(d.hs_code, c.hs_code))),
        cells AS (
            SELECT partner, CASE WHEN length(hs_code) >= 6 THEN left(hs_code, 6)
                                 ELSE hs_code END AS product,
                   bool_or({treated}) AS treated, t, sum(v) AS value
            FROM src JOIN finest USING (hs_code)
            WHERE {scope}
            GROUP BY partner, product, t),
        series AS (
            SELECT partner, product, bool_or(treated) AS treated FROM cells
            GROUP BY ALL HAVING sum(value) > 0),
        months AS (SELECT DISTINCT t FROM src)
        SELECT s.partner || ' ' || s.product AS series, s.treated, m.t,
               coalesce(c.value, 0.0) AS value
        FROM series s CROSS JOIN months m
        LEFT JOIN cells c ON c.partner = s.partner AND c.product = s.product AND c.t = m.t
        """,
        [hub],
    ).df()


def _covered(con: duckdb.DuckDBPyConnection, hub: str, zero: int, window: int) -> list[int]:
    """The months of the window the hub reports no exports in at all (missing, not zero)."""
    rows = con.execute(
        f"""SELECT DISTINCT year * 12 + month - 1 - {zero} FROM flows
            WHERE month IS NOT NULL AND flow = 'export' AND reporter = ?
              AND year * 12 + month - 1 - {zero} BETWEEN {-window} AND {window - 1}""",
        [hub],
    ).fetchall()
    have = {int(r[0]) for r in rows}
    return [k for k in range(-window, window) if k not in have]


def estimate_flows(con: duckdb.DuckDBPyConnection, options: Options) -> dict[str, ImpactEstimate]:
    """The event study for each hub that exports to Russia in the data; ValueError when a hub's
    data do not cover the window or have no control group."""
    date, zero, window = _policy(options)
    control = _control(options)
    present = {
        r[0]
        for r in con.execute(
            f"""SELECT DISTINCT reporter FROM flows WHERE month IS NOT NULL AND flow = 'export'
                AND partner = '{TARGET}' AND reporter IN {sql_list(hubs(options))}"""
        ).fetchall()
    }
    if not present:
        raise ValueError(f"no monthly exports to {TARGET} from {', '.join(hubs(options))}")
    results = {}
    for hub in sorted(present):
        missing = _covered(con, hub, zero, window)
        if missing:
            shown = ", ".join(_month(zero + k) for k in missing[:6])
            more = f" and {len(missing) - 6} more" if len(missing) > 6 else ""
            raise ValueError(
                f"{hub}'s data do not cover the window {_month(zero - window)} to "
                f"{_month(zero + window - 1)} around {date}: no exports recorded in {shown}"
                f"{more} (choose --hub, a shorter --window or another --date)"
            )
        panel = _panel(con, hub, zero, window, control, options)
        if panel.empty or not panel["treated"].any():
            continue  # the hub sent none of the chosen goods to Russia in the window
        if panel["treated"].all():
            what = (
                f"other goods to {TARGET}"
                if control == "products"
                else f"the same goods to destinations other than {TARGET} and BY"
            )
            raise ValueError(
                f"{hub}: no control group ({what}) in the window around {date}; "
                f"try --control {'destinations' if control == 'products' else 'products'}"
            )
        try:
            results[hub] = estimate(panel, window)
        except EstimationError as exc:
            raise ValueError(f"{hub}: {exc}") from None
    return results


def impact(con: duckdb.DuckDBPyConnection, options: Options) -> list[Finding]:
    date, zero, window = _policy(options)
    control = _control(options)
    goods = "controlled goods" if options.controlled_only else "goods"
    if options.hs_prefix:
        goods += f" under HS {options.hs_prefix}"
    unit = options.unit
    findings = []
    for hub, result in estimate_flows(con, options).items():
        if max(result.treated_before, result.treated_after) * window < options.min_value:
            continue
        c = result.treated
        against = (
            f"other goods {hub} exports to {TARGET}"
            if control == "products"
            else f"the same goods {hub} exports elsewhere"
        )
        note = (
            f"{hub} exports of {goods} to {TARGET}: {money(result.treated_before, unit)} a month "
            f"in the {window} months before {date}, {money(result.treated_after, unit)} in the "
            f"{window} from it. Event study against {against} "
            f"({result.treated_series} treated, {result.control_series} control series), "
            f"log(1 + exports), series and month fixed effects: after the date {c.text()}, "
            f"≈ {math.expm1(c.estimate):+.0%}; {result.pooled.describe()}. Pre-trend (months "
            f"before −1): {result.pretrend.text()}."
        )
        values = []
        for k in result.months:
            m = result.month(k)
            values.append((str(k), (0.0, 0.0, 0.0) if m is None else (m.estimate, m.low, m.high)))
        series = tuple(
            Series(name, tuple((k, v[i]) for k, v in values), "log points")
            for i, name in enumerate(("estimate", "95 % low", "95 % high"))
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
                baseline=result.treated_before,
                current=result.treated_after,
                ratio=math.exp(c.estimate),
                score=abs(c.estimate / c.se) if c.se > 0 else math.inf,
                note=note,
                series=series,
                chart="event",
            )
        )
    findings.sort(key=lambda f: -f.score)
    return findings[: options.limit]


def _month(serial: int) -> str:
    return f"{serial // 12}-{serial % 12 + 1:02d}"
