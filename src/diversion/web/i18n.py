"""The web pages' strings, from message catalogs (messages/*.yml), in English and Russian."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from diversion.reference import load_yaml, package_file

LANGUAGES = ("en", "ru")


@cache
def catalog(language: str) -> dict[str, str]:
    data = load_yaml(package_file("diversion.web", f"messages/{language}.yml"))
    return {str(key): str(value) for key, value in data.items()}


def check_catalogs() -> list[str]:
    """Keys one catalog has and another lacks: a page must never show a raw key."""
    english = set(catalog("en"))
    return [
        f"{language}: {key} is missing"
        for language in LANGUAGES
        for key in sorted(english - set(catalog(language)))
    ]


def translator(language: str) -> Callable[..., str]:
    strings = catalog(language if language in LANGUAGES else "en")

    def t(key: str, **fields: object) -> str:
        return strings[key].format(**fields) if fields else strings[key]

    return t
