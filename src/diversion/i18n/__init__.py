"""Message catalogs in English, Russian and Kazakh, and texts rendered in any of them.

The catalogs are gettext `.po` files (`locale/<lang>/LC_MESSAGES/messages.po`), keyed by message
id (`nav.queue`, `reason.goods.controlled`); the English catalog holds the English wording, so
no English text is a key. They are read at run time with Babel and turned into gettext objects
in memory: a `pip install -e .` or a wheel ships the `.po` files as package data and nothing has
to be compiled first, and the plural rules come from each file's `Plural-Forms` header (Babel's
CLDR-derived rules: Russian three forms, Kazakh and English two).

A `Text` is a message id with parameters, kept instead of a sentence: screening stores it with
each reason, and a page, the CLI or the API renders it in the reader's language. A parameter is
data (a name, a code, a number), another `Text`, a `Country` (a name in the reader's language),
or a list of those.
"""

from __future__ import annotations

import gettext
import io
import string
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from typing import Any

LANGUAGES = ("en", "ru", "kk")
DEFAULT_LANGUAGE = "en"
DOMAIN = "messages"
COUNT = "count"  # the parameter that picks a plural form


class UnknownLanguage(ValueError):
    """A language the catalogs do not have."""


@dataclass(frozen=True)
class Country:
    """An ISO 3166 alpha-2 code, shown as the country's name in the reader's language."""

    code: str


@dataclass(frozen=True)
class Joined:
    """Items shown one after another, with the separator of message `by` between them."""

    items: tuple[Any, ...]
    by: str = "list.separator"


@dataclass(frozen=True)
class Text:
    """A message id and its parameters: a sentence not yet put into a language."""

    id: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def render(self, language: str = DEFAULT_LANGUAGE, capital: bool = True) -> str:
        """The sentence in `language`, its first letter a capital unless `capital` is false
        (a part of another sentence)."""
        return render(language, self.id, self.params, capital)

    def to_dict(self) -> dict[str, Any]:
        return {"message_id": self.id, "params": {k: _dump(v) for k, v in self.params.items()}}


def text(message_id: str, /, **params: Any) -> Text:
    return Text(message_id, params)


def _dump(value: Any) -> Any:
    if isinstance(value, Text):
        return value.to_dict()
    if isinstance(value, Country):
        return {"country": value.code}
    if isinstance(value, Joined):
        return {"join": value.by, "items": [_dump(item) for item in value.items]}
    if isinstance(value, list | tuple):
        return [_dump(item) for item in value]
    return value


def load(value: Any) -> Any:
    """A parameter as stored (JSON) back into a `Text`, `Country` or list."""
    if isinstance(value, dict):
        if "message_id" in value:
            return Text(str(value["message_id"]), {k: load(v) for k, v in value["params"].items()})
        if set(value) == {"country"}:
            return Country(str(value["country"]))
        if set(value) == {"join", "items"}:
            return Joined(tuple(load(item) for item in value["items"]), str(value["join"]))
    if isinstance(value, list):
        return [load(item) for item in value]
    return value


def check_language(language: str) -> str:
    if language not in LANGUAGES:
        raise UnknownLanguage(f"unknown language {language!r} (one of {', '.join(LANGUAGES)})")
    return language


def po_path(language: str) -> Any:
    return files("diversion.i18n") / "locale" / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def catalog(language: str) -> Any:
    """The Babel catalog of one language, read from its `.po` file."""
    from babel.messages.pofile import read_po

    with po_path(check_language(language)).open("rb") as handle:
        return read_po(handle, locale=language, domain=DOMAIN)


@cache
def translations(language: str) -> gettext.GNUTranslations:
    """A gettext object for one language, built in memory from its `.po` file."""
    from babel.messages.mofile import write_mo

    buffer = io.BytesIO()
    write_mo(buffer, catalog(language))
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


@cache
def plural_ids(language: str = DEFAULT_LANGUAGE) -> frozenset[str]:
    return frozenset(m.id[0] for m in catalog(language) if m.id and m.pluralizable)


@cache
def message_ids(language: str = DEFAULT_LANGUAGE) -> frozenset[str]:
    return frozenset(m.id[0] if m.pluralizable else m.id for m in catalog(language) if m.id)


def has(message_id: str) -> bool:
    return message_id in message_ids()


def pattern(language: str, message_id: str, count: int | None = None) -> str:
    """The catalog's wording of one message id, in the plural form `count` asks for."""
    found = translations(check_language(language))
    if message_id in plural_ids(language):
        return found.ngettext(message_id, message_id, int(count or 0))
    if message_id not in message_ids(language):
        raise KeyError(f"{language}: no message {message_id!r}")
    return found.gettext(message_id)


def fields(wording: str) -> set[str]:
    """The names of a wording's `{placeholders}`."""
    return {name for _, name, _, _ in string.Formatter().parse(wording) if name}


def show(language: str, value: Any) -> Any:
    """A parameter in a language: texts rendered, countries named, lists joined."""
    if isinstance(value, Text):
        return render(language, value.id, value.params, capital=False)
    if isinstance(value, Country):
        return country_label(language, value.code)
    if isinstance(value, Joined):
        return pattern(language, value.by).join(str(show(language, v)) for v in value.items)
    if isinstance(value, list | tuple):
        return pattern(language, "list.separator").join(str(show(language, v)) for v in value)
    return value


def country_label(language: str, code: str) -> str:
    if language == "en":
        from rigour.territories import get_territory

        territory = get_territory(code.lower())
        return str(territory.name) if territory is not None else code
    from babel import Locale

    name = Locale.parse(language).territories.get(code.upper())
    return str(name) if name else code


def render(
    language: str, message_id: str, params: Mapping[str, Any] | None = None, capital: bool = True
) -> str:
    """One message in a language, its parameters filled in; the first letter is a capital."""
    params = params or {}
    wording = pattern(language, message_id, params.get(COUNT))
    shown = {key: show(language, value) for key, value in params.items()}
    result = wording.format(**shown) if shown or "{" in wording else wording
    return result[:1].upper() + result[1:] if capital else result


def stored(language: str, reason: Mapping[str, Any]) -> str:
    """A reason as a decision stores it (`to_dict`), in a language; a reason stored before
    reasons had message ids keeps its English message."""
    if reason.get("message_id"):
        params = {k: load(v) for k, v in (reason.get("params") or {}).items()}
        return render(language, str(reason["message_id"]), params)
    return str(reason.get("message", ""))


def translator(language: str) -> Any:
    """`t(id, **params)` for templates: a message in `language` (English when unknown)."""
    chosen = language if language in LANGUAGES else DEFAULT_LANGUAGE

    def t(message_id: str, **params: Any) -> str:
        return render(chosen, message_id, params, capital=False)

    return t


def best_language(accept: str | None) -> str | None:
    """The first language of an `Accept-Language` header the catalogs have, by its q-value."""
    if not accept:
        return None
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(accept.split(",")):
        tag, _, rest = part.strip().partition(";")
        quality = 1.0
        if rest.strip().startswith("q="):
            try:
                quality = float(rest.strip()[2:])
            except ValueError:
                continue
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and quality > 0:
            ranked.append((-quality, position, primary))
    return min(ranked)[2] if ranked else None


def missing(
    languages: Sequence[str] = LANGUAGES, read: Callable[[str], Any] = catalog
) -> list[str]:
    """What a catalog lacks against the English one: ids, wordings, placeholders, plural
    forms (`read` gives a language's catalog; tests hand in a broken one)."""
    english = {m.id[0] if m.pluralizable else m.id: m for m in read("en") if m.id}
    problems: list[str] = []
    for language in languages:
        found_catalog = read(language)
        found = {m.id[0] if m.pluralizable else m.id: m for m in found_catalog if m.id}
        forms_wanted = found_catalog.num_plurals
        for key, source in sorted(english.items()):
            message = found.get(key)
            if message is None:
                problems.append(f"{language}: {key} is missing")
                continue
            forms = message.string if isinstance(message.string, tuple) else (message.string,)
            if message.pluralizable != source.pluralizable:
                problems.append(f"{language}: {key} is plural in one catalog, not the other")
            if message.pluralizable and len(forms) != forms_wanted:
                problems.append(
                    f"{language}: {key} has {len(forms)} plural forms, not {forms_wanted}"
                )
            if not all(forms) or message.fuzzy:
                problems.append(f"{language}: {key} has an empty or fuzzy wording")
                continue
            english_forms = source.string if source.pluralizable else (source.string,)
            want = set().union(*(fields(f) for f in english_forms))
            for form in forms:
                if fields(form) != want:
                    problems.append(
                        f"{language}: {key} has placeholders {sorted(fields(form))}, "
                        f"English {sorted(want)}"
                    )
        for key in sorted(set(found) - set(english)):
            problems.append(f"{language}: {key} is not in the English catalog")
    return problems
