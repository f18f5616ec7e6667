"""The JSON Lines form: one declaration per line, with its parties and items nested."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError

from diversion.declarations.errors import FILE, InputError, pydantic_errors
from diversion.declarations.model import Declaration


def _field(loc: tuple[int | str, ...]) -> str:
    """`items[2].hs_code` style paths, as a JSON user would look them up."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or FILE


def read_jsonl(path: Path, text: str) -> tuple[list[Declaration], list[InputError], list[str]]:
    name = str(path)
    declarations: list[Declaration] = []
    errors: list[InputError] = []
    rejected: list[str] = []
    first_seen: dict[str, int] = {}
    # lines end at \n (and \r\n) only: str.splitlines would also break at U+0085, U+2028 and
    # others that JSON allows inside a string, and shift every line number after them
    for line, raw in enumerate(text.split("\n"), start=1):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw)
        except json.JSONDecodeError as exc:
            errors.append(
                InputError(name, line, FILE, f"invalid JSON: {exc.msg} at column {exc.colno}")
            )
            continue
        if not isinstance(record, dict):
            errors.append(InputError(name, line, FILE, "a line must hold one JSON object"))
            continue
        raw_id = record.get("declaration_id")
        declaration_id = raw_id.strip() if isinstance(raw_id, str) and raw_id.strip() else None
        if declaration_id is not None and declaration_id in first_seen:
            errors.append(
                InputError(
                    name,
                    line,
                    "declaration_id",
                    f"declaration already given on line {first_seen[declaration_id]}",
                    declaration_id,
                )
            )
            rejected.append(declaration_id)
            continue
        if declaration_id is not None:
            first_seen[declaration_id] = line
        try:
            declarations.append(Declaration.model_validate(record))
        except ValidationError as exc:
            for loc, reason in pydantic_errors(exc):
                errors.append(InputError(name, line, _field(loc), reason, declaration_id))
            if declaration_id is not None:
                rejected.append(declaration_id)
    if not declarations and not errors:
        errors.append(InputError(name, 1, FILE, "file holds no declarations"))
    return declarations, errors, rejected
