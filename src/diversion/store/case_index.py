"""The text a case is filtered by, kept beside it (`cases.parties`, `cases.reason_codes`,
`cases.hs_codes`, `cases.search_text`, `cases.declared_at`): written with each decision the
case takes, and by migrations 0007 and 0008 for the cases before them."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
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


def hs_digits(code: str) -> str:
    """An HS code as its digits: `8542.31` and `854231` are the same code."""
    return "".join(ch for ch in code if ch.isdigit())


def _items(declaration: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    items = declaration.get("items")
    return [i for i in items if isinstance(i, Mapping)] if isinstance(items, list) else []


def hs_text(declaration: Mapping[str, Any]) -> str:
    """The goods' HS codes as digits, each between spaces (` 854231 847150 `), so that a code
    or its start is found with one LIKE: `% 8542%`."""
    codes = sorted({hs_digits(str(i.get("hs_code") or "")) for i in _items(declaration)} - {""})
    return f" {' '.join(codes)} " if codes else ""


def search_text(declaration_id: str, declaration: Mapping[str, Any]) -> str:
    """What the queue's search looks in, folded, one a line: the declaration id, the parties'
    names, the goods' descriptions and manufacturers, and their HS codes as digits."""
    lines = [fold_text(declaration_id), party_text(declaration)]
    for item in _items(declaration):
        for key in ("description", "manufacturer"):
            if isinstance(item.get(key), str):
                lines.append(fold_text(item[key]))
    lines.append(hs_text(declaration).strip())
    return "\n".join(line for line in lines if line)


def declared_on(declaration: Mapping[str, Any]) -> date | None:
    """The declaration's day, if it has a valid one."""
    try:
        return date.fromisoformat(str(declaration.get("declared_at")))
    except ValueError:
        return None


def index_columns(declaration_id: str, declaration: Mapping[str, Any]) -> dict[str, Any]:
    """The columns of a case that come from its declaration."""
    return {
        "parties": party_text(declaration),
        "declared_at": declared_on(declaration),
        "hs_codes": hs_text(declaration),
        "search_text": search_text(declaration_id, declaration),
    }
