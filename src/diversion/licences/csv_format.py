"""The licence CSV: one licence a row, lists inside a cell separated by semicolons.

Columns (all present, in any order): the licence fields (`model.FIELDS`) but the goods
description, which only `licences add` sets. Every problem is reported with file, line, column
and reason, and a file with any problem yields no licences at all: an import is whole or nothing.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from diversion.countries import normalise_country
from diversion.declarations.csv_table import header_errors, open_csv
from diversion.declarations.errors import FILE, InputError
from diversion.declarations.fields import MAX_AMOUNT, iso_date
from diversion.declarations.fields import currency as parse_currency
from diversion.goods import HsCodeError, parse_hs_code
from diversion.licences.model import FIELDS, PLACES, STATUSES, TYPES, Licence, licence_key

COLUMNS = tuple(field.name for field in FIELDS if field.column)
_DIGITS = re.compile(r"^[0-9][0-9. ]*$")


class LicenceFieldError(ValueError):
    """One field of one licence is wrong; `field` names the column."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


def parse_goods_entry(text: str) -> str:
    """A full HS code (as `parse_hs_code` reads it) or a prefix of 2 to 10 digits, bare."""
    value = text.strip()
    if not _DIGITS.match(value):
        raise ValueError(f"{value!r} is not an HS code or prefix (digits, dots and spaces only)")
    try:
        return parse_hs_code(value)
    except HsCodeError as exc:
        digits = value.replace(".", "").replace(" ", "")
        if len(digits) > 10:
            raise ValueError(str(exc)) from None
        if len(digits) < 2:
            raise ValueError(
                f"{value!r} is too short; a goods prefix needs 2 to 10 digits"
            ) from None
        return digits  # a chapter, heading or other prefix


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


def _date(text: str) -> date:
    return iso_date(text)  # as for declarations: exactly YYYY-MM-DD, 1900 to 2099


def _limit(text: str) -> Decimal:
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(
            f"{text!r} is not a number (digits with a dot for decimals, no separators)"
        ) from None
    if not number.is_finite() or number <= 0:
        raise ValueError(f"{text!r} must be a number greater than zero (empty means no limit)")
    if number >= MAX_AMOUNT:  # the register keeps thousandths in a 64-bit column
        raise ValueError(f"{text} is out of range: amounts are below 10^15")
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -PLACES:
        raise ValueError(f"{text!r} has more than {PLACES} decimal places")
    return number


def licence_errors(fields: Mapping[str, str | None]) -> list[LicenceFieldError]:
    """Every problem of a row, one per column at most."""
    problems: list[LicenceFieldError] = []
    for column, check in _CHECKS.items():
        value = (fields.get(column) or "").strip()
        try:
            check(value, fields)
        except ValueError as exc:
            problems.append(LicenceFieldError(column, str(exc)))
    return problems


def _get(fields: Mapping[str, str | None], column: str) -> str:
    return (fields.get(column) or "").strip()


def _opt(fields: Mapping[str, str | None], column: str) -> str | None:
    return _get(fields, column) or None


def _check_licence_no(value: str, _: Mapping[str, str | None]) -> None:
    if not value:
        raise ValueError("required field is missing")
    if len(licence_key(value)) > 60:
        raise ValueError("a licence number has at most 60 characters")


def _check_holder(value: str, fields: Mapping[str, str | None]) -> None:
    if not value and _get(fields, "type").lower() != "general":
        raise ValueError("required for an individual licence (only a general one may omit it)")


def _check_holder_id(value: str, _: Mapping[str, str | None]) -> None:
    if len(value) > 60:
        raise ValueError("a holder id has at most 60 characters")


def _check_type(value: str, _: Mapping[str, str | None]) -> None:
    if value.lower() not in TYPES:
        raise ValueError(f"{value!r} is not one of {', '.join(TYPES)}")


def _check_authority(value: str, _: Mapping[str, str | None]) -> None:
    if not value:
        raise ValueError("required field is missing")


def _check_goods(value: str, _: Mapping[str, str | None]) -> None:
    entries = _split(value)
    if not entries:
        raise ValueError("a licence must name at least one HS code or prefix")
    for entry in entries:
        parse_goods_entry(entry)


def _check_destinations(value: str, _: Mapping[str, str | None]) -> None:
    for entry in _split(value):
        normalise_country(entry)


def _check_nothing(_value: str, _fields: Mapping[str, str | None]) -> None:
    return None


def _check_limit(value: str, _: Mapping[str, str | None]) -> None:
    if value:
        _limit(value)


def _check_currency(value: str, fields: Mapping[str, str | None]) -> None:
    if value:
        parse_currency(value)
    elif _get(fields, "value_limit"):
        raise ValueError("a value limit needs its ISO 4217 currency")


def _check_valid_from(value: str, _: Mapping[str, str | None]) -> None:
    if not value:
        raise ValueError("required field is missing")
    _date(value)


def _check_valid_to(value: str, fields: Mapping[str, str | None]) -> None:
    if not value:
        raise ValueError("required field is missing")
    end = _date(value)
    start_text = _get(fields, "valid_from")
    try:
        start = _date(start_text)
    except ValueError:
        return  # valid_from reports its own problem
    if end < start:
        raise ValueError(f"{value} is before valid_from {start_text}")


def _check_status(value: str, _: Mapping[str, str | None]) -> None:
    if value and value.lower() not in STATUSES:
        raise ValueError(f"{value!r} is not one of {', '.join(STATUSES)} (empty means active)")


_CHECKS = {
    "licence_no": _check_licence_no,
    "holder_name": _check_holder,
    "holder_id": _check_holder_id,
    "type": _check_type,
    "authority": _check_authority,
    "goods": _check_goods,
    "destinations": _check_destinations,
    "consignee_name": _check_nothing,
    "end_user_name": _check_nothing,
    "quantity_limit": _check_limit,
    "value_limit": _check_limit,
    "currency": _check_currency,
    "valid_from": _check_valid_from,
    "valid_to": _check_valid_to,
    "status": _check_status,
}


def _build(fields: Mapping[str, str | None], goods_description: str | None = None) -> Licence:
    quantity = _get(fields, "quantity_limit")
    value = _get(fields, "value_limit")
    currency = _get(fields, "currency")
    return Licence(
        licence_no=licence_key(_get(fields, "licence_no")),
        holder_name=_opt(fields, "holder_name"),
        holder_id=_opt(fields, "holder_id"),
        type=_get(fields, "type").lower(),
        authority=_get(fields, "authority"),
        goods=tuple(dict.fromkeys(parse_goods_entry(e) for e in _split(_get(fields, "goods")))),
        destinations=tuple(
            dict.fromkeys(normalise_country(e) for e in _split(_get(fields, "destinations")))
        ),
        valid_from=_date(_get(fields, "valid_from")),
        valid_to=_date(_get(fields, "valid_to")),
        status=(_get(fields, "status") or "active").lower(),
        consignee_name=_opt(fields, "consignee_name"),
        end_user_name=_opt(fields, "end_user_name"),
        quantity_limit=_limit(quantity) if quantity else None,
        value_limit=_limit(value) if value else None,
        currency=parse_currency(currency) if currency else None,
        goods_description=goods_description,
    )


def build_licence(
    fields: Mapping[str, str | None], goods_description: str | None = None
) -> Licence:
    """A licence from checked fields (call `licence_errors` first)."""
    return _build(fields, goods_description)


@dataclass(frozen=True)
class LicenceFile:
    """What a licence CSV holds: its licences (only if it has no errors) and their lines."""

    licences: list[Licence]
    errors: list[InputError]
    lines: dict[str, int]  # licence number -> line it starts on
    how: str = ""  # how the file was read: encoding and delimiter (csv_table.CsvTable.describe)


def read_licences(path: Path) -> LicenceFile:
    """The licences of a CSV file and every problem in it; no licences if any problem. The
    encoding and delimiter are sniffed as for declarations, decimal comma included."""
    name = str(path)
    table, unreadable = open_csv(path, COLUMNS)
    if table is None:
        return LicenceFile([], unreadable, {})
    records = table.records()
    try:
        _, header = next(records)
    except StopIteration:
        return LicenceFile([], [InputError(name, 1, FILE, "file has no header row")], {})
    except csv.Error as exc:
        return LicenceFile([], [InputError(name, 1, FILE, f"malformed CSV header: {exc}")], {})
    header = [column.strip() for column in header]
    errors = header_errors(name, header, COLUMNS, COLUMNS)
    if errors:
        return LicenceFile([], errors, {}, table.describe())

    licences: list[Licence] = []
    first_line: dict[str, int] = {}
    line = 1
    try:
        for line, record in records:
            if not record or all(not cell.strip() for cell in record):
                continue  # a blank line is layout, not a licence
            if len(record) != len(header):
                reason = f"row has {len(record)} fields; the header has {len(header)}"
                errors.append(InputError(name, line, FILE, reason))
                continue
            fields = dict(zip(header, record, strict=True))
            for column in ("quantity_limit", "value_limit"):
                fields[column] = table.number(fields[column])
            problems = licence_errors(fields)
            errors.extend(InputError(name, line, p.field, p.reason) for p in problems)
            if problems:
                continue
            licence = _build(fields)
            if licence.licence_no in first_line:
                reason = (
                    f"licence {licence.licence_no} is also on line {first_line[licence.licence_no]}"
                )
                errors.append(InputError(name, line, "licence_no", reason))
                continue
            first_line[licence.licence_no] = line
            licences.append(licence)
    except csv.Error as exc:
        errors.append(InputError(name, line + 1, FILE, f"malformed CSV: {exc}"))
    if not licences and not errors:
        errors.append(InputError(name, 2, FILE, "file has a header but no licences"))
    return LicenceFile([] if errors else licences, errors, first_line, table.describe())
