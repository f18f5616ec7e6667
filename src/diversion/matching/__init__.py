"""Matching declaration parties against list entities."""

from diversion.matching.features import identifier_key
from diversion.matching.matcher import Match, Matcher, cached_matcher

__all__ = ["Match", "Matcher", "cached_matcher", "identifier_key"]
