"""What came before a declaration: the goods lines of earlier declarations, by party and by
HS6, for the rules that compare a shipment with a party's own past or with the market.

A history is built from declarations (a file given with `--history`, the declarations the
store has screened, and the batch itself) and kept as compact lines, indexed so that every
question a rule asks costs a binary search and a bounded slice, never a pass over a party's
whole past: by party and direction; by party, direction and HS6; by party, HS6 and currency
with running sums of value and shipments (the "usual" value of a window in O(log n)); and by
HS6 and route. A rule asks only for lines dated on or before the declaration it screens, from
other declarations (or strictly before it, for a "usual" pattern), so a batch can be screened
in any order and gives the same result.

A party is known by its registration number and its folded legal name. A declaration that
gives the number is compared with that number's past and with lines under the same name that
gave no number; one without a number, with every line under the name. Two firms of one name
and different numbers are two parties.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
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


def _line_keys(name: str, identifier: str | None) -> list[str]:
    """The keys a line is indexed under: those of `party_keys`, and `anon:` for a name
    given without a number."""
    keys = party_keys(name, identifier)
    if not identifier:
        keys += [f"anon:{key[5:]}" for key in keys if key.startswith("name:")]
    return keys


def _query_keys(name: str, identifier: str | None) -> list[str]:
    """The keys to look a party up by, whose lines never overlap: the number and the name
    given without a number; or, with no number, the name."""
    keys = party_keys(name, identifier)
    if not identifier:
        return keys
    return [keys[0], *(f"anon:{key[5:]}" for key in keys[1:])]


@dataclass(frozen=True, slots=True)
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
        try:
            return self.value / self.quantity
        except ArithmeticError:  # a quotient beyond the decimal context: no unit value
            return None


def lines_of(decl: Declaration) -> Iterator[Line]:
    """One line for the exporter (goods out) and one for the consignee (goods in) per item."""
    route = (decl.country_of_dispatch, decl.country_of_destination)
    for direction, party, other in (
        (OUT, decl.exporter, decl.consignee),
        (IN, decl.consignee, decl.exporter),
    ):
        for item in decl.items:
            yield Line(
                decl.declaration_id, decl.declared_at, decl.procedure, direction, party.name,
                other.name, other.country, item.hs_code, item.quantity, item.unit, item.value,
                item.currency, route,
            )  # fmt: skip


@dataclass(slots=True)
class Series:
    """Lines of one index key, sorted by (day, declaration), with their days for bisecting.
    With `sums`, also running sums of value and of shipments (declarations) for windows."""

    lines: list[Line] = field(default_factory=list)
    days: list[date] = field(default_factory=list)
    values: list[Decimal] = field(default_factory=list)  # values[i]: sum of lines[:i]
    shipments: list[int] = field(default_factory=list)  # shipments[i]: declarations in [:i]

    def seal(self, sums: bool) -> None:
        self.lines.sort(key=lambda line: (line.declared_at, line.declaration_id))
        self.days = [line.declared_at for line in self.lines]
        if not sums:
            return
        total, count, previous = Decimal(0), 0, None
        self.values, self.shipments = [total], [count]
        for line in self.lines:
            with suppress(ArithmeticError):  # a sum beyond the decimal context stays as it was
                total += line.value or Decimal(0)
            if line.declaration_id != previous:
                count, previous = count + 1, line.declaration_id
            self.values.append(total)
            self.shipments.append(count)

    def span(self, decl: Declaration, days: int | None, strict: bool) -> tuple[int, int]:
        """The index range of the lines in the `days` before the declaration (all before it
        if None): dated on or before its day, or strictly before with `strict`."""
        end = (bisect_left if strict else bisect_right)(self.days, decl.declared_at)
        if days is None:
            return 0, end
        return bisect_left(self.days, decl.declared_at - timedelta(days=days), 0, end), end


EMPTY = Series()


@dataclass(frozen=True)
class Usual:
    """What a party shipped of one HS6 in one currency in a window: its shipments and value."""

    shipments: int
    value: Decimal


@dataclass
class History:
    by_party: dict[str, Series] = field(default_factory=dict)  # party key|direction
    by_party_hs6: dict[str, Series] = field(default_factory=dict)  # ...|hs6
    by_party_value: dict[str, Series] = field(default_factory=dict)  # ...|hs6|currency
    by_hs6: dict[str, Series] = field(default_factory=dict)  # hs6, and hs6|route
    ids: frozenset[str] = frozenset()
    _since: dict[tuple[int, int], date | None] = field(default_factory=dict, repr=False)

    @property
    def declarations(self) -> int:
        return len(self.ids)

    @classmethod
    def build(cls, declarations: Iterable[Declaration], base: History | None = None) -> History:
        """A history of the declarations, on top of `base` if given (which is not changed)."""
        indexes: tuple[dict[str, Series], ...] = tuple(defaultdict(Series) for _ in range(4))
        by_party, by_party_hs6, by_party_value, by_hs6 = indexes
        seen: set[str] = set()
        if base is not None:
            for index, known in zip(indexes, base._indexes(), strict=True):
                for key, series in known.items():
                    index[key].lines.extend(series.lines)
            seen.update(base.ids)
        for decl in declarations:
            if decl.declaration_id in seen:
                continue  # the same declaration from two sources counts once
            seen.add(decl.declaration_id)
            exporter = _line_keys(decl.exporter.name, decl.exporter.id)
            consignee = _line_keys(decl.consignee.name, decl.consignee.id)
            for line in lines_of(decl):
                for key in exporter if line.direction == OUT else consignee:
                    head = f"{key}|{line.direction}"
                    by_party[head].lines.append(line)
                    by_party_hs6[f"{head}|{line.hs6}"].lines.append(line)
                    if line.direction == OUT and line.value is not None:
                        by_party_value[f"{head}|{line.hs6}|{line.currency}"].lines.append(line)
                if line.direction == OUT:
                    by_hs6[line.hs6].lines.append(line)
                    by_hs6[_route_key(line.hs6, line.route)].lines.append(line)
        for index in indexes:
            for series in index.values():
                series.seal(sums=index is by_party_value)
        return cls(
            dict(by_party), dict(by_party_hs6), dict(by_party_value), dict(by_hs6), frozenset(seen)
        )

    def _indexes(self) -> tuple[dict[str, Series], ...]:
        return (self.by_party, self.by_party_hs6, self.by_party_value, self.by_hs6)

    def _series(
        self, index: dict[str, Series], name: str, identifier: str | None, tail: str
    ) -> list[Series]:
        return [index.get(f"{key}|{tail}", EMPTY) for key in _query_keys(name, identifier)]

    def of_party(
        self,
        name: str,
        identifier: str | None,
        decl: Declaration,
        days: int | None = None,
        direction: str = OUT,
        hs6: str | None = None,
        strict: bool = False,
    ) -> list[Line]:
        """The party's earlier lines in one direction (of one HS6 if given): on or before the
        declaration's day (strictly before with `strict`), of other declarations, within
        `days` if given. Costs the lines returned, not the party's past."""
        index, tail = (self.by_party, direction) if hs6 is None else (
            self.by_party_hs6, f"{direction}|{hs6}")  # fmt: skip
        found: list[Line] = []
        for series in self._series(index, name, identifier, tail):
            start, end = series.span(decl, days, strict)
            found += (x for x in series.lines[start:end] if x.declaration_id != decl.declaration_id)
        return sorted(found, key=lambda line: (line.declared_at, line.declaration_id))

    def past(self, name: str, identifier: str | None, decl: Declaration) -> tuple[int, date | None]:
        """How many goods lines the party sent strictly before the declaration, and the day
        of its first."""
        count, first = 0, None
        for series in self._series(self.by_party, name, identifier, OUT):
            start, end = series.span(decl, None, strict=True)
            count += end - start
            if end > start and (first is None or series.days[0] < first):
                first = series.days[0]
        return count, first

    def first_day(
        self, name: str, identifier: str | None, decl: Declaration, test: Callable[[Line], bool]
    ) -> date | None:
        """The first day the party sent a line that passes `test` (the same test each time:
        the answer is worked out once per party and kept)."""
        first: date | None = None
        for series in self._series(self.by_party, name, identifier, OUT):
            key = (id(series), id(test))
            if key not in self._since:
                self._since[key] = next((x.declared_at for x in series.lines if test(x)), None)
            day = self._since[key]
            if day is not None and (first is None or day < first):
                first = day
        return first

    def usual(
        self, name: str, identifier: str | None, decl: Declaration, hs6: str, currency: str,
        days: int,
    ) -> Usual:  # fmt: skip
        """The party's shipments of the HS6 in the currency in the `days` strictly before the
        declaration, and their total value: two binary searches per key."""
        shipments, value = 0, Decimal(0)
        tail = f"{OUT}|{hs6}|{currency}"
        for series in self._series(self.by_party_value, name, identifier, tail):
            if not series.lines:
                continue
            start, end = series.span(decl, days, strict=True)
            shipments += series.shipments[end] - series.shipments[start]
            value += series.values[end] - series.values[start]
        return Usual(shipments, value)

    def of_hs6(
        self,
        hs6: str,
        decl: Declaration,
        days: int | None = None,
        last: int | None = None,
        route: tuple[str, str] | None = None,
        strict: bool = False,
    ) -> list[Line]:
        """Earlier export lines of an HS6 by anyone (the `last` ones if given), on one route
        (dispatch, destination) if given."""
        key = hs6 if route is None else _route_key(hs6, route)
        series = self.by_hs6.get(key, EMPTY)
        start, end = series.span(decl, days, strict)
        if last is not None:
            start = max(start, end - last - 1)  # one spare for the declaration itself
        found = [x for x in series.lines[start:end] if x.declaration_id != decl.declaration_id]
        return found[-last:] if last is not None else found


def _route_key(hs6: str, route: tuple[str, str]) -> str:
    return f"{hs6}|{route[0]}|{route[1]}"
