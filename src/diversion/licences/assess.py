"""Whether the licence cited on each goods item really covers it.

One function serves both screening (a dry run against the register as it stands) and
acceptance (the same test against licence rows locked for the draw), so the two can never
disagree about what a licence allows.

Per item, in this order of precedence:

1. `licence.unknown`: the number is not in the register. Nothing else can be checked.
2. Every failure of the licence itself is reported, each with its own code:
   `licence.revoked` / `licence.suspended` (status), `licence.expired` (the declaration date
   is outside valid_from..valid_to, both days included; also when not yet valid),
   `licence.wrong_holder` (exporter is not the holder) and `licence.not_covering` (goods
   code, destination, consignee, end user or currency outside the licence).
3. Only a licence that passes all of 2 is tested for what is left: `licence.exhausted`
   when the item needs more quantity or value than remains after earlier items of the same
   declaration drawing on it. Testing what is left on a licence that cannot be used anyway
   would only add noise.
4. Otherwise `licence.covered`: the licence the item relies on, with what it leaves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from diversion.declarations import Declaration, Item
from diversion.i18n import Country, Joined, Text, text
from diversion.licences.model import (
    LicenceState,
    amount_text,
    covers_code,
    draw_amount,
    goods_cover,
    licence_key,
)
from diversion.matching.keys import identifier_key, same_legal_name

UNKNOWN = "licence.unknown"
SUSPENDED = "licence.suspended"
REVOKED = "licence.revoked"
EXPIRED = "licence.expired"
WRONG_HOLDER = "licence.wrong_holder"
NOT_COVERING = "licence.not_covering"
EXHAUSTED = "licence.exhausted"
COVERED = "licence.covered"
CODES = (UNKNOWN, SUSPENDED, REVOKED, EXPIRED, WRONG_HOLDER, NOT_COVERING, EXHAUSTED, COVERED)
# Procedures whose items draw on export licences; imports do not.
DRAWING_PROCEDURES = ("export", "re-export", "transit")

Lookup = Callable[[str], LicenceState | None]


@dataclass(frozen=True)
class Finding:
    """What one licence says about one item. `text` is the message as a catalog id with its
    parameters (`diversion.i18n`); `message` is its English rendering."""

    code: str
    item_no: int
    licence_no: str
    text: Text
    evidence: dict[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return self.text.render()


@dataclass(frozen=True)
class Draw:
    """What one item takes from one licence when its declaration is accepted."""

    item_no: int
    licence_no: str
    hs_code: str
    quantity: Decimal
    unit: str | None
    value: Decimal
    currency: str


@dataclass(frozen=True)
class Assessment:
    findings: list[Finding]
    draws: list[Draw]

    @property
    def problems(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.code != COVERED]


def _licence_facts(state: LicenceState) -> dict[str, Any]:
    licence = state.licence
    facts: dict[str, Any] = {
        "licence_no": licence.licence_no,
        "licence_type": licence.type,
        "authority": licence.authority,
        "status": licence.status,
        "valid_from": licence.valid_from.isoformat(),
        "valid_to": licence.valid_to.isoformat(),
    }
    if state.status_reason:
        facts["status_reason"] = state.status_reason
    return facts


def _same_party(licensed: str, declared: str | None) -> bool:
    return declared is not None and same_legal_name(licensed, declared)


def _holder_problem(decl: Declaration, state: LicenceState) -> dict[str, Any] | None:
    """Why the exporter is not the holder, or None. A general licence may name no holder."""
    licence = state.licence
    exporter = decl.exporter
    if licence.holder_id and exporter.id:
        if identifier_key(licence.holder_id) == identifier_key(exporter.id):
            return None
        return {"compared": "holder id", "holder_id": licence.holder_id, "exporter_id": exporter.id}
    if licence.holder_name is None:
        return None
    if _same_party(licence.holder_name, exporter.name):
        return None
    return {
        "compared": "normalised name",
        "holder_name": licence.holder_name,
        "exporter_name": exporter.name,
    }


def _coverage_gaps(decl: Declaration, item: Item, state: LicenceState) -> list[dict[str, Any]]:
    licence = state.licence
    gaps: list[dict[str, Any]] = []
    if covers_code(licence.goods, item.hs_code) is None:
        gaps.append({"what": "goods", "declared": item.hs_code, "licensed": list(licence.goods)})
    destination = decl.country_of_destination
    if licence.destinations and destination not in licence.destinations:
        gaps.append(
            {"what": "destination", "declared": destination, "licensed": list(licence.destinations)}
        )
    if licence.consignee_name and not _same_party(licence.consignee_name, decl.consignee.name):
        gaps.append(
            {
                "what": "consignee",
                "declared": decl.consignee.name,
                "licensed": licence.consignee_name,
            }
        )
    if licence.end_user_name:
        # with no end user declared, the consignee is the end user
        end_user = decl.end_user.name if decl.end_user else decl.consignee.name
        if not _same_party(licence.end_user_name, end_user):
            gaps.append(
                {"what": "end user", "declared": end_user, "licensed": licence.end_user_name}
            )
    if licence.value_limit is not None and item.currency != licence.currency:
        gaps.append({"what": "currency", "declared": item.currency, "licensed": licence.currency})
    return gaps


def _describe_gap(gap: dict[str, Any]) -> Text:
    what = gap["what"]
    licensed = gap["licensed"]
    if what == "goods":
        return text("licence.gap.goods", hs=gap["declared"], goods=list(licensed))
    if what == "destination":
        return text(
            "licence.gap.destination",
            declared=Country(gap["declared"]),
            licensed=[Country(code) for code in licensed],
        )
    if what == "currency":
        return text("licence.gap.currency", licensed=licensed, declared=gap["declared"])
    return text(
        "licence.gap.party",
        role=text(f"role.{what.replace(' ', '_')}"),
        declared=gap["declared"],
        licensed=licensed,
    )


def _amount(amount: Decimal | None) -> Text | str:
    """An amount in a message: its digits, or "no limit" in the reader's language."""
    return text("licence.no_limit") if amount is None else amount_text(amount)


def _licence_problems(
    decl: Declaration, item: Item, state: LicenceState
) -> list[tuple[str, Text, dict[str, Any]]]:
    """(code, message, evidence) of every failure of the licence itself for this item."""
    licence = state.licence
    number = licence.licence_no
    n = item.item_no
    problems: list[tuple[str, Text, dict[str, Any]]] = []
    if licence.status in ("suspended", "revoked"):
        why = state.status_reason or ""
        problems.append(
            (
                SUSPENDED if licence.status == "suspended" else REVOKED,
                text(
                    f"reason.licence.{licence.status}",
                    item=n,
                    licence=number,
                    why=text("reason.part.in_brackets", what=why) if why else "",
                ),
                {"checked": "status"},
            )
        )
    on = decl.declared_at
    if not licence.valid_from <= on <= licence.valid_to:
        late = on > licence.valid_to
        when = (
            text("reason.part.expired_on", date=str(licence.valid_to))
            if late
            else text("reason.part.valid_only_from", date=str(licence.valid_from))
        )
        problems.append(
            (
                EXPIRED,
                text("reason.licence.expired", item=n, licence=number, when=when, date=str(on)),
                {"checked": "validity", "declared_at": on.isoformat(), "expired": late},
            )
        )
    holder = _holder_problem(decl, state)
    if holder is not None:
        problems.append(
            (
                WRONG_HOLDER,
                text(
                    "reason.licence.wrong_holder",
                    item=n,
                    licence=number,
                    holder=repr(licence.holder_name or licence.holder_id),
                    exporter=decl.exporter.name,
                    compared=text(
                        "reason.part.compared_by_id"
                        if holder["compared"] == "holder id"
                        else "reason.part.compared_by_name"
                    ),
                ),
                {"checked": "holder", **holder},
            )
        )
    gaps = _coverage_gaps(decl, item, state)
    if gaps:
        problems.append(
            (
                NOT_COVERING,
                text(
                    "reason.licence.not_covering",
                    item=n,
                    licence=number,
                    gaps=Joined(tuple(_describe_gap(gap) for gap in gaps), "list.semicolon"),
                ),
                {"checked": "coverage", "not_covered": gaps},
            )
        )
    return problems


def assess(decl: Declaration, lookup: Lookup) -> Assessment:
    """Findings for every item that cites a licence, and the draws of the items it covers."""
    findings: list[Finding] = []
    draws: list[Draw] = []
    drawn_quantity: dict[str, Decimal] = {}  # by earlier items of this declaration
    drawn_value: dict[str, Decimal] = {}
    for item in decl.items:
        if not item.licence_no:
            continue
        number = licence_key(item.licence_no)
        state = lookup(number)
        n = item.item_no
        if state is None:
            findings.append(
                Finding(
                    UNKNOWN,
                    n,
                    number,
                    text("reason.licence.unknown", item=n, licence=number),
                    {"licence_no": number},
                )
            )
            continue
        licence = state.licence
        facts = _licence_facts(state)
        problems = _licence_problems(decl, item, state)
        if problems:
            findings.extend(
                Finding(code, n, number, message, {**facts, **extra})
                for code, message, extra in problems
            )
            continue

        quantity = draw_amount(item.quantity)
        value = draw_amount(item.value)
        before_q = state.quantity_used + drawn_quantity.get(number, Decimal(0))
        before_v = state.value_used + drawn_value.get(number, Decimal(0))
        left_q = None if licence.quantity_limit is None else licence.quantity_limit - before_q
        left_v = None if licence.value_limit is None else licence.value_limit - before_v
        amounts = {
            "quantity_limit": amount_text(licence.quantity_limit),
            "quantity_left": amount_text(left_q),
            "quantity_requested": amount_text(quantity),
            "value_limit": amount_text(licence.value_limit),
            "value_left": amount_text(left_v),
            "value_requested": amount_text(value),
            "currency": licence.currency or item.currency,
            "drawn_by_earlier_items": amount_text(drawn_quantity.get(number, Decimal(0))),
        }
        short: list[Text] = []
        if left_q is not None and quantity > left_q:
            short.append(
                text(
                    "reason.part.quantity_short",
                    requested=amount_text(quantity),
                    left=amount_text(left_q),
                )
            )
        if left_v is not None and value > left_v:
            short.append(
                text(
                    "reason.part.value_short",
                    requested=amount_text(value),
                    currency=item.currency,
                    left=amount_text(left_v),
                )
            )
        if short:
            findings.append(
                Finding(
                    EXHAUSTED,
                    n,
                    number,
                    text(
                        "reason.licence.exhausted",
                        item=n,
                        licence=number,
                        short=Joined(tuple(short), "list.semicolon"),
                    ),
                    {**facts, "checked": "quantity and value left", **amounts},
                )
            )
            continue
        drawn_quantity[number] = drawn_quantity.get(number, Decimal(0)) + quantity
        drawn_value[number] = drawn_value.get(number, Decimal(0)) + value
        cover = goods_cover(licence.goods, item.hs_code)
        after_q = None if left_q is None else left_q - quantity
        after_v = None if left_v is None else left_v - value
        findings.append(
            Finding(
                COVERED,
                n,
                number,
                text(
                    "reason.licence.covered",
                    item=n,
                    type=text(f"licence_type.{licence.type}"),
                    licence=number,
                    authority=licence.authority,
                    quantity=_amount(after_q),
                    value=_amount(after_v),
                    currency=f" {licence.currency}" if after_v is not None else "",
                ),
                {
                    **facts,
                    "checked": "status, validity, holder, goods, destination, parties, amounts",
                    "goods_entry": cover[0] if cover else None,
                    "goods_via_other_hs_edition": list(cover[1]) if cover else [],
                    **amounts,
                    "quantity_left_after": amount_text(after_q),
                    "value_left_after": amount_text(after_v),
                },
            )
        )
        draws.append(Draw(n, number, item.hs_code, quantity, item.unit, value, item.currency))
    return Assessment(findings, draws)
