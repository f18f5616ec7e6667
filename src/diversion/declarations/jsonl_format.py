"""The JSON Lines form: one declaration per line, with its parties and items nested."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from diversion.declarations.errors import FILE, InputError, pydantic_errors
from diversion.declarations.model import Declaration


def _field(loc: tuple[int | str, ...]) -> str:
    """`items[2].hs_code` style paths, as a JSON user would look them up."""
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or FILE


def parse_json_line(raw: str) -> tuple[Any, str | None]:
    """A line's JSON value, or why it is not JSON. Python's parser refuses what it cannot
    hold by other exceptions than JSONDecodeError: a value nested deeper than its recursion
    limit (RecursionError) and an integer of more than 4,300 digits (ValueError)."""
    try:
        return json.loads(raw), None
    except json.JSONDecodeError as exc:
        return None, f"invalid JSON: {exc.msg} at column {exc.colno}"
    except RecursionError:
        return None, "invalid JSON: nested too deeply"
    except ValueError:
        return None, "invalid JSON: a number has too many digits"


_ID = re.compile(r'"declaration_id"\s*:\s*("(?:[^"\\]|\\.){1,1000}")')


def _id_in(raw: str) -> str | None:
    """The declaration id a line that is not JSON gives, if a plain search finds one."""
    found = _ID.search(raw)
    if found is None:
        return None
    try:
        text = json.loads(found.group(1))
    except ValueError:
        return None
    return text.strip() or None if isinstance(text, str) else None


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
        record, problem = parse_json_line(raw)
        if problem is not None:
            # the declaration is not screened: name it if its id can be found in the line
            named = _id_in(raw)
            errors.append(InputError(name, line, FILE, problem, named))
            if named is not None and named not in first_seen:
                rejected.append(named)
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
