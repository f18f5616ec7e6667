"""Screening: declarations in, decisions out."""

from typing import TYPE_CHECKING

from diversion.lazy import lazy_exports

if TYPE_CHECKING:
    from diversion.screening.context import ScreeningContext
    from diversion.screening.decision import Decision, Reason
    from diversion.screening.pipeline import Screener
else:  # the matching stack loads with the names that need it, not with screening.output
    __getattr__ = lazy_exports(
        __name__,
        {
            "ScreeningContext": "context",
            "Decision": "decision",
            "Reason": "decision",
            "Screener": "pipeline",
        },
    )

__all__ = ["Decision", "Reason", "Screener", "ScreeningContext"]
