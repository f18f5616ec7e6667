"""What the detectors share: their options, the goods filter and the country groups in SQL."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import duckdb
import pyarrow as pa

from diversion.countries import load_country_groups
from diversion.flows.areas import area_table
from diversion.flows.defaults import RUSSIA_HUB_DEFAULTS as RUSSIA_HUB_DEFAULTS
from diversion.goods import ControlLists

CURRENCIES = ("usd", "eur")


@dataclass(frozen=True)
class Options:
    hubs: tuple[str, ...] = ()  # empty: every hub of the transit_hubs group
    hs_prefix: str | None = None
    controlled_only: bool = False
    currency: str = "usd"
    baseline_years: tuple[int, ...] = (2019, 2020, 2021)
    after_years: tuple[int, ...] = (2022, 2023)
    min_value: float = 1_000_000.0  # a finding's current figure must reach this
    floor: float = 50_000.0  # the pseudo-count added to both sides of a growth ratio
    limit: int = 50
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def value(self) -> str:
        if self.currency not in CURRENCIES:
            raise ValueError(f"currency must be one of {', '.join(CURRENCIES)}")
        return f"value_{self.currency}"

    @property
    def unit(self) -> str:
        return self.currency.upper()


def group(name: str) -> tuple[str, ...]:
    return tuple(sorted(load_country_groups()[name].members))


def hubs(options: Options) -> tuple[str, ...]:
    return options.hubs or group("transit_hubs")


def sql_list(values: Iterable[str]) -> str:
    quoted = ", ".join("'" + value.replace("'", "''") + "'" for value in values)
    return f"({quoted or 'NULL'})"


def register_goods(con: duckdb.DuckDBPyConnection, lists: ControlLists | None) -> None:
    """A table `controlled(prefix, label)` of every code or prefix a control list names."""
    rows: dict[str, str] = {}
    for control_list in lists or ():
        if control_list.example:
            continue
        for entry in control_list.entries:
            tier = f" tier {entry.tier}" if entry.tier else ""
            for code in entry.codes:
                rows.setdefault(code, f"{control_list.reference.id}{tier}")
    table = pa.table(
        {"prefix": list(rows), "label": list(rows.values())},
        schema=pa.schema([("prefix", pa.string()), ("label", pa.string())]),
    )
    con.register("controlled", table)


def register_groups(con: duckdb.DuckDBPyConnection) -> None:
    """A table `area_members(area, member)` for every area that has a member group."""
    groups = load_country_groups()
    areas, members = [], []
    for area in area_table().areas.values():
        if area.members_group:
            for member in sorted(groups[area.members_group].members):
                areas.append(area.code)
                members.append(member)
    con.register("area_members", pa.table({"area": areas, "member": members}))


CONTROLLED = (
    "EXISTS (SELECT 1 FROM controlled c WHERE starts_with({code}, c.prefix)"
    " OR (length({code}) = 6 AND starts_with(c.prefix, {code})))"
)


def goods_filter(options: Options, code: str = "hs_code") -> str:
    """SQL that keeps the goods the options ask for (always true if they ask for none)."""
    parts = ["TRUE"]
    if options.hs_prefix:
        prefix = options.hs_prefix.replace(".", "").replace("'", "")
        parts.append(f"starts_with({code}, '{prefix}')")
    if options.controlled_only:
        parts.append(CONTROLLED.format(code=code))
    return " AND ".join(parts)


def harmonised_goods_filter(options: Options) -> str:
    """`goods_filter` for the harmonised views (`hvals`, `hflows`): a group of codes that HS
    editions split (editions.py) is kept when any of its codes is asked for, so that 854149
    asked for brings the HS 2017 854140 it came from."""
    parts = ["TRUE"]
    if options.hs_prefix:
        prefix = options.hs_prefix.replace(".", "").replace("'", "")
        parts.append(
            f"(starts_with(hs_code, '{prefix}') OR hs_code IN "
            f"(SELECT grp FROM hs_groups WHERE starts_with(code, '{prefix}')))"
        )
    if options.controlled_only:
        parts.append(
            f"({CONTROLLED.format(code='hs_code')} OR hs_code IN (SELECT grp FROM hs_groups "
            f"WHERE {CONTROLLED.format(code='code')}))"
        )
    return " AND ".join(parts)


def controlled_label(con: duckdb.DuckDBPyConnection, code: str) -> str | None:
    row = con.execute(
        "SELECT label FROM controlled WHERE starts_with(?, prefix) "
        "OR (length(?) = 6 AND starts_with(prefix, ?)) ORDER BY length(prefix) DESC LIMIT 1",
        [code, code, code],
    ).fetchone()
    return None if row is None else str(row[0])


def money(value: float, unit: str) -> str:
    """A figure as an analyst writes it: USD 18.0 m, EUR 2.72 bn."""
    size = abs(value)
    if size >= 1e9:
        return f"{unit} {value / 1e9:,.2f} bn"
    if size >= 1e6:
        return f"{unit} {value / 1e6:,.1f} m"
    if size >= 1e3:
        return f"{unit} {value / 1e3:,.0f} thousand"
    return f"{unit} {value:,.0f}"
