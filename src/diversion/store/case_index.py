"""The text a case is filtered by, kept beside it (`cases.parties`, `cases.reason_codes`):
written with each decision the case takes, and by migration 0007 for the cases before it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from diversion.folding import fold_text

PARTY_ROLES = ("exporter", "consignee", "end_user", "forwarder", "payer")


def party_text(declaration: Mapping[str, Any]) -> str:
    """The parties' names, folded, one a line (as JSON Lines declarations have them)."""
    names = []
    for role in PARTY_ROLES:
        party = declaration.get(role)
        if isinstance(party, Mapping) and isinstance(party.get("name"), str):
            names.append(fold_text(party["name"]))
    return "\n".join(n for n in names if n)


def reason_text(decision: Mapping[str, Any]) -> str:
    """The decision's reason codes, each between spaces: ` party.sanctioned route.hub `."""
    codes = sorted({str(r.get("code")) for r in decision.get("reasons", []) if r.get("code")})
    return f" {' '.join(codes)} " if codes else ""
