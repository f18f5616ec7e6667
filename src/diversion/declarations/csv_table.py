"""What every CSV input shares: the file's encoding and delimiter, records with the line each
starts on, and a header checked against the expected columns with a hint for near misses.

Excel writes CSV in the user's locale: a comma in English, a semicolon where the comma is the
decimal separator (Russian, German, ...), a tab for "Text (Tab delimited)". The delimiter is
the one of `,`, `;` and tab that splits the first line into the most expected column names;
a tie (or none) goes to the first in that order. The encoding is sniffed by `source.read_text`.
`CsvTable.describe` says what was chosen, and the commands print it.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from diversion.declarations.errors import InputError
from diversion.declarations.source import read_text

DELIMITERS = (",", ";", "\t")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")


@dataclass(frozen=True)
class CsvTable:
    """A CSV file's text, as decoded, and how it was read."""

    path: Path
    text: str
    encoding: str
    delimiter: str

    @property
    def decimal_comma(self) -> bool:
        """Where Excel separates with `;` or tab, the comma is the decimal separator."""
        return self.delimiter != ","

    def describe(self) -> str:
        """`read in.csv as Windows-1251, semicolon-separated, decimal comma`."""
        how = f"{self.encoding}, {DELIMITER_NAMES[self.delimiter]}-separated"
        return f"read {self.path} as {how}" + (", decimal comma" if self.decimal_comma else "")

    def number(self, value: str) -> str:
        """A number cell with a decimal point: `12,5` becomes `12.5` in a file with a decimal
        comma. Anything else (`1.234,5`, `1 234`) is left for the field's parser to refuse."""
        if self.decimal_comma and _DECIMAL_COMMA.fullmatch(value.strip()):
            return value.replace(",", ".")
        return value

    def records(self) -> Iterator[tuple[int, list[str]]]:
        return records(self.text, self.delimiter)


def sniff_delimiter(text: str, columns: Collection[str]) -> str:
    """The delimiter that splits the first line into the most known column names."""
    first = text.split("\n", 1)[0].rstrip("\r")

    def known(delimiter: str) -> int:
        try:
            header = next(csv.reader([first], delimiter=delimiter))
        except (csv.Error, StopIteration):
            return 0
        return sum(cell.strip() in columns for cell in header)

    return max(DELIMITERS, key=known)  # max keeps the first of equals


def open_csv(path: Path, columns: Collection[str]) -> tuple[CsvTable | None, list[InputError]]:
    """A CSV file decoded (UTF-8, or Windows-1251) with its delimiter, or why it cannot be."""
    decoded, errors = read_text(path, windows_1251=True)
    if decoded is None:
        return None, errors
    delimiter = sniff_delimiter(decoded.text, columns)
    return CsvTable(path, decoded.text, decoded.encoding, delimiter), []


def records(text: str, delimiter: str = ",") -> Iterator[tuple[int, list[str]]]:
    """CSV records with the line each starts on (quoted cells may span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    start = 1
    for record in reader:
        yield start, record
        start = reader.line_num + 1


def header_errors(
    name: str, header: list[str], columns: Sequence[str], required: Collection[str]
) -> list[InputError]:
    """Every fault of a header: a column twice, an unknown one, a required one missing."""
    errors = []
    seen: set[str] = set()
    for column in header:
        if column in seen:
            errors.append(InputError(name, 1, column, "column appears twice"))
        seen.add(column)
        if column not in columns:
            hint = difflib.get_close_matches(column, columns, n=1)
            extra = f" (did you mean {hint[0]!r}?)" if hint else ""
            errors.append(InputError(name, 1, column, f"unknown column{extra}"))
    errors.extend(
        InputError(name, 1, column, "required column is missing")
        for column in columns
        if column in required and column not in seen
    )
    return errors
