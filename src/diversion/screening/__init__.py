"""Screening: declarations in, decisions out."""

from diversion.screening.context import ScreeningContext
from diversion.screening.decision import Decision, Reason
from diversion.screening.pipeline import Screener

__all__ = ["Decision", "Reason", "Screener", "ScreeningContext"]
