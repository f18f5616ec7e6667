"""Countries: ISO 3166 codes from codes or names, and country groups kept as data."""

from diversion.countries.groups import CountryGroups, load_country_groups
from diversion.countries.normalise import CountryError, country_name, normalise_country

__all__ = [
    "CountryError",
    "CountryGroups",
    "country_name",
    "load_country_groups",
    "normalise_country",
]
