"""What every CSV input shares: the file's encoding and delimiter, records with the line each
starts on, and a header checked against the expected columns with a hint for near misses.

Excel writes CSV in the user's locale: a comma in English, a semicolon where the comma is the
decimal separator (Russian, German, ...), a tab for "Text (Tab delimited)". The delimiter is
the one of `,`, `;` and tab that splits the first line into the most expected column names;
a tie (or none) goes to the first in that order. The encoding is sniffed by `source.read_text`.
`CsvTable.describe` says what was chosen, and the commands print it.

`CsvTable.rows` recovers from a record that does not split (a stray quote, a row over
MAX_ROW characters, a row with more or fewer cells than the header) by reporting it and
reading on at the line after the one it started on, so one bad row never hides the rows after
it. The limit is ours and below the csv module's own field limit (131,072 characters by
default, and raised to 30 MB by whatever imports followthemoney), so that limit never decides.
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
MAX_ROW = 100_000  # characters one record may span, quoted line breaks included
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_SPLIT = re.compile("[,;\t]")
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

    def rows(self) -> Iterator[Row]:
        return rows(self.text, self.delimiter)


@dataclass(frozen=True)
class Row:
    """One record as read: its cells, or why it could not be read (`cells` is then what a
    plain split of its first line gives, to name the declaration it belongs to)."""

    line: int  # the physical line it starts on
    cells: list[str]
    problem: str | None = None

    @property
    def blank(self) -> bool:
        return all(not cell.strip() for cell in self.cells)

    def names(self) -> set[str]:
        """What in a row that could not be read might name a declaration: every cell, and
        every cell of every line inside a cell (the rows a stray quote ran over)."""
        pieces = set(self.cells)
        for cell in self.cells:
            for line in _LINE_BREAK.split(cell):
                pieces.update(_SPLIT.split(line))
        return {piece.strip().strip('"').strip() for piece in pieces}


class _TooLong(Exception):
    pass


class _Lines:
    """The file's lines for the csv module, from a given line on, counting the characters of
    the record being read so that an unclosed quote cannot swallow the rest of the file."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.next = 0  # index of the next line to hand out
        self.chars = 0  # characters handed out for the current record

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        if self.next >= len(self.lines):
            raise StopIteration
        line = self.lines[self.next]
        self.next += 1
        self.chars += len(line)
        if self.chars > MAX_ROW:
            raise _TooLong
        return line


def rows(text: str, delimiter: str = ",") -> Iterator[Row]:
    """Every record of the text with the line it starts on; the first is the header.

    A record that does not split, or splits into another number of cells than the header, is
    a Row with a problem, and reading goes on at the line after the one it started on: a
    stray quote may have run over whole rows, and each of them is read again as itself. A
    bad record that starts inside the lines of one reported before may be a row of its own
    or the rest of a quoted cell; it is reported too (nothing is dropped)."""
    # lines end at \n, \r\n and \r only, as the csv module sees them (not at U+2028)
    feed = _Lines(io.StringIO(text, newline="").readlines())
    width: int | None = None
    while feed.next < len(feed.lines):
        reader = csv.reader(feed, delimiter=delimiter, strict=True)
        while True:
            start = feed.next
            feed.chars = 0
            problem = None
            cells: list[str] = []
            try:
                cells = next(reader)
            except StopIteration:
                return
            except _TooLong:
                problem = f"row is longer than {MAX_ROW:,} characters"
            except csv.Error as exc:
                problem = f"malformed CSV: {exc}"
            if problem is None:
                blank = all(not cell.strip() for cell in cells)
                if width is None and not blank:
                    width = len(cells)
                elif width is not None and not blank and len(cells) != width:
                    problem = f"row has {len(cells)} fields; the header has {width}"
            if problem is None:
                yield Row(start + 1, cells)
                continue
            end = feed.next
            if end - start > 1:
                problem += f" (a stray quote? the row ran on to line {end})"
                cells = feed.lines[start].rstrip("\r\n").split(delimiter)
            elif not cells:  # the csv module gave up on the line: split it plainly
                cells = feed.lines[start].rstrip("\r\n").split(delimiter)
            yield Row(start + 1, cells, problem)
            if end - start > 1:
                feed.next = start + 1
                break  # a new reader, from the next line: the record may have run over it


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
