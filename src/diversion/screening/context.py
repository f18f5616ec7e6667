"""Everything a screening run uses, loaded once: control list, country groups, lists, rules."""

from __future__ import annotations

from dataclasses import dataclass, field

from diversion.countries import CountryGroups, load_country_groups
from diversion.goods import ControlList, ControlLists, load_chpl, load_control_lists
from diversion.licences import LicenceRegister, demo_register
from diversion.lists import SanctionsList, demo_list
from diversion.matching import Matcher
from diversion.matching.addresses import AddressIndex, listed_addresses
from diversion.matching.suppressions import SuppressionSet
from diversion.matching.vocabulary import references as name_tables
from diversion.network.bundled import demo_network
from diversion.network.graph import Network
from diversion.reference import ReferenceData
from diversion.rules import Catalogue, load_catalogue
from diversion.screening.history import History
from diversion.screening.imports import Imports


@dataclass
class ScreeningContext:
    control_list: ControlList
    country_groups: CountryGroups
    sanctions_lists: list[SanctionsList]
    catalogue: Catalogue
    matchers: list[Matcher] = field(default_factory=list)
    # None: licence numbers are not checked (a bare context); front ends always attach one
    licences: LicenceRegister | None = None
    # The control lists the goods rules apply; None: the bundled ones, with `control_list` as
    # the CHPL (diversion.service.screening adds the lists a user put in the home).
    control_lists: ControlLists | None = None
    # The company registry with its links to the lists; None: no registry imported
    network: Network | None = None
    _addresses: AddressIndex | None = field(default=None, repr=False)
    # Earlier declarations, for the rules that compare with the past (`--history`); the
    # batch being screened is added to it by `screen_batch`
    history: History | None = None
    # The goods' earlier imports, for the route rules (`--imports`, import declarations); the
    # batch's import declarations are added to it by `screen_batch`
    imports: Imports | None = None
    # False hits officers set aside (diversion.matching.suppressions); None: none apply
    suppressions: SuppressionSet | None = None

    def __post_init__(self) -> None:
        if not self.matchers:
            self.matchers = [Matcher(sanctions_list) for sanctions_list in self.sanctions_lists]
        if self.control_lists is None:
            self.control_lists = load_control_lists(chpl=self.control_list)

    @property
    def goods(self) -> ControlLists:
        """The control lists and HS concordance (always set once the context is built)."""
        assert self.control_lists is not None
        return self.control_lists

    @property
    def addresses(self) -> AddressIndex:
        """Every listed address of the lists, indexed once."""
        if self._addresses is None:
            self._addresses = AddressIndex.build(
                address for listing in self.sanctions_lists for address in listed_addresses(listing)
            )
        return self._addresses

    @classmethod
    def bundled(cls) -> ScreeningContext:
        """The embedded default: the CHPL, our country groups, the demo list, licences and
        registry."""
        listing = demo_list()
        matcher = Matcher(listing)
        return cls(
            control_list=load_chpl(),
            country_groups=load_country_groups(),
            sanctions_lists=[listing],
            catalogue=load_catalogue(),
            matchers=[matcher],
            licences=demo_register(),
            network=demo_network(listing, matcher),
        )

    def unknown_control_lists(self) -> list[str]:
        """Control-list ids the active rules name that are not loaded, as messages: a rule
        must not quietly read no list because of a typo in a rules file."""
        loaded = {control_list.id for control_list in self.goods}
        problems = []
        for rule in self.catalogue.active.values():
            named = rule.named("control_lists", "control_list_ids")
            problems += [
                f"rule {rule.id} names control list {list_id!r}, which is not loaded "
                f"(loaded: {', '.join(sorted(loaded))})"
                for list_id in named
                if list_id not in loaded
            ]
        return problems

    @property
    def reference_data(self) -> list[ReferenceData]:
        return [
            *self.catalogue.references,
            *self.goods.references,
            self.country_groups.reference,
            *name_tables(),
            *(sanctions_list.reference for sanctions_list in self.sanctions_lists),
            *(self.network.references if self.network is not None else []),
            *([self.licences.reference] if self.licences is not None else []),
        ]
