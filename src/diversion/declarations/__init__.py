"""Declarations: the typed record, its CSV and JSON Lines forms, and validation."""

from diversion.declarations.errors import InputError
from diversion.declarations.model import PARTY_ROLES, Declaration, Item, OtherParty, Party
from diversion.declarations.read import ReadResult, read_declarations

__all__ = [
    "PARTY_ROLES",
    "Declaration",
    "InputError",
    "Item",
    "OtherParty",
    "Party",
    "ReadResult",
    "read_declarations",
]
