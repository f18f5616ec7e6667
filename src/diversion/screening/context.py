"""Everything a screening run uses, loaded once: control list, country groups, lists, rules."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from diversion.countries import CountryGroups, load_country_groups
from diversion.goods import ControlList, load_chpl
from diversion.lists import SanctionsList, demo_list
from diversion.lists.snapshots import ListStore
from diversion.matching import Matcher, cached_matcher
from diversion.matching.vocabulary import references as name_tables
from diversion.reference import ReferenceData
from diversion.rules import Catalogue, load_catalogue
from diversion.store import Store


@dataclass
class ScreeningContext:
    control_list: ControlList
    country_groups: CountryGroups
    sanctions_lists: list[SanctionsList]
    catalogue: Catalogue
    matchers: list[Matcher] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.matchers:
            self.matchers = [Matcher(sanctions_list) for sanctions_list in self.sanctions_lists]

    @classmethod
    def bundled(cls) -> ScreeningContext:
        """The embedded default: the CHPL, our country groups and the demo sanctions list."""
        return cls(
            control_list=load_chpl(),
            country_groups=load_country_groups(),
            sanctions_lists=[demo_list()],
            catalogue=load_catalogue(),
        )

    @classmethod
    def for_store(
        cls, store: Store, index_cache: Path | None = None
    ) -> tuple[ScreeningContext, bool]:
        """The active snapshots of every list in the store; the demo list if there are none.

        The flag says the demo list stood in, so that front ends can say so loudly. Name
        indexes are kept under `index_cache` (one per snapshot) and reused when present.
        """
        stored = ListStore(store).active_lists()
        fallback = not stored
        lists = stored or [demo_list()]
        return (
            cls(
                control_list=load_chpl(),
                country_groups=load_country_groups(),
                sanctions_lists=lists,
                catalogue=load_catalogue(),
                matchers=[cached_matcher(listed, index_cache) for listed in lists],
            ),
            fallback,
        )

    @property
    def reference_data(self) -> list[ReferenceData]:
        return [
            self.catalogue.reference,
            self.control_list.reference,
            self.country_groups.reference,
            *name_tables(),
            *(sanctions_list.reference for sanctions_list in self.sanctions_lists),
        ]
