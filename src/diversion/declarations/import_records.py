"""Import records: the goods' earlier import declarations or e-invoices, in a CSV or JSON Lines
form, for the rules that follow the goods' route (`diversion screen --imports FILE`).

A record is one goods line of one document: who imported what, when, from which country it
was dispatched and where it was made. Both forms have the same flat fields (docs/declarations.md,
"Import records"); a CSV file's encoding and delimiter are sniffed as for declarations. Every
row is either a record or an error with its file, line, field and reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError

from diversion.declarations import fields
from diversion.declarations.csv_table import CsvTable, header_errors, open_csv
from diversion.declarations.errors import FILE, InputError, pydantic_errors
from diversion.declarations.jsonl_format import parse_json_line
from diversion.declarations.model import (
    Country,
    Currency,
    HsCode,
    IsoDate,
    ItemNo,
    NonNegative,
    Positive,
    Text,
)
from diversion.declarations.read import input_format
from diversion.declarations.source import read_text

DOCUMENT_TYPES = ("import-declaration", "e-invoice")


def document_type(value: object) -> str:
    text = fields.clean_text(value).lower()
    if text not in DOCUMENT_TYPES:
        raise ValueError(f"document type {value!r} is not one of {', '.join(DOCUMENT_TYPES)}")
    return text


DocumentType = Annotated[str, BeforeValidator(document_type)]


class ImportRecord(BaseModel):
    """One goods line of an import declaration or e-invoice."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    document_no: Text
    document_type: DocumentType | None = None
    item_no: ItemNo | None = None  # needed when a document has several lines
    date: IsoDate
    importer_name: Text
    importer_id: Text | None = None
    hs_code: HsCode
    description: Text | None = None
    quantity: Positive
    unit: Text | None = None
    value: NonNegative
    currency: Currency
    country_of_dispatch: Country
    country_of_manufacture: Country

    @property
    def key(self) -> tuple[str, int | None]:
        """A document line is given once: the same key twice is the same line."""
        return self.document_no, self.item_no


COLUMNS: tuple[str, ...] = tuple(ImportRecord.model_fields)
REQUIRED = frozenset(name for name, spec in ImportRecord.model_fields.items() if spec.is_required())
NUMBER_COLUMNS = ("quantity", "value")


@dataclass
class ImportReadResult:
    """The records of a file, each with the line it is on, and every row that is not one."""

    records: list[tuple[int, ImportRecord]] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    how: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors


class _Reader:
    """Validation and the once-per-document-line check that both forms share."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.result = ImportReadResult()
        self._seen: dict[tuple[str, int | None], int] = {}

    def add(self, line: int, data: dict[str, Any]) -> None:
        try:
            record = ImportRecord.model_validate(data)
        except ValidationError as exc:
            for loc, reason in pydantic_errors(exc):
                column = str(loc[0]) if loc else FILE
                self.result.errors.append(InputError(self.name, line, column, reason))
            return
        first = self._seen.setdefault(record.key, line)
        if first != line:
            self.result.errors.append(
                InputError(
                    self.name,
                    line,
                    "document_no",
                    f"document {record.document_no!r} line {record.item_no or '(no item_no)'} "
                    f"is already given on line {first}; give each line of a document its "
                    "item_no",
                )
            )
            return
        self.result.records.append((line, record))

    def done(self, empty: str) -> ImportReadResult:
        if not self.result.records and not self.result.errors:
            self.result.errors.append(InputError(self.name, 1, FILE, empty))
        return self.result


def read_csv_records(table: CsvTable) -> ImportReadResult:
    reader = _Reader(str(table.path))
    errors = reader.result.errors
    rows = table.rows()
    first = next(rows, None)
    if first is None:
        return reader.done("file has no header row")
    if first.problem is not None:
        errors.append(InputError(reader.name, first.line, FILE, f"header: {first.problem}"))
        return reader.result
    header = [column.strip() for column in first.cells]
    errors.extend(header_errors(reader.name, header, COLUMNS, REQUIRED))
    if errors:
        return reader.result
    for row in rows:
        if row.blank:
            continue  # a blank line is layout, not a row
        if row.problem is not None:
            errors.append(InputError(reader.name, row.line, FILE, row.problem))
            continue
        data: dict[str, Any] = {}
        for column, cell in zip(header, row.cells, strict=True):
            value = cell.strip()
            if value:
                data[column] = table.number(value) if column in NUMBER_COLUMNS else value
        reader.add(row.line, data)
    return reader.done("file has a header but no import records")


def read_jsonl_records(path: Path, text: str) -> ImportReadResult:
    reader = _Reader(str(path))
    # lines end at \n only, as for declarations (json allows U+2028 inside a string)
    for line, raw in enumerate(text.split("\n"), start=1):
        if not raw.strip():
            continue
        data, problem = parse_json_line(raw)
        if problem is not None:
            reader.result.errors.append(InputError(reader.name, line, FILE, problem))
            continue
        if not isinstance(data, dict):
            reader.result.errors.append(
                InputError(reader.name, line, FILE, "a line must hold one JSON object")
            )
            continue
        reader.add(line, {k: v for k, v in data.items() if v is not None})
    return reader.done("file holds no import records")


def read_import_records(path: Path, fmt: str | None = None) -> ImportReadResult:
    """The import records of a .csv or .jsonl file, and every row that is not one."""
    try:
        kind = input_format(path, fmt)
    except ValueError as exc:
        return ImportReadResult(errors=[InputError(str(path), 0, FILE, str(exc))])
    if kind == "csv":
        table, errors = open_csv(path, COLUMNS)
        if table is None:
            return ImportReadResult(errors=errors)
        result = read_csv_records(table)
        result.how = table.describe()
        return result
    text, errors = read_text(path)
    if text is None:
        return ImportReadResult(errors=errors)
    result = read_jsonl_records(path, text.text)
    result.how = f"read {path} as JSON Lines, {text.encoding}"
    return result
