"""The checks behind the rules that compare a declaration with what came before it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from functools import cache
from statistics import median
from typing import Any

from diversion.declarations import Declaration, Item
from diversion.goods import ControlLists
from diversion.i18n import text
from diversion.rules import Rule
from diversion.screening.context import ScreeningContext
from diversion.screening.decision import Reason
from diversion.screening.history import IN, Line

HistoryCheck = Callable[[Declaration, ScreeningContext, Rule], Iterator[Reason]]
_TESTS: dict[int, tuple[ControlLists, Callable[[str], bool], Callable[[Line], bool]]] = {}


def _tests(goods: ControlLists) -> tuple[Callable[[str], bool], Callable[[Line], bool]]:
    """Whether an HS code (a line's) needs a licence on the control lists: each code looked
    up once per set of lists, and the same function each time (the history keeps answers by
    it)."""
    known = _TESTS.get(id(goods))
    if known is not None and known[0] is goods:
        return known[1], known[2]

    @cache
    def code(hs_code: str) -> bool:
        return any(hit.entry.licence_required for hit in goods.lookup(hs_code))

    def line(found: Line) -> bool:
        return code(found.hs_code)

    if len(_TESTS) > 8:  # contexts rebuilt: forget the oldest
        _TESTS.pop(next(iter(_TESTS)))
    _TESTS[id(goods)] = (goods, code, line)
    return code, line


def _controlled_codes(goods: ControlLists) -> Callable[[str], bool]:
    return _tests(goods)[0]


def _controlled_lines(goods: ControlLists) -> Callable[[Line], bool]:
    return _tests(goods)[1]


def _line(line: Line) -> dict[str, Any]:
    return {
        "declaration_id": line.declaration_id,
        "declared_at": line.declared_at.isoformat(),
        "procedure": line.procedure,
        "hs_code": line.hs_code,
        "quantity": None if line.quantity is None else str(line.quantity),
        "unit": line.unit,
        "value": None if line.value is None else str(line.value),
        "currency": line.currency,
        "counterparty": line.counterparty,
        "counterparty_country": line.counterparty_country,
    }


def _ties(
    ctx: ScreeningContext, name: str, identifier: str | None, supplier: str
) -> list[dict[str, str]]:
    """Family or shared people between a party and its supplier, from the registry."""
    network = ctx.network
    if network is None:
        return []
    mine = {p for e in network.find(name, identifier) for p in network.people_of(e)}
    theirs = {p for e in network.find(supplier) for p in network.people_of(e)}
    return network.related(mine, theirs) if mine and theirs else []


def pass_through(decl: Declaration, ctx: ScreeningContext, rule: Rule) -> Iterator[Reason]:
    """Goods the exporter received shortly before, in about the same quantity."""
    params = rule.params
    history = ctx.history
    if history is None or decl.procedure not in params["procedures"]:
        return
    tolerance = Decimal(str(params["tolerance"]))
    exporter = decl.exporter
    window = int(params["window_days"])
    for item in decl.items:
        if not item.quantity:
            continue
        received = history.of_party(
            exporter.name, exporter.id, decl, window, direction=IN, hs6=item.hs_code[:6]
        )
        for line in received:
            if not line.quantity or line.unit != item.unit:
                continue
            try:
                apart = abs(line.quantity - item.quantity) > tolerance * max(
                    line.quantity, item.quantity
                )
            except ArithmeticError:  # beyond the decimal context: not comparable
                continue
            if apart:
                continue
            days = (decl.declared_at - line.declared_at).days
            ties = _ties(ctx, exporter.name, exporter.id, line.counterparty)
            related = (
                text(
                    "reason.part.related_people",
                    ties=[
                        text(
                            "reason.part.tie",
                            person=ctx.network.caption(t["person"]),
                            tie=t["tie"],
                            relative=ctx.network.caption(t["relative"]),
                        )
                        for t in ties
                    ],
                )
                if ties and ctx.network is not None
                else ""
            )
            yield Reason(
                code=rule.id,
                severity=rule.severity,
                item_no=item.item_no,
                text=text(
                    "reason.flow.pass_through",
                    item=item.item_no,
                    quantity=str(item.quantity),
                    unit=item.unit or "",
                    hs6=item.hs_code[:6],
                    consignee=decl.consignee.name,
                    consignee_country=decl.consignee.country,
                    count=days,
                    exporter=exporter.name,
                    received=str(line.quantity),
                    received_unit=line.unit or "",
                    supplier=line.counterparty,
                    supplier_country=line.counterparty_country,
                    declaration=line.declaration_id,
                    related=related,
                ),
                evidence={
                    "received": _line(line),
                    "related_to_supplier": ties,
                    "days_between": days,
                    "quantity_sent": str(item.quantity),
                    "tolerance": str(tolerance),
                },
            )
            break


def sudden_new_line(decl: Declaration, ctx: ScreeningContext, rule: Rule) -> Iterator[Reason]:
    """Controlled goods from a party that never shipped them in a long trading history, or
    far more of them than it usually ships."""
    params = rule.params
    history = ctx.history
    if history is None or decl.procedure not in params["procedures"]:
        return
    is_controlled = _controlled_codes(ctx.goods)
    controlled = [item for item in decl.items if is_controlled(item.hs_code)]
    if not controlled:
        return
    exporter = decl.exporter
    # the party's past: only lines dated before the declaration's day
    count, first = history.past(exporter.name, exporter.id, decl)
    if first is None:
        return
    span = (decl.declared_at - first).days
    since = history.first_day(exporter.name, exporter.id, decl, _controlled_lines(ctx.goods))
    ever_controlled = since is not None and since < decl.declared_at
    if not ever_controlled and span >= int(params["min_history_days"]):
        codes = [item.hs_code for item in controlled]
        past = history.of_party(exporter.name, exporter.id, decl, strict=True)
        yield Reason(
            code=rule.id,
            severity=rule.severity,
            text=text(
                "reason.party.sudden_new_line",
                exporter=exporter.name,
                codes=codes,
                count=span,
                lines=text("reason.part.goods_lines", count=count),
                since=first.isoformat(),
            ),
            evidence={
                "kind": "first controlled goods",
                "trading_days": span,
                "earlier_lines": count,
                "earlier_goods": sorted({line.hs6 for line in past}),
            },
        )
        return
    factor = Decimal(str(params["volume_factor"]))
    least = int(params["min_baseline_shipments"])
    for item in controlled:
        if item.value is None or item.currency is None:
            continue
        found = history.usual(
            exporter.name, exporter.id, decl, item.hs_code[:6], item.currency,
            int(params["baseline_days"]),
        )  # fmt: skip
        if found.shipments < least:
            continue  # too few earlier shipments make no usual value
        try:
            usual = found.value / found.shipments
            over = usual > 0 and item.value >= factor * usual
            times = item.value / usual if over else Decimal(0)
        except ArithmeticError:
            continue
        if over:
            yield Reason(
                code=rule.id,
                severity=rule.severity,
                item_no=item.item_no,
                text=text(
                    "reason.party.sudden_new_line.volume",
                    item=item.item_no,
                    value=str(item.value),
                    currency=item.currency,
                    hs6=item.hs_code[:6],
                    times=f"{times:.1f}",
                    exporter=exporter.name,
                    usual=f"{usual:.0f}",
                    count=found.shipments,
                    days=text("reason.part.days", count=int(params["baseline_days"])),
                ),
                evidence={
                    "kind": "volume",
                    "usual_value": str(round(usual, 2)),
                    "shipments": found.shipments,
                    "factor": str(factor),
                },
            )


def _unit_values(lines: list[Line], item: Item) -> list[Decimal]:
    """Unit values of the lines in the item's unit and currency."""
    return [
        value
        for line in lines
        if line.unit == item.unit
        and line.currency == item.currency
        and (value := line.unit_value()) is not None
    ]


def unit_value_anomaly(decl: Declaration, ctx: ScreeningContext, rule: Rule) -> Iterator[Reason]:
    """A unit value far from the median others declared for the same HS6, unit and currency."""
    params = rule.params
    history = ctx.history
    if history is None or decl.procedure not in params["procedures"]:
        return
    factor = Decimal(str(params["factor"]))
    for item in decl.items:
        if not item.quantity or item.value is None:
            continue
        mine = item.value / item.quantity
        least, most = int(params["min_observations"]), int(params["max_observations"])
        route = (decl.country_of_dispatch, decl.country_of_destination)
        window = int(params["window_days"])

        # the same route when it has enough shipments, else every route
        hs6 = item.hs_code[:6]
        basis = "route"
        values = _unit_values(history.of_hs6(hs6, decl, window, most, route, strict=True), item)
        if len(values) < least:
            basis = "all routes"
            values = _unit_values(history.of_hs6(hs6, decl, window, most, strict=True), item)
        if len(values) < least:
            continue
        reference = Decimal(median(values))
        if reference <= 0:
            continue
        ratio = mine / reference
        if ratio <= factor and ratio >= 1 / factor:
            continue
        side = text("reason.part.above" if ratio > 1 else "reason.part.below")
        where = text("reason.part.this_route" if basis == "route" else "reason.part.all_routes")
        yield Reason(
            code=rule.id,
            severity=rule.severity,
            item_no=item.item_no,
            text=text(
                "reason.price.unit_value_anomaly",
                item=item.item_no,
                unit_value=f"{mine:.2f}",
                currency=item.currency,
                unit=item.unit or text("reason.part.unit"),
                hs6=item.hs_code[:6],
                times=f"{ratio:.1f}",
                median=f"{reference:.2f}",
                count=len(values),
                where=where,
                side=side,
                factor=str(factor),
            ),
            evidence={
                "unit_value": str(round(mine, 4)),
                "reference_median": str(round(reference, 4)),
                "observations": len(values),
                "reference_basis": basis,
                "route": list(route),
                "ratio": str(round(ratio, 3)),
                "factor": str(factor),
            },
        )


HISTORY_CHECKS: dict[str, HistoryCheck] = {
    "flow.pass_through": pass_through,
    "party.sudden_new_line": sudden_new_line,
    "price.unit_value_anomaly": unit_value_anomaly,
}
