"""Statistics files into the harmonised table, with every rejected row accounted for.

A row is mapped field by field; any fault is an InputError with its file, line, field and
reason. Breakdown rows (by second partner, transport mode, customs procedure) are counted and
left out, since their total is in the file too. The same fact in two files (Eurostat exports
the same months in several label styles) is kept once; the same fact with another value is a
conflict. Rows that are parts of one flow (Comext's statistical procedures) are added up.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from diversion.declarations.errors import InputError
from diversion.flows.areas import AreaError, AreaTable, Resolved, area_table
from diversion.flows.currency import to_eur, to_usd
from diversion.flows.defaults import SOURCES as SOURCES
from diversion.flows.files import FileFormatError, Sheet, open_sheet
from diversion.flows.layouts import Layout, layouts
from diversion.flows.periods import PeriodError, parse_period
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


class LoadError(ValueError):
    """A load that cannot go ahead; `errors` has every fault found."""

    def __init__(self, errors: list[InputError]):
        self.errors = errors
        super().__init__(f"{len(errors)} fault(s); first: {errors[0]}")


@dataclass
class LoadResult:
    table: pa.Table
    errors: list[InputError]
    files: dict[str, str] = field(default_factory=dict)  # file -> layout
    counts: Counter[str] = field(default_factory=Counter)
    no_value: list[str] = field(default_factory=list)  # file:line of rows with no figure

    @property
    def rows(self) -> int:
        return int(self.table.num_rows)


def edition_for_year(year: int) -> str:
    """The HS edition in force in a year (a CN code follows the HS edition of its year)."""
    for start, edition in ((2022, "HS2022"), (2017, "HS2017"), (2012, "HS2012"), (2007, "HS2007")):
        if year >= start:
            return edition
    return "HS2002"


def parse_number(text: str) -> float | None:
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


def parse_hs(text: str) -> str:
    value = text.strip()
    code = re.split(r"[-\s]", value, maxsplit=1)[0].replace(".", "")
    if code.casefold() in ("total", "all", "ag0", "tot"):
        return "TOTAL"
    if code.isdigit() and 2 <= len(code) <= 10:
        return code
    raise ValueError(f"{value!r} is neither TOTAL nor an HS/CN code of 2 to 10 digits")


class _Mapper:
    """One file's rows into harmonised rows."""

    def __init__(self, sheet: Sheet, areas: AreaTable, concordance: Concordance):
        self.sheet = sheet
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
                    f"{sheet.path}: no column for {required} "
                    f"(one of {', '.join(self.layout.fields.get(required, ()))})"
                )
        self.resolve: Callable[[str], Resolved] = {
            "m49": areas.from_m49,
            "iso2": areas.from_iso2,
            "iso3": areas.from_iso3,
            "label": areas.from_label,
        }[self.layout.codes]

        self.period_columns = [c for c in sheet.header if re.fullmatch(r"\d{4}", c)]
        if self.layout.wide_periods and not self.period_columns:
            raise FileFormatError(f"{sheet.path}: no column named by a year")

    def cell(self, record: list[str], target: str) -> str:
        if target in self.layout.constants:
            return self.layout.constants[target]
        column = self.columns.get(target)
        if column is None:
            return ""
        position = self.index[column]
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
        flow column (Armenia), or one per year column (Uzbekistan)."""
        if self.layout.wide_periods:
            flow = self.cell(record, "flow")
            return [(flow, c, self.raw(record, c), c) for c in self.period_columns]
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

    def breakdown(self, record: list[str]) -> bool:
        """Whether the row is one part of a total the file also has."""
        return any(
            column in self.index and self.raw(record, column).casefold() not in totals
            for column, totals in self.layout.totals_only.items()
        )

    def map(
        self, line: int, record: list[str], figure: tuple[str, str, str, str]
    ) -> tuple[dict[str, Any] | None, list[InputError]]:
        name = str(self.sheet.path)
        errors: list[InputError] = []
        flow_text, period_text, value_text, value_column = figure
        where = {
            "value": value_column,
            "period": self.columns.get("period") or self.layout.period_parts.get("year"),
        }

        def fail(target: str, reason: str) -> None:
            column = where.get(target) or self.columns.get(target) or target
            errors.append(InputError(name, line, column, reason))

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
        try:
            period = parse_period(period_text)
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
        if numbers["value"] is None:
            return None, []
        if numbers["value"] < 0:
            return None, [InputError(name, line, value_column, "negative")]
        self._goods(row, record)
        self._values(row, numbers["value"])
        row.update(
            net_weight_kg=numbers["net_weight_kg"],
            quantity=numbers["quantity"],
            quantity_unit=self.cell(record, "quantity_unit") or None,
            source=self.layout.name,
            source_file=str(self.sheet.path),
            source_line=line,
        )
        return row, []

    def _goods(self, row: dict[str, Any], record: list[str]) -> None:
        code = row["hs_reported"]
        stated = COMTRADE_EDITIONS.get(self.cell(record, "classification").casefold())
        edition = stated or edition_for_year(row["year"])
        row["hs_version"] = edition
        row["hs_code"] = code
        if code != "TOTAL" and len(code) >= 6 and edition == "HS2017":
            successors = self.concordance.successors(code[:6])
            if len(successors) == 1:  # a one-way move: the HS 2022 code says the same goods
                row["hs_code"] = successors[0].hs2022

    def _values(self, row: dict[str, Any], value: float) -> None:
        if self.layout.currency == "USD":
            row.update(value_usd=value, value_eur=to_eur(value, row["year"]), converted="eur")
        else:
            row.update(value_eur=value, value_usd=to_usd(value, row["year"]), converted="usd")

    def parts(self, row: dict[str, Any], record: list[str]) -> tuple[str, ...]:
        """What tells apart two rows that add up to one flow: the sum_over columns, and a
        residual partner's own code (several 'areas n.e.s.' all become ZZ)."""
        values = [self.raw(record, column) for column in self.layout.sum_over]
        for side in ("reporter", "partner"):
            if row[side] == "ZZ":
                values.append(self.cell(record, side))
        return tuple(values)


def source_layouts(source: str) -> tuple[Layout, ...] | None:
    """The layouts a SOURCE allows (None: any), or ValueError naming the known ones."""
    known = layouts()
    if source in SOURCES:
        names = SOURCES[source]
        return None if names is None else tuple(known[name] for name in names)
    if source in known:
        return (known[source],)
    raise ValueError(f"unknown source {source!r}; use one of: {', '.join([*SOURCES, *known])}")


def load_files(
    paths: Iterable[Path],
    source: str = "auto",
    concordance: Concordance | None = None,
    progress: Callable[[Path], None] | None = None,
) -> LoadResult:
    """Read every file into one harmonised table; faults are collected, never raised per row."""
    allowed = source_layouts(source)
    areas = area_table()
    concordance = concordance or bundled_concordance()
    facts: dict[tuple[Any, ...], dict[tuple[str, ...], dict[str, Any]]] = {}
    errors: list[InputError] = []
    result = LoadResult(pa.Table.from_pylist([], schema=SCHEMA), errors)
    for path in paths:
        if progress:
            progress(path)
        try:
            sheet = open_sheet(path, allowed)
            mapper = _Mapper(sheet, areas, concordance)
        except (FileFormatError, OSError) as exc:
            errors.append(InputError(str(path), 1, "-", str(exc)))
            continue
        result.files[str(path)] = sheet.layout.name
        try:
            for line, record in sheet.rows:
                result.counts["rows read"] += 1
                if mapper.breakdown(record):
                    result.counts["breakdown rows left out (their total is in the file)"] += 1
                    continue
                if mapper.subtotal(record):
                    result.counts["subtotal rows left out (the file's parts add up to them)"] += 1
                    continue
                for figure in mapper.cells(record):
                    row, row_errors = mapper.map(line, record, figure)
                    errors.extend(e for e in row_errors if e not in errors[-len(row_errors) :])
                    if row is None:
                        if not row_errors:
                            result.no_value.append(f"{path}:{line}: {figure[3]}")
                        continue
                    _add(facts, row, mapper.parts(row, record), errors, result.counts)
        except FileFormatError as exc:
            errors.append(InputError(str(path), 1, "-", str(exc)))
    rows = [_summed(list(group.values())) for group in facts.values()]
    result.counts["aggregate rows kept apart"] = sum(
        1 for row in rows if row["reporter_aggregate"] or row["partner_aggregate"]
    )
    result.counts["rows without a figure"] = len(result.no_value)
    result.counts["values without a rate for their year"] = sum(
        1 for row in rows if row["value_usd"] is None or row["value_eur"] is None
    )
    result.table = pa.Table.from_pylist(rows, schema=SCHEMA)
    return result


def _add(
    facts: dict[tuple[Any, ...], dict[tuple[str, ...], dict[str, Any]]],
    row: dict[str, Any],
    parts: tuple[str, ...],
    errors: list[InputError],
    counts: Counter[str],
) -> None:
    key = tuple(row[column] for column in KEY)
    group = facts.setdefault(key, {})
    earlier = group.get(parts)
    if earlier is None:
        group[parts] = row
        return
    column = "value_usd" if row["converted"] == "eur" else "value_eur"
    if abs(earlier[column] - row[column]) <= VALUE_TOLERANCE:
        counts["duplicate rows (the same fact again) kept once"] += 1
        return
    errors.append(
        InputError(
            row["source_file"],
            row["source_line"],
            "value",
            f"{row[column]:,.0f} conflicts with {earlier[column]:,.0f} for the same flow at "
            f"{earlier['source_file']}:{earlier['source_line']} "
            f"({' '.join(str(row[c]) for c in KEY)})",
        )
    )


def _summed(rows: list[dict[str, Any]]) -> dict[str, Any]:
    if len(rows) == 1:
        return rows[0]
    total = dict(rows[0])
    for column in ("value_usd", "value_eur", "net_weight_kg", "quantity"):
        values = [row[column] for row in rows]
        total[column] = None if any(v is None for v in values) else sum(values)
    return total
