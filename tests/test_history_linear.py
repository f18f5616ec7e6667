"""History rules in linear time (issue 24, item 6): the history is indexed by party, direction,
HS6 and currency, so each rule's question costs a binary search and a bounded slice; a "usual"
value comes only from shipments dated before the one screened, and needs several of them."""

from __future__ import annotations

import random
import time
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from diversion.declarations import Declaration
from diversion.screening import Screener, ScreeningContext
from diversion.screening.history import OUT, History
from diversion.screening.history_checks import HISTORY_CHECKS
from tests.test_history import START, decl, item

RULE = "party.sudden_new_line"


def shipment(declaration_id: str, day: date, value: int, **changes: Any) -> Declaration:
    return decl(declaration_id, day, items=[item(value=value, **changes)])


def volume_reasons(context: ScreeningContext, batch: list[Declaration], screened: str) -> list[str]:
    """The messages of the volume reason for one declaration of the batch (its own history)."""
    ctx = replace(context, history=History.build(batch))
    (now,) = [d for d in batch if d.declaration_id == screened]
    return [r.message for r in Screener(ctx).screen(now).reasons if r.code == RULE]


def test_same_day_shipments_make_no_usual_value(context: ScreeningContext) -> None:
    """The audit's case: two same-day shipments of USD 90 made a USD 36,000 shipment on that
    day "400 times usual". Neither is before it, and two are too few anyway."""
    small = [shipment(f"S-{n}", START, 90) for n in (1, 2)]
    big = shipment("BIG", START, 36000, licence_no="KZ-LIC-1")
    assert volume_reasons(context, [*small, big], "BIG") == []
    # the same two, a day earlier: before it, but two shipments are not a pattern
    earlier = [shipment(f"S-{n}", START - timedelta(days=1), 90) for n in (1, 2)]
    assert volume_reasons(context, [*earlier, big], "BIG") == []


def test_a_usual_value_needs_enough_earlier_shipments(context: ScreeningContext) -> None:
    least = context.catalogue[RULE].params["min_baseline_shipments"]
    assert least >= 3
    past = [shipment(f"P-{n}", START - timedelta(days=10 * n), 5000) for n in range(1, least + 1)]
    big = shipment("BIG", START, 25000)
    (message,) = volume_reasons(context, [*past, big], "BIG")
    assert "5.0 times" in message and f"({least} shipments in" in message
    assert volume_reasons(context, [*past[:-1], big], "BIG") == []  # one too few
    later = [shipment(f"L-{n}", START + timedelta(days=n), 100) for n in range(1, 5)]
    (message,) = volume_reasons(context, [*past, big, *later], "BIG")  # later ones do not count
    assert "5.0 times" in message


def test_the_indexes_answer_as_a_scan_of_every_line_would() -> None:
    """Random declarations of a few parties, named with and without their numbers: each
    indexed answer equals the one a plain scan of all lines gives."""
    rng = random.Random(24)
    names = [("ТОО «Альфа Трейд»", "230140000001"), ("ТОО «Бета Логистик»", "230140000002")]
    batch = []
    for n in range(300):
        name, number = rng.choice(names)
        batch.append(
            decl(
                f"R-{n}",
                START + timedelta(days=rng.randrange(120)),
                exporter={
                    "name": name,
                    "country": "KZ",
                    "id": number if rng.random() < 0.7 else None,
                },
                items=[
                    item(
                        item_no=i,
                        hs_code=rng.choice(["8542.31", "8471.30", "1001.99"]),
                        value=rng.randrange(100, 9000),
                        currency=rng.choice(["USD", "EUR"]),
                    )
                    for i in (1, 2)
                ],
            )
        )
    history = History.build(batch)

    def same_party(other: Declaration, now: Declaration) -> bool:
        a, b = other.exporter, now.exporter
        if b.id:
            return a.id == b.id or (not a.id and a.name == b.name)
        return a.name == b.name

    for now in rng.sample(batch, 60):
        exporter = now.exporter
        before = [d for d in batch if d.declared_at < now.declared_at and same_party(d, now)]
        count, first = history.past(exporter.name, exporter.id, now)
        assert count == sum(len(d.items) for d in before)
        assert first == min((d.declared_at for d in before), default=None)
        for hs6, currency in (("854231", "USD"), ("847130", "EUR")):
            window = [d for d in before if d.declared_at >= now.declared_at - timedelta(days=30)]
            lines = [i for d in window for i in d.items
                     if i.hs_code[:6] == hs6 and i.currency == currency]  # fmt: skip
            usual = history.usual(exporter.name, exporter.id, now, hs6, currency, 30)
            ids = {d.declaration_id for d in window for i in d.items
                   if i.hs_code[:6] == hs6 and i.currency == currency}  # fmt: skip
            assert usual.shipments == len(ids)
            assert usual.value == sum((i.value or Decimal(0) for i in lines), Decimal(0))
        on_or_before = {
            d.declaration_id
            for d in batch
            if d.declared_at <= now.declared_at and d is not now and same_party(d, now)
        }
        found = history.of_party(exporter.name, exporter.id, now, direction=OUT)
        assert {line.declaration_id for line in found} == on_or_before


def test_the_history_rules_cost_the_same_per_declaration_however_long_the_past(
    context: ScreeningContext,
) -> None:
    """One exporter, n and 4n declarations: the rules' time grows about 4 times (it grew about
    16 times when every declaration re-read the exporter's whole past)."""

    def seconds(count: int) -> float:
        batch = [
            shipment(f"O-{n}", START + timedelta(days=n // 4), 1000 + n,
                     hs_code=("8542.31", "1001.99", "8471.30")[n % 3])
            for n in range(count)
        ]  # fmt: skip
        ctx = replace(context, history=History.build(batch))
        rules = [(HISTORY_CHECKS[rule_id], ctx.catalogue[rule_id]) for rule_id in HISTORY_CHECKS]
        started = time.perf_counter()
        for now in batch:
            for check, rule in rules:
                list(check(now, ctx, rule))
        return time.perf_counter() - started

    seconds(200)  # warm the goods look-ups
    # from 1,200 on, the market reference of the unit-value rule is full (200 shipments)
    small, large = min(seconds(1200) for _ in range(2)), min(seconds(4800) for _ in range(2))
    assert large / small < 8, f"1,200: {small:.2f} s, 4,800: {large:.2f} s"
