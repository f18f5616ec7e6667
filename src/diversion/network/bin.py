"""Kazakh business identification numbers (BIN): validity and the month they were formed.

A BIN has 12 digits (Rules for forming the identification number, approved by Resolution of
the Government of the Republic of Kazakhstan No. 406 of 22 May 2007, under the Law No. 223-III
of 12 January 2007 "On national registers of identification numbers"):

- digits 1-4: year (two digits) and month in which the number was formed, that is the state
  registration (or, for firms registered before 2007, re-registration) of the legal entity;
- digit 5: type (4 resident legal entity, 5 non-resident legal entity, 6 individual
  entrepreneur in joint entrepreneurship);
- digit 6: attribute (0 head office, 1 branch, 2 representative office, 3 peasant farm);
- digits 7-11: serial number; digit 12: check digit.

The check digit is the weighted sum of the first 11 digits modulo 11 with weights 1..11; if
that is 10, the weights 3..11, 1, 2 are used; a second 10 means no number is formed.

So the first four digits date a firm when a registry gives no incorporation date; for firms
re-registered in 2007-2012 they give the re-registration, which only makes them look older.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

FIRST_WEIGHTS = tuple(range(1, 12))
SECOND_WEIGHTS = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
TYPES = {"4": "resident legal entity", "5": "non-resident legal entity", "6": "joint IE"}
ATTRIBUTES = {"0": "head office", "1": "branch", "2": "representative office", "3": "farm"}
FIRST_YEAR = 2007  # BINs were first formed in 2007
_LAYOUT = re.compile(r"[\s\-.]")


class BinError(ValueError):
    """Not a valid BIN, with the reason."""


@dataclass(frozen=True)
class Bin:
    number: str
    formed: date  # the first day of the month the number was formed
    kind: str
    attribute: str


def check_digit(first_eleven: str) -> int | None:
    """The check digit of 11 digits, or None when no number can be formed from them."""
    digits = [int(ch) for ch in first_eleven]
    for weights in (FIRST_WEIGHTS, SECOND_WEIGHTS):
        remainder = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if remainder != 10:
            return remainder
    return None


def parse_bin(text: str, today: date | None = None) -> Bin:
    """A BIN read and checked; BinError says what is wrong."""
    number = _LAYOUT.sub("", text)
    if len(number) != 12 or not number.isdigit():
        raise BinError(f"{text!r} is not 12 digits")
    if check_digit(number[:11]) != int(number[11]):
        raise BinError(f"{text!r} fails the BIN check digit")
    if number[4] not in TYPES:
        raise BinError(f"{text!r}: digit 5 is {number[4]}, not a legal-entity type (4, 5 or 6)")
    month = int(number[2:4])
    if not 1 <= month <= 12:
        raise BinError(f"{text!r}: digits 3-4 are {number[2:4]}, not a month")
    year = 2000 + int(number[:2])
    today = today or date.today()
    if year < FIRST_YEAR or date(year, month, 1) > today:
        raise BinError(f"{text!r}: {year}-{month:02d} is outside the years BINs were formed")
    return Bin(
        number=number,
        formed=date(year, month, 1),
        kind=TYPES[number[4]],
        attribute=ATTRIBUTES.get(number[5], f"attribute {number[5]}"),
    )


def bin_formed(text: str) -> date | None:
    """The month a BIN was formed, or None if the text is not a valid BIN."""
    try:
        return parse_bin(text).formed
    except BinError:
        return None
