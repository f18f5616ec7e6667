"""The Eurasian roundabout: did the coalition's exports of high-priority goods to the hubs rise
after the invasion, beyond what the same exporters sent to other destinations and beyond other
goods, and how much of the fall in its direct exports to Russia did that rise replace?

Estimated as in Chupilkin, Javorcik and Plekhanov, "The Eurasian Roundabout: Trade Flows into
Russia through the Caucasus and Central Asia" (EBRD Working Paper 276, 2023): a triple
difference on the monthly exporter × destination × product (HS6) panel, log(1 + exports) on
priority good × hub destination × after the invasion (from March 2022; February 2022, the
month of 24 February, is left out), with exporter × destination × product, exporter × product
× month and destination × month fixed effects, standard errors clustered by exporter × product;
the same with one coefficient per quarter for the pre-trends, and the substitution ratio.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import duckdb

from diversion.flows.detectors.common import (
    CONTROLLED,
    Options,
    goods_filter,
    group,
    hubs,
    money,
    sql_list,
)
from diversion.flows.estimation import Coefficient, EstimationError, Fit, WaldTest, absorbing_fit
from diversion.flows.findings import Finding, Series

if TYPE_CHECKING:
    import pandas as pd

TARGET = "RU"
SANCTIONED = ("RU", "BY")
INVASION = 2022 * 12 + 1  # February 2022 as a month serial (year × 12 + month − 1): left out
AFTER = INVASION + 1  # March 2022, the first month after
MAX_ROWS = 20_000_000  # a panel larger than this asks for --hs or fewer destinations
CLUSTERS = {"exporter-product": ("exporter", "product"), "product": ("product",)}
EFFECTS = {
    "exporter×destination×product": ("exporter", "destination", "product"),
    "exporter×product×month": ("exporter", "product", "t"),
    "destination×month": ("destination", "t"),
}


def month_label(serial: int) -> str:
    return f"{serial // 12}-{serial % 12 + 1:02d}"


@dataclass(frozen=True)
class Substitution:
    """Monthly means of priority goods: coalition → hubs and coalition → Russia, before and
    after. The ratio is the hubs' increase over the direct fall (the paper's substitution)."""

    hubs_before: float
    hubs_after: float
    russia_before: float
    russia_after: float

    @property
    def ratio(self) -> float | None:
        fall = self.russia_before - self.russia_after
        return (self.hubs_after - self.hubs_before) / fall if fall > 0 else None

    def text(self, unit: str) -> str:
        ratio = self.ratio
        shown = "undefined (no fall in direct exports)" if ratio is None else f"{ratio:.2f}"
        return (
            f"priority goods to the hubs {money(self.hubs_before, unit)} → "
            f"{money(self.hubs_after, unit)} a month, to {TARGET} {money(self.russia_before, unit)}"
            f" → {money(self.russia_after, unit)}; substitution ratio {shown}"
        )


@dataclass(frozen=True)
class RoundaboutEstimate:
    pooled: Fit  # the coefficient "treated"
    by_hub: Fit  # one coefficient "hub_XX" per hub
    event: Fit  # one coefficient per quarter from the invasion, quarter −1 the reference
    quarters: tuple[int, ...]  # every quarter in the panel, −1 included
    pretrend: WaldTest  # the quarters before −1 jointly zero
    substitution: Substitution
    hub_substitution: dict[str, Substitution]
    first: int  # month serials of the panel
    last: int
    monthly: dict[str, tuple[tuple[int, float], ...]]  # priority goods to each hub, and to RU

    @property
    def treated(self) -> Coefficient:
        return self.pooled["treated"]

    def quarter(self, k: int) -> Coefficient | None:
        return None if k == -1 else self.event[_event_name(k)]


def _event_name(k: int) -> str:
    return f"quarter_{'m' if k < 0 else 'p'}{abs(k)}"


def prepare(panel: pd.DataFrame, hub_codes: Sequence[str]) -> pd.DataFrame:
    """The panel ready to estimate: February 2022 left out, the outcome log(1 + value), the
    treatment `treated`, one `hub_XX` per hub and one column per quarter from the invasion.
    EstimationError when the panel has no comparison for the treatment."""
    import numpy as np

    frame = panel[panel["t"] != INVASION].reset_index(drop=True)
    post = frame["t"] >= AFTER
    if not post.any() or post.all():
        raise EstimationError("the panel needs months both before February 2022 and after it")
    if not frame["hub"].any():
        raise EstimationError("no exports to a hub in the panel")
    if frame["hub"].all():
        raise EstimationError(
            "no control destination: every destination in the panel is a hub (name controls "
            "with --control-destination, or fewer hubs with --hub)"
        )
    if frame["priority"].all():
        raise EstimationError(
            "no comparison goods: every product in the panel is a priority good (drop "
            "--controlled-only, or widen --hs)"
        )
    if not frame["priority"].any():
        raise EstimationError("no priority goods (goods a control list names) in the panel")
    frame = frame.assign(y=np.log1p(frame["value"].clip(lower=0.0)))
    treated = frame["priority"] & frame["hub"]
    frame["treated"] = (treated & post).astype(float)
    for code in hub_codes:
        column = treated & post & (frame["destination"] == code)
        if column.any():
            frame[f"hub_{code}"] = column.astype(float)
    quarter = (frame["t"] - AFTER) // 3
    for k in sorted(int(k) for k in quarter.unique()):
        if k != -1:
            frame[_event_name(k)] = (treated & (quarter == k)).astype(float)
    return frame


def fit(frame: pd.DataFrame, names: Sequence[str], cluster: str = "exporter-product") -> Fit:
    """The regression of log(1 + exports) on the named treatment columns of a prepared panel,
    with the three fixed effects absorbed and errors clustered as `cluster` says."""
    if cluster not in CLUSTERS:
        raise ValueError(f"cluster must be one of {', '.join(CLUSTERS)}, not {cluster!r}")
    by = CLUSTERS[cluster]
    return absorbing_fit(frame, "y", list(names), EFFECTS, by, "×".join(by))


def estimate(
    panel: pd.DataFrame,
    hub_codes: Sequence[str],
    cluster: str = "exporter-product",
    russia: pd.DataFrame | None = None,
) -> RoundaboutEstimate:
    """The estimator on a panel with columns exporter, destination, product, t (month serial),
    value, priority (bool) and hub (bool): one row per cell, zeros included. `russia` (columns
    t, value: the coalition's monthly priority exports to Russia) gives the substitution."""
    frame = prepare(panel, hub_codes)
    quarters = tuple(sorted(int(k) for k in ((frame["t"] - AFTER) // 3).unique()))
    event_names = [_event_name(k) for k in quarters if k != -1]
    hub_names = [f"hub_{code}" for code in hub_codes if f"hub_{code}" in frame]
    event = fit(frame, event_names, cluster)
    substitution, per_hub = _substitution(frame, russia, hub_codes)
    return RoundaboutEstimate(
        pooled=fit(frame, ["treated"], cluster),
        by_hub=fit(frame, hub_names, cluster),
        event=event,
        quarters=quarters,
        pretrend=event.wald([_event_name(k) for k in quarters if k < -1]),
        substitution=substitution,
        hub_substitution=per_hub,
        first=int(frame["t"].min()),
        last=int(frame["t"].max()),
        monthly=_monthly(frame, russia),
    )


def _monthly(
    frame: pd.DataFrame, russia: pd.DataFrame | None
) -> dict[str, tuple[tuple[int, float], ...]]:
    """The coalition's monthly exports of priority goods to each hub and to Russia (the lines
    of a hub's chart), over the months of the panel."""
    months = sorted(int(t) for t in frame["t"].unique())
    rows = frame[frame["priority"] & frame["hub"]]
    sums = rows.groupby(["destination", "t"])["value"].sum()
    out = {
        str(hub): tuple((t, float(sums.get((hub, t), 0.0))) for t in months)
        for hub in rows["destination"].unique()
    }
    if russia is not None and not russia.empty:
        by_month = dict(zip(russia["t"].astype(int), russia["value"].astype(float), strict=True))
        out[TARGET] = tuple((t, by_month.get(t, 0.0)) for t in months)
    return out


def _substitution(
    frame: pd.DataFrame, russia: pd.DataFrame | None, hub_codes: Sequence[str]
) -> tuple[Substitution, dict[str, Substitution]]:
    """Monthly means over the months in the panel, before and after (February 2022 left out)."""
    months = frame["t"].drop_duplicates()
    n_before = int((months < INVASION).sum())
    n_after = int((months >= AFTER).sum())
    to_hubs = frame[frame["priority"] & frame["hub"]]

    def means(rows: pd.DataFrame) -> tuple[float, float]:
        before = float(rows.loc[rows["t"] < INVASION, "value"].sum()) / n_before
        after = float(rows.loc[rows["t"] >= AFTER, "value"].sum()) / n_after
        return before, after

    if russia is not None and not russia.empty:
        russia = russia[russia["t"].isin(months)]
        ru = means(russia)
    else:
        ru = (0.0, 0.0)
    pooled = Substitution(*means(to_hubs), *ru)
    per_hub = {
        code: Substitution(*means(to_hubs[to_hubs["destination"] == code]), *ru)
        for code in hub_codes
        if (to_hubs["destination"] == code).any()
    }
    return pooled, per_hub


def _panel(
    con: duckdb.DuckDBPyConnection, options: Options
) -> tuple[pd.DataFrame, pd.DataFrame, tuple[str, ...]]:
    """The exporter × destination × product × month panel from the flow table, and the
    coalition's monthly exports of priority goods to Russia."""
    coalition = group("bans_exports_to_russia")
    hub_codes = hubs(options)
    first = min(options.baseline_years) * 12
    last = max(options.after_years) * 12 + 11
    controls = tuple(str(c).upper() for c in options.extra.get("control_destinations") or ())  # type: ignore[attr-defined]
    if controls:
        overlap = sorted(set(controls) & set(hub_codes) | set(controls) & set(SANCTIONED))
        if overlap:
            raise ValueError(f"a control destination cannot be a hub or {TARGET}/BY: {overlap}")
        control_sql = f"destination IN {sql_list(controls)}"
    else:
        # every other partner, except the transit hubs not chosen (their exports rose too)
        excluded = (*group("transit_hubs"), *hub_codes, *SANCTIONED)
        control_sql = f"destination NOT IN {sql_list(excluded)}"
    where = (
        f"month IS NOT NULL AND flow = 'export' AND reporter IN {sql_list(coalition)} "
        "AND NOT reporter_aggregate AND NOT partner_aggregate AND reporter <> partner "
        f"AND year * 12 + month - 1 BETWEEN {first} AND {last}"
    )
    covered = con.execute(
        f"SELECT count(DISTINCT reporter), count(*) FROM flows WHERE {where}"
    ).fetchone()
    if not covered or not covered[1]:
        yearly = con.execute(
            f"SELECT count(*) FROM flows WHERE month IS NULL AND flow = 'export' "
            f"AND reporter IN {sql_list(coalition)} AND year BETWEEN {first // 12} "
            f"AND {last // 12}"
        ).fetchone()
        why = (
            " (the data are yearly: a 2022 figure mixes January–February, before the "
            "invasion, with the months after it)"
            if yearly and yearly[0]
            else ""
        )
        raise ValueError(
            f"roundabout needs the coalition's monthly exports in {month_label(first)} to "
            f"{month_label(last)}; the flow table has none{why}"
        )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE roundabout_src AS
        WITH src AS (
            SELECT reporter AS exporter, partner AS destination, hs_code,
                   year * 12 + month - 1 AS t, {options.value} AS value
            FROM flows
            WHERE {where} AND hs_code <> 'TOTAL' AND {goods_filter(options)}),
        codes AS (SELECT DISTINCT hs_code FROM src),
        finest AS (  -- a code with a finer code under it is its parent: never added to them
            SELECT hs_code, CASE WHEN length(hs_code) >= 6 THEN left(hs_code, 6)
                                 ELSE hs_code END AS product
            FROM codes c WHERE NOT EXISTS (
                SELECT 1 FROM codes d WHERE length(d.hs_code) > length(c.hs_code)
                  AND starts_with(d.hs_code, c.hs_code)))
        SELECT exporter, destination, product, t, sum(value) AS value
        FROM src JOIN finest USING (hs_code) GROUP BY ALL
        """
    )
    coverage = (
        f"SELECT DISTINCT reporter AS exporter, year * 12 + month - 1 AS t FROM flows "
        f"WHERE {where}"
    )  # the months each exporter reports at all: a month it does not is missing, not zero
    size = con.execute(
        f"""
        WITH triples AS (
            SELECT DISTINCT exporter, destination, product FROM roundabout_src
            WHERE value > 0 AND (destination IN {sql_list(hub_codes)} OR {control_sql}))
        SELECT count(*) FROM triples JOIN ({coverage}) USING (exporter)
        """
    ).fetchone()
    if size and size[0] > MAX_ROWS:
        raise ValueError(
            f"the panel would have {size[0]:,} rows (more than {MAX_ROWS:,}); narrow it with "
            "--hs or --control-destination"
        )
    priority = CONTROLLED.format(code="product")
    panel = con.execute(
        f"""
        WITH triples AS (
            SELECT DISTINCT exporter, destination, product FROM roundabout_src
            WHERE value > 0 AND (destination IN {sql_list(hub_codes)} OR {control_sql}))
        SELECT exporter, destination, product, m.t, coalesce(s.value, 0.0) AS value,
               {priority} AS priority, destination IN {sql_list(hub_codes)} AS hub
        FROM triples JOIN ({coverage}) m USING (exporter)
        LEFT JOIN roundabout_src s USING (exporter, destination, product, t)
        """
    ).df()
    russia = con.execute(
        f"""SELECT t, sum(value) AS value FROM roundabout_src
            WHERE destination = '{TARGET}' AND {priority} GROUP BY t"""
    ).df()
    return panel, russia, hub_codes


def roundabout(con: duckdb.DuckDBPyConnection, options: Options) -> list[Finding]:
    return findings(estimate_flows(con, options), options)


def estimate_flows(con: duckdb.DuckDBPyConnection, options: Options) -> RoundaboutEstimate:
    """The estimator on the flow table; ValueError when the data or options cannot support it."""
    panel, russia, hub_codes = _panel(con, options)
    if panel.empty:
        raise ValueError("no coalition exports to the hubs or the control destinations")
    cluster = str(options.extra.get("cluster") or "exporter-product")
    return estimate(panel, hub_codes, cluster, russia)


def findings(result: RoundaboutEstimate, options: Options) -> list[Finding]:
    """The pooled estimate (with the event study as its chart), then one finding per hub."""
    unit = options.unit
    goods = (
        f"priority goods under HS {options.hs_prefix}" if options.hs_prefix else "priority goods"
    )
    treated = result.treated
    sub = result.substitution
    quarters = ", ".join(
        f"{k}: {c.estimate:+.2f} [{c.low:+.2f}, {c.high:+.2f}]"
        for k in result.quarters
        if k < -1 and (c := result.quarter(k)) is not None
    )
    note = (
        f"Triple difference, log(1 + exports): {goods} × hub × after (from March 2022) "
        f"{treated.text()}, ≈ {math.expm1(treated.estimate):+.0%}; {result.pooled.describe()}. "
        f"Pre-trend (quarters before −1, quarter 0 = March–May 2022): {result.pretrend.text()}"
        f"{f' ({quarters})' if quarters else ''}. {sub.text(unit)}."
    )
    points = []
    for k in result.quarters:
        c = result.quarter(k)
        points.append((str(k), (0.0, 0.0, 0.0) if c is None else (c.estimate, c.low, c.high)))
    series = tuple(
        Series(name, tuple((k, values[i]) for k, values in points), "log points")
        for i, name in enumerate(("estimate", "95 % low", "95 % high"))
    )
    hub_list = "+".join(sorted({c.removeprefix("hub_") for c in result.by_hub.coefficients}))
    period = (month_label(result.first), month_label(result.last))
    out = [
        Finding(
            detector="roundabout",
            reporter="coalition",
            partner=hub_list,
            flow="export",
            hs_code=options.hs_prefix or "PRIORITY",
            period_from=period[0],
            period_to=period[1],
            baseline=sub.hubs_before,
            current=sub.hubs_after,
            ratio=sub.ratio,
            score=treated.estimate,
            note=note,
            series=series,
            chart="event",
        )
    ]
    for name, c in sorted(result.by_hub.coefficients.items(), key=lambda i: -i[1].estimate):
        hub = name.removeprefix("hub_")
        hub_sub = result.hub_substitution[hub]
        lines = tuple(
            Series(
                f"coalition → {where}, priority goods",
                tuple((month_label(t), v) for t, v in result.monthly[where]),
                unit,
            )
            for where in (hub, TARGET)
            if where in result.monthly
        )
        out.append(
            Finding(
                detector="roundabout",
                reporter="coalition",
                partner=hub,
                flow="export",
                hs_code=options.hs_prefix or "PRIORITY",
                period_from=period[0],
                period_to=period[1],
                baseline=hub_sub.hubs_before,
                current=hub_sub.hubs_after,
                ratio=hub_sub.ratio,
                score=c.estimate,
                note=(
                    f"Coalition exports of {goods} to {hub} against other destinations and "
                    f"goods, after March 2022: {c.text()}, ≈ {math.expm1(c.estimate):+.0%} "
                    f"(same regression with one coefficient per hub; "
                    f"{result.by_hub.describe()}). {hub_sub.text(unit).replace('the hubs', hub)}."
                ),
                series=lines,
            )
        )
    return out[: max(options.limit, 1)]
