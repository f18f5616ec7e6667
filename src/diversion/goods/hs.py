"""Harmonized System (and EAEU TN VED) commodity codes as written on declarations."""

from __future__ import annotations

import re

_ALLOWED = re.compile(r"^[0-9][0-9. ]*$")


class HsCodeError(ValueError):
    """A value that is not an HS code."""


def parse_hs_code(text: str) -> str:
    """The bare digits of an HS code of 6 to 10 digits; dots and spaces are layout only."""
    value = text.strip()
    if not value:
        raise HsCodeError("HS code is empty")
    if not _ALLOWED.match(value):
        raise HsCodeError(f"HS code {value!r} may contain only digits, dots and spaces")
    digits = value.replace(".", "").replace(" ", "")
    if not 6 <= len(digits) <= 10:
        raise HsCodeError(f"HS code {value!r} has {len(digits)} digits; it needs 6 to 10")
    return digits


def hs6(code: str) -> str:
    """The international six-digit subheading of a parsed code."""
    return code[:6]
