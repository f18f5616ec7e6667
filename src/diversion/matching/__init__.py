"""Matching declaration parties against list entities."""

from diversion.matching.matcher import Match, Matcher
from diversion.matching.names import identifier_key, name_key

__all__ = ["Match", "Matcher", "identifier_key", "name_key"]
