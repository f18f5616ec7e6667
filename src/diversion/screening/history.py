"""What came before a declaration: the goods lines of earlier declarations, by party and by
HS6, for the rules that compare a shipment with a party's own past or with the market.

A history is built from declarations (a file given with `--history`, the declarations the
store has screened, and the batch itself) and kept as compact lines. A rule asks only for
lines dated on or before the declaration it screens, from other declarations, so a batch can be
screened in any order and gives the same result.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from diversion.declarations import Declaration
from diversion.matching.keys import identifier_key, legal_name_key

IN, OUT = "in", "out"  # goods received by the party, or sent by it


def party_keys(name: str, identifier: str | None) -> list[str]:
    """The keys a party is known by: its registration number, and its folded legal name."""
    keys = [f"id:{identifier_key(identifier)}"] if identifier else []
    folded = legal_name_key(name)
    if folded:
        keys.append(f"name:{folded}")
    return keys


@dataclass(frozen=True)
class Line:
    """One goods item of a past declaration, from one party's side."""

    declaration_id: str
    declared_at: date
    procedure: str
    direction: str  # IN or OUT for the party
    party: str  # the party's display name
    counterparty: str
    counterparty_country: str
    hs_code: str
    quantity: Decimal | None
    unit: str | None
    value: Decimal | None
    currency: str | None
    route: tuple[str, str]  # (dispatch, destination)

    @property
    def hs6(self) -> str:
        return self.hs_code[:6]

    def unit_value(self) -> Decimal | None:
        if not self.quantity or self.value is None:
            return None
        return self.value / self.quantity


def lines_of(decl: Declaration) -> Iterator[tuple[str, Line]]:
    """(party key, line) for the exporter (goods out) and the consignee (goods in)."""
    route = (decl.country_of_dispatch, decl.country_of_destination)
    for direction, party, other in (
        (OUT, decl.exporter, decl.consignee),
        (IN, decl.consignee, decl.exporter),
    ):
        for item in decl.items:
            line = Line(
                decl.declaration_id, decl.declared_at, decl.procedure, direction, party.name,
                other.name, other.country, item.hs_code, item.quantity, item.unit, item.value,
                item.currency, route,
            )  # fmt: skip
            for key in party_keys(party.name, party.id):
                yield key, line


@dataclass
class History:
    by_party: dict[str, list[Line]] = field(default_factory=dict)
    by_hs6: dict[str, list[Line]] = field(default_factory=dict)
    ids: frozenset[str] = frozenset()
    _dates: dict[int, list[date]] = field(default_factory=dict, repr=False)

    @property
    def declarations(self) -> int:
        return len(self.ids)

    @classmethod
    def build(cls, declarations: Iterable[Declaration], base: History | None = None) -> History:
        """A history of the declarations, on top of `base` if given (which is not changed)."""
        by_party: dict[str, list[Line]] = defaultdict(list)
        by_hs6: dict[str, list[Line]] = defaultdict(list)
        seen: set[str] = set()
        if base is not None:
            for key, lines in base.by_party.items():
                by_party[key].extend(lines)
            for key, lines in base.by_hs6.items():
                by_hs6[key].extend(lines)
            seen.update(base.ids)
        for decl in declarations:
            if decl.declaration_id in seen:
                continue  # the same declaration from two sources counts once
            seen.add(decl.declaration_id)
            exported: set[int] = set()  # a line comes once per key of its party
            for key, line in lines_of(decl):
                by_party[key].append(line)
                if line.direction == OUT and id(line) not in exported:
                    exported.add(id(line))
                    by_hs6[line.hs6].append(line)
                    by_hs6[_route_key(line.hs6, line.route)].append(line)
        for lines in (*by_party.values(), *by_hs6.values()):
            lines.sort(key=lambda line: (line.declared_at, line.declaration_id))
        history = cls(dict(by_party), dict(by_hs6), frozenset(seen))
        history._dates = {
            id(lines): [line.declared_at for line in lines]
            for lines in (*history.by_party.values(), *history.by_hs6.values())
        }
        return history

    def _before(
        self, lines: list[Line], decl: Declaration, days: int | None, last: int | None = None
    ) -> list[Line]:
        dates = self._dates.get(id(lines)) or [line.declared_at for line in lines]
        end = bisect_right(dates, decl.declared_at)
        start_day = decl.declared_at - timedelta(days=days) if days is not None else date.min
        start = bisect_left(dates, start_day, 0, end)
        if last is not None:
            start = max(start, end - last - 1)  # one spare for the declaration itself
        found = [line for line in lines[start:end] if line.declaration_id != decl.declaration_id]
        return found[-last:] if last is not None else found

    def of_party(
        self, name: str, identifier: str | None, decl: Declaration, days: int | None = None
    ) -> list[Line]:
        """The party's earlier lines (on or before the declaration's day, other declarations),
        within `days` if given: those under its number and those under its name, since a
        declaration may give the one without the other."""
        found: dict[int, Line] = {}
        for key in party_keys(name, identifier):
            for line in self._before(self.by_party.get(key, []), decl, days):
                found.setdefault(id(line), line)
        return sorted(found.values(), key=lambda line: (line.declared_at, line.declaration_id))

    def of_hs6(
        self,
        hs6: str,
        decl: Declaration,
        days: int | None = None,
        last: int | None = None,
        route: tuple[str, str] | None = None,
    ) -> list[Line]:
        """Earlier export lines of an HS6 by anyone (the `last` ones if given), on one route
        (dispatch, destination) if given."""
        key = hs6 if route is None else _route_key(hs6, route)
        return self._before(self.by_hs6.get(key, []), decl, days, last)


def _route_key(hs6: str, route: tuple[str, str]) -> str:
    return f"{hs6}|{route[0]}|{route[1]}"
