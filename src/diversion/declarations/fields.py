"""Parsers for the fields of a declaration. Each returns a clean value or raises ValueError
with a reason an officer can act on; none of them guesses."""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from babel.numbers import list_currencies

from diversion.countries import normalise_country
from diversion.goods import parse_hs_code

PROCEDURES = ("export", "re-export", "transit", "import")


def _text(value: object, what: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValueError(f"{what} must be text, not {type(value).__name__}")
    return str(value).strip()


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
    text = _text(value, "date")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not an ISO date (YYYY-MM-DD)") from None


def item_number(value: object) -> int:
    if isinstance(value, bool):
        raise ValueError("item number must be a whole number")
    text = str(value).strip()
    if not text.isdigit() or int(text) < 1:
        raise ValueError(f"item number {text!r} must be a whole number from 1")
    return int(text)


def _number(value: object) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ValueError(f"expected a number, not {type(value).__name__}")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{value!r} is not a finite number")
    text = str(value).strip()
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(
            f"{text!r} is not a number (write digits with a dot for decimals, no separators)"
        ) from None
    if not number.is_finite():
        raise ValueError(f"{text!r} is not a finite number")
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
