"""The layouts analysts download, on real files nobody in the project wrote, and the rules for
breakdowns and aggregate levels; every value read ends in exactly one count."""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from diversion.cli.app import app
from diversion.cli.common import err_console, out_console
from diversion.flows.loaders import (
    BREAKDOWN_OTHER,
    BREAKDOWN_SUMMED,
    BREAKDOWN_TOTAL,
    COARSER,
    FINER,
    KEPT,
    NO_FIGURE,
    VALUES_READ,
    LoadResult,
    load_files,
)
from diversion.flows.store import FlowStore
from tests.conftest import SHARED

# UN Comtrade API output written by comtradeapicall's getFinalData (tests/data/README.md):
# China's imports of HS 8542 from the USA, 2010-2024, with 2017 broken down by second partner
API = SHARED / "trade" / "comtrade-api" / "semiconductor_trade.csv"
EUROSTAT = SHARED / "trade" / "eurostat-cn8"
runner = CliRunner()


def balanced(result: LoadResult) -> LoadResult:
    read, ended = result.balance()
    assert read == ended, result.counts
    return result


def by_period(result: LoadResult) -> dict[str, dict[str, Any]]:
    return {row["period"]: row for row in result.table.to_pylist()}


def test_comtrade_api_output_uses_total_rows_and_leaves_breakdowns_out() -> None:
    result = balanced(load_files([API]))
    assert result.errors == []
    assert result.files == {str(API): "comtrade-api"}
    assert (result.counts[VALUES_READ], result.counts[BREAKDOWN_TOTAL], result.rows) == (19, 6, 13)
    rows = by_period(result)
    assert sorted(rows) == [str(year) for year in range(2010, 2025)
                            if year not in (2015, 2016)]  # fmt: skip
    # 2017: the partner2 = 0 row, not it plus its six breakdown rows (USD 19.0 bn)
    assert rows["2017"]["value_usd"] == 10_211_618_367
    assert (rows["2017"]["reporter"], rows["2017"]["partner"], rows["2017"]["flow"]) == (
        "CN",
        "US",
        "import",
    )
    assert [rows[y]["hs_version"] for y in ("2010", "2012", "2017", "2022")] == [
        "HS2007", "HS2012", "HS2017", "HS2022"
    ]  # fmt: skip


def test_breakdown_rows_without_their_total_are_summed(tmp_path: Path) -> None:
    lines = API.read_text(encoding="utf-8").splitlines()
    without_total = [lines[0]] + [
        line for line in lines[1:] if line.startswith("C,A,20170101") and ",,,0,,,H5" not in line
    ]
    assert len(without_total) == 7  # the header and six breakdown rows
    path = tmp_path / "no-total.csv"
    path.write_text("\n".join(without_total) + "\n", encoding="utf-8")
    result = balanced(load_files([path]))
    assert (result.counts[BREAKDOWN_SUMMED], result.counts[BREAKDOWN_TOTAL], result.rows) == (
        6,
        0,
        1,
    )
    [row] = result.table.to_pylist()
    parts = (529_479, 9_489_649, 332_015_200, 857_739_921, 3_331_102_692, 4_724_727_060)
    assert row["value_usd"] == sum(parts)


def test_a_gzipped_tab_separated_bulk_file_reads_as_the_plain_one(tmp_path: Path) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n")
    writer.writerows(csv.reader(API.open(encoding="utf-8")))
    packed = tmp_path / "COMTRADE-FINAL-CA156-2010-2024.txt.gz"
    packed.write_bytes(gzip.compress(buffer.getvalue().encode("utf-8")))
    plain, zipped = load_files([API]), balanced(load_files([packed]))
    assert zipped.errors == []
    assert zipped.files == {str(packed): "comtrade-api"}
    values = {p: r["value_usd"] for p, r in by_period(zipped).items()}
    assert values == {p: r["value_usd"] for p, r in by_period(plain).items()}


def test_eurostat_data_browser_workbook() -> None:
    path = EUROSTAT / "eu_total_trade_4630244_spreadsheet.xlsx"
    result = balanced(load_files([path]))
    assert result.errors == []
    assert result.files == {str(path): "eurostat-databrowser"}
    # 4 product sheets x 189 reporter-partner rows x 36 months; `:` is no figure
    assert (result.counts[VALUES_READ], result.counts[NO_FIGURE], result.rows) == (
        27_216,
        9_248,
        17_968,
    )
    rows = {
        (r["reporter"], r["partner"], r["flow"], r["hs_code"], r["period"]): r
        for r in result.table.to_pylist()
    }
    slovakia = rows[("SK", "RU", "export", "TOTAL", "2020-01")]  # Sheet 4, row 199
    assert (slovakia["value_eur"], slovakia["source_line"]) == (117_245_029, 199)
    assert slovakia["source_file"] == f"{path} [Sheet 4]"
    assert rows[("AT", "KZ", "import", "27", "2020-01")]["value_eur"] == 164_882_917
    assert not any(key[4] == "2022-12" for key in rows)  # December 2022 is blank everywhere
    assert {key[1] for key in rows} <= {"AM", "BY", "GE", "KG", "KZ", "RU", "UZ"}


def test_a_workbook_sheet_of_another_indicator_is_reported(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Sheet 1"
    for row in (
        ["PRODUCT [PRODUCT]", None, "Integrated circuits [8542]"],
        ["FLOW", None, "EXPORT"],
        ["INDICATORS", None, "QUANTITY_IN_100KG"],
        ["TIME", "TIME", "2022-01"],
        ["REPORTER (Labels)", "PARTNER (Labels)", ""],
        ["Latvia", "Kazakhstan", 12],
    ):
        sheet.append(row)
    path = tmp_path / "quantities.xlsx"
    book.save(path)
    result = load_files([path])
    [error] = result.errors
    assert "QUANTITY_IN_100KG" in error.reason and "VALUE_IN_EUROS only" in error.reason
    assert result.rows == 0


# comtradr's columns, from its documentation and source (no real file of its output was found
# in a public repository): comtradr >= 1.0 (ct_get_data, tidy names) and 0.2 (ct_search,
# api_col_names "desc").
COMTRADR_1 = ["type_code", "freq_code", "year", "month", "period", "period_desc",
              "aggregate_level", "is_leaf_code", "trade_flow_code", "trade_flow", "reporter_code",
              "reporter_iso", "partner_code", "partner_iso", "partner_2_code", "commodity_code",
              "customs_code", "mot_code", "mot_desc", "netweight_kg", "trade_value_us"]  # fmt: skip
COMTRADR_02 = ["classification", "year", "period", "period_desc", "aggregate_level",
               "is_leaf_code", "trade_flow_code", "trade_flow", "reporter_code", "reporter",
               "reporter_iso", "partner_code", "partner", "partner_iso", "2nd_partner_code",
               "2nd_partner", "2nd_partner_iso", "customs_proc_code", "customs",
               "mode_of_transport_code", "mode_of_transport", "commodity_code", "commodity",
               "qty_unit_code", "qty_unit", "qty", "alt_qty_unit_code", "alt_qty_unit", "alt_qty",
               "netweight_kg", "gross_weight_kg", "trade_value_usd", "cif_trade_value_usd",
               "fob_trade_value_usd", "flag"]  # fmt: skip


def write(path: Path, header: list[str], rows: list[dict[str, Any]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, header, restval="")
        writer.writeheader()
        writer.writerows(rows)
    return path


def comtradr_row(mot: int, value: float, month: int = 1, **extra: Any) -> dict[str, Any]:
    return {
        "type_code": "C", "freq_code": "M", "year": 2022, "month": month,
        "period": f"2022-{month:02d}-01", "period_desc": f"2022{month:02d}",
        "aggregate_level": 4, "is_leaf_code": 0, "trade_flow_code": "X", "trade_flow": "Export",
        "reporter_code": 276, "reporter_iso": "DEU", "partner_code": 398, "partner_iso": "KAZ",
        "partner_2_code": 0, "commodity_code": "8703", "customs_code": "C00", "mot_code": mot,
        "mot_desc": "", "trade_value_us": value, **extra,
    }  # fmt: skip


def test_comtradr_1_modes_of_transport_are_summed_when_no_total(tmp_path: Path) -> None:
    """Documented columns only. The audit's car exports: split by mode, no total row: USD
    236.8 million, not the 65.4 million of one mode."""
    modes = [comtradr_row(1000, 65.4e6), comtradr_row(2000, 120.1e6), comtradr_row(3000, 51.3e6)]
    with_total = [comtradr_row(0, 236.8e6, month=2), comtradr_row(1000, 65.4e6, month=2)]
    path = write(tmp_path / "ct_get_data.csv", COMTRADR_1, modes + with_total)
    result = balanced(load_files([path]))
    assert result.errors == []
    assert result.files == {str(path): "comtradr"}
    rows = by_period(result)
    assert rows["2022-01"]["value_usd"] == pytest.approx(236.8e6)
    assert rows["2022-02"]["value_usd"] == pytest.approx(236.8e6)
    assert (rows["2022-01"]["reporter"], rows["2022-01"]["partner"]) == ("DE", "KZ")
    assert (result.counts[BREAKDOWN_SUMMED], result.counts[BREAKDOWN_TOTAL]) == (3, 1)


def test_comtradr_1_annual_rows_are_years_not_januaries(tmp_path: Path) -> None:
    row = comtradr_row(0, 5.0, freq_code="A", month=52, period="2022-01-01", period_desc="2022")
    result = balanced(load_files([write(tmp_path / "annual.csv", COMTRADR_1, [row])]))
    [flow] = result.table.to_pylist()
    assert (flow["period"], flow["month"]) == ("2022", None)


def test_two_breakdowns_without_a_total_are_not_both_summed(tmp_path: Path) -> None:
    rows = [
        comtradr_row(1000, 60.0),
        comtradr_row(2000, 40.0),  # by mode
        comtradr_row(0, 70.0, partner_2_code=156),
        comtradr_row(0, 30.0, partner_2_code=860),
    ]
    result = balanced(load_files([write(tmp_path / "two.csv", COMTRADR_1, rows)]))  # fmt: skip
    [flow] = result.table.to_pylist()
    assert flow["value_usd"] == 100.0  # one breakdown's rows, not 200
    assert (result.counts[BREAKDOWN_SUMMED], result.counts[BREAKDOWN_OTHER]) == (2, 2)


def test_comtradr_0_2_output(tmp_path: Path) -> None:
    """Documented columns only (comtradr 0.2's ct_search)."""
    base = {"classification": "H5", "year": 2021, "period": 2021, "period_desc": 2021,
            "aggregate_level": 6, "trade_flow_code": 2, "trade_flow": "Export",
            "reporter_code": 51, "reporter": "Armenia", "partner_code": 643,
            "partner": "Russian Federation", "commodity_code": "854231",
            "netweight_kg": 3, "trade_value_usd": 2500}  # fmt: skip
    by_mode = {**base, "mode_of_transport_code": 2100, "trade_value_usd": 900}
    path = write(tmp_path / "ct_search.csv", COMTRADR_02, [base, by_mode])
    result = balanced(load_files([path], "comtrade"))
    assert result.files == {str(path): "comtrade-legacy"}
    [row] = result.table.to_pylist()
    assert (row["reporter"], row["partner"], row["period"], row["value_usd"]) == (
        "AM",
        "RU",
        "2021",
        2500,
    )
    assert result.counts[BREAKDOWN_TOTAL] == 1


BULK = ["REPORTER", "PARTNER", "PRODUCT_NC", "FLOW", "STAT_PROCEDURE", "PERIOD", "VALUE_EUR"]


def table_text(rows: list[list[Any]]) -> str:
    return "\n".join(",".join(str(cell) for cell in row) for row in [BULK, *rows]) + "\n"


@pytest.mark.parametrize(
    ("children", "kept", "counts"),
    [
        ([600, 400], {"854231": 600, "854232": 400}, {COARSER: 1, FINER: 0}),  # complete
        ([600, 100], {"8542": 1000}, {COARSER: 0, FINER: 2}),  # 300 not in the children
    ],
    ids=["children-add-up", "children-fall-short"],
)
def test_a_parent_is_never_added_to_its_children(
    tmp_path: Path, children: list[int], kept: dict[str, int], counts: dict[str, int]
) -> None:
    rows = [["DE", "KZ", "8542", 2, 1, "202201", 1000]] + [
        ["DE", "KZ", code, 2, 1, "202201", value]
        for code, value in zip(("854231", "854232"), children, strict=True)
    ]
    path = tmp_path / "levels.dat"
    path.write_text(table_text(rows), "utf-8")
    result = balanced(load_files([path]))
    assert {r["hs_code"]: r["value_eur"] for r in result.table.to_pylist()} == kept
    assert {what: result.counts[what] for what in counts} == counts
    assert result.counts[KEPT] == len(kept)


def test_three_levels_keep_the_finest_complete_one(tmp_path: Path) -> None:
    rows = [
        ["DE", "KZ", "85", 2, 1, "202201", 1000],
        ["DE", "KZ", "8542", 2, 1, "202201", 700],
        ["DE", "KZ", "8541", 2, 1, "202201", 300],
        ["DE", "KZ", "854231", 2, 1, "202201", 500],  # 8542's children fall short
        ["DE", "KZ", "854110", 2, 1, "202201", 300],  # 8541's only child is all of it
    ]
    path = tmp_path / "three.dat"
    path.write_text(table_text(rows), "utf-8")
    result = balanced(load_files([path]))
    assert {r["hs_code"]: r["value_eur"] for r in result.table.to_pylist()} == {
        "8542": 700,
        "854110": 300,
    }
    assert (result.counts[COARSER], result.counts[FINER]) == (2, 1)


def invoke(*args: str) -> tuple[int, str]:
    for console in (out_console, err_console):
        console.width = 400
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_a_load_that_keeps_no_row_is_an_error_even_when_skipping(tmp_path: Path) -> None:
    home = tmp_path / "home"
    code, output = invoke("flows", "load", "auto", str(API), "--home", str(home))
    assert code == 0, output
    assert "19 values read" in output and f"{BREAKDOWN_TOTAL}: 6" in output
    store = FlowStore(home / "flows")
    [before] = store.loads()
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "REPORTER,PARTNER,PRODUCT,FLOW,STAT_PROCEDURE,PERIOD,VALUE_IN_EUR\n"
        "Atlantis,Kyrgyzstan,Total,EXPORT,Total,Jan. 2022,5\n"
        "Latvia,Kyrgyzstan,Total,EXPORT,Total,Jan. 2022,:\n",
        encoding="utf-8",
    )
    for extra in ([], ["--skip-bad-rows"]):
        code, output = invoke("flows", "load", "auto", str(bad), "--home", str(home), *extra)
        assert code == 1, output
        assert "nothing loaded" in output
        # the flow table is as it was, the file is not marked as loaded, nothing is left over
        assert store.loads() == [before]
        assert str(bad) not in {f for load in store.loads() for f in load.files}
        assert sorted(p.name for p in store.root.iterdir()) == sorted(
            ["manifest.json", before.parquet]
        )
