"""Periods as statistics write them, read into a year and an optional month.

Comtrade: 2022, 202203. Comext bulk: 202203, 202252 (52 = the whole year). Comext web exports:
"Aug. 2024", "202408-Aug. 2024", "Jan.-Dec. 2018", "201952-Jan.-Dec. 2019". National tables: Y2019.
Eurostat's Data Browser: 2022-03. A month as a date (the first of the month): 2022-03-01.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "janv", "январь"),
            ("feb", "févr", "fevr", "февраль"),
            ("mar", "mars", "март"),
            ("apr", "avr", "апрель"),
            ("may", "mai", "май"),
            ("jun", "juin", "июнь"),
            ("jul", "juil", "июль"),
            ("aug", "août", "aout", "август"),
            ("sep", "sept", "сентябрь"),
            ("oct", "octobre", "октябрь"),
            ("nov", "ноябрь"),
            ("dec", "déc", "декабрь"),
        ],
        start=1,
    )
    for name in names
}


class PeriodError(ValueError):
    pass


@dataclass(frozen=True)
class Period:
    year: int
    month: int | None = None  # None: the whole year

    @property
    def label(self) -> str:
        return f"{self.year}" if self.month is None else f"{self.year}-{self.month:02d}"


def _checked(year: int, month: int | None, text: str) -> Period:
    if not 1900 <= year <= 2100:
        raise PeriodError(f"year {year} in period {text!r} is out of range")
    if month is not None and not 1 <= month <= 12:
        raise PeriodError(f"month {month} in period {text!r} is out of range")
    return Period(year, month)


def parse_period(text: str) -> Period:
    value = text.strip()
    code = value.split("-", 1)[0].strip() if re.match(r"^\d{6}-", value) else value
    if match := re.fullmatch(r"[Yy]?(\d{4})(?:\.0)?", code):
        return _checked(int(match[1]), None, text)
    if match := re.fullmatch(r"(\d{4})-(\d{2})-01(?:[T ]00:00(?::00)?)?", value):
        return _checked(int(match[1]), int(match[2]), text)
    if match := re.fullmatch(r"(\d{4})-?(\d{2})", code):
        year, month = int(match[1]), int(match[2])
        return _checked(year, None if month == 52 else month, text)
    if match := re.fullmatch(r"(?i)jan\.?-dec\.?\s+(\d{4})", value):
        return _checked(int(match[1]), None, text)
    if match := re.fullmatch(r"([^\W\d_]+)\.?\s+(\d{4})", value):
        named = MONTHS.get(match[1].casefold())
        if named is None:
            raise PeriodError(f"unknown month {match[1]!r} in period {text!r}")
        return _checked(int(match[2]), named, text)
    raise PeriodError(f"unreadable period {text!r} (expected 2022, 202203, 'Mar. 2022' or Y2022)")
