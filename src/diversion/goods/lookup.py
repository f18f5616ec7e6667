"""Which control-list entries name a goods code, across every loaded list and both HS editions.

A hit says which list and entry named the code, through which entry code, whether the code had
to be translated from HS 2017 first, and whether the hit is *certain*. It is not certain when
the code is broader than the entry (8542.31 against an entry for 8542.31.90) or when an HS 2017
code was split and only some of its HS 2022 parts are on the list: the item may or may not be
controlled, and an officer has to look at it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from diversion.goods.concordance import Concordance, Correlation
from diversion.goods.control_list import ControlList, ControlListEntry
from diversion.i18n import Joined, Text, text
from diversion.reference import ReferenceData


@dataclass(frozen=True)
class Hit:
    control_list: ControlList
    entry: ControlListEntry
    code: str  # as declared (digits)
    looked_up: str  # the code compared with the list: the declared one or its other edition
    entry_code: str  # the code or prefix of the entry that named it
    via: tuple[Correlation, ...] = ()
    certain: bool = True

    def in_force(self, on: date) -> bool:
        return self.entry.in_force(on)

    def label(self) -> str:
        """The list, its version and the entry, for messages (the evidence has the rest)."""
        return self.label_text().render(capital=False)

    def label_text(self) -> Text:
        reference = self.control_list.reference
        return text(
            "goods.list_entry",
            list=reference.id,
            version=reference.version,
            example=text("goods.example_list") if self.control_list.example else "",
            entry=self.entry.id,
            tier=text("goods.tier", tier=self.entry.tier) if self.entry.tier else "",
        )

    def how(self) -> str:
        """How the code reached the entry, when not directly, for messages."""
        found = self.how_text()
        return found.render(capital=False) if isinstance(found, Text) else found

    def how_text(self) -> Text | str:
        notes: list[Text] = []
        if self.via:
            row = self.via[0]
            if row.hs2017 == self.code[:6]:
                notes.append(
                    text(
                        "goods.hs2017_is_hs2022",
                        hs2017=row.hs2017,
                        hs2022=self.looked_up[:6],
                        relation=row.relation,
                    )
                )
            else:
                notes.append(
                    text(
                        "goods.hs2022_from_hs2017",
                        hs2022=row.hs2022,
                        hs2017=row.hs2017,
                        relation=row.relation,
                    )
                )
        if not self.certain:
            notes.append(text("goods.not_certain"))
        return text("goods.how", notes=Joined(tuple(notes), "list.semicolon")) if notes else ""

    def evidence(self) -> dict[str, Any]:
        reference = self.control_list.reference
        evidence: dict[str, Any] = {
            "control_list": reference.id,
            "control_list_version": reference.version,
            "control_list_sha256": reference.sha256,
            "hs_code": self.code,
            "matched_code": self.looked_up,
            "entry_code": self.entry_code,
            **self.entry.to_dict(),
            "certain": self.certain,
        }
        if self.control_list.example:
            evidence["example_list"] = True
        if self.via:
            evidence["concordance"] = [row.to_dict() for row in self.via]
        return evidence


@dataclass(frozen=True)
class ControlLists:
    """Every control list screening applies, and the HS concordance between editions."""

    lists: tuple[ControlList, ...]
    concordance: Concordance

    def __post_init__(self) -> None:
        ids = [control_list.id for control_list in self.lists]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"control list id(s) loaded twice: {', '.join(twice)}")

    def __iter__(self) -> Iterator[ControlList]:
        return iter(self.lists)

    def __len__(self) -> int:
        return len(self.lists)

    def __contains__(self, list_id: object) -> bool:
        return any(control_list.id == list_id for control_list in self.lists)

    def get(self, list_id: str) -> ControlList:
        for control_list in self.lists:
            if control_list.id == list_id:
                return control_list
        known = ", ".join(control_list.id for control_list in self.lists)
        raise KeyError(f"no control list {list_id!r}; loaded: {known}")

    def select(self, ids: Iterable[str] | str | None) -> list[ControlList]:
        """The lists a rule names (`all` or None: every list); unknown ids are an error."""
        if ids is None or ids == "all":
            return list(self.lists)
        if isinstance(ids, str):
            ids = [ids]
        return [self.get(list_id) for list_id in ids]

    @property
    def references(self) -> list[ReferenceData]:
        return [
            *(control_list.reference for control_list in self.lists),
            self.concordance.reference,
        ]

    def lookup(
        self,
        code: str,
        lists: Iterable[str] | str | None = None,
        on: date | None = None,
    ) -> list[Hit]:
        """Every entry (of the named lists, in force `on` if given) that names a code."""
        hits: list[Hit] = []
        successors = self.concordance.successors(code)
        predecessors = [row for row in self.concordance.predecessors(code)]
        for control_list in self.select(lists):
            found = self._lookup_one(control_list, code, successors, predecessors)
            hits.extend(hit for hit in found if on is None or hit.in_force(on))
        return hits

    def _lookup_one(
        self,
        control_list: ControlList,
        code: str,
        successors: tuple[Correlation, ...],
        predecessors: list[Correlation],
    ) -> list[Hit]:
        found: dict[str, Hit] = {}
        for entry, entry_code, certain in control_list.match(code):
            found[entry.id] = Hit(control_list, entry, code, code, entry_code, certain=certain)
        if successors:
            # an HS 2017 code HS 2022 deleted: certain only if every part of it is on the list
            covered: dict[str, list[tuple[Correlation, ControlListEntry, str, bool]]] = {}
            for row in successors:
                for entry, entry_code, certain in control_list.match(row.hs2022):
                    covered.setdefault(row.hs2022, []).append((row, entry, entry_code, certain))
            whole = len(covered) == len(successors)
            for matches in covered.values():
                for row, entry, entry_code, certain in matches:
                    if entry.id not in found:
                        found[entry.id] = Hit(
                            control_list,
                            entry,
                            code,
                            row.hs2022,
                            entry_code,
                            (row,),
                            certain and whole,
                        )
        for row in predecessors:
            # an entry written in HS 2017 for goods the code now holds
            for entry, entry_code, certain in control_list.match(row.hs2017):
                if entry.id not in found:
                    found[entry.id] = Hit(
                        control_list,
                        entry,
                        code,
                        row.hs2017,
                        entry_code,
                        (row,),
                        certain and row.relation != "partial",
                    )
        return list(found.values())
