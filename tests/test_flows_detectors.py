"""Each detector on a small hand-made panel whose right answer is known, and mirror on the real
Eurostat and national files (the EU-Kazakhstan and EU-Kyrgyzstan gaps of 2022)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pytest

from diversion.flows.areas import area_table
from diversion.flows.detectors import DETECTORS, Options
from diversion.flows.detectors.common import register_goods
from diversion.flows.loaders import load_files
from diversion.flows.periods import parse_period
from diversion.flows.store import FlowStore, connect
from diversion.flows.table import SCHEMA
from diversion.goods.bundled import load_control_lists
from tests.conftest import SHARED

Row = tuple[str, str, str, str, str, float] | tuple[str, str, str, str, str, float, float]
Panel = Callable[[list[Row]], duckdb.DuckDBPyConnection]


@pytest.fixture
def panel(tmp_path: Path) -> Panel:
    """A connection over rows of (reporter, partner, flow, period, hs, USD[, kg])."""

    def make(rows: list[Row]) -> duckdb.DuckDBPyConnection:
        records: list[dict[str, Any]] = []
        for number, (reporter, partner, flow, period, code, usd, *kg) in enumerate(rows):
            when = parse_period(period)
            records.append(
                {
                    "reporter": reporter,
                    "partner": partner,
                    "reporter_aggregate": area_table().is_aggregate(reporter),
                    "partner_aggregate": area_table().is_aggregate(partner),
                    "flow": flow,
                    "period": when.label,
                    "year": when.year,
                    "month": when.month,
                    "hs_code": code,
                    "hs_reported": code,
                    "hs_version": "HS2022",
                    "value_usd": usd,
                    "value_eur": usd,
                    "converted": None,
                    "net_weight_kg": kg[0] if kg else None,
                    "quantity": None,
                    "quantity_unit": None,
                    "source": "test",
                    "source_file": "panel",
                    "source_line": number,
                }
            )
        path = tmp_path / f"panel{len(list(tmp_path.iterdir()))}.parquet"
        import pyarrow.parquet as pq

        pq.write_table(pa.Table.from_pylist(records, schema=SCHEMA), path)
        con = connect([path])
        register_goods(con, load_control_lists())
        return con

    return make


def run(name: str, con: duckdb.DuckDBPyConnection, **options: Any) -> list[Any]:
    extra = options.pop("extra", {})
    return DETECTORS[name](con, Options(extra=extra, **options))


def yearly(
    reporter: str, partner: str, flow: str, code: str, values: dict[int, float]
) -> list[Row]:
    return [(reporter, partner, flow, str(year), code, value) for year, value in values.items()]


# -- surges ------------------------------------------------------------------------------------


def test_surges_rank_jumps_from_near_zero_high(panel: Panel) -> None:
    con = panel(
        yearly("KZ", "RU", "export", "854231", {2021: 245e3, 2022: 18e6})
        + yearly("AM", "RU", "export", "854231", {2021: 2e3, 2022: 13e6})
        + yearly("TR", "RU", "export", "854231", {2019: 10e6, 2020: 10e6, 2021: 10e6, 2022: 20e6})
        + yearly("GE", "RU", "export", "854231", {2021: 10, 2022: 1000})  # tiny: below the minimum
    )
    found = run("surges", con, baseline_years=(2019, 2020, 2021), after_years=(2022,))
    assert [f.reporter for f in found] == ["AM", "KZ", "TR"]
    am, kz, tr = found
    assert am.baseline == pytest.approx(2e3 / 3) and am.current == 13e6
    assert am.ratio == pytest.approx((13e6 + 50e3) / (2e3 / 3 + 50e3))
    assert kz.ratio == pytest.approx((18e6 + 50e3) / (245e3 / 3 + 50e3))
    assert tr.ratio == pytest.approx((20e6 + 50e3) / (10e6 + 50e3))
    assert "chpl tier 1" in am.note
    by_change = run("surges", con, after_years=(2022,), extra={"rank": "change"})
    assert [f.reporter for f in by_change] == ["KZ", "AM", "TR"]  # 17.9 m, 13.0 m, 10.0 m


def test_surges_count_a_missing_baseline_year_as_zero_and_need_growth(panel: Panel) -> None:
    con = panel(
        yearly("KG", "RU", "export", "848210", {2019: 3e6, 2022: 3e6})
        + yearly("UZ", "RU", "export", "848210", {2019: 9e6, 2020: 9e6, 2021: 9e6, 2022: 8e6})
    )
    [found] = run("surges", con, after_years=(2022,))
    assert found.reporter == "KG" and found.baseline == pytest.approx(1e6)


# -- mirror ------------------------------------------------------------------------------------


def test_mirror_finds_gaps_beyond_the_cif_fob_and_timing_margins(panel: Panel) -> None:
    con = panel(
        [
            ("DE", "KZ", "export", "2022", "TOTAL", 100e6),
            ("KZ", "DE", "import", "2022", "TOTAL", 60e6),  # 40 m never arrived
            ("FR", "KZ", "export", "2022", "TOTAL", 100e6),
            ("KZ", "FR", "import", "2022", "TOTAL", 104e6),  # CIF over FOB: as expected
            ("IT", "KZ", "export", "2022", "TOTAL", 100e6),
            ("KZ", "IT", "import", "2022", "TOTAL", 98e6),  # within the timing margin
        ]
    )
    found = run("mirror", con, hubs=("KZ",))
    by_exporter = {f.reporter: f for f in found}
    assert set(by_exporter) == {"DE", "EU"}
    de = by_exporter["DE"]
    assert (de.current, de.baseline, de.score) == (100e6, 60e6, 40e6)
    eu = by_exporter["EU"]  # no EU total published: the sum of the members it has
    assert (eu.current, eu.baseline) == (300e6, 262e6)
    assert "sum of 3 members / sum of 3 members" in eu.note


def test_mirror_uses_a_published_group_total_and_whole_years_only(panel: Panel) -> None:
    months = [("DE", "KG", "export", f"2023-{m:02d}", "TOTAL", 10e6) for m in range(1, 12)]
    con = panel(
        [
            ("EU", "KG", "export", "2022", "TOTAL", 1171e6),
            ("DE", "KG", "export", "2022", "TOTAL", 500e6),
            ("KG", "EU", "import", "2022", "TOTAL", 502e6),
            ("KG", "DE", "import", "2022", "TOTAL", 480e6),
            *months,  # eleven months of 2023 against a whole year: not compared
            ("KG", "DE", "import", "2023", "TOTAL", 1e6),
        ]
    )
    found = run("mirror", con, hubs=("KG",))
    assert [(f.reporter, f.period_to) for f in found] == [("EU", "2022")]
    assert found[0].score == pytest.approx(669e6)
    assert "published total / published total" in found[0].note


@pytest.fixture(scope="module")
def real_hubs(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    hubs = SHARED / "trade" / "eurostat-hubs"
    files = sorted(hubs.glob("*_eurostat/Relational_View*.csv"))
    files += sorted((hubs / "national_data_converted").iterdir())
    result = load_files(files)
    assert result.errors == []
    store = FlowStore(tmp_path_factory.mktemp("flows"))
    store.add(result.table, "auto", {}, {})
    return store.connect()


def test_mirror_on_real_files_finds_the_eu_kazakhstan_gap_of_2022(
    real_hubs: duckdb.DuckDBPyConnection,
) -> None:
    found = run("mirror", real_hubs, currency="eur", hubs=("KZ",), extra={"years": (2022,)})
    eu = next(f for f in found if f.reporter == "EU")
    assert eu.current == pytest.approx(10.35e9, rel=0.002)  # EU27 exports to Kazakhstan
    assert eu.baseline == pytest.approx(7.63e9, rel=0.002)  # Kazakhstan's imports from the EU
    assert eu.score == pytest.approx(2.72e9, rel=0.005)
    assert found[0] is eu  # the largest gap


def test_mirror_on_real_files_finds_the_kyrgyz_gap(real_hubs: duckdb.DuckDBPyConnection) -> None:
    found = run("mirror", real_hubs, currency="eur", hubs=("KG",), extra={"years": (2022,)})
    eu = next(f for f in found if f.reporter == "EU")
    assert eu.current == pytest.approx(1.171e9, rel=0.002)
    assert eu.baseline == pytest.approx(0.502e9, rel=0.002)
    assert eu.ratio == pytest.approx(2.33, abs=0.01)


# -- unit values -------------------------------------------------------------------------------


def test_unit_values_flag_goods_leaving_a_hub_far_dearer(panel: Panel) -> None:
    con = panel(
        [
            ("DE", "KZ", "export", "2022", "854232", 2e6, 1000),  # USD 2,000 a kilogram in
            ("KZ", "RU", "export", "2022", "854232", 3e6, 500),  # USD 6,000 a kilogram out
            ("DE", "KZ", "export", "2022", "848210", 2e6, 1000),
            ("KZ", "RU", "export", "2022", "848210", 2.4e6, 1000),  # a 20 % mark-up: normal
            ("KZ", "RU", "export", "2020", "854232", 1e6, 500),
        ]
    )
    [found] = run("unit-values", con, hubs=("KZ",))
    assert found.hs_code == "854232"
    assert (found.baseline, found.current, found.ratio) == (2000, 6000, 3)
    assert "before the war it left at USD 2 thousand/kg" in found.note


def test_yearly_view_never_adds_an_annual_figure_to_its_months(panel: Panel) -> None:
    rows: list[Row] = [("DE", "KZ", "export", f"2022-{m:02d}", "TOTAL", 1e6) for m in range(1, 13)]
    rows.append(("DE", "KZ", "export", "2022", "TOTAL", 12.5e6))  # the published year
    rows += [("DE", "KZ", "export", f"2023-{m:02d}", "TOTAL", 1e6) for m in range(1, 7)]
    con = panel(rows)
    got = con.execute("SELECT year, value_usd, months FROM yearly ORDER BY year").fetchall()
    assert got == [(2022, 12.5e6, 12), (2023, 6e6, 6)]
