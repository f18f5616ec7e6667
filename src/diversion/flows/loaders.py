"""Statistics files into the harmonised table, with every value read accounted for.

Rows are read as a stream and mapped field by field; any fault is an InputError with its file,
line, column and reason. Mapped values are staged in a DuckDB database on disk, in chunks, and
resolved there, so memory does not grow with the file:

1. The same fact twice (Eurostat exports the same months in several label styles) is kept
   once; the same fact with another value is a conflict, reported with both places.
2. Breakdowns (second partner, transport mode, customs procedure): a flow's total row is used
   where the file has it, and its breakdown rows are left out; where it has none, the
   breakdown rows are summed. Never both.
3. Parts of one flow (Comext's statistical procedures) are added up.
4. Aggregate levels: where a file has a code and its finer codes (HS4 and its HS6) for one flow,
   the finest complete level is kept (the finer rows when they add up to the coarser one, else
   the coarser row), and a parent is never added to its children.

Every value read ends in exactly one count (`LoadResult.counts`), and the counts add up to the
values read.
"""

from __future__ import annotations

import math
import re
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyarrow as pa

from diversion.declarations.errors import InputError
from diversion.flows.areas import AreaError, AreaTable, Resolved, area_table
from diversion.flows.currency import to_eur, to_usd
from diversion.flows.defaults import SOURCES as SOURCES
from diversion.flows.files import PERIOD_COLUMN, FileFormatError, Sheet, open_sheets
from diversion.flows.layouts import Layout, layouts
from diversion.flows.periods import Period, PeriodError, parse_period
from diversion.flows.table import FLOWS, KEY, SCHEMA
from diversion.goods.concordance import Concordance, bundled_concordance

MISSING = {"", "-", ":", "..", "x", "n/a", "na", "c"}  # no figure, or a confidential one
COMTRADE_EDITIONS = {
    "h0": "HS1992",
    "h1": "HS1996",
    "h2": "HS2002",
    "h3": "HS2007",
    "h4": "HS2012",
    "h5": "HS2017",
    "h6": "HS2022",
}
VALUE_TOLERANCE = 0.5  # two sources of one fact may round differently
# Finer codes "add up" to their parent within 1 % (and one currency unit): sources round, and
# leave out confidential lines, so the parent is kept where its children fall short.
LEVEL_TOLERANCE = 0.01
CHUNK = 50_000  # mapped values staged at a time
MEMORY_LIMIT = "512MB"  # DuckDB's cap while resolving a load; beyond it, it spills to disk
EXAMPLES = 1_000  # rows without a figure listed by place (all are counted)

# Where each value read ends; they add up to VALUES_READ.
VALUES_READ = "values read"
KEPT = "kept as read"
ADDED_UP = "parts of one flow added up (statistical procedures)"
BREAKDOWN_SUMMED = "breakdown rows summed (no total row for their flow)"
BREAKDOWN_TOTAL = "breakdown rows left out (their total row is in the file)"
BREAKDOWN_OTHER = "breakdown rows left out (another breakdown of the flow is summed)"
DUPLICATES = "duplicates (the same fact again) kept once"
CONFLICTS = "conflicting repeats rejected"
COARSER = "coarser rows left out (their finer rows add up to them)"
FINER = "finer rows left out (they do not add up to their coarser row)"
REJECTED = "values in rejected rows"
NO_FIGURE = "values without a figure (:, -, empty)"
SUBTOTALS = "subtotal rows left out (the file's parts add up to them)"
OUTCOMES = (
    KEPT,
    ADDED_UP,
    BREAKDOWN_SUMMED,
    BREAKDOWN_TOTAL,
    BREAKDOWN_OTHER,
    DUPLICATES,
    CONFLICTS,
    COARSER,
    FINER,
    REJECTED,
    NO_FIGURE,
    SUBTOTALS,
)
FLOWS_WRITTEN = "flows written"

STAGE = pa.schema(
    [
        *SCHEMA,
        pa.field("seq", pa.int64()),  # read order: the first of two equal facts is kept
        pa.field("parts", pa.string()),  # what tells apart parts of one flow (sum_over)
        pa.field("bdims", pa.string()),  # the breakdown values, "" where a column is a total
        pa.field("bset", pa.string()),  # which breakdown columns are not at their total
        pa.field("depth", pa.int8()),  # how many
        pa.field("native", pa.float64()),  # the value in the source's currency
    ]
)


class LoadError(ValueError):
    """A load that cannot go ahead; `errors` has every fault found."""

    def __init__(self, errors: list[InputError]):
        self.errors = errors
        super().__init__(f"{len(errors)} fault(s); first: {errors[0]}")


@dataclass
class LoadResult:
    """A load's flows (a Parquet file in the harmonised schema), faults and counts."""

    parquet: Path
    rows: int
    errors: list[InputError]
    files: dict[str, str] = field(default_factory=dict)  # file -> layout
    counts: Counter[str] = field(default_factory=Counter)
    no_value: list[str] = field(default_factory=list)  # file:line of rows with no figure
    workdir: Any = None  # the TemporaryDirectory that holds `parquet`, when the loader made it

    @property
    def table(self) -> pa.Table:
        """The flows in memory (for small loads and tests; the store takes the file)."""
        import pyarrow.parquet as pq

        return pq.read_table(self.parquet).select(SCHEMA.names).cast(SCHEMA)

    def balance(self) -> tuple[int, int]:
        """(values read, the sum of where they ended): equal for every load."""
        return self.counts[VALUES_READ], sum(self.counts[what] for what in OUTCOMES)


def edition_for_year(year: int) -> str:
    """The HS edition in force in a year (a CN code follows the HS edition of its year)."""
    for start, edition in ((2022, "HS2022"), (2017, "HS2017"), (2012, "HS2012"), (2007, "HS2007")):
        if year >= start:
            return edition
    return "HS2002"


def parse_number(text: str) -> float | None:
    try:
        number = float(text)  # the common case: a plain number
    except ValueError:
        return _parse_number(text)
    if not math.isfinite(number):
        raise ValueError(f"{text!r} is not a finite number")
    return number


def _parse_number(text: str) -> float | None:
    value = text.strip().replace("\u00a0", "").replace(" ", "")
    if value.casefold() in MISSING:
        return None
    if "," in value and "." not in value:
        value = value.replace(",", ".")
    value = value.replace(",", "")
    number = float(value)  # ValueError for anything else
    if not math.isfinite(number):
        raise ValueError(f"{text!r} is not a finite number")
    return number


@lru_cache(maxsize=65_536)
def parse_hs(text: str) -> str:
    value = text.strip()
    code = re.split(r"[-\s]", value, maxsplit=1)[0].replace(".", "")
    if code.casefold() in ("total", "all", "ag0", "tot"):
        return "TOTAL"
    if code.isdigit() and 2 <= len(code) <= 10:
        return code
    raise ValueError(f"{value!r} is neither TOTAL nor an HS/CN code of 2 to 10 digits")


_period = lru_cache(maxsize=4096)(parse_period)


class _Mapper:
    """One table's rows into harmonised rows."""

    def __init__(self, sheet: Sheet, areas: AreaTable, concordance: Concordance):
        self.sheet = sheet
        self.name = sheet.name
        self.layout: Layout = sheet.layout
        self.areas = areas
        self.concordance = concordance
        self.index = {name: i for i, name in enumerate(sheet.header)}
        self.columns = {
            target: self.layout.column(target, self.index) for target in self.layout.fields
        }
        for required in ("reporter", "partner", "flow", "period", "hs_code", "value"):
            if self.columns.get(required) is None and not self.layout.provides(required):
                raise FileFormatError(
                    f"{self.name}: no column for {required} "
                    f"(one of {', '.join(self.layout.fields.get(required, ()))})"
                )
        resolve: Callable[[str], Resolved] = {
            "m49": areas.from_m49,
            "iso2": areas.from_iso2,
            "iso3": areas.from_iso3,
            "label": areas.from_label,
        }[self.layout.codes]
        self.resolve = lru_cache(maxsize=4096)(resolve)
        self.goods = lru_cache(maxsize=65_536)(self._goods)
        self.breakdowns = [
            (column, self.index[column], totals)
            for column, totals in self.layout.breakdowns.items()
            if column in self.index
        ]
        self.period_columns = [c for c in sheet.header if PERIOD_COLUMN.fullmatch(c)]
        if self.layout.wide_periods and not self.period_columns:
            raise FileFormatError(f"{self.name}: no column named by a year or month")

        # where each field comes from, worked out once: a constant, or a column's position
        self.fixed = {**self.layout.constants, **sheet.constants}
        self.positions = {
            target: self.index[column]
            for target, column in self.columns.items()
            if column is not None and target not in self.fixed
        }

    def cell(self, record: list[str], target: str) -> str:
        position = self.positions.get(target)
        if position is None:
            return self.fixed.get(target, "")
        return record[position].strip() if position < len(record) else ""

    def raw(self, record: list[str], column: str) -> str:
        position = self.index.get(column)
        return record[position].strip() if position is not None and position < len(record) else ""

    def subtotal(self, record: list[str]) -> bool:
        """Whether the row sums other rows of the file (Armenia's "Year" after its months)."""
        return any(
            column in self.index and self.raw(record, column).casefold() in values
            for column, values in self.layout.subtotals.items()
        )

    def period_text(self, record: list[str]) -> str:
        parts = self.layout.period_parts
        if not parts:
            return self.cell(record, "period")
        year, month = self.raw(record, parts["year"]), self.raw(record, parts.get("month", ""))
        return f"{year}{int(month):02d}" if month.isdigit() else year

    def cells(self, record: list[str]) -> list[tuple[str, str, str, str]]:
        """(flow, period, value, value column) of every figure a row holds: one, or one per
        flow column (Armenia), or one per period column (Uzbekistan, Eurostat's workbooks)."""
        if self.layout.wide_periods:
            flow = self.cell(record, "flow")
            return [
                (flow, c.replace("_", "-"), self.raw(record, c), c) for c in self.period_columns
            ]
        if self.layout.value_columns:
            period = self.period_text(record)
            return [
                (flow, period, self.raw(record, column), column)
                for column, flow in self.layout.value_columns.items()
            ]
        column = self.columns.get("value") or "value"
        return [
            (
                self.cell(record, "flow"),
                self.period_text(record),
                self.cell(record, "value"),
                column,
            )
        ]

    def breakdown(self, record: list[str]) -> tuple[str, str, int]:
        """(the breakdown values with totals as "", the columns not at their total, how many)."""
        values: list[str] = []
        below: list[str] = []
        for column, position, totals in self.breakdowns:
            value = record[position].strip() if position < len(record) else ""
            if value.casefold() in totals:
                values.append("")
            else:
                values.append(value)
                below.append(column)
        return "|".join(values), "|".join(below), len(below)

    def map(
        self, line: int, record: list[str], figure: tuple[str, str, str, str]
    ) -> tuple[dict[str, Any] | None, list[InputError]]:
        errors: list[InputError] = []
        flow_text, period_text, value_text, value_column = figure
        where = {
            "value": value_column,
            "period": self.columns.get("period") or self.layout.period_parts.get("year"),
        }

        def fail(target: str, reason: str) -> None:
            column = where.get(target) or self.columns.get(target) or target
            errors.append(InputError(self.name, line, column, reason))

        row: dict[str, Any] = {}
        for side in ("reporter", "partner"):
            try:
                resolved = self.resolve(self.cell(record, side))
                row[side], row[f"{side}_aggregate"] = resolved.code, resolved.aggregate
            except AreaError as exc:
                fail(side, str(exc))
        flow_text = flow_text.casefold()
        flow = self.layout.flows.get(flow_text)
        if flow is None or flow not in FLOWS:
            fail("flow", f"unknown flow {flow_text!r} for {self.layout.name}")
        row["flow"] = flow
        period: Period | None = None
        try:
            period = _period(period_text)
            row.update(period=period.label, year=period.year, month=period.month)
        except PeriodError as exc:
            fail("period", str(exc))
        try:
            row["hs_reported"] = parse_hs(self.cell(record, "hs_code"))
        except ValueError as exc:
            fail("hs_code", str(exc))
        numbers: dict[str, float | None] = {}
        for target in ("value", "net_weight_kg", "quantity"):
            text = value_text if target == "value" else self.cell(record, target)
            try:
                number = parse_number(text)
                scale = self.layout.scale.get(target)
                numbers[target] = number * scale if number is not None and scale else number
            except ValueError:
                fail(target, f"{text!r} is not a number")
        if errors:
            return None, errors
        value = numbers["value"]
        if value is None:
            return None, []
        if value < 0:
            return None, [InputError(self.name, line, value_column, "negative")]
        assert period is not None
        row["hs_code"], row["hs_version"] = self.goods(
            row["hs_reported"], self.cell(record, "classification").casefold(), period.year
        )
        if self.layout.currency == "USD":
            row.update(value_usd=value, value_eur=to_eur(value, period.year), converted="eur")
        else:
            row.update(value_eur=value, value_usd=to_usd(value, period.year), converted="usd")
        row.update(
            native=value,
            net_weight_kg=numbers["net_weight_kg"],
            quantity=numbers["quantity"],
            quantity_unit=self.cell(record, "quantity_unit") or None,
            source=self.layout.name,
            source_file=self.name,
            source_line=line,
        )
        return row, []

    def _goods(self, code: str, classification: str, year: int) -> tuple[str, str]:
        """(the code to store, its HS edition): an HS 2017 code that HS 2022 moved whole to
        one new code is stored under the new code."""
        edition = COMTRADE_EDITIONS.get(classification) or edition_for_year(year)
        if code != "TOTAL" and len(code) >= 6 and edition == "HS2017":
            successors = self.concordance.successors(code[:6])
            if len(successors) == 1:
                return successors[0].hs2022, edition
        return code, edition

    def parts(self, row: dict[str, Any], record: list[str]) -> str:
        """What tells apart two rows that add up to one flow: the sum_over columns, and a
        residual partner's own code (several 'areas n.e.s.' all become ZZ)."""
        values = [self.raw(record, column) for column in self.layout.sum_over]
        for side in ("reporter", "partner"):
            if row[side] == "ZZ":
                values.append(self.cell(record, side))
        return "|".join(values)


def source_layouts(source: str) -> tuple[Layout, ...] | None:
    """The layouts a SOURCE allows (None: any), or ValueError naming the known ones."""
    known = layouts()
    if source in SOURCES:
        names = SOURCES[source]
        return None if names is None else tuple(known[name] for name in names)
    if source in known:
        return (known[source],)
    raise ValueError(f"unknown source {source!r}; use one of: {', '.join([*SOURCES, *known])}")


class _Stage:
    """Mapped values, written to DuckDB on disk a chunk at a time."""

    def __init__(self, folder: Path, memory_limit: str):
        import duckdb

        self.con = duckdb.connect(str(folder / "stage.duckdb"))
        self.con.execute(f"SET memory_limit = '{memory_limit}'")
        self.con.execute(f"SET temp_directory = '{folder / 'spill'}'")
        self.con.execute("SET preserve_insertion_order = false")
        self.con.execute("SET threads = 1")  # less memory; the load is bound by reading anyway
        self.con.execute("SET enable_progress_bar = false")
        self.con.register("empty_stage", pa.Table.from_pylist([], schema=STAGE))
        self.con.execute("CREATE TABLE staged AS SELECT * FROM empty_stage")
        self.con.unregister("empty_stage")
        self.rows: list[tuple[Any, ...]] = []
        self.names = STAGE.names
        self.seq = 0

    def add(self, row: dict[str, Any]) -> None:
        row["seq"] = self.seq
        self.seq += 1
        self.rows.append(tuple(map(row.__getitem__, self.names)))
        if len(self.rows) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        columns = dict(zip(self.names, map(list, zip(*self.rows, strict=True)), strict=True))
        chunk = pa.Table.from_pydict(columns, schema=STAGE)
        self.con.register("chunk", chunk)
        self.con.execute("INSERT INTO staged SELECT * FROM chunk")
        self.con.unregister("chunk")
        self.rows = []


def load_files(
    paths: Iterable[Path],
    source: str = "auto",
    concordance: Concordance | None = None,
    progress: Callable[[Path], None] | None = None,
    workdir: Path | None = None,
    memory_limit: str = MEMORY_LIMIT,
) -> LoadResult:
    """Read every file into one harmonised Parquet file; faults are collected, never raised
    per row. The file is written under `workdir` (a temporary folder if None)."""
    allowed = source_layouts(source)
    areas = area_table()
    concordance = concordance or bundled_concordance()
    holder = None
    if workdir is None:
        holder = tempfile.TemporaryDirectory(prefix="diversion-load-")
        workdir = Path(holder.name)
    workdir.mkdir(parents=True, exist_ok=True)
    errors: list[InputError] = []
    counts: Counter[str] = Counter()
    result = LoadResult(workdir / "flows.parquet", 0, errors, counts=counts, workdir=holder)
    stage = _Stage(workdir, memory_limit)
    for path in paths:
        if progress:
            progress(path)
        try:
            for sheet in open_sheets(path, allowed):
                if isinstance(sheet, FileFormatError):
                    errors.append(InputError(str(path), 1, "-", str(sheet)))
                    continue
                result.files[str(path)] = sheet.layout.name
                _read_sheet(sheet, areas, concordance, stage, result)
        except (FileFormatError, OSError) as exc:
            errors.append(InputError(str(path), 1, "-", str(exc)))
    stage.flush()
    _resolve(stage.con, result)
    stage.con.close()
    return result


def _read_sheet(
    sheet: Sheet, areas: AreaTable, concordance: Concordance, stage: _Stage, result: LoadResult
) -> None:
    try:
        mapper = _Mapper(sheet, areas, concordance)
    except FileFormatError as exc:
        result.errors.append(InputError(sheet.name, 1, "-", str(exc)))
        return
    counts, errors = result.counts, result.errors
    try:
        for line, record in sheet.rows:
            counts["rows read"] += 1
            figures = mapper.cells(record)
            counts[VALUES_READ] += len(figures)
            if mapper.subtotal(record):
                counts[SUBTOTALS] += len(figures)
                continue
            bdims, bset, depth = mapper.breakdown(record)
            for figure in figures:
                row, row_errors = mapper.map(line, record, figure)
                if row is None:
                    if row_errors:
                        counts[REJECTED] += 1
                        errors.extend(e for e in row_errors if e not in errors[-len(row_errors) :])
                    else:
                        counts[NO_FIGURE] += 1
                        if len(result.no_value) < EXAMPLES:
                            result.no_value.append(f"{sheet.name}:{line}: {figure[3]}")
                    continue
                row.update(parts=mapper.parts(row, record), bdims=bdims, bset=bset, depth=depth)
                stage.add(row)
    except FileFormatError as exc:
        errors.append(InputError(sheet.name, 1, "-", str(exc)))


def _resolve(con: Any, result: LoadResult) -> None:
    """Duplicates, conflicts, breakdowns, parts and aggregate levels, in DuckDB; then the
    flows to Parquet."""
    counts = result.counts
    key = ", ".join(KEY)

    # 1. the same fact (same flow, part and breakdown) twice: once, or a conflict. Grouped
    # aggregates and joins rather than window functions: DuckDB spills those to disk.
    con.execute(
        f"""
        CREATE TABLE facts AS SELECT {key}, parts, bdims, min(seq) AS first_seq,
            count(*) AS n, max(native) - min(native) > {VALUE_TOLERANCE} AS clash,
            any_value(depth) AS depth, any_value(bset) AS bset
        FROM staged GROUP BY {key}, parts, bdims
        """
    )
    conflicts = con.execute(
        f"""
        SELECT s.source_file, s.source_line, s.native, f.native, f.source_file, f.source_line,
               {", ".join(f"s.{c}" for c in KEY)}
        FROM facts g
        JOIN staged s USING ({key}, parts, bdims)
        JOIN staged f ON f.seq = g.first_seq
        WHERE g.clash AND s.seq <> g.first_seq
          AND abs(s.native - f.native) > {VALUE_TOLERANCE}
        ORDER BY s.seq
        """
    ).fetchall()
    for file, line, value, first, first_file, first_line, *flow in conflicts:
        result.errors.append(
            InputError(
                file,
                line,
                "value",
                f"{value:,.0f} conflicts with {first:,.0f} for the same flow at "
                f"{first_file}:{first_line} ({' '.join(str(v) for v in flow)})",
            )
        )
    counts[CONFLICTS] += len(conflicts)
    counts[DUPLICATES] += _count(con, "SELECT sum(n - 1) FROM facts") - len(conflicts)

    # 2. breakdowns: the total row where there is one, else one breakdown's rows summed
    # (worked out on the narrow `facts`; the wide rows are joined once, in step 3)
    on = " AND ".join(f"c.{column} = f.{column}" for column in (*KEY, "parts"))
    con.execute(
        f"""
        CREATE TABLE choices AS
        WITH d AS (SELECT {key}, parts, min(depth) AS min_depth FROM facts
                   GROUP BY {key}, parts)
        SELECT d.*, (SELECT min(bset) FROM facts f WHERE {on.replace("c.", "d.")}
                     AND f.depth = d.min_depth) AS chosen
        FROM d
        """
    )
    con.execute(
        f"""
        CREATE TABLE levelled AS SELECT f.first_seq, f.depth, CASE
            WHEN f.depth = c.min_depth AND f.bset = c.chosen THEN 'used'
            WHEN c.min_depth = 0 THEN 'total'
            ELSE 'other' END AS fate
        FROM facts f JOIN choices c ON {on}
        """
    )
    for fate, what in (("total", BREAKDOWN_TOTAL), ("other", BREAKDOWN_OTHER)):
        counts[what] += _count(con, f"SELECT count(*) FROM levelled WHERE fate = '{fate}'")

    # 3. parts of one flow added up
    carried = ("reporter_aggregate", "partner_aggregate", "year", "month", "hs_reported",
               "hs_version", "converted", "quantity_unit", "source", "source_file",
               "source_line")  # fmt: skip
    summed = ("value_usd", "value_eur", "net_weight_kg", "quantity")
    sums = ", ".join(
        f"CASE WHEN count(s.{c}) = count(*) THEN sum(s.{c}) END AS {c}" for c in summed
    )
    con.execute(
        f"""
        CREATE TABLE sums AS
        SELECT {", ".join(f"s.{c}" for c in KEY)}, min(s.seq) AS gid, {sums},
            sum(s.native) AS native,
            count(*) FILTER (WHERE l.depth = 0) AS n_plain,
            count(*) FILTER (WHERE l.depth > 0) AS n_summed
        FROM levelled l JOIN staged s ON s.seq = l.first_seq
        WHERE l.fate = 'used'
        GROUP BY {", ".join(f"s.{c}" for c in KEY)}
        """
    )
    con.execute(  # the other columns from the flow's first row (its id is that row's seq)
        f"""
        CREATE TABLE grouped AS
        SELECT g.*, {", ".join(f"f.{c}" for c in carried)}
        FROM sums g JOIN staged f ON f.seq = g.gid
        """
    )

    # 4. aggregate levels: keep the finest complete level
    _levels(con)
    for level, what in (("coarser", COARSER), ("finer", FINER)):
        counts[what] += _count(
            con, f"SELECT sum(n_plain + n_summed) FROM grouped WHERE level = '{level}'"
        )
    kept = con.execute(
        """
        SELECT coalesce(sum(CASE WHEN n_plain = 1 AND n_summed = 0 THEN 1 ELSE 0 END), 0),
               coalesce(sum(CASE WHEN n_plain + n_summed > 1 OR n_summed > 0
                                 THEN n_plain ELSE 0 END), 0),
               coalesce(sum(n_summed), 0), count(*)
        FROM grouped WHERE level = 'kept'
        """
    ).fetchone()
    assert kept is not None
    counts[KEPT] += int(kept[0])
    counts[ADDED_UP] += int(kept[1])
    counts[BREAKDOWN_SUMMED] += int(kept[2])
    result.rows = int(kept[3])
    counts[FLOWS_WRITTEN] = result.rows
    counts["aggregate rows kept apart"] = _count(
        con,
        "SELECT count(*) FROM grouped WHERE level = 'kept' "
        "AND (reporter_aggregate OR partner_aggregate)",
    )
    counts["values without a rate for their year"] = _count(
        con,
        "SELECT count(*) FROM grouped WHERE level = 'kept' "
        "AND (value_usd IS NULL OR value_eur IS NULL)",
    )
    target = str(result.parquet).replace("'", "''")
    con.execute(
        f"""
        COPY (SELECT {", ".join(SCHEMA.names)} FROM grouped WHERE level = 'kept')
        TO '{target}' (FORMAT parquet, COMPRESSION zstd)
        """
    )


def _levels(con: Any) -> None:
    """Set `grouped.level`: kept, coarser (its finer rows add up to it: they are kept) or
    finer (they do not add up to a coarser row, which is kept)."""
    scope = "reporter, partner, flow, period"
    joins = " UNION ALL ".join(
        f"""SELECT c.gid AS child, p.gid AS parent, {length} AS plen FROM nodes c JOIN nodes p
            ON c.reporter = p.reporter AND c.partner = p.partner AND c.flow = p.flow
           AND c.period = p.period AND p.code = left(c.code, {length})
           AND length(p.code) = {length} AND length(c.code) > {length}"""
        for length in range(2, 10)
    )
    con.execute(
        f"""
        CREATE TABLE nodes AS SELECT gid, {scope}, hs_reported AS code, native
        FROM grouped WHERE hs_reported <> 'TOTAL'
        """
    )
    con.execute(f"CREATE TABLE ancestors AS {joins}")
    con.execute(
        """
        CREATE TABLE parents AS
        WITH nearest AS (
            SELECT child, arg_max(parent, plen) AS parent FROM ancestors GROUP BY child
        ), sums AS (
            SELECT n.parent, sum(c.native) AS children FROM nearest n
            JOIN nodes c ON c.gid = n.child GROUP BY n.parent
        )
        SELECT s.parent AS gid,
               s.children BETWEEN p.native * (1 - $tol) - 1 AND p.native * (1 + $tol) + 1
                   AS complete
        FROM sums s JOIN nodes p ON p.gid = s.parent
        """,
        {"tol": LEVEL_TOLERANCE},
    )
    con.execute(
        """
        CREATE TABLE levels AS
        WITH covered AS (
            SELECT a.child AS gid, bool_and(p.complete) AS inside
            FROM ancestors a JOIN parents p ON p.gid = a.parent GROUP BY a.child
        )
        SELECT g.gid, CASE
            WHEN NOT coalesce(c.inside, true) THEN 'finer'
            WHEN coalesce(p.complete, false) THEN 'coarser'
            ELSE 'kept' END AS level
        FROM grouped g LEFT JOIN covered c ON c.gid = g.gid LEFT JOIN parents p ON p.gid = g.gid
        """
    )
    con.execute("ALTER TABLE grouped ADD COLUMN level VARCHAR")
    con.execute(
        "UPDATE grouped SET level = levels.level FROM levels WHERE grouped.gid = levels.gid"
    )


def _count(con: Any, sql: str) -> int:
    found = con.execute(sql).fetchone()
    return int(found[0]) if found and found[0] is not None else 0
