"""Parsers for the fields of a declaration. Each returns a clean value or raises ValueError
with a reason an officer can act on; none of them guesses.

Every field has bounds (docs/declarations.md, "Bounds"), so that no value a file can hold
reaches arithmetic that overflows or a column that cannot keep it: text is a string of at most
MAX_TEXT characters, dates lie in FIRST_DATE..LAST_DATE, item numbers in 1..MAX_ITEMS, and
quantities, weights and values are below MAX_AMOUNT with nothing non-zero below MIN_AMOUNT.
"""

from __future__ import annotations

import math
import re
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel.numbers import list_currencies

from diversion.countries import normalise_country
from diversion.goods import parse_hs_code

PROCEDURES = ("export", "re-export", "transit", "import")

# The UCC and ASYCUDA data models give goods descriptions 512 characters; names and addresses
# are shorter. Twice that leaves room, and keeps a row of a declaration file small.
MAX_TEXT = 1000
# A customs declaration has at most 999 goods items (the SAD's box 5, the UCC's data model).
MAX_ITEMS = 999
# Amounts are kept by the licence register as whole thousandths in a 64-bit column
# (9.2 * 10**18): below 10**15 one draw always fits. Nothing non-zero is below 10**-6, so a
# unit value (value / quantity) stays below 10**21, far from the decimal context's limits.
MAX_AMOUNT = Decimal(10) ** 15
MIN_AMOUNT = Decimal(10) ** -6
MAX_NUMBER_TEXT = 40  # characters a number may be written in (a float's repr is at most 24)
# A declaration from before 1900 or after 2099 is a typing error; a history window around
# the first or last representable date would overflow.
FIRST_DATE = date(1900, 1, 1)
LAST_DATE = date(2099, 12, 31)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DIGITS = re.compile(r"[0-9]+")


def _text(value: object, what: str) -> str:
    """Text as given: a JSON number is not text (`123` and `"123"` would be one id, and
    `00123` would lose its zeros)."""
    if not isinstance(value, str):
        raise ValueError(f"{what} must be text (a string), not {_kind(value)}")
    if len(value) > MAX_TEXT:
        raise ValueError(f"{what} is {len(value):,} characters long; at most {MAX_TEXT:,}")
    return value.strip()


def _kind(value: object) -> str:
    """The JSON name of a value's type, for reasons."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def clean_text(value: object) -> str:
    text = _text(value, "value")
    if not text:
        raise ValueError("value is empty")
    return text


def country(value: object) -> str:
    return normalise_country(_text(value, "country"))


def hs_code(value: object) -> str:
    return parse_hs_code(_text(value, "HS code"))


def procedure(value: object) -> str:
    text = _text(value, "procedure").lower()
    if text not in PROCEDURES:
        raise ValueError(f"procedure {value!r} is not one of {', '.join(PROCEDURES)}")
    return text


def iso_date(value: object) -> date:
    """`YYYY-MM-DD` only: Python also reads `20230214` and `2023-W07-2` as dates."""
    text = _text(value, "date")
    try:
        if not _ISO_DATE.fullmatch(text):
            raise ValueError
        day = date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text[:40]!r} is not an ISO date (YYYY-MM-DD)") from None
    if not FIRST_DATE <= day <= LAST_DATE:
        raise ValueError(f"{text} is outside {FIRST_DATE.year} to {LAST_DATE.year}")
    return day


def item_number(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(f"item number must be a whole number, not {_kind(value)}")
    text = value.strip()[:40] if isinstance(value, str) else str(value)[:40]
    if not _DIGITS.fullmatch(text) or not 1 <= int(text) <= MAX_ITEMS:
        raise ValueError(f"item number {text!r} must be a whole number from 1 to {MAX_ITEMS}")
    return int(text)


def _number(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(f"expected a number, not {_kind(value)}")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{value!r} is not a finite number")
    if isinstance(value, int) and abs(value) >= MAX_AMOUNT:
        raise ValueError(f"a number of {len(str(abs(value)))} digits is too large")
    text = str(value).strip()
    if len(text) > MAX_NUMBER_TEXT:
        raise ValueError(f"a number is at most {MAX_NUMBER_TEXT} characters long")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(
            f"{text!r} is not a number (write digits with a dot for decimals, no separators)"
        ) from None
    if not number.is_finite():
        raise ValueError(f"{text!r} is not a finite number")
    if number.copy_abs() >= MAX_AMOUNT:
        raise ValueError(f"{text} is out of range: amounts are below 10^15")
    if number and number.copy_abs() < MIN_AMOUNT:
        raise ValueError(f"{text} is too small: a non-zero amount is at least 0.000001")
    return number


def positive_number(value: object) -> Decimal:
    number = _number(value)
    if number <= 0:
        raise ValueError(f"{number} must be greater than zero")
    return number


def non_negative_number(value: object) -> Decimal:
    number = _number(value)
    if number < 0:
        raise ValueError(f"{number} must not be negative")
    return number


@lru_cache(maxsize=1)
def _currencies() -> frozenset[str]:
    return frozenset(list_currencies())


def currency(value: object) -> str:
    text = _text(value, "currency").upper()
    if text not in _currencies():
        raise ValueError(f"{text!r} is not an ISO 4217 currency code")
    return text
