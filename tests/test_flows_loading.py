"""Loading trade statistics: every layout, the country and period spellings of real files, and
every kind of bad row reported with its file, line and field."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from diversion.flows.areas import AreaError, area_table
from diversion.flows.currency import usd_per_eur
from diversion.flows.loaders import BREAKDOWN_TOTAL, DUPLICATES, LoadResult, load_files
from diversion.flows.periods import Period, PeriodError, parse_period
from diversion.flows.store import FlowStore
from tests.conftest import SHARED

HUBS = SHARED / "trade" / "eurostat-hubs"


def write(path: Path, header: list[str], rows: list[list[Any]], delimiter: str = ",") -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def rows_of(result: LoadResult) -> list[dict[str, Any]]:
    return sorted(
        result.table.to_pylist(), key=lambda r: (r["reporter"], r["partner"], r["period"])
    )


@pytest.mark.parametrize(
    ("text", "period"),
    [
        ("2022", Period(2022)),
        ("202203", Period(2022, 3)),
        ("202252", Period(2022)),
        ("Aug. 2024", Period(2024, 8)),
        ("202408-Aug. 2024", Period(2024, 8)),
        ("Jan.-Dec. 2018", Period(2018)),
        ("201952-Jan.-Dec. 2019", Period(2019)),
        ("Y2019", Period(2019)),
        ("Sept. 2021", Period(2021, 9)),
    ],
)
def test_periods_as_statistics_write_them(text: str, period: Period) -> None:
    assert parse_period(text) == period


@pytest.mark.parametrize("text", ["2022Q1", "Foo 2022", "202213", "1850", ""])
def test_unreadable_periods_are_refused(text: str) -> None:
    with pytest.raises(PeriodError):
        parse_period(text)


@pytest.mark.parametrize(
    ("label", "code", "aggregate"),
    [
        ("Ireland (Eire)", "IE", False),
        ("Russian Federation (Russia)", "RU", False),
        ("Korea (DPRK)", "KP", False),
        ("Spain (incl. Canary Islands 'XB' from 1997)", "ES", False),
        ("European Union - 27 countries (AT, BE, BG, CY, CZ, DE)", "EU", True),
        ("Union européenne - 27 pays (AT, BE, BG)", "EU", True),
        ("European Union (AT-01/1995, BE-01/1958)", "EU-CC", True),
        ("Euro area - 20 countries (AT, BE)", "EZ", True),
        ("Moldavie, République de", "MD", False),
        ("Bolivie, Etat plurinational de", "BO", False),
        ("World", "WORLD", True),
        ("Unknown country", "ZZ", False),
        ("Казахстан", "KZ", False),
    ],
)
def test_country_labels(label: str, code: str, aggregate: bool) -> None:
    resolved = area_table().from_label(label)
    assert (resolved.code, resolved.aggregate) == (code, aggregate)


@pytest.mark.parametrize(
    ("m49", "code"),
    [("842", "US"), ("251", "FR"), ("757", "CH"), ("579", "NO"), ("699", "IN"), ("490", "TW"),
     ("398", "KZ"), ("051", "AM"), ("0", "WORLD"), ("97", "EU"), ("899", "ZZ")],
)  # fmt: skip
def test_m49_codes_with_comtrade_exceptions(m49: str, code: str) -> None:
    assert area_table().from_m49(m49).code == code


def test_unknown_areas_are_refused() -> None:
    with pytest.raises(AreaError):
        area_table().from_label("Atlantis")
    with pytest.raises(AreaError):
        area_table().from_m49("998")


COMTRADE = ["period", "reporterCode", "flowCode", "partnerCode", "partner2Code",
            "classificationCode", "cmdCode", "customsCode", "motCode", "netWgt", "qty",
            "qtyUnitAbbr", "primaryValue"]  # fmt: skip


def test_comtrade_current_layout(tmp_path: Path) -> None:
    path = write(
        tmp_path / "comtrade.csv",
        COMTRADE,
        [
            ["2022", 398, "X", 643, 0, "H6", "854231", "C00", 0, 10, 10, "kg", 1_000_000],
            ["2022", 398, "X", 643, 0, "H6", "854231", "C00", 2100, 4, 4, "kg", 400_000],  # road
            ["2022", 398, "X", 643, 156, "H6", "854231", "C00", 0, 4, 4, "kg", 300_000],  # via CN
            ["2022", 398, "X", 0, 0, "H6", "854231", "C00", 0, 12, 12, "kg", 1_200_000],  # World
            ["202203", 842, "X", 398, 0, "H5", "880330", "C00", 0, 1, 1, "kg", 5000],
        ],
    )
    result = load_files([path], "comtrade")
    assert result.errors == []
    assert result.counts[BREAKDOWN_TOTAL] == 2
    rows = rows_of(result)
    assert [(r["reporter"], r["partner"], r["partner_aggregate"]) for r in rows] == [
        ("KZ", "RU", False),
        ("KZ", "WORLD", True),
        ("US", "KZ", False),
    ]
    to_russia = rows[0]
    assert to_russia["value_usd"] == 1_000_000
    assert to_russia["value_eur"] == pytest.approx(1_000_000 / usd_per_eur()[2022])
    assert (to_russia["converted"], to_russia["hs_version"]) == ("eur", "HS2022")
    drone_parts = rows[2]
    assert (drone_parts["period"], drone_parts["month"]) == ("2022-03", 3)
    # an HS 2017 code that HS 2022 moved whole is kept under its HS 2022 code
    assert (drone_parts["hs_reported"], drone_parts["hs_code"]) == ("880330", "880730")
    assert drone_parts["hs_version"] == "HS2017"


LEGACY = ["Classification", "Year", "Period", "Trade Flow Code", "Trade Flow", "Reporter Code",
          "Reporter", "Partner Code", "Partner", "2nd Partner Code", "Commodity Code",
          "Netweight (kg)", "Trade Value (US$)"]  # fmt: skip
SNAKE = ["classification", "year", "period", "trade_flow_code", "trade_flow", "reporter_code",
         "reporter", "partner_code", "partner", "x2nd_partner_code", "commodity_code",
         "netweight_kg", "trade_value_us"]  # fmt: skip


@pytest.mark.parametrize("header", [LEGACY, SNAKE], ids=["legacy", "snake_case"])
def test_comtrade_legacy_and_client_layouts(tmp_path: Path, header: list[str]) -> None:
    path = write(
        tmp_path / "legacy.csv",
        header,
        [
            ["H4", 2021, 2021, 2, "Export", 51, "Armenia", 643, "Russia", 0, "854231", 1, 2000],
            ["H4", 2021, 2021, 2, "Export", 51, "Armenia", 643, "Russia", 398, "854231", 1, 50],
        ],
    )
    result = load_files([path], "comtrade")
    assert result.errors == []
    [row] = result.table.to_pylist()
    assert (row["reporter"], row["partner"], row["flow"], row["period"]) == (
        "AM",
        "RU",
        "export",
        "2021",
    )
    assert (row["value_usd"], row["hs_version"]) == (2000, "HS2012")


BULK = ["REPORTER", "PARTNER", "TRADE_TYPE", "PRODUCT_NC", "FLOW", "STAT_PROCEDURE",
        "PERIOD", "VALUE_EUR", "QUANTITY_KG"]  # fmt: skip


def test_comext_bulk_sums_procedures_and_reads_eurostat_codes(tmp_path: Path) -> None:
    path = write(
        tmp_path / "full_v2_202252.dat",
        BULK,
        [
            ["DE", "KZ", "E", "85423190", 2, 1, "202252", 700, 1],
            ["DE", "KZ", "E", "85423190", 2, 2, "202252", 300, 1],  # inward processing
            ["EL", "KZ", "E", "85423190", 2, 1, "202252", 100, 1],
            ["DE", "QQ", "E", "85423190", 2, 1, "202252", 10, 1],  # stores and provisions
            ["DE", "QR", "E", "85423190", 2, 1, "202252", 20, 1],
        ],
    )
    result = load_files([path], "comext")
    assert result.errors == []
    values = {(r["reporter"], r["partner"]): r["value_eur"] for r in result.table.to_pylist()}
    assert values == {("DE", "KZ"): 1000, ("GR", "KZ"): 100, ("DE", "ZZ"): 30}
    assert {r["hs_version"] for r in result.table.to_pylist()} == {"HS2022"}


def test_a_workbook_named_csv_with_a_title_row(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["EU trade since 2002 by CN8"])  # a title above the header
    sheet.append(["REPORTER", "PARTNER", "PRODUCT", "FLOW", "STAT_PROCEDURE", "PERIOD",
                  "VALUE_IN_EUR"])  # fmt: skip
    sheet.append(["Germany (incl. German Democratic Republic 'DD' from 1991)", "Kyrgyzstan",
                  "TOTAL-Total", "2-EXPORT", "T-Total", "202205-May 2022", 123456])  # fmt: skip
    path = tmp_path / "Relational_View.csv"
    book.save(path)
    result = load_files([path])
    assert result.errors == []
    assert result.files == {str(path): "comext-relational"}
    [row] = result.table.to_pylist()
    assert (row["reporter"], row["partner"], row["period"], row["value_eur"]) == (
        "DE",
        "KG",
        "2022-05",
        123456,
    )


def test_a_legacy_xls_says_what_to_do(tmp_path: Path) -> None:
    path = tmp_path / "Основные"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    result = load_files([path])
    [error] = result.errors
    assert error.file == str(path) and "save it as .xlsx or CSV" in error.reason


def test_bad_rows_are_reported_with_file_line_and_field(tmp_path: Path) -> None:
    path = write(
        tmp_path / "bad.csv",
        COMTRADE,
        [
            ["2022", 398, "X", 643, 0, "H6", "854231", "C00", 0, 1, 1, "kg", 100],
            ["2022", 398, "Z", 643, 0, "H6", "854231", "C00", 0, 1, 1, "kg", 100],
            ["2022", 998, "X", 643, 0, "H6", "854231", "C00", 0, 1, 1, "kg", 100],
            ["20x2", 398, "X", 643, 0, "H6", "8542", "C00", 0, 1, 1, "kg", 100],
            ["2022", 398, "X", 643, 0, "H6", "chips", "C00", 0, 1, 1, "kg", "lots"],
            ["2022", 398, "X", 156, 0, "H6", "854231", "C00", 0, 1, 1, "kg", ""],
        ],
    )
    result = load_files([path])
    found = {(e.line, e.field) for e in result.errors}
    assert found == {
        (3, "flowcode"),
        (4, "reportercode"),
        (5, "period"),
        (6, "cmdcode"),
        (6, "primaryvalue"),
    }
    assert all(e.file == str(path) for e in result.errors)
    assert result.no_value == [f"{path}:7: primaryvalue"]  # no figure: not a fault, but listed
    assert result.rows == 1


def test_a_conflicting_repeat_is_an_error_and_an_equal_one_is_kept_once(tmp_path: Path) -> None:
    header = ["REPORTER", "PARTNER", "PRODUCT", "FLOW", "STAT_PROCEDURE", "PERIOD", "VALUE_IN_EUR"]
    one = write(tmp_path / "a.csv", header, [["Latvia", "Kazakhstan", "Total", "EXPORT", "Total",
                                               "Jan. 2022", 10]])  # fmt: skip
    same = write(tmp_path / "b.csv", header, [["Latvia", "Kazakhstan", "TOTAL-Total", "2-EXPORT",
                                                "T-Total", "202201-Jan. 2022", 10]])  # fmt: skip
    other = write(tmp_path / "c.csv", header, [["Latvia", "Kazakhstan", "Total", "EXPORT",
                                                 "Total", "Jan. 2022", 99]])  # fmt: skip
    kept = load_files([one, same])
    assert (kept.rows, kept.errors) == (1, [])
    assert kept.counts[DUPLICATES] == 1
    clash = load_files([one, other])
    [error] = clash.errors
    assert (error.file, error.line, error.field) == (str(other), 2, "value")
    assert f"{one}:2" in error.reason


def test_real_eurostat_and_national_files_load_without_a_fault() -> None:
    folders = [p for p in sorted(HUBS.iterdir()) if p.name.endswith("_eurostat")]
    files = [f for folder in folders for f in sorted(folder.glob("Relational_View*"))]
    files += sorted((HUBS / "national_data_converted").iterdir())
    result = load_files(files)
    assert result.errors == []
    assert set(result.files.values()) == {"comext-relational"}
    # the Kazakhstan months are in the folder twice, in two label styles: kept once
    assert result.counts[DUPLICATES] >= 2089
    table = result.table.to_pylist()
    assert {r["reporter"] for r in table if r["reporter_aggregate"]} >= {"EU", "EZ", "EU-CC"}
    assert {r["partner"] for r in table if r["flow"] == "export"} == {
        "AM", "GE", "KG", "KZ", "RU", "UZ"
    }  # fmt: skip


def test_real_yearly_export_files_report_their_one_conflict() -> None:
    """The French-labelled EU file lists Guinea twice with different values ("Guinea" and
    "Guinée", 2016): that is reported, and every other label of the 14 files is read."""
    result = load_files(sorted((HUBS / "eu_year_export").iterdir()))
    [error] = result.errors
    assert error.field == "value" and "EU GN export 2016" in error.reason
    assert error.file.endswith("Relational_View_2024-11-25T10_45_38.711Z.csv")


def test_store_keeps_the_previous_state_when_a_write_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = FlowStore(tmp_path / "flows")
    header = ["REPORTER", "PARTNER", "PRODUCT", "FLOW", "STAT_PROCEDURE", "PERIOD", "VALUE_IN_EUR"]
    path = write(tmp_path / "a.csv", header, [["Latvia", "Kazakhstan", "Total", "EXPORT", "Total",
                                               "Jan. 2022", 10]])  # fmt: skip
    first = load_files([path])
    kept = store.add(first.table, "auto", {}, {})

    def broken(*_: Any, **__: Any) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(pq, "write_table", broken)
    with pytest.raises(OSError):
        store.add(first.table, "auto", {}, {})
    assert [load.id for load in store.loads()] == [kept.id]
    assert sorted(p.name for p in store.root.iterdir()) == sorted(
        ["manifest.json", kept.parquet]
    )  # no half-written file left behind


def test_armenian_monthly_statistics_in_thousand_dollars() -> None:
    path = HUBS / "armenia_data" / "armenia_data.csv"
    result = load_files([path], "national")
    # 61 rows carry figures but no country: each is reported, none is guessed
    assert {(e.field, e.reason) for e in result.errors} == {("country", "no country or area given")}
    assert len(result.errors) == 61
    rows = result.table.to_pylist()
    assert all(r["month"] is not None for r in rows)  # the year-to-date rows are left out
    key = ("RU", "export", 2022)
    to_russia = sum(r["value_usd"] for r in rows if (r["partner"], r["flow"], r["year"]) == key)
    assert to_russia == pytest.approx(2_410_962_100, rel=1e-6)  # Armenia's USD 2.41 bn of 2022


@pytest.mark.parametrize(
    ("layout", "name", "flow", "value"),
    [
        ("uzstat-exports", "sdmx_data_1105.csv", "export", 3_151_098_400),
        ("uzstat-imports", "sdmx_data_1176.csv", "import", 6_230_693_360),
    ],
)
def test_uzbek_sdmx_tables_by_dataset(layout: str, name: str, flow: str, value: float) -> None:
    path = HUBS / "uzbekistan_data" / name
    assert "matches none" in load_files([path]).errors[0].reason  # not guessed: exports or imports?
    result = load_files([path], layout)
    assert result.errors == []
    rows = {(r["partner"], r["year"]): r for r in result.table.to_pylist()}
    russia = rows[("RU", 2022)]
    assert (russia["reporter"], russia["flow"]) == ("UZ", flow)
    assert russia["value_usd"] == pytest.approx(value)
    assert rows[("OTHER", 2022)]["partner_aggregate"]  # "Other countries" (code 0) is not World


def test_the_whole_shared_folder_loads_or_says_which_file_and_why() -> None:
    files = sorted(p for p in HUBS.rglob("*") if p.is_file())
    result = load_files(files)
    reasons: dict[str, set[str]] = {}
    for error in result.errors:
        kind = (
            "legacy xls" if "legacy Excel (.xls)" in error.reason
            else "no known header" if "is a known header" in error.reason
            else "ambiguous header" if "matches none of the layouts" in error.reason
            else "conflict" if "conflicts with" in error.reason
            else "no country" if error.reason == "no country or area given"
            else error.reason
        )  # fmt: skip
        reasons.setdefault(Path(error.file).parent.name, set()).add(kind)
    assert reasons == {
        "armenia_data": {"no country"},  # 61 rows; the rest of the file loads
        "eu_year_export": {"conflict"},  # Guinea, 2016
        "georgia_export_eurostat": {"no known header"},  # Geostat workbooks: titles, no table
        "kazakhstan_data": {"legacy xls"},
        "kyrgyzstan_data": {"legacy xls", "no known header"},  # presentation tables
        "russian_data": {"legacy xls", "no known header"},
        "uzbekistan_data": {"ambiguous header"},  # exports or imports: only by dataset name
    }
    loaded = {Path(name).parent.name for name in result.files}
    assert loaded >= {
        "armenia_export_eurostat", "georgia_export_eurostat", "kazakhstan_export_eurostat",
        "kazahstan_export_eurostat", "kyrgyz_export_eurostat", "kyrgyzstan_import_eurostat",
        "russia_export_eurostat", "uzbek_export_eurostat", "eu_year_export",
        "national_data_converted", "armenia_data",
    }  # fmt: skip


def test_a_home_whose_path_has_a_quote(tmp_path: Path) -> None:
    store = FlowStore(tmp_path / "O'Brien" / "flows")
    header = ["REPORTER", "PARTNER", "PRODUCT", "FLOW", "STAT_PROCEDURE", "PERIOD", "VALUE_IN_EUR"]
    path = write(tmp_path / "a.csv", header, [["Latvia", "Kazakhstan", "Total", "EXPORT", "Total",
                                               "Jan. 2022", 10]])  # fmt: skip
    store.add(load_files([path]).table, "auto", {}, {})
    store.add(load_files([path]).table, "auto", {}, {})  # the same flow twice: kept once
    assert store.connect().execute("SELECT count(*) FROM flows").fetchone() == (1,)
