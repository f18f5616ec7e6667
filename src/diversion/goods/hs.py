"""Harmonized System (and EAEU TN VED) commodity codes as written on declarations and lists.

A full code has 6 digits (the international HS subheading), 8 (EU CN and most national
tariffs) or 10 (EAEU TN VED, the tariff of Kazakhstan, Kyrgyzstan and Armenia, and Uzbekistan's
national TN VED). Other lengths are refused rather than guessed: a 7- or 9-digit code is
nearly always a digit dropped or doubled. Control lists and licences also name *prefixes* of 2
to 10 digits (a chapter, a heading, a subheading or a national line).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ALLOWED = re.compile(r"^[0-9][0-9. ]*$")
CODE_LENGTHS = (6, 8, 10)
PREFIX_LENGTHS = range(2, 11)


class HsCodeError(ValueError):
    """A value that is not an HS code (or prefix)."""


def _digits(text: str, what: str) -> str:
    value = text.strip()
    if not value:
        raise HsCodeError(f"{what} is empty")
    if not _ALLOWED.match(value):
        raise HsCodeError(f"{what} {value!r} may contain only digits, dots and spaces")
    return value.replace(".", "").replace(" ", "")


def parse_hs_code(text: str) -> str:
    """The bare digits of an HS or TN VED code of 6, 8 or 10 digits; dots and spaces are
    layout only."""
    digits = _digits(text, "HS code")
    if len(digits) not in CODE_LENGTHS:
        raise HsCodeError(
            f"HS code {text.strip()!r} has {len(digits)} digits; it needs 6, 8 or 10 "
            "(HS subheading, national 8-digit line or 10-digit TN VED)"
        )
    return digits


def parse_code_prefix(text: str) -> str:
    """The bare digits of a code or prefix of 2 to 10 digits, as control lists name goods:
    a chapter (2), heading (4), subheading (6) or a national line (8 or 10) or part of one."""
    digits = _digits(text, "HS code or prefix")
    if len(digits) not in PREFIX_LENGTHS:
        raise HsCodeError(
            f"HS code or prefix {text.strip()!r} has {len(digits)} digits; it needs 2 to 10"
        )
    return digits


def hs6(code: str) -> str:
    """The international six-digit subheading of a parsed code."""
    return code[:6]


def heading(code: str) -> str:
    """The four-digit HS heading of a parsed code."""
    return code[:4]


def chapter(code: str) -> str:
    """The two-digit HS chapter of a parsed code."""
    return code[:2]


@dataclass(frozen=True)
class GoodsCode:
    """A parsed code with the levels of the HS it belongs to, for messages and evidence."""

    digits: str

    @classmethod
    def parse(cls, text: str) -> GoodsCode:
        return cls(parse_hs_code(text))

    @property
    def hs6(self) -> str:
        return hs6(self.digits)

    @property
    def heading(self) -> str:
        return heading(self.digits)

    @property
    def chapter(self) -> str:
        return chapter(self.digits)

    @property
    def national(self) -> str:
        """The digits beyond the HS6 (empty for a six-digit code)."""
        return self.digits[6:]

    def dotted(self) -> str:
        """The usual written form: 8542.31, 8542.31.90, 8542.31.9000."""
        parts = [self.digits[:4], self.digits[4:6]]
        if self.national:
            parts.append(self.national)
        return ".".join(parts)
