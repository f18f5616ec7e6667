"""Every CSV file Diversion writes goes through this writer, so that no cell runs as a formula.

A spreadsheet treats a cell that begins with `=`, `+`, `-` or `@` as a formula, and a tab or
carriage return at the start can hide one (OWASP, "CSV Injection"). Names and messages in our
outputs come from declarations and lists that anyone may have written, so a consignee named
`=HYPERLINK("http://x","click")` must reach the officer as text.

The rule, per cell:

- a number (int, float, Decimal) is written as it is: a spreadsheet reads `-5` as minus five;
- text in a column declared numeric is written as it is when it is a plain number
  (`-5`, `+3.25`, `1e-3`), so signed numbers we format ourselves stay numbers;
- any other text that begins with `=`, `+`, `-`, `@`, tab or carriage return gets a leading
  single quote (`'=HYPERLINK(...)`), which spreadsheets show as text and do not evaluate.

Readers of our CSV outputs who want the original text drop one leading `'` from such cells.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import IO, Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def escape_cell(value: object, numeric: bool = False) -> object:
    """The value a CSV cell can safely hold (see the module's rule)."""
    if not isinstance(value, str):
        return value  # numbers, None (an empty cell) and the like are not formulas
    if not value.startswith(FORMULA_START):
        return value
    if numeric and _PLAIN_NUMBER.fullmatch(value):
        return value
    return "'" + value


class CsvWriter:
    """`csv.writer` for a fixed list of columns, with every cell escaped; rows are sequences
    in column order or mappings by column name (a missing key is an empty cell)."""

    def __init__(
        self,
        handle: IO[str],
        columns: Sequence[str],
        numeric: Collection[str] = (),
        **fmtparams: Any,
    ) -> None:
        unknown = set(numeric) - set(columns)
        if unknown:
            raise ValueError(f"numeric columns {sorted(unknown)} are not among the columns")
        self.columns = tuple(columns)
        self._numeric = tuple(column in numeric for column in self.columns)
        self._writer = csv.writer(handle, **fmtparams)

    def writeheader(self) -> None:
        self._writer.writerow([escape_cell(column) for column in self.columns])

    def writerow(self, row: Sequence[object] | Mapping[str, object]) -> None:
        if isinstance(row, Mapping):
            extra = set(row) - set(self.columns)
            if extra:
                raise ValueError(f"row has keys that are not columns: {sorted(extra)}")
            cells: Sequence[object] = [row.get(column) for column in self.columns]
        else:
            cells = row
        if len(cells) != len(self.columns):
            raise ValueError(f"row has {len(cells)} cells; there are {len(self.columns)} columns")
        self._writer.writerow(
            [escape_cell(cell, numeric) for cell, numeric in zip(cells, self._numeric, strict=True)]
        )

    def writerows(self, rows: Iterable[Sequence[object] | Mapping[str, object]]) -> None:
        for row in rows:
            self.writerow(row)
