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
        return {
            "licence_no": self.licence_no,
            "holder_name": self.holder_name,
            "holder_id": self.holder_id,
            "type": self.type,
            "authority": self.authority,
            "goods": list(self.goods),
            "goods_description": self.goods_description,
            "destinations": list(self.destinations),
            "consignee_name": self.consignee_name,
            "end_user_name": self.end_user_name,
            "quantity_limit": _text(self.quantity_limit),
            "value_limit": _text(self.value_limit),
            "currency": self.currency,
            "valid_from": self.valid_from.isoformat(),
            "valid_to": self.valid_to.isoformat(),
            "status": self.status,
        }


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
