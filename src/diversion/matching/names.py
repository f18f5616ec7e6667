"""Names reduced to a comparable key: folded, transliterated, legal forms dropped.

Version 0 of matching: rigour folds case, org types and scripts; our data file adds the
legal forms of the transit hubs that rigour does not know.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from rigour.names import remove_org_types
from rigour.text.translit import ascii_text

from diversion.reference import ReferenceData, describe, load_yaml, package_file

_TOKEN = re.compile(r"[a-z0-9]+")
_PUNCT = re.compile(r"[«»\"“”„‟'‘’`()\[\]{}<>]")


def legal_forms_path() -> Path:
    return package_file("diversion.matching", "data/legal_forms.yml")


@lru_cache(maxsize=1)
def _legal_forms() -> tuple[tuple[str, ...], ...]:
    forms = load_yaml(legal_forms_path())["forms"]
    return tuple(tuple(str(f["form"]).split()) for f in forms)


def legal_forms_reference() -> ReferenceData:
    return describe(legal_forms_path())


def _drop_forms(tokens: list[str]) -> list[str]:
    out: list[str] = []
    i = 0
    forms = _legal_forms()
    while i < len(tokens):
        for form in forms:
            if tuple(tokens[i : i + len(form)]) == form:
                i += len(form)
                break
        else:
            out.append(tokens[i])
            i += 1
    return out


@lru_cache(maxsize=65536)
def name_key(name: str) -> str:
    """The comparable key of a name; empty if nothing distinctive is left."""
    text = unicodedata.normalize("NFKC", name).casefold()
    text = _PUNCT.sub(" ", text)
    text = remove_org_types(text) or text
    tokens = _TOKEN.findall(ascii_text(text).lower())
    kept = _drop_forms(tokens)
    return " ".join(kept or tokens)


def identifier_key(value: str) -> str:
    """Identifiers compare without spaces, dashes or case."""
    return "".join(ch for ch in value.upper() if ch.isalnum())
