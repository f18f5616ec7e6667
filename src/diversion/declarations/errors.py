"""Input errors: every rejected row is reported with its file, line, field and reason."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from pydantic import ValidationError

FILE = "-"  # the field name used for errors that concern the whole file or line


@dataclass(frozen=True)
class InputError:
    file: str
    line: int
    field: str
    reason: str
    declaration_id: str | None = None

    def __str__(self) -> str:
        where = f" (declaration {self.declaration_id})" if self.declaration_id else ""
        return f"{self.file}:{self.line}: {self.field}: {self.reason}{where}"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def reason_of(error: Any) -> str:
    """An officer-readable reason for one pydantic error."""
    kind = error["type"]
    if kind == "missing":
        return "required field is missing"
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "too_short" and error["loc"][-1:] == ("items",):
        return "declaration has no goods items"
    if kind == "value_error" and "error" in error.get("ctx", {}):
        return str(error["ctx"]["error"])
    return str(error["msg"])


def pydantic_errors(exc: ValidationError) -> list[tuple[tuple[int | str, ...], str]]:
    """(location, reason) for each problem pydantic found."""
    return [(tuple(error["loc"]), reason_of(error)) for error in exc.errors()]
