"""The web pages' strings: the shared gettext catalogs of `diversion.i18n`, in English, Russian
and Kazakh, and the page's language: the reader's choice (a cookie set by /app/lang/<code>),
else the browser's `Accept-Language`, else English."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from diversion.i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    best_language,
    has,
    message_ids,
    missing,
    pattern,
    stored,
    translator,
)

__all__ = ["LANGUAGES", "catalog", "check_catalogs", "choose", "helpers", "translator"]


def catalog(language: str) -> dict[str, str]:
    """Every message id of a language with its wording (a plural one in its plural form)."""
    return {key: pattern(language, key, 2) for key in sorted(message_ids(language))}


def check_catalogs() -> list[str]:
    """Keys one catalog has and another lacks: a page must never show a raw key."""
    return missing()


def choose(cookie: str | None, accept_language: str | None) -> str:
    if cookie in LANGUAGES:
        return str(cookie)
    return best_language(accept_language) or DEFAULT_LANGUAGE


def helpers(language: str) -> dict[str, Callable[..., str]]:
    """What templates call: `t(id, **params)`; `tv(kind, value)`, a value of a closed set
    (corridor, severity, role) in the language, or the value itself when the catalog has no
    word for it; `said(reason)`, a stored reason's message in the language."""
    t = translator(language)

    def tv(kind: str, value: Any) -> str:
        key = f"{kind}.{value}"
        return t(key) if has(key) else str(value if value is not None else "")

    def said(reason: Mapping[str, Any]) -> str:
        return stored(language, reason) if reason else ""

    return {"t": t, "tv": tv, "said": said}
