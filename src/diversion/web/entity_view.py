"""Entities for people: FollowTheMoney's property labels (in the reader's language where
followthemoney translates them), country names rather than codes, and the entities that point
at one said as what they are ("owner: X, 60 %"), not as their schema twice."""

from __future__ import annotations

import gettext
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

from babel import Locale
from followthemoney.proxy import EntityProxy
from followthemoney.types import registry

# the properties worth a glance of each kind of entity that points at another
LINK_PARTS: dict[str, tuple[str, ...]] = {
    "Sanction": ("authority", "program", "programId", "reason", "startDate", "endDate",
                 "listingDate"),
    "Ownership": ("percentage", "role", "startDate", "endDate"),
    "Directorship": ("role", "startDate", "endDate"),
    "Family": ("relationship",),
    "Associate": ("relationship",),
    "Employment": ("role", "startDate", "endDate"),
    "Membership": ("role", "startDate", "endDate"),
    "Representation": ("role",),
    "UnknownLink": ("role",),
    "Address": ("full",),
    "Identification": ("number", "type", "country"),
    "Passport": ("number", "country"),
}  # fmt: skip


@contextmanager
def ftm_language(language: str) -> Iterator[None]:
    """followthemoney's labels in `language` for this thread, English again afterwards."""
    from followthemoney.util import set_model_locale

    set_model_locale(Locale.parse(language))
    try:
        yield
    finally:
        set_model_locale(Locale.parse("en"))


@cache
def _country_translation(language: str) -> gettext.NullTranslations:
    import pycountry

    return gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
    )


def country_name(code: str, language: str = "en") -> str:
    """The country's short name in the reader's language (ISO 3166 names as pycountry's
    catalogs translate them), else rigour's English name, else the code as given."""
    import pycountry
    from rigour.territories import get_territory

    territory = get_territory(code.lower())
    english = territory.name if territory is not None else code
    if language == "en":
        return english
    country = pycountry.countries.get(alpha_2=code.upper())
    if country is None:
        return english
    return _country_translation(language).gettext(str(country.name))


def shown(entity: EntityProxy, prop_name: str, language: str) -> list[str]:
    """One property's values for reading: country codes as names, the rest as written."""
    prop = entity.schema.get(prop_name)
    values = entity.get(prop_name, quiet=True)
    if prop is not None and prop.type == registry.country:
        return [country_name(value, language) for value in values]
    return list(values)


def property_rows(entity: EntityProxy, language: str) -> list[dict[str, Any]]:
    """(label, values) for each property that has values, in the schema's order."""
    rows = []
    with ftm_language(language):
        featured = entity.schema.featured
        ordered = sorted(
            entity.schema.properties.items(),
            key=lambda item: featured.index(item[0]) if item[0] in featured else len(featured),
        )
        for name, prop in ordered:
            if prop.hidden or prop.stub or not entity.get(name, quiet=True):
                continue
            if prop.type == registry.entity:
                continue  # entities pointed at are shown as links
            rows.append(
                {"name": name, "label": prop.label, "values": shown(entity, name, language)}
            )
    return rows


def linked_rows(
    entity: EntityProxy, related: list[EntityProxy], language: str
) -> list[dict[str, Any]]:
    """Each entity that points at this one: what it is, the other party (an id to link to),
    the way this entity takes part, and its telling properties with their labels."""
    rows = []
    own_id = str(entity.id)
    with ftm_language(language):
        for other in related:
            schema = other.schema
            as_part = ""
            parties: list[str] = []
            for name, prop in schema.properties.items():
                if prop.type != registry.entity:
                    continue
                for value in other.get(name, quiet=True):
                    if value == own_id:
                        as_part = as_part or prop.label
                    else:
                        parties.append(value)
            details = [
                (schema.get(name).label, ", ".join(shown(other, name, language)))  # type: ignore[union-attr]
                for name in LINK_PARTS.get(schema.name, ())
                if schema.get(name) is not None and other.get(name, quiet=True)
            ]
            rows.append(
                {
                    "schema": schema.label,
                    "as": as_part,
                    "parties": parties,
                    "details": details,
                    "id": str(other.id),
                }
            )
    return rows
