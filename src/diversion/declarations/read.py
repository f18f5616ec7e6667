"""Read a declarations file in either form."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from diversion.declarations.csv_format import COLUMNS, read_csv
from diversion.declarations.csv_table import open_csv
from diversion.declarations.errors import FILE, InputError
from diversion.declarations.jsonl_format import read_jsonl
from diversion.declarations.model import Declaration
from diversion.declarations.source import read_text

FORMATS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl"}


@dataclass
class ReadResult:
    """What a file yielded: declarations to screen, and everything that was not screened."""

    declarations: list[Declaration] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)
    how: str = ""  # how the file was read: `read x.csv as Windows-1251, semicolon-separated`

    @property
    def ok(self) -> bool:
        return not self.errors


def input_format(path: Path, explicit: str | None = None) -> str:
    if explicit:
        if explicit not in ("csv", "jsonl"):
            raise ValueError(f"input format {explicit!r} is not csv or jsonl")
        return explicit
    try:
        return FORMATS[path.suffix.lower()]
    except KeyError:
        raise ValueError(
            f"cannot tell the format of {path.name!r} from its extension; "
            "name it .csv or .jsonl, or pass --input-format"
        ) from None


def read_declarations(path: Path, fmt: str | None = None) -> ReadResult:
    try:
        kind = input_format(path, fmt)
    except ValueError as exc:
        return ReadResult(errors=[InputError(str(path), 0, FILE, str(exc))])
    if kind == "csv":
        table, errors = open_csv(path, COLUMNS)
        if table is None:
            return ReadResult(errors=errors)
        declarations, errors, rejected = read_csv(table)
        return ReadResult(declarations, errors, rejected, table.describe())
    text, errors = read_text(path)
    if text is None:
        return ReadResult(errors=errors)
    declarations, errors, rejected = read_jsonl(path, text.text)
    how = f"read {path} as JSON Lines, {text.encoding}"
    return ReadResult(declarations, errors, rejected, how)
