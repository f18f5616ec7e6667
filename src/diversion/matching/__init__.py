"""Matching declaration parties against list entities."""

from typing import TYPE_CHECKING

from diversion.lazy import lazy_exports

if TYPE_CHECKING:
    from diversion.matching.keys import identifier_key
    from diversion.matching.matcher import Match, Matcher, cached_matcher
else:  # a constant of matching.defaults is had without the matcher
    __getattr__ = lazy_exports(
        __name__,
        {
            "identifier_key": "keys",
            "Match": "matcher",
            "Matcher": "matcher",
            "cached_matcher": "matcher",
        },
    )

__all__ = ["Match", "Matcher", "cached_matcher", "identifier_key"]
