"""What every CSV input shares: records with the line each starts on, and a header checked
against the expected columns with a hint for near misses."""

from __future__ import annotations

import csv
import difflib
import io
from collections.abc import Collection, Iterator, Sequence

from diversion.declarations.errors import InputError


def records(text: str) -> Iterator[tuple[int, list[str]]]:
    """CSV records with the line each starts on (quoted cells may span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
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
