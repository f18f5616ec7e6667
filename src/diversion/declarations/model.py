"""The declaration: a typed record with one form in memory and two on disk (CSV, JSON Lines)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator

from diversion.declarations import fields

Text = Annotated[str, BeforeValidator(fields.clean_text)]
Country = Annotated[str, BeforeValidator(fields.country)]
HsCode = Annotated[str, BeforeValidator(fields.hs_code)]
Procedure = Annotated[str, BeforeValidator(fields.procedure)]
IsoDate = Annotated[date, BeforeValidator(fields.iso_date)]
ItemNo = Annotated[int, BeforeValidator(fields.item_number)]
Positive = Annotated[Decimal, BeforeValidator(fields.positive_number)]
NonNegative = Annotated[Decimal, BeforeValidator(fields.non_negative_number)]
Currency = Annotated[str, BeforeValidator(fields.currency)]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Party(_Record):
    """Exporter or consignee: the two parties every declaration names with a country."""

    name: Text
    country: Country
    id: Text | None = None
    address: Text | None = None


class OtherParty(_Record):
    """End user, forwarder or payer: optional, and their country may be unknown."""

    name: Text
    country: Country | None = None


class Item(_Record):
    item_no: ItemNo
    hs_code: HsCode
    description: Text
    country_of_origin: Country
    manufacturer: Text | None = None
    quantity: Positive
    unit: Text | None = None
    net_weight_kg: NonNegative | None = None
    value: NonNegative
    currency: Currency
    licence_no: Text | None = None


PARTY_ROLES = ("exporter", "consignee", "end_user", "forwarder", "payer")


class Declaration(_Record):
    declaration_id: Text
    declared_at: IsoDate
    procedure: Procedure
    exporter: Party
    consignee: Party
    end_user: OtherParty | None = None
    forwarder: OtherParty | None = None
    payer: OtherParty | None = None
    country_of_dispatch: Country
    country_of_destination: Country
    items: list[Item] = Field(min_length=1, max_length=fields.MAX_ITEMS)

    @field_validator("items")
    @classmethod
    def _unique_item_numbers(cls, items: list[Item]) -> list[Item]:
        seen: set[int] = set()
        for item in items:
            if item.item_no in seen:
                raise ValueError(f"item_no {item.item_no} appears twice")
            seen.add(item.item_no)
        return items

    def parties(self) -> Iterator[tuple[str, Party | OtherParty]]:
        """Every named party with its role, in a fixed order."""
        for role in PARTY_ROLES:
            party = getattr(self, role)
            if party is not None:
                yield role, party
