"""A licence and its state: what it allows, and how much of it has been drawn.

Licence numbers are compared in a canonical form (`licence_key`) so that layout never decides
whether a licence fits; holder identifiers and names by the keys every part uses
(`matching.keys`).
Quantities and values are exact decimals of at most three places, the precision the store
keeps; a declared amount with more places is rounded up when drawn, never down.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from decimal import ROUND_CEILING, Decimal
from typing import Any

from diversion.goods.concordance import bundled_concordance
from diversion.licences.terms import STATUSES as STATUSES
from diversion.licences.terms import TYPES as TYPES

PLACES = 3  # decimal places kept for quantities and values
_STEP = Decimal(1).scaleb(-PLACES)


def licence_key(number: str) -> str:
    """The canonical licence number: trimmed, upper-case, inner whitespace removed."""
    return "".join(number.split()).upper()


def draw_amount(amount: Decimal) -> Decimal:
    """A declared quantity or value as it is drawn: rounded up to the kept precision."""
    return amount.quantize(_STEP, rounding=ROUND_CEILING)


def to_milli(amount: Decimal) -> int:
    """An amount of at most three decimal places as whole thousandths, for the store."""
    scaled = amount.scaleb(PLACES)
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{amount} has more than {PLACES} decimal places")
    return int(scaled)


def from_milli(milli: int) -> Decimal:
    return Decimal(milli).scaleb(-PLACES)


def _covering(goods: tuple[str, ...], hs_code: str) -> str | None:
    matches = [entry for entry in goods if hs_code.startswith(entry)]
    return max(matches, key=len) if matches else None


def goods_cover(goods: tuple[str, ...], hs_code: str) -> tuple[str, tuple[str, ...]] | None:
    """The licence's code or prefix that covers a declared code (the longest if several), and
    the subheadings of the other HS edition it was reached through, if any.

    A licence or a declaration may be written in HS 2017 where HS 2022 renumbered or split the
    subheading (8803.30 is now 8807.30; 8541.50 became 8541.51 and 8541.59). A declared HS 2017
    code is covered only if every HS 2022 part of it is; a declared HS 2022 code is covered by
    a licence for the HS 2017 subheading it came from, unless only some administrations
    classified it there (a `partial` correlation).
    """
    direct = _covering(goods, hs_code)
    if direct is not None:
        return direct, ()
    concordance = bundled_concordance()
    successors = concordance.successors(hs_code)
    if successors:
        parts = [_covering(goods, row.hs2022) for row in successors]
        whole = [row for row in successors if row.relation != "partial"]
        needed = [part for row, part in zip(successors, parts, strict=True) if row in whole]
        if needed and all(part is not None for part in needed):
            return str(needed[0]), tuple(row.hs2022 for row in whole)
    for row in concordance.predecessors(hs_code):
        entry = _covering(goods, row.hs2017)
        if entry is not None and row.relation != "partial":
            return entry, (row.hs2017,)
    return None


def covers_code(goods: tuple[str, ...], hs_code: str) -> str | None:
    """The licence's code or prefix that covers a declared code, in either HS edition."""
    found = goods_cover(goods, hs_code)
    return found[0] if found else None


TEXT, LIST, AMOUNT, DATE = "text", "list", "amount", "date"  # kinds of licence field


@dataclass(frozen=True)
class LicenceField:
    """One term of a licence, declared once: the CSV columns, the JSON of the API and the web
    pages, the store's columns and the API schema are read from `FIELDS`."""

    name: str
    kind: str  # TEXT, LIST (of codes), AMOUNT (a Decimal, kept as thousandths) or DATE
    description: str
    required: bool = False  # always given (a text may still be optional in the CSV: holder_name)
    column: bool = True  # a column of the licence CSV (goods_description is not)

    @property
    def store_column(self) -> str:
        """The store's column: amounts are whole thousandths (`*_milli`)."""
        return f"{self.name}_milli" if self.kind == AMOUNT else self.name

    def to_json(self, value: Any) -> Any:
        if self.kind == LIST:
            return list(value)
        if self.kind == AMOUNT:
            return _text(value)
        if self.kind == DATE:
            return value.isoformat()
        return value

    def to_store(self, value: Any) -> Any:
        if self.kind == LIST:
            return list(value)
        if self.kind == AMOUNT:
            return None if value is None else to_milli(value)
        return value

    def from_store(self, value: Any) -> Any:
        if self.kind == LIST:
            return tuple(value)
        if self.kind == AMOUNT:
            return None if value is None else from_milli(value)
        return value


# In the order the CSV, the JSON and the pages show them.
FIELDS: tuple[LicenceField, ...] = (
    LicenceField("licence_no", TEXT, "The licence number as issued.", required=True),
    LicenceField("holder_name", TEXT, "The exporter it was granted to (none: any, if general)."),
    LicenceField("holder_id", TEXT, "The holder's registration number (BIN, INN, ...)."),
    LicenceField("type", TEXT, f"One of {', '.join(TYPES)}.", required=True),
    LicenceField("authority", TEXT, "Who issued it.", required=True),
    LicenceField("goods", LIST, "HS codes or prefixes (2 to 10 digits) it covers.", required=True),
    LicenceField("goods_description", TEXT, "What the goods are, in words.", column=False),
    LicenceField("destinations", LIST, "ISO 3166 alpha-2 codes; none means any.", required=True),
    LicenceField("consignee_name", TEXT, "The only consignee allowed, if named."),
    LicenceField("end_user_name", TEXT, "The only end user allowed, if named."),
    LicenceField("quantity_limit", AMOUNT, "Quantity allowed in total; none means no limit."),
    LicenceField("value_limit", AMOUNT, "Value allowed in total, in `currency`; none: no limit."),
    LicenceField("currency", TEXT, "ISO 4217 code of the value limit."),
    LicenceField("valid_from", DATE, "First valid day (ISO date), included.", required=True),
    LicenceField("valid_to", DATE, "Last valid day (ISO date), included.", required=True),
    LicenceField("status", TEXT, f"One of {', '.join(STATUSES)}.", required=True),
)  # fmt: skip


@dataclass(frozen=True)
class Licence:
    """The terms of a licence as issued. Limits of None mean no limit."""

    licence_no: str
    holder_name: str | None
    holder_id: str | None
    type: str
    authority: str
    goods: tuple[str, ...]
    destinations: tuple[str, ...]
    valid_from: date
    valid_to: date
    status: str = "active"
    consignee_name: str | None = None
    end_user_name: str | None = None
    quantity_limit: Decimal | None = None
    value_limit: Decimal | None = None
    currency: str | None = None
    goods_description: str | None = None

    def terms(self) -> dict[str, Any]:
        """Everything the licence allows, without its status: what a re-import compares."""
        terms = asdict(self)
        del terms["status"]
        return terms

    def to_dict(self) -> dict[str, Any]:
        return {field.name: field.to_json(getattr(self, field.name)) for field in FIELDS}

    @classmethod
    def from_store(cls, row: Any) -> Licence:
        """A licence from a store row (`store.models.LicenceRow` or a result row like it)."""
        return cls(**{f.name: f.from_store(getattr(row, f.store_column)) for f in FIELDS})

    def store_values(self) -> dict[str, Any]:
        """The store's columns of the licence's terms and status."""
        return {field.store_column: field.to_store(getattr(self, field.name)) for field in FIELDS}


@dataclass(frozen=True)
class LicenceState:
    """A licence with what has been drawn on it, as the register knew it at one moment."""

    licence: Licence
    quantity_used: Decimal = Decimal(0)
    value_used: Decimal = Decimal(0)
    status_reason: str | None = None  # why it was last suspended, reinstated or revoked

    @property
    def quantity_left(self) -> Decimal | None:
        limit = self.licence.quantity_limit
        return None if limit is None else limit - self.quantity_used

    @property
    def value_left(self) -> Decimal | None:
        limit = self.licence.value_limit
        return None if limit is None else limit - self.value_used

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.licence.to_dict(),
            "quantity_used": _text(self.quantity_used),
            "quantity_left": _text(self.quantity_left),
            "value_used": _text(self.value_used),
            "value_left": _text(self.value_left),
            "status_reason": self.status_reason,
        }


def _text(amount: Decimal | None) -> str | None:
    """An amount as plain digits (no exponent), for JSON and tables."""
    return None if amount is None else format(amount.normalize(), "f")


def amount_text(amount: Decimal | None) -> str:
    """An amount for messages: plain digits, or "no limit"."""
    return "no limit" if amount is None else str(_text(amount))
