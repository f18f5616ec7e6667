"""The file layouts of trade statistics, read from layouts.yml."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from diversion.folding import fold_text
from diversion.reference import load_yaml, package_file

CODE_SCHEMES = ("m49", "iso2", "iso3", "label")


def fold(name: str) -> str:
    """A header name as layouts.yml writes it: lower case, other characters as one "_"."""
    return fold_text(name, "_")


@dataclass(frozen=True)
class Layout:
    name: str
    title: str
    detect: tuple[str, ...]
    codes: str
    currency: str
    classification: str | None
    fields: dict[str, tuple[str, ...]]
    flows: dict[str, str]
    breakdowns: dict[str, frozenset[str]] = field(default_factory=dict)  # column -> totals
    subtotals: dict[str, frozenset[str]] = field(default_factory=dict)
    sum_over: tuple[str, ...] = ()
    scale: dict[str, float] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)
    value_columns: dict[str, str] = field(default_factory=dict)  # column -> flow
    period_parts: dict[str, str] = field(default_factory=dict)  # year, month -> column
    wide_periods: bool = False  # every column named like a year (or month) holds its value
    metadata: dict[str, str] = field(default_factory=dict)  # field -> name in the block above
    indicator: str | None = None  # the one indicator (metadata) the layout reads
    auto: bool = True  # False: only when asked for by name (headers alike, meanings not)

    def matches(self, header: Collection[str]) -> bool:
        return all(any(name in header for name in wanted.split("|")) for wanted in self.detect)

    def provides(self, target: str) -> bool:
        """Whether the layout fills a field without a column of that name."""
        if target in self.constants or target in self.metadata:
            return True
        if target == "value":
            return bool(self.value_columns) or self.wide_periods
        if target == "flow":
            return bool(self.value_columns)
        if target == "period":
            return bool(self.period_parts) or self.wide_periods
        return False

    def column(self, target: str, header: Collection[str]) -> str | None:
        """The first of the field's candidate columns that the file has."""
        return next((name for name in self.fields.get(target, ()) if name in header), None)


@lru_cache(maxsize=1)
def layouts() -> dict[str, Layout]:
    data = load_yaml(package_file("diversion.flows", "data/layouts.yml"))
    result: dict[str, Layout] = {}

    def values(key: str, item: dict[str, Any]) -> dict[str, frozenset[str]]:
        return {
            fold(column): frozenset(str(v).casefold() for v in listed)
            for column, listed in (item.get(key) or {}).items()
        }

    for name, item in data["layouts"].items():
        if item["codes"] not in CODE_SCHEMES:
            raise ValueError(f"layouts.yml: {name}: codes must be one of {CODE_SCHEMES}")
        result[name] = Layout(
            name=name,
            title=item["title"],
            detect=tuple(item["detect"]),
            codes=item["codes"],
            currency=item["currency"],
            classification=item.get("classification"),
            fields={
                key: tuple(fold(c) for c in value) for key, value in (item["fields"] or {}).items()
            },
            flows={
                **{flow: flow for flow in ("import", "export", "re-export", "re-import")},
                **{str(k).casefold(): v for k, v in (item.get("flows") or {}).items()},
            },
            breakdowns=values("breakdowns", item),
            subtotals=values("subtotals", item),
            sum_over=tuple(fold(c) for c in item.get("sum_over", ())),
            scale={key: float(value) for key, value in (item.get("scale") or {}).items()},
            constants={key: str(value) for key, value in (item.get("constants") or {}).items()},
            value_columns={fold(k): v for k, v in (item.get("value_columns") or {}).items()},
            period_parts={k: fold(v) for k, v in (item.get("period_parts") or {}).items()},
            wide_periods=bool(item.get("wide_periods", False)),
            metadata={k: fold(v) for k, v in (item.get("metadata") or {}).items()},
            indicator=fold(item["indicator"]) if item.get("indicator") else None,
            auto=bool(item.get("auto", True)),
        )
    return result


def detect_layout(header: Collection[str]) -> Layout | None:
    return next(
        (layout for layout in layouts().values() if layout.auto and layout.matches(header)), None
    )
