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


def covered(reporter: str, flow: str, years: tuple[int, ...], chapter: str) -> list[Row]:
    """Rows of another product of the chapter, so that the reporter covers these years."""
    return [(reporter, "CN", flow, str(year), f"{chapter}9999", 1e3) for year in years]


def test_surges_rank_jumps_from_near_zero_high(panel: Panel) -> None:
    con = panel(
        yearly("KZ", "RU", "export", "854231", {2021: 245e3, 2022: 18e6})
        + yearly("AM", "RU", "export", "854231", {2021: 2e3, 2022: 13e6})
        + yearly("TR", "RU", "export", "854231", {2019: 10e6, 2020: 10e6, 2021: 10e6, 2022: 20e6})
        + yearly("GE", "RU", "export", "854231", {2021: 10, 2022: 1000})  # tiny: below the minimum
        + covered("KZ", "export", (2019, 2020), "85")
        + covered("AM", "export", (2019, 2020), "85")
        + covered("GE", "export", (2019, 2020), "85")
    )
    found = run("surges", con, baseline_years=(2019, 2020, 2021), after_years=(2022,))
    assert [f.reporter for f in found] == ["AM", "KZ", "TR"]
    am, kz, tr = found
    assert am.baseline == pytest.approx(2e3 / 3) and am.current == 13e6
    assert am.ratio == pytest.approx((13e6 + 50e3) / (2e3 / 3 + 50e3))
    assert kz.ratio == pytest.approx((18e6 + 50e3) / (245e3 / 3 + 50e3))
    assert tr.ratio == pytest.approx((20e6 + 50e3) / (10e6 + 50e3))
    assert "chpl tier 1" in am.note
    assert am.shade == ("2019", "2020", "2021") and am.reference == pytest.approx(2e3 / 3)
    by_change = run("surges", con, after_years=(2022,), extra={"rank": "change"})
    assert [f.reporter for f in by_change] == ["KZ", "AM", "TR"]  # 17.9 m, 13.0 m, 10.0 m


def test_surges_count_a_covered_year_without_the_product_as_zero_and_leave_out_the_rest(
    panel: Panel,
) -> None:
    con = panel(
        yearly("KG", "RU", "export", "848210", {2019: 3e6, 2022: 3e6})
        + covered("KG", "export", (2020, 2021), "84")  # no bearings reported: zero
        + yearly("TJ", "RU", "export", "848210", {2019: 3e6, 2022: 3e6})  # 2020-21 not covered
        + yearly("UZ", "RU", "export", "848210", {2019: 9e6, 2020: 9e6, 2021: 9e6, 2022: 8e6})
    )
    [found] = run("surges", con, after_years=(2022,))
    assert found.reporter == "KG" and found.baseline == pytest.approx(1e6)


def test_a_series_whose_data_start_after_the_baseline_is_not_a_surge(panel: Panel) -> None:
    """A reporter with nothing loaded before 2022 has no baseline, not a baseline of zero."""
    con = panel(yearly("AZ", "RU", "export", "854231", {2022: 9e6, 2023: 12e6}))
    assert run("surges", con, after_years=(2022, 2023)) == []


def test_surges_compare_the_same_months_of_each_year(panel: Panel) -> None:
    """2022 stops in November: January to November of 2022 against the same months before."""
    rows: list[Row] = []
    for year in (2019, 2020, 2021):
        rows += [("KZ", "RU", "export", f"{year}-{m:02d}", "847130", 0.1e6) for m in range(1, 12)]
        rows.append(("KZ", "RU", "export", f"{year}-12", "847130", 20e6))  # a December peak
    rows += [("KZ", "RU", "export", f"2022-{m:02d}", "847130", 2e6) for m in range(1, 12)]
    [found] = run("surges", panel(rows), after_years=(2022,))
    assert (found.current, found.baseline) == (pytest.approx(22e6), pytest.approx(1.1e6))
    assert found.period_to == "2022-11"
    assert "in 2022 (Jan–Nov) against a 2019–2021 mean of USD 1.1 m over the same months" in (
        found.note
    )
    floor = 50e3 * 11 / 12
    assert found.ratio == pytest.approx((22e6 + floor) / (1.1e6 + floor))
    # whole years would have read 22 m against 21.1 m: no surge at all


def test_an_hs_2022_split_is_not_a_surge(panel: Panel) -> None:
    flat = {2019: 10e6, 2020: 10e6, 2021: 10e6}
    con = panel(
        yearly("KZ", "RU", "export", "854140", flat)
        + yearly("KZ", "RU", "export", "854149", {2022: 9.8e6})  # the same goods, HS 2022
    )
    assert run("surges", con, after_years=(2022,)) == []
    con = panel(
        yearly("KZ", "RU", "export", "854140", flat)
        + yearly("KZ", "RU", "export", "854149", {2022: 40e6})
    )
    [found] = run("surges", con, after_years=(2022,), extra={"rank": "ratio"})
    assert found.hs_code == "854140" and found.current == 40e6
    assert "HS 2022 parts 854141, 854142, 854143, 854149 taken together" in found.note
    [asked] = run("surges", con, hs_prefix="854149", after_years=(2022,))
    assert asked.hs_code == "854140" and asked.baseline == pytest.approx(10e6)


def test_no_split_or_renumbering_of_the_bundled_concordance_reads_as_a_surge(
    panel: Panel,
) -> None:
    from diversion.goods.concordance import bundled_concordance

    moved = [r for r in bundled_concordance().rows if r.relation in ("split", "renumbered")]
    assert len(moved) >= 10
    rows: list[Row] = []
    for number, row in enumerate(moved):
        reporter = ("KZ", "KG", "AM", "UZ", "GE", "TR", "AE", "RS", "MN", "TJ", "AZ")[number % 11]
        partner = f"RU{number}"[:2] if number < 11 else "BY"
        rows += yearly(reporter, partner, "export", row.hs2017, {2019: 5e6, 2020: 5e6, 2021: 5e6})
        rows += yearly(reporter, partner, "export", row.hs2022, {2022: 5e6, 2023: 5e6})
    assert run("surges", panel(rows), after_years=(2022, 2023)) == []


def test_harmonised_codes_follow_the_concordance() -> None:
    from diversion.flows.editions import harmonised_code

    assert harmonised_code("854149") == "854140" == harmonised_code("85414900")
    assert harmonised_code("854140") == "854140"
    assert harmonised_code("880330") == "880730" == harmonised_code("880730")
    assert harmonised_code("854231") == "854231" and harmonised_code("TOTAL") == "TOTAL"
    assert harmonised_code("880621") == "880621"  # a partial correlation: not grouped


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
    assert eu.current - eu.baseline == pytest.approx(2.72e9, rel=0.005)  # the known gap
    # The score is the excess over the gap the pair had before the war, from the files:
    [(exports, imports)] = real_hubs.execute(
        """SELECT sum(value_eur) FILTER (WHERE reporter = 'EU' AND partner = 'KZ'),
                  sum(value_eur) FILTER (WHERE reporter = 'KZ' AND partner = 'EU')
           FROM flows WHERE year BETWEEN 2019 AND 2021 AND hs_code = 'TOTAL'"""
    ).fetchall()
    prewar = (exports - imports) / exports
    assert 0.0 < prewar < 0.05  # small: EU27 17.3 bn against KZ's 16.8 bn in three years
    assert eu.score == pytest.approx(2.72e9 - prewar * 10.35e9, rel=0.01)
    assert f"the gap was {prewar:.0%} of exports" in eu.note
    assert "KZ records imports by country of origin" in eu.note
    assert found[0] is eu  # the largest excess
    assert [f.period_to for f in found] == ["2022"] * len(found)


def test_mirror_on_real_files_leaves_out_a_year_that_looks_partial(
    real_hubs: duckdb.DuckDBPyConnection,
) -> None:
    """Armenia's national file for 2023 holds January only under the year's label: its
    imports (EUR 0.68 bn against 4.0 to 8.4 bn a year before) are not a 93 % ghost gap."""
    [(share, partial)] = real_hubs.execute(
        "SELECT share, looks_partial FROM coverage WHERE reporter = 'AM' AND flow = 'import' "
        "AND scope = 'TOTAL' AND year = 2023"
    ).fetchall()
    assert share < 0.25 and partial
    found = run("mirror", real_hubs, currency="eur", hubs=("AM",), after_years=(2022, 2023))
    assert found and {f.period_to for f in found} == {"2022"}


def test_mirror_on_real_files_reports_only_years_after_the_baseline(
    real_hubs: duckdb.DuckDBPyConnection,
) -> None:
    found = run("mirror", real_hubs, currency="eur", limit=500)
    assert found and all(f.period_to[:4] in ("2022", "2023") for f in found)


def test_mirror_on_real_files_finds_the_kyrgyz_gap(real_hubs: duckdb.DuckDBPyConnection) -> None:
    found = run("mirror", real_hubs, currency="eur", hubs=("KG",), extra={"years": (2022,)})
    eu = next(f for f in found if f.reporter == "EU")
    assert eu.current == pytest.approx(1.171e9, rel=0.002)
    assert eu.baseline == pytest.approx(0.502e9, rel=0.002)
    assert eu.ratio == pytest.approx(2.33, abs=0.01)


def test_mirror_finds_pure_ghost_trade_in_months_the_hub_covers(panel: Panel) -> None:
    rows: list[Row] = []
    for month in range(1, 13):
        rows.append(("DE", "KZ", "export", f"2022-{month:02d}", "TOTAL", 1e6))  # USD 12 m
        rows.append(("KZ", "FR", "import", f"2022-{month:02d}", "TOTAL", 5e6))  # KZ reports
        rows.append(("DE", "KG", "export", f"2022-{month:02d}", "TOTAL", 1e6))  # KG does not
    found = run("mirror", panel(rows), hubs=("KZ", "KG"), after_years=(2022,))
    de = next(f for f in found if f.reporter == "DE")
    assert (de.partner, de.current, de.baseline, de.ratio) == ("KZ", 12e6, 0.0, None)
    assert "KZ recorded no imports from DE in those months: pure ghost trade" in de.note
    assert "No pre-war year" in de.note
    assert all(f.partner == "KZ" for f in found)  # KG reported nothing at all: missing


def test_mirror_subtracts_the_pairs_own_pre_war_gap(panel: Panel) -> None:
    rows: list[Row] = []
    for year in (2019, 2020, 2021, 2022):
        rows += [
            ("DE", "KZ", "export", str(year), "TOTAL", 100e6),
            ("KZ", "DE", "import", str(year), "TOTAL", 70e6),  # always 30 % short
            ("FR", "KZ", "export", str(year), "TOTAL", 100e6),
            ("KZ", "FR", "import", str(year), "TOTAL", 90e6 if year < 2022 else 60e6),
        ]
    found = run("mirror", panel(rows), hubs=("KZ",), after_years=(2022,))
    by = {f.reporter: f for f in found}
    assert "DE" not in by  # a 30 % gap every year is the pair's normal, not ghost trade
    assert by["FR"].score == pytest.approx(40e6 - 0.10 * 100e6)
    assert "Before the war (2019, 2020, 2021) the gap was 10% of exports" in by["FR"].note
    assert by["FR"].shade == ("2019", "2020", "2021")
    assert all(f.period_to == "2022" for f in found)  # no pre-war year is a finding


def test_mirror_compares_only_the_months_both_sides_cover(panel: Panel) -> None:
    rows: list[Row] = [
        ("DE", "KZ", "export", f"2023-{month:02d}", "TOTAL", 10e6) for month in range(1, 13)
    ]
    rows.append(("KZ", "DE", "import", "2023-01", "TOTAL", 10.2e6))  # the hub: January only
    rows.append(("KZ", "FR", "import", "2023-02", "TOTAL", 1e6))  # and February, from FR
    found = run("mirror", panel(rows), hubs=("KZ",), after_years=(2023,))
    [de] = [f for f in found if f.reporter == "DE"]
    # January matches; in February KZ reported imports but none from DE: a gap of one month
    assert (de.current, de.baseline) == (20e6, 10.2e6)
    assert (de.period_from, de.period_to) == ("2023-01", "2023-02")
    assert "Compared over Jan–Feb, the months both sides cover" in de.note


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
