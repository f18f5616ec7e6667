"""Turn what people write for a country into an ISO 3166 alpha-2 code, or refuse.

Declarations carry alpha-2 codes, alpha-3 codes and names ("Türkiye", "Russian Federation",
"Казахстан"). rigour's territory table knows them all; we accept only current countries and
territories that have an ISO code of their own, and never guess a near miss.
"""

from __future__ import annotations

from functools import lru_cache

from rigour.territories import get_territory, lookup_territory


class CountryError(ValueError):
    """A value that is not a current country."""


@lru_cache(maxsize=4096)
def normalise_country(text: str) -> str:
    """The upper-case ISO alpha-2 code for `text`, or CountryError."""
    value = text.strip()
    if not value:
        raise CountryError("country is empty")
    territory = lookup_territory(value)
    if territory is None:
        raise CountryError(f"unknown country {value!r} (use an ISO 3166 code or an English name)")
    if territory.is_historical:
        raise CountryError(f"{value!r} is {territory.name}, which no longer exists")
    if territory.alpha3 is None or len(territory.code) != 2:
        raise CountryError(
            f"{value!r} is {territory.name}, which has no ISO 3166 country code of its own"
        )
    return str(territory.code).upper()


def country_name(code: str) -> str:
    """A readable name for a code we produced, for messages."""
    territory = get_territory(code.lower())
    return str(territory.name) if territory is not None else code
