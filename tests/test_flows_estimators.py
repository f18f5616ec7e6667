"""The roundabout and impact estimators, tested by simulation: a known effect is planted in a
generated panel, and the estimate must recover it and its 95 % interval cover it in about 95 %
of replications (a band that fails only if the estimator or its standard errors are wrong).
Then the same estimators through the flow table: what they read, and what they refuse."""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from diversion.flows.areas import area_table
from diversion.flows.detectors import DETECTORS, Options
from diversion.flows.detectors.common import register_goods
from diversion.flows.store import connect
from diversion.flows.table import SCHEMA
from diversion.goods.bundled import load_control_lists

# the modules (the package's names are the detector functions)
roundabout_module = import_module("diversion.flows.detectors.roundabout")
impact_module = import_module("diversion.flows.detectors.impact")
AFTER = roundabout_module.AFTER  # March 2022 as a month serial
REPLICATIONS = 100

# -- simulated panels --------------------------------------------------------------------------


def roundabout_panel(
    rng: np.random.Generator,
    beta: float = 0.5,
    exporters: int = 4,
    destinations: int = 4,  # the first half are hubs
    products: int = 10,  # the first half are priority goods
    first: int = 2021 * 12,
    last: int = 2022 * 12 + 11,
    anticipation: float = 0.0,  # a pre-trend: treated cells rise by this much a quarter before
) -> pd.DataFrame:
    """log exports = pair-product level + exporter-product-month shock + destination-month
    shock + beta for priority goods to hubs from March 2022 + AR(1) noise."""
    months = np.arange(first, last + 1)
    grid = pd.MultiIndex.from_product(
        [range(exporters), range(destinations), range(products), range(len(months))],
        names=["i", "d", "p", "m"],
    ).to_frame(index=False)
    i, d, p, m = (grid[c].to_numpy() for c in "idpm")
    t = months[m]
    level = rng.normal(10.0, 1.0, (exporters, destinations, products))
    supply = rng.normal(0.0, 0.3, (exporters, products, len(months)))
    demand = rng.normal(0.0, 0.3, (destinations, len(months)))
    noise = np.empty((exporters, destinations, products, len(months)))
    state = np.zeros((exporters, destinations, products))
    for j in range(len(months)):
        state = 0.3 * state + rng.normal(0.0, 0.4, state.shape)
        noise[..., j] = state
    hub = d < destinations // 2
    priority = p < products // 2
    quarter = (t - AFTER) // 3
    y = level[i, d, p] + supply[i, p, m] + demand[d, m] + noise[i, d, p, m]
    y += beta * (hub & priority & (t >= AFTER))
    y += anticipation * np.minimum(quarter + 1, 0) * (hub & priority)
    return pd.DataFrame(
        {
            "exporter": [f"E{x}" for x in i],
            "destination": np.where(hub, [f"H{x}" for x in d], [f"C{x}" for x in d]),
            "product": [f"P{x}" for x in p],
            "t": t,
            "value": np.expm1(y),
            "priority": priority,
            "hub": hub,
        }
    )


def impact_panel(
    rng: np.random.Generator, beta: float = -0.7, treated: int = 12, controls: int = 12,
    window: int = 6,
) -> pd.DataFrame:  # fmt: skip
    """log exports = series level + month shock (seasonality, common news) + beta for the
    treated series from month 0 + AR(1) noise."""
    months = np.arange(-window, window)
    shock = rng.normal(0.0, 0.3, len(months))
    rows = []
    for s in range(treated + controls):
        is_treated = s < treated
        level, state = rng.normal(12.0, 1.0), 0.0
        for j, k in enumerate(months):
            state = 0.3 * state + rng.normal(0.0, 0.3)
            y = level + shock[j] + state + (beta if is_treated and k >= 0 else 0.0)
            rows.append((f"S{s}", is_treated, int(k), float(np.expm1(y))))
    return pd.DataFrame(rows, columns=["series", "treated", "t", "value"])


# -- the estimators recover a planted effect ----------------------------------------------------


def test_roundabout_recovers_the_planted_effect_and_its_interval_covers_it() -> None:
    rng = np.random.default_rng(20220224)
    estimates, covered = [], 0
    for _ in range(REPLICATIONS):
        frame = roundabout_module.prepare(roundabout_panel(rng), ["H0", "H1"])
        c = roundabout_module.fit(frame, ["treated"])["treated"]
        estimates.append(c.estimate)
        covered += c.covers(0.5)
    assert np.mean(estimates) == pytest.approx(0.5, abs=0.03)
    assert 0.88 <= covered / REPLICATIONS <= 0.99  # measured: 0.96


def test_impact_recovers_the_planted_effect_and_its_interval_covers_it() -> None:
    rng = np.random.default_rng(20231001)
    estimates, covered = [], 0
    for _ in range(REPLICATIONS):
        frame = impact_module.prepare(impact_panel(rng), 6)
        c = impact_module.fit(frame, ["treated_after"])["treated_after"]
        estimates.append(c.estimate)
        covered += c.covers(-0.7)
    assert np.mean(estimates) == pytest.approx(-0.7, abs=0.04)
    assert 0.88 <= covered / REPLICATIONS <= 0.99  # measured: 0.95


def test_roundabout_event_study_finds_the_effect_after_and_none_before() -> None:
    rng = np.random.default_rng(1)
    result = roundabout_module.estimate(
        roundabout_panel(rng, first=2020 * 12, last=2023 * 12 + 11), ["H0", "H1"]
    )
    assert result.treated.covers(0.5)
    assert result.quarters[0] < -1 and -1 in result.quarters and result.quarter(-1) is None
    after = [c for k in result.quarters if k >= 0 and (c := result.quarter(k)) is not None]
    assert len(after) == 8  # March 2022 to February 2024
    assert np.mean([c.estimate for c in after]) == pytest.approx(0.5, abs=0.2)
    assert sum(c.covers(0.5) for c in after) >= 6
    assert result.pretrend.df == len([k for k in result.quarters if k < -1])
    assert result.pretrend.p_value > 0.01
    assert set(result.by_hub.coefficients) == {"hub_H0", "hub_H1"}
    assert all(c.covers(0.5) for c in result.by_hub.coefficients.values())


def test_roundabout_pretrend_test_rejects_a_planted_anticipation() -> None:
    rng = np.random.default_rng(2)
    panel = roundabout_panel(rng, first=2020 * 12, last=2023 * 12 + 11, anticipation=0.15)
    result = roundabout_module.estimate(panel, ["H0", "H1"])
    assert result.pretrend.p_value < 0.001
    assert result.quarter(-5).estimate == pytest.approx(-0.6, abs=0.2)


def test_impact_event_study_puts_the_policy_at_month_zero() -> None:
    result = impact_module.estimate(impact_panel(np.random.default_rng(3)), 6)
    assert result.months == tuple(range(-6, 6)) and result.month(-1) is None
    assert result.month(0).estimate == pytest.approx(-0.7, abs=0.3)
    assert result.month(-3).estimate == pytest.approx(0.0, abs=0.3)
    assert (result.treated_series, result.control_series) == (12, 12)
    assert result.pooled.clusters == 24 and result.pooled.nobs == 24 * 12


def test_roundabout_refuses_a_panel_without_comparison_goods_or_destinations() -> None:
    panel = roundabout_panel(np.random.default_rng(4))
    with pytest.raises(ValueError, match="no comparison goods"):
        roundabout_module.prepare(panel[panel["priority"]], ["H0", "H1"])
    with pytest.raises(ValueError, match="no control destination"):
        roundabout_module.prepare(panel[panel["hub"]], ["H0", "H1"])
    with pytest.raises(ValueError, match="before February 2022 and after"):
        roundabout_module.prepare(panel[panel["t"] >= AFTER], ["H0", "H1"])


# -- through the flow table ---------------------------------------------------------------------


Flow = tuple[str, str, str, int, int | None, str, float]


def _write(tmp_path: Path, rows: list[Flow]) -> duckdb.DuckDBPyConnection:
    """A connection over (reporter, partner, flow, year, month, hs, USD) rows."""
    records = []
    for number, (reporter, partner, flow, year, month, code, usd) in enumerate(rows):
        records.append(
            {
                "reporter": reporter, "partner": partner,
                "reporter_aggregate": area_table().is_aggregate(reporter),
                "partner_aggregate": area_table().is_aggregate(partner),
                "flow": flow, "period": f"{year}-{month:02d}" if month else str(year),
                "year": year, "month": month, "hs_code": code, "hs_reported": code,
                "hs_version": "HS2022", "value_usd": usd, "value_eur": usd, "converted": None,
                "net_weight_kg": None, "quantity": None, "quantity_unit": None,
                "source": "test", "source_file": "panel", "source_line": number,
            }
        )  # fmt: skip
    path = tmp_path / f"flows{len(list(tmp_path.iterdir()))}.parquet"
    pq.write_table(pa.Table.from_pylist(records, schema=SCHEMA), path)
    con = connect([path])
    register_goods(con, load_control_lists())
    return con


# Real codes: 854231 and 848210 are on the high-priority list, 090111 and 640399 on none.
PRIORITY, OTHER = ("854231", "848210"), ("090111", "640399")


def _monthly_rows(
    rng: np.random.Generator, beta: float, first: int = 2021 * 12, last: int = 2022 * 12 + 11
) -> list[tuple[str, str, str, int, int | None, str, float]]:
    rows: list[tuple[str, str, str, int, int | None, str, float]] = []
    for serial in range(first, last + 1):
        year, month = divmod(serial, 12)
        for exporter in ("DE", "FR", "IT"):
            for partner in ("KZ", "AM", "IN", "BR", "RU"):
                for code in (*PRIORITY, *OTHER):
                    effect = beta if partner in ("KZ", "AM") and code in PRIORITY else 0.0
                    if partner == "RU" and code in PRIORITY:
                        effect = -2.0  # the direct trade falls
                    after = serial >= AFTER
                    value = 1e6 * np.exp(effect * after + rng.normal(0.0, 0.1))
                    if serial == roundabout_module.INVASION and effect:
                        value *= 50.0  # February 2022 is left out: this spike must not count
                    rows.append((exporter, partner, "export", year, month + 1, code, value))
    return rows


@pytest.fixture(scope="module")
def flows_con(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    rng = np.random.default_rng(5)
    return _write(tmp_path_factory.mktemp("estimators"), _monthly_rows(rng, beta=1.0))


def test_roundabout_on_the_flow_table_recovers_the_rise_and_the_substitution(
    flows_con: duckdb.DuckDBPyConnection,
) -> None:
    options = Options(hubs=("KZ", "AM"))
    result = roundabout_module.estimate_flows(flows_con, options)
    assert result.treated.covers(1.0) and result.treated.estimate == pytest.approx(1.0, abs=0.1)
    # 3 exporters × 4 destinations × 4 products × 23 months (February 2022 left out)
    assert result.pooled.nobs == 3 * 4 * 4 * 23
    assert result.pooled.clusters == 3 * 4 and result.pooled.cluster_by == "exporter×product"
    sub = result.substitution
    # priority goods to the two hubs rise by e − 1 of 12 m a month; to Russia fall by 1 − e^-2
    assert sub.hubs_before == pytest.approx(12e6, rel=0.05)
    assert sub.hubs_after == pytest.approx(12e6 * np.e, rel=0.05)
    assert sub.russia_before == pytest.approx(6e6, rel=0.05)
    expected = (12e6 * (np.e - 1)) / (6e6 * (1 - np.exp(-2.0)))
    assert sub.ratio == pytest.approx(expected, rel=0.1)
    [pooled, *per_hub] = DETECTORS["roundabout"](flows_con, options)
    assert (pooled.reporter, pooled.partner, pooled.chart) == ("coalition", "AM+KZ", "event")
    assert pooled.score == pytest.approx(result.treated.estimate)
    assert "Pre-trend" in pooled.note and "clusters (exporter×product)" in pooled.note
    labels = [period for period, _ in pooled.series[0].points]
    assert "0" in labels and "-1" in labels  # quarter 0 = March–May 2022: the policy line
    assert dict(pooled.series[0].points)["-1"] == 0.0
    assert {f.partner for f in per_hub} == {"KZ", "AM"}
    product = roundabout_module.estimate_flows(
        flows_con, Options(hubs=("KZ", "AM"), extra={"cluster": "product"})
    )
    assert product.pooled.clusters == 4


def test_roundabout_refuses_filters_that_remove_its_comparison(
    flows_con: duckdb.DuckDBPyConnection,
) -> None:
    with pytest.raises(ValueError, match="drop --controlled-only"):
        DETECTORS["roundabout"](flows_con, Options(hubs=("KZ", "AM"), controlled_only=True))
    with pytest.raises(ValueError, match="no comparison goods"):
        DETECTORS["roundabout"](flows_con, Options(hubs=("KZ", "AM"), hs_prefix="8542"))
    with pytest.raises(ValueError, match="cannot be a hub or RU"):
        DETECTORS["roundabout"](
            flows_con, Options(hubs=("KZ", "AM"), extra={"control_destinations": ("RU",)})
        )
    with pytest.raises(ValueError, match="no control destination"):
        DETECTORS["roundabout"](
            flows_con, Options(hubs=("KZ", "AM"), extra={"control_destinations": ("GB",)})
        )
    # only hubs as destinations once IN and BR are not named as controls
    only = roundabout_module.estimate_flows(
        flows_con, Options(hubs=("KZ",), extra={"control_destinations": ("IN",)})
    )
    assert only.pooled.nobs == 3 * 2 * 4 * 23


def test_roundabout_refuses_yearly_data(tmp_path: Path) -> None:
    rows: list[Flow] = [
        ("DE", partner, "export", year, None, code, 1e6)
        for year in (2020, 2021, 2022)
        for partner in ("KZ", "IN")
        for code in (*PRIORITY, *OTHER)
    ]
    with pytest.raises(ValueError, match="the data are yearly"):
        DETECTORS["roundabout"](_write(tmp_path, rows), Options(hubs=("KZ",)))


def _impact_rows(
    rng: np.random.Generator, first: int, last: int
) -> list[tuple[str, str, str, int, int | None, str, float]]:
    rows: list[tuple[str, str, str, int, int | None, str, float]] = []
    policy = 2023 * 12 + 9
    for serial in range(first, last + 1):
        year, month = divmod(serial, 12)
        season = 0.3 * np.sin(serial * np.pi / 6)  # the same season for every series
        for partner in ("RU", "CN"):
            for code in (*PRIORITY, *OTHER):
                hit = partner == "RU" and code in PRIORITY and serial >= policy
                value = 1e6 * np.exp(season - 1.2 * hit + rng.normal(0.0, 0.05))
                rows.append(("KZ", partner, "export", year, month + 1, code, value))
    return rows


def test_impact_on_the_flow_table_against_other_goods_or_destinations(tmp_path: Path) -> None:
    con = _write(tmp_path, _impact_rows(np.random.default_rng(6), 2023 * 12, 2024 * 12 + 5))
    base = {"date": "2023-10", "window": 6}
    [found] = DETECTORS["impact"](con, Options(hubs=("KZ",), controlled_only=True, extra=base))
    assert found.period_from == "2023-04" and found.period_to == "2024-03"
    assert "other goods KZ exports to RU" in found.note and "2 treated, 2 control" in found.note
    assert found.ratio == pytest.approx(np.exp(-1.2), rel=0.1)
    assert [p for p, _ in found.series[0].points][6] == "0"
    assert dict(found.series[0].points)["-1"] == 0.0
    low, high = (dict(s.points)["0"] for s in found.series[1:])
    assert low is not None and high is not None and low < -1.2 < high
    by_destination = {**base, "control": "destinations"}
    [other] = DETECTORS["impact"](
        con, Options(hubs=("KZ",), controlled_only=True, extra=by_destination)
    )
    assert "the same goods KZ exports elsewhere" in other.note
    assert other.ratio == pytest.approx(np.exp(-1.2), rel=0.1)
    with pytest.raises(ValueError, match="no goods are chosen"):
        DETECTORS["impact"](con, Options(hubs=("KZ",), extra={**base, "control": "products"}))
    with pytest.raises(ValueError, match="YYYY-MM"):
        DETECTORS["impact"](con, Options(extra={"date": "October"}))


def test_impact_refuses_a_window_the_data_do_not_cover(tmp_path: Path) -> None:
    # the data end in December 2023: a 6-month window from October 2023 runs to March 2024
    con = _write(tmp_path, _impact_rows(np.random.default_rng(7), 2023 * 12, 2023 * 12 + 11))
    options = Options(hubs=("KZ",), controlled_only=True, extra={"date": "2023-10"})
    with pytest.raises(ValueError, match=r"do not cover the window 2023-04 to 2024-03.*2024-01"):
        DETECTORS["impact"](con, options)
    short = Options(hubs=("KZ",), controlled_only=True, extra={"date": "2023-10", "window": 3})
    assert len(DETECTORS["impact"](con, short)) == 1


def test_impact_refuses_without_a_control_group(tmp_path: Path) -> None:
    rows = [r for r in _impact_rows(np.random.default_rng(8), 2023 * 12, 2024 * 12 + 5)]
    only_russia = [r for r in rows if r[1] == "RU"]
    con = _write(tmp_path, only_russia)
    options = Options(
        hubs=("KZ",), controlled_only=True, extra={"date": "2023-10", "control": "destinations"}
    )
    with pytest.raises(ValueError, match="no control group"):
        DETECTORS["impact"](con, options)
