"""A decision: verdict, corridor and the reasons behind them, with their evidence."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from diversion.i18n import DEFAULT_LANGUAGE, Text, text
from diversion.rules import SEVERITY_ORDER


def role_name(role: str) -> str:
    """A party role as messages write it: end_user -> end user."""
    return role.replace("_", " ")


def role_text(role: str) -> Text:
    """A party role as a message parameter, named in the reader's language."""
    return text(f"role.{role}")


@dataclass(frozen=True)
class Reason:
    """Why a declaration goes where it goes. `text` is the message as a catalog id with its
    parameters (`diversion.i18n`); `message` is its English rendering, which the CLI, the API
    and the stored decisions keep by default."""

    code: str
    severity: str
    message: str = ""
    item_no: int | None = None
    evidence: dict[str, Any] = field(default_factory=dict)
    text: Text | None = None

    def __post_init__(self) -> None:
        if self.text is not None and not self.message:
            object.__setattr__(self, "message", self.text.render(DEFAULT_LANGUAGE))

    def sort_key(self) -> tuple[int, int, str]:
        return (SEVERITY_ORDER.index(self.severity), self.item_no or 0, self.code)

    def message_in(self, language: str) -> str:
        return self.text.render(language) if self.text is not None else self.message

    def to_dict(self, language: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
        found = {
            "code": self.code,
            "severity": self.severity,
            "message": self.message_in(language),
            "item_no": self.item_no,
            "evidence": self.evidence,
        }
        if self.text is not None:
            found.update(self.text.to_dict())
        return found


@dataclass(frozen=True)
class Decision:
    declaration_id: str
    verdict: str
    corridor: str
    reasons: tuple[Reason, ...]
    screened_at: str
    engine: str
    reference_data: tuple[dict[str, str], ...]

    @property
    def codes(self) -> list[str]:
        return sorted({reason.code for reason in self.reasons})

    @property
    def top_reason(self) -> Reason | None:
        return self.reasons[0] if self.reasons else None

    def to_dict(self, language: str = DEFAULT_LANGUAGE) -> dict[str, Any]:
        return {
            "declaration_id": self.declaration_id,
            "verdict": self.verdict,
            "corridor": self.corridor,
            "reasons": [reason.to_dict(language) for reason in self.reasons],
            "screened_at": self.screened_at,
            "engine": self.engine,
            "reference_data": list(self.reference_data),
        }
