"""The checks behind the rules that follow the goods' route: the imports an export is linked to
(screening/imports.py) say where the goods were dispatched from and made, whatever origin the
export declares.

The quantity rule: an export item is linked to the imports of its exporter and HS6 in the
window only if together they bring at least the exported quantity; otherwise the goods came
from somewhere the records do not show, and nothing is said. Of the linked imports, those that
a rule counts against the export (banned, or made elsewhere than the declared origin) are
certain to be in it when the other linked imports alone cannot supply the exported quantity.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from diversion.declarations import Declaration, Item
from diversion.i18n import Country, Joined, Text, text
from diversion.rules import Rule
from diversion.screening.context import ScreeningContext
from diversion.screening.decision import Reason, role_text
from diversion.screening.imports import ImportLine

RouteCheck = Callable[[Declaration, ScreeningContext, Rule], Iterator[Reason]]


def _date(value: object) -> date | None:
    """A date parameter (YAML gives dates; text is read as ISO)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _in_window(day: date, params: Mapping[str, Any], prefix: str) -> bool:
    start, end = _date(params.get(f"{prefix}_valid_from")), _date(params.get(f"{prefix}_valid_to"))
    return (start is None or day >= start) and (end is None or day <= end)


def _linked(decl: Declaration, ctx: ScreeningContext, item: Item, days: int) -> list[ImportLine]:
    """The imports the item may come from, if they bring at least its quantity."""
    if ctx.imports is None:
        return []
    exporter = decl.exporter
    lines = ctx.imports.linked(
        exporter.name, exporter.id, item.hs_code, item.unit, decl.declared_at, days
    )
    return lines if sum((line.quantity for line in lines), Decimal(0)) >= item.quantity else []


def _total(lines: list[ImportLine]) -> Decimal:
    return sum((line.quantity for line in lines), Decimal(0))


def _documents(lines: list[ImportLine]) -> Text:
    shown = [
        text(
            "reason.part.import_document",
            document=line.document_no,
            date=line.date.isoformat(),
            quantity=str(line.quantity),
            unit=" " + line.unit if line.unit else "",
            dispatch=line.dispatch,
            manufacture=line.manufacture,
        )
        for line in lines[:3]
    ]
    more = text("reason.part.and_more", count=len(lines) - 3) if len(lines) > 3 else ""
    return text("reason.part.import_documents", documents=shown, more=more)


def _quantities(item: Item, linked: list[ImportLine], counted: list[ImportLine]) -> dict[str, str]:
    """The matched quantities: exported, linked, counted by the rule, and the least of the
    export that must be counted goods."""
    other = _total(linked) - _total(counted)
    return {
        "quantity_exported": str(item.quantity),
        "unit": item.unit or "",
        "quantity_imported": str(_total(linked)),
        "quantity_counted": str(_total(counted)),
        "quantity_at_least": str(max(Decimal(0), item.quantity - other)),
    }


def _banned_places(decl: Declaration, ctx: ScreeningContext, params: Mapping[str, Any]) -> Any:
    banned = ctx.country_groups[params["destination_group"]]
    places = [("destination", decl.country_of_destination)]
    for role, party in decl.parties():
        if role in params["party_roles"] and party.country:
            places.append((role, party.country))
    return [{"role": role, "country": code} for role, code in places if code in banned]


def imported_from_coalition(
    decl: Declaration, ctx: ScreeningContext, rule: Rule
) -> Iterator[Reason]:
    """Goods imported from the EU, US or UK, or made in a state that bans their export to
    Russia, going to Russia or Belarus: the import document is the evidence."""
    params = rule.params
    if decl.procedure not in params["procedures"] or ctx.imports is None:
        return
    dispatch_countries = params.get("dispatch_countries")
    if dispatch_countries and decl.country_of_dispatch not in dispatch_countries:
        return
    places = _banned_places(decl, ctx, params)
    if not places:
        return
    where = [
        text("reason.part.role_in", role=role_text(p["role"]), country=Country(p["country"]))
        for p in places
    ]
    day = decl.declared_at
    dispatch_group = ctx.country_groups[params["dispatch_group"]]
    manufacture_group = ctx.country_groups[params["manufacture_group"]]
    for item in decl.items:
        linked = _linked(decl, ctx, item, int(params["window_days"]))
        if not linked:
            continue
        bases: dict[tuple[str, int | None], list[str]] = {}
        lists: dict[str, list[dict[str, Any]]] = {}
        entries: dict[str, list[dict[str, Any]]] = {}  # the list entries of the bases found
        countries: dict[str, list[str]] = {}  # and the countries that made them count
        for basis, group in (("dispatch", dispatch_group), ("manufacture", manufacture_group)):
            if not _in_window(day, params, basis):
                continue
            if params[f"{basis}_goods"] != "all":
                goods = ctx.goods.lookup(item.hs_code, lists=params[f"{basis}_lists"], on=day)
                if not goods:
                    continue
                lists[basis] = [hit.evidence() for hit in goods]
            hits = [line for line in linked if getattr(line, basis) in group]
            for line in hits:
                bases.setdefault(line.key, []).append(basis)
            if hits:
                countries[basis] = sorted({getattr(line, basis) for line in hits})
                if basis in lists:
                    entries[basis] = lists[basis]
        counted = [line for line in linked if line.key in bases]
        if not counted:
            continue
        quantities = _quantities(item, linked, counted)
        certain = Decimal(quantities["quantity_at_least"]) > 0
        severity = rule.severity if certain else str(params["uncertain_severity"])
        how = "" if certain else text("reason.part.other_imports_could_supply")

        why = Joined(
            tuple(
                text(what, countries=[Country(code) for code in codes], group=group_id)
                for what, codes, group_id in (
                    ("reason.part.imported_from", countries.get("dispatch"), dispatch_group.id),
                    ("reason.part.made_in", countries.get("manufacture"), manufacture_group.id),
                )
                if codes
            ),
            "list.and",
        )
        yield Reason(
            code=rule.id,
            severity=severity,
            item_no=item.item_no,
            text=text(
                "reason.route.imported_from_coalition",
                item=item.item_no,
                hs=item.hs_code,
                origin=item.country_of_origin,
                where=where,
                exporter=decl.exporter.name,
                documents=_documents(counted),
                why=why,
                how=how,
            ),
            evidence={
                "imports": [
                    {**line.evidence(), "bases": bases[line.key]} for line in reversed(counted)
                ],
                "other_linked_imports": [
                    line.evidence() for line in linked if line.key not in bases
                ],
                **quantities,
                "certain": certain,
                "banned_destinations": places,
                "dispatch_group": dispatch_group.id,
                "manufacture_group": manufacture_group.id,
                "entries": entries,
                "window_days": int(params["window_days"]),
            },
        )


def origin_mismatch(decl: Declaration, ctx: ScreeningContext, rule: Rule) -> Iterator[Reason]:
    """An export's declared origin that the linked imports cannot supply: some of the goods
    were made elsewhere than declared."""
    params = rule.params
    if decl.procedure not in params["procedures"] or ctx.imports is None:
        return
    for item in decl.items:
        linked = _linked(decl, ctx, item, int(params["window_days"]))
        counted = [line for line in linked if line.manufacture != item.country_of_origin]
        if not counted or _total(linked) - _total(counted) >= item.quantity:
            continue
        made = sorted({line.manufacture for line in counted})
        yield Reason(
            code=rule.id,
            severity=rule.severity,
            item_no=item.item_no,
            text=text(
                "reason.route.origin_mismatch",
                item=item.item_no,
                hs=item.hs_code,
                origin=Country(item.country_of_origin),
                exporter=decl.exporter.name,
                made=[Country(c) for c in made],
                documents=_documents(counted),
            ),
            evidence={
                "declared_origin": item.country_of_origin,
                "countries_of_manufacture": made,
                "imports": [line.evidence() for line in reversed(counted)],
                **_quantities(item, linked, counted),
                "window_days": int(params["window_days"]),
            },
        )


ROUTE_CHECKS: dict[str, RouteCheck] = {
    "route.imported_from_coalition": imported_from_coalition,
    "route.origin_mismatch": origin_mismatch,
}
