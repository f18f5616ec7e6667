"""Text folded for comparison: the one rule every part uses to compare words written by people.

A folded text is its words in lower-case ASCII letters and digits; everything else (case,
accents, scripts, punctuation, runs of spaces) is layout. Other scripts are spelled in ASCII by
rigour (ICU underneath): "Bolivie, État" and "bolivie etat" fold alike, and so do "Шевченко"
and "shevchenko". The matching adds its own tables for the hub languages' letters on top
(`matching.text.to_ascii`) and calls `ascii_word` for the rest.

rigour is imported only when a text is not ASCII already: the flows commands, which fold
column headers, never load it for an ASCII file.
"""

from __future__ import annotations

import re

_OTHER = re.compile(r"[^0-9a-z]+")


def _ascii(text: str) -> str:
    if text.isascii():
        return text
    from rigour.text.translit import ascii_text

    return ascii_text(text)


def ascii_word(word: str) -> str:
    """One word in lower-case ASCII letters and digits, the rest left out ("O'Brien" ->
    "obrien")."""
    return "".join(ch for ch in _ascii(word).lower() if ch.isalnum())


def fold_text(text: str, separator: str = " ") -> str:
    """A text as its lower-case ASCII words joined by `separator` ("Bolivie, État" ->
    "bolivie etat"; with "_", a column header as layouts.yml writes it)."""
    return _OTHER.sub(separator, _ascii(text).lower()).strip(separator)
