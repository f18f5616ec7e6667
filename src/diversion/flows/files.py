"""Rows of a statistics file, whatever it is: CSV (any common delimiter, plain or gzipped), or
an Excel workbook under any name. Eurostat's web exports are sometimes .xlsx files named .csv;
its Data Browser writes one sheet per product with the product and flow in a block above the
table. Rows are read as a stream: a file is never held in memory whole."""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import itertools
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from diversion.flows.layouts import Layout, fold, layouts

ZIP_MAGIC = b"PK\x03\x04"
GZIP_MAGIC = b"\x1f\x8b"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls (and other OLE documents)
HEADER_SCAN = 30  # rows a workbook may have above its header (titles, notes, metadata)
SNIFF_BYTES = 1 << 20  # how much of a text file tells its encoding
PERIOD_COLUMN = re.compile(r"\d{4}(?:_\d{2})?")  # 2022, or 2022-03 as the header folds it
BRACKETED_CODE = re.compile(r"\[([^\[\]]+)\]\s*$")  # "Integrated circuits [8542]"


class FileFormatError(ValueError):
    """A file Diversion cannot read at all; says which file and why."""


@dataclass
class Sheet:
    """A table's header (folded names) and its data rows with their line numbers."""

    path: Path
    layout: Layout
    header: list[str]
    rows: Iterator[tuple[int, list[str]]]
    kind: str  # csv or xlsx
    name: str = ""  # how faults name it: the file, or "file [sheet]" for one sheet of several
    constants: dict[str, str] = field(default_factory=dict)  # fields the metadata block gives

    def __post_init__(self) -> None:
        self.name = self.name or str(self.path)


def open_sheets(
    path: Path, allowed: Collection[Layout] | None = None
) -> Iterator[Sheet | FileFormatError]:
    """The file's tables under the first allowed layout each header matches (any if None);
    a table that cannot be read is yielded as its error, so the others are still read."""
    candidates = tuple(allowed) if allowed else tuple(x for x in layouts().values() if x.auto)
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(OLE_MAGIC):
        raise FileFormatError(
            f"{path}: a legacy Excel (.xls) workbook; open it and save it as .xlsx or CSV"
        )
    if head.startswith(ZIP_MAGIC):
        yield from _xlsx_sheets(path, candidates)
    else:
        yield _csv_sheet(path, candidates, gzipped=head.startswith(GZIP_MAGIC))


def open_sheet(path: Path, allowed: Collection[Layout] | None = None) -> Sheet:
    """The file's first table (raises its error)."""
    for sheet in open_sheets(path, allowed):
        if isinstance(sheet, FileFormatError):
            raise sheet
        return sheet
    raise FileFormatError(f"{path}: no table")  # pragma: no cover


def _encoding(raw: IO[bytes], path: Path) -> str:
    head = raw.read(SNIFF_BYTES)
    raw.seek(0)
    try:
        codecs.getincrementaldecoder("utf-8-sig")().decode(head, final=False)
        return "utf-8-sig"
    except UnicodeDecodeError:
        pass
    try:
        head.decode("cp1251")
        return "cp1251"
    except UnicodeDecodeError:  # pragma: no cover - cp1251 maps almost every byte
        raise FileFormatError(f"{path}: neither UTF-8 nor Windows-1251 text") from None


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


def _csv_sheet(path: Path, candidates: tuple[Layout, ...], gzipped: bool) -> Sheet:
    # closed when the rows are read to the end (or on an error below)
    raw: Any = gzip.open(path, "rb") if gzipped else path.open("rb")  # noqa: SIM115
    try:
        encoding = _encoding(raw, path)
    except (OSError, EOFError) as exc:
        raw.close()
        raise FileFormatError(f"{path}: unreadable ({exc})") from None
    text = io.TextIOWrapper(raw, encoding=encoding, newline="")
    try:
        first = text.readline()
    except (UnicodeDecodeError, OSError, EOFError) as exc:
        text.close()
        raise FileFormatError(f"{path}: unreadable ({exc})") from None
    if not first.strip():
        text.close()
        raise FileFormatError(f"{path}: the file is empty")
    delimiter = max((",", ";", "\t", "|"), key=first.count)
    reader = csv.reader(itertools.chain([first], text), delimiter=delimiter)
    header = [fold(name) for name in next(reader)]
    try:
        found = _layout_for(path, header, candidates)
    except FileFormatError:
        text.close()
        raise

    def rows() -> Iterator[tuple[int, list[str]]]:
        start = reader.line_num + 1
        try:
            for record in reader:
                if any(cell.strip() for cell in record):
                    yield start, record
                start = reader.line_num + 1
        except csv.Error as exc:
            raise FileFormatError(f"{path}:{start}: unreadable CSV: {exc}") from None
        except (UnicodeDecodeError, OSError, EOFError) as exc:
            raise FileFormatError(f"{path}:{start}: unreadable ({exc})") from None
        finally:
            text.close()

    return Sheet(path, found, header, rows(), "csv")


def _cells(row: tuple[Any, ...]) -> list[str]:
    return ["" if cell is None else _cell_text(cell) for cell in row]


def _cell_text(cell: Any) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))  # 2022.0 and 1751.0 as the sheet shows them
    return str(cell)


def _metadata_value(text: str) -> str:
    """A metadata value: the code in brackets where the label gives one ("... [8542]")."""
    found = BRACKETED_CODE.search(text)
    return found[1].strip() if found else text.strip()


def _xlsx_sheets(path: Path, candidates: tuple[Layout, ...]) -> Iterator[Sheet | FileFormatError]:
    from openpyxl import load_workbook  # only workbooks need it

    try:
        # a file object, not the name: openpyxl refuses names that do not end in .xlsx
        book = load_workbook(path.open("rb"), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken archive
        raise FileFormatError(f"{path}: not a readable .xlsx workbook ({exc})") from None
    several = len(book.worksheets) > 1
    found_any = False
    for worksheet in book.worksheets:
        name = f"{path} [{worksheet.title}]" if several else str(path)
        if hasattr(worksheet, "reset_dimensions"):
            worksheet.reset_dimensions()  # Data Browser workbooks understate their size
        sheet = _xlsx_table(path, name, worksheet, candidates)
        if sheet is not None:
            found_any = True
            yield sheet
    if not found_any:
        raise FileFormatError(
            f"{path}: no row of the first {HEADER_SCAN} of any sheet is a known header"
        )


def _xlsx_table(
    path: Path, name: str, worksheet: Any, candidates: tuple[Layout, ...]
) -> Sheet | FileFormatError | None:
    records = (
        (number, _cells(row))
        for number, row in enumerate(worksheet.iter_rows(values_only=True), start=1)
    )
    block: dict[str, str] = {}  # the "NAME | | value" rows above the table
    periods: list[str] = []  # the TIME row of a Data Browser sheet
    for number, record in records:
        header = [fold(cell) for cell in record]
        found = _match(header, candidates)
        if found is not None:
            return _xlsx_found(path, name, found, header, periods, block, records)
        filled = [cell for cell in record if cell.strip()]
        if header and header[0] == "time":
            periods = record
        elif len(filled) >= 2 and record[0].strip():
            block.setdefault(fold(record[0]), filled[-1])
        if number >= HEADER_SCAN:
            break
    return None


def _xlsx_found(
    path: Path,
    name: str,
    layout: Layout,
    header: list[str],
    periods: list[str],
    block: dict[str, str],
    records: Iterator[tuple[int, list[str]]],
) -> Sheet | FileFormatError:
    if layout.wide_periods and periods:  # months are named in the TIME row above the header
        header = [
            fold(periods[i]) if i < len(periods) and not column and periods[i].strip() else column
            for i, column in enumerate(header)
        ]
    constants: dict[str, str] = {}
    for target, label in layout.metadata.items():
        if label not in block:
            return FileFormatError(f"{name}: no {label.upper()} row above the table")
        constants[target] = _metadata_value(block[label])
    if layout.indicator and fold(constants.pop("indicator", "")) != layout.indicator:
        return FileFormatError(
            f"{name}: indicator {block.get(layout.metadata.get('indicator', ''), '?')}; "
            f"the {layout.name} layout reads {layout.indicator.upper()} only"
        )

    def rows() -> Iterator[tuple[int, list[str]]]:
        for number, record in records:
            if not any(cell.strip() for cell in record):
                if layout.metadata:
                    return  # a Data Browser table ends at its first blank row (a legend follows)
                continue
            yield number, record

    return Sheet(path, layout, header, rows(), "xlsx", name, constants)
