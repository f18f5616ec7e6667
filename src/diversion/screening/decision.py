"""A decision: verdict, corridor and the reasons behind them, with their evidence."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from diversion.rules import SEVERITY_ORDER


def role_name(role: str) -> str:
    """A party role as messages write it: end_user -> end user."""
    return role.replace("_", " ")


@dataclass(frozen=True)
class Reason:
    code: str
    severity: str
    message: str
    item_no: int | None = None
    evidence: dict[str, Any] = field(default_factory=dict)

    def sort_key(self) -> tuple[int, int, str]:
        return (SEVERITY_ORDER.index(self.severity), self.item_no or 0, self.code)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
            "item_no": self.item_no,
            "evidence": self.evidence,
        }


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

    def to_dict(self) -> dict[str, Any]:
        return {
            "declaration_id": self.declaration_id,
            "verdict": self.verdict,
            "corridor": self.corridor,
            "reasons": [reason.to_dict() for reason in self.reasons],
            "screened_at": self.screened_at,
            "engine": self.engine,
            "reference_data": list(self.reference_data),
        }
