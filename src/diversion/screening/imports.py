"""Where an exporter's goods came from: its earlier imports, by importer and HS6, for the rules
that follow the goods' route (screening/route_checks.py).

The imports come from import-record files (`--imports`, declarations/import_records.py) and
from import declarations (procedure `import`: the store's, a `--history` file's and the batch's),
whose consignee is the importer and whose item origin is the country of manufacture. A document
line (document number, item number) counts once, from the first source that gives it.

An export is linked to the imports of the same exporter (by registration number when the
export and the import both give one, else by legal name folded as for history) of the same HS6,
dated on or before the export and at most `days` before it, in the same unit when both give one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from diversion.declarations import Declaration
from diversion.declarations.import_records import ImportRecord
from diversion.matching.keys import identifier_key, legal_name_key
from diversion.screening.history import party_keys


@dataclass(frozen=True)
class ImportLine:
    """One goods line of an import document, as evidence cites it."""

    document_no: str
    document_type: str
    item_no: int | None
    date: date
    importer: str
    importer_id: str | None
    hs_code: str
    quantity: Decimal
    unit: str | None
    value: Decimal
    currency: str
    dispatch: str
    manufacture: str
    source: str  # `imports.csv:4`, or `import declaration KZ-IM-1`

    @property
    def key(self) -> tuple[str, int | None]:
        return self.document_no, self.item_no

    def evidence(self) -> dict[str, Any]:
        return {
            "document_no": self.document_no,
            "document_type": self.document_type,
            "item_no": self.item_no,
            "date": self.date.isoformat(),
            "importer": self.importer,
            "importer_id": self.importer_id,
            "hs_code": self.hs_code,
            "quantity": str(self.quantity),
            "unit": self.unit,
            "value": str(self.value),
            "currency": self.currency,
            "country_of_dispatch": self.dispatch,
            "country_of_manufacture": self.manufacture,
            "source": self.source,
        }


def line_of_record(record: ImportRecord, source: str) -> ImportLine:
    return ImportLine(
        record.document_no, record.document_type or "import record", record.item_no,
        record.date, record.importer_name, record.importer_id, record.hs_code, record.quantity,
        record.unit, record.value, record.currency, record.country_of_dispatch,
        record.country_of_manufacture, source,
    )  # fmt: skip


def lines_of_import(decl: Declaration) -> list[ImportLine]:
    """The goods lines of an import declaration, with its consignee as the importer."""
    if decl.procedure != "import":
        return []
    lines = []
    for item in decl.items:
        line = ImportLine(
            decl.declaration_id, "import-declaration", item.item_no, decl.declared_at,
            decl.consignee.name, decl.consignee.id, item.hs_code, item.quantity, item.unit,
            item.value, item.currency, decl.country_of_dispatch, item.country_of_origin,
            f"import declaration {decl.declaration_id}",
        )  # fmt: skip
        lines.append(line)
    return lines


def same_unit(one: str | None, other: str | None) -> bool:
    """Units agree, or one side gives none (then the quantities are taken as alike)."""
    return one is None or other is None or one.strip().lower() == other.strip().lower()


@dataclass
class Imports:
    """Import lines by importer key and HS6."""

    _by_key: dict[str, list[ImportLine]] = field(default_factory=dict)
    keys: frozenset[tuple[str, int | None]] = frozenset()
    duplicates: int = 0  # lines a later source gave again, counted once

    def __len__(self) -> int:
        return len(self.keys)

    @classmethod
    def build(
        cls,
        lines: Iterable[ImportLine] = (),
        declarations: Iterable[Declaration] = (),
        base: Imports | None = None,
    ) -> Imports:
        """The lines, then the import declarations' lines, on top of `base` (not changed)."""
        by_key: dict[str, list[ImportLine]] = defaultdict(list)
        seen: set[tuple[str, int | None]] = set()
        duplicates = 0
        if base is not None:
            for key, found in base._by_key.items():
                by_key[key].extend(found)
            seen.update(base.keys)
            duplicates = base.duplicates

        def add(line: ImportLine) -> None:
            nonlocal duplicates
            if line.key in seen:
                duplicates += 1
                return
            seen.add(line.key)
            for party in party_keys(line.importer, line.importer_id):
                by_key[f"{party}|{line.hs_code[:6]}"].append(line)

        for line in lines:
            add(line)
        for decl in declarations:
            for line in lines_of_import(decl):
                add(line)
        return cls(dict(by_key), frozenset(seen), duplicates)

    def linked(
        self,
        name: str,
        identifier: str | None,
        hs_code: str,
        unit: str | None,
        day: date,
        days: int,
    ) -> list[ImportLine]:
        """The imports an export of `hs_code` by this party on `day` may have come from, oldest
        first (see the module doc for the link)."""
        first = day - timedelta(days=days)
        name_key = legal_name_key(name)
        own_id = identifier_key(identifier) if identifier else None
        found: dict[tuple[str, int | None], ImportLine] = {}
        for party in party_keys(name, identifier):
            for line in self._by_key.get(f"{party}|{hs_code[:6]}", []):
                if not first <= line.date <= day or not same_unit(line.unit, unit):
                    continue
                if own_id and line.importer_id:
                    if identifier_key(line.importer_id) != own_id:
                        continue
                elif not name_key or legal_name_key(line.importer) != name_key:
                    continue
                found.setdefault(line.key, line)
        return sorted(found.values(), key=lambda line: (line.date, line.document_no))
