"""Rows of a statistics file, whatever it is: CSV (any common delimiter), or an Excel workbook
under any name. Eurostat's web exports are sometimes .xlsx files named .csv."""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path

from diversion.flows.layouts import Layout, fold, layouts

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls (and other OLE documents)
HEADER_SCAN = 30  # rows a workbook may have above its header (titles, notes)


class FileFormatError(ValueError):
    """A file Diversion cannot read at all; says which file and why."""


@dataclass
class Sheet:
    """A file's header (folded names) and its data rows with their line numbers."""

    path: Path
    layout: Layout
    header: list[str]
    rows: Iterator[tuple[int, list[str]]]
    kind: str  # csv or xlsx


def open_sheet(path: Path, allowed: Collection[Layout] | None = None) -> Sheet:
    """The file's rows under the first allowed layout its header matches (any if None)."""
    candidates = tuple(allowed) if allowed else tuple(x for x in layouts().values() if x.auto)
    head = path.read_bytes()[:8]
    if head.startswith(OLE_MAGIC):
        raise FileFormatError(
            f"{path}: a legacy Excel (.xls) workbook; open it and save it as .xlsx or CSV"
        )
    if head.startswith(ZIP_MAGIC):
        return _xlsx_sheet(path, candidates)
    return _csv_sheet(path, candidates)


def _text(path: Path) -> str:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileFormatError(f"{path}: neither UTF-8 nor Windows-1251 text")  # pragma: no cover


def _match(header: list[str], candidates: tuple[Layout, ...]) -> Layout | None:
    return next((layout for layout in candidates if layout.matches(header)), None)


def _layout_for(path: Path, header: list[str], candidates: tuple[Layout, ...]) -> Layout:
    found = _match(header, candidates)
    if found is None:
        wanted = ", ".join(layout.name for layout in candidates)
        raise FileFormatError(
            f"{path}: header {', '.join(header[:12])} matches none of the layouts {wanted}; "
            "see `diversion flows layouts`"
        )
    return found


def _csv_sheet(path: Path, candidates: tuple[Layout, ...]) -> Sheet:
    text = _text(path)
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t", "|"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        raw_header = next(reader)
    except StopIteration:
        raise FileFormatError(f"{path}: the file is empty") from None
    header = [fold(name) for name in raw_header]
    found = _layout_for(path, header, candidates)

    def rows() -> Iterator[tuple[int, list[str]]]:
        start = reader.line_num + 1
        try:
            for record in reader:
                if any(cell.strip() for cell in record):
                    yield start, record
                start = reader.line_num + 1
        except csv.Error as exc:
            raise FileFormatError(f"{path}:{start}: unreadable CSV: {exc}") from None

    return Sheet(path, found, header, rows(), "csv")


def _xlsx_sheet(path: Path, candidates: tuple[Layout, ...]) -> Sheet:
    from openpyxl import load_workbook  # only workbooks need it

    try:
        book = load_workbook(io.BytesIO(path.read_bytes()), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken archive
        raise FileFormatError(f"{path}: not a readable .xlsx workbook ({exc})") from None
    sheet = book.worksheets[0]
    records = (
        (number, ["" if cell is None else str(cell) for cell in row])
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1)
    )
    for number, record in records:
        header = [fold(name) for name in record]
        found = _match(header, candidates)
        if found is not None:
            data = ((n, r) for n, r in records if any(cell.strip() for cell in r))
            return Sheet(path, found, header, data, "xlsx")
        if number >= HEADER_SCAN:
            break
    raise FileFormatError(
        f"{path}: no row of the first {HEADER_SCAN} of its first sheet is a known header"
    )
