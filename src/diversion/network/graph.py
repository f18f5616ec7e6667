"""The network screening reads: registry companies and people, who owns and who runs them,
which of them are the same party as a listed entity, and what follows from that.

Registry entities are FollowTheMoney entities of the active registry snapshots. A registry
entity is *listed* when a recorded link (see links.py) ties it to a list entity that has a
sanction or a listed topic. Ownership statuses are derived from the listed ones by the OFAC
and EU rules (ownership.py), once per day screened.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from followthemoney.proxy import EntityProxy
from followthemoney.types import registry

from diversion.matching.addresses import address_key
from diversion.matching.keys import identifier_key, legal_name_key
from diversion.network.ownership import RULES, OwnershipResult, Stake, compute
from diversion.reference import ReferenceData

PARTY_SCHEMATA = ("Company", "Organization", "LegalEntity", "Person", "PublicBody")
IDENTIFIER_PROPS = ("registrationNumber", "innCode", "ogrnCode", "taxNumber", "idNumber")


@dataclass(frozen=True)
class Link:
    """A registry entity recorded as the same party as a list entity."""

    registry_id: str
    list_name: str
    list_entity_id: str
    list_caption: str
    score: float
    method: str
    basis: str  # why the list entity counts as listed: "sanction", a topic ...

    def to_dict(self) -> dict[str, Any]:
        return {
            "registry_entity": self.registry_id,
            "list": self.list_name,
            "list_entity": self.list_entity_id,
            "list_entity_name": self.list_caption,
            "score": self.score,
            "method": self.method,
            "basis": self.basis,
        }


@dataclass(frozen=True)
class Role:
    """A directorship: `person` is `role` of `organization`."""

    person: str
    organization: str
    role: str
    start: date | None
    end: date | None
    edge_id: str = ""

    def in_force(self, on: date | None) -> bool:
        if on is None:
            return True
        return (self.start is None or self.start <= on) and (self.end is None or on <= self.end)


def contacts_of(entity: EntityProxy) -> set[str]:
    """`phone:` digits and `email:` addresses, folded so that layout never decides."""
    found = set()
    for phone in entity.get("phone", quiet=True):
        digits = "".join(ch for ch in phone if ch.isdigit())
        if len(digits) >= 7:
            found.add(f"phone:{digits}")
    for email in entity.get("email", quiet=True):
        found.add(f"email:{email.strip().lower()}")
    return found


def _date(entity: EntityProxy, prop: str) -> date | None:
    for value in entity.get(prop, quiet=True):
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            continue
    return None


def _share(entity: EntityProxy) -> Decimal | None:
    for value in entity.get("percentage", quiet=True):
        try:
            return Decimal(value.rstrip("%").strip())
        except InvalidOperation:
            continue
    return None


@dataclass(eq=False)  # hashed by identity: ownership results are cached per network
class Network:
    entities: dict[str, EntityProxy]
    stakes: list[Stake]
    roles: list[Role]
    links: dict[str, list[Link]]  # registry id -> links to listed entities
    references: list[ReferenceData] = field(default_factory=list)
    edges: dict[str, EntityProxy] = field(default_factory=dict)  # Ownership, Directorship
    family: list[tuple[str, str, str]] = field(default_factory=list)  # person, relative, tie
    _by_identifier: dict[str, list[str]] = field(default_factory=dict, repr=False)
    _by_name: dict[str, list[str]] = field(default_factory=dict, repr=False)
    _roles_of: dict[str, list[Role]] = field(default_factory=dict, repr=False)
    _roles_in: dict[str, list[Role]] = field(default_factory=dict, repr=False)
    _at_address: dict[str, list[str]] = field(default_factory=dict, repr=False)
    _boundaries: list[date] | None = field(default=None, repr=False)
    _results: dict[tuple[str, int | None], OwnershipResult] = field(
        default_factory=dict, repr=False
    )

    @classmethod
    def build(
        cls,
        entities: Iterable[EntityProxy],
        links: Iterable[Link] = (),
        references: Iterable[ReferenceData] = (),
    ) -> Network:
        parties: dict[str, EntityProxy] = {}
        edges: dict[str, EntityProxy] = {}
        family: list[tuple[str, str, str]] = []
        stakes: list[Stake] = []
        roles: list[Role] = []
        for entity in entities:
            schema = entity.schema.name
            start, end = _date(entity, "startDate"), _date(entity, "endDate")
            if schema == "Ownership":
                share = _share(entity)
                for owner in entity.get("owner"):
                    for asset in entity.get("asset"):
                        stakes.append(Stake(owner, asset, share, start, end, str(entity.id)))
            elif schema == "Directorship":
                role = next(iter(entity.get("role")), "director")
                for person in entity.get("director"):
                    for organization in entity.get("organization"):
                        roles.append(Role(person, organization, role, start, end, str(entity.id)))
            elif schema in PARTY_SCHEMATA:
                parties[str(entity.id)] = entity
            elif schema == "Family":
                relationship = next(iter(entity.get("relationship")), "relative")
                for person in entity.get("person"):
                    for relative in entity.get("relative"):
                        family.append((person, relative, relationship))
            if schema in ("Ownership", "Directorship", "Family"):
                edges[str(entity.id)] = entity
        by_link: dict[str, list[Link]] = defaultdict(list)
        for link in links:
            by_link[link.registry_id].append(link)
        network = cls(parties, stakes, roles, dict(by_link), list(references), edges, family)
        network._index()
        return network

    def _index(self) -> None:
        by_identifier: dict[str, list[str]] = defaultdict(list)
        by_name: dict[str, list[str]] = defaultdict(list)
        for entity_id, entity in self.entities.items():
            for prop in IDENTIFIER_PROPS:
                for value in entity.get(prop, quiet=True):
                    by_identifier[identifier_key(value)].append(entity_id)
            for name in entity.get_type_values(registry.name):
                key = legal_name_key(name)
                if key:
                    by_name[key].append(entity_id)
        at_address: dict[str, list[str]] = defaultdict(list)
        for entity_id, entity in self.entities.items():
            if entity.schema.name == "Person":
                continue
            for address in entity.get("address", quiet=True):
                key = address_key(address)
                if key:
                    at_address[key].append(entity_id)
        self._at_address = dict(at_address)
        roles_of: dict[str, list[Role]] = defaultdict(list)
        roles_in: dict[str, list[Role]] = defaultdict(list)
        for role in self.roles:
            roles_of[role.person].append(role)
            roles_in[role.organization].append(role)
        self._by_identifier = dict(by_identifier)
        self._by_name = dict(by_name)
        self._roles_of = dict(roles_of)
        self._roles_in = dict(roles_in)

    def __len__(self) -> int:
        return len(self.entities)

    def caption(self, entity_id: str) -> str:
        entity = self.entities.get(entity_id)
        return str(entity.caption) if entity is not None else entity_id

    @property
    def names(self) -> Mapping[str, str]:
        return _Captions(self)

    def find(self, name: str, identifier: str | None = None) -> list[str]:
        """Registry entities that are a declared party: by registration number when the
        declaration gives one (it decides), else by the legal name (case, quotes, legal form
        and script folded; not fuzzy: a registry holds legal names)."""
        if identifier:
            found = self._by_identifier.get(identifier_key(identifier))
            if found:
                return sorted(set(found))
        return sorted(set(self._by_name.get(legal_name_key(name), ())))

    def listed(self) -> frozenset[str]:
        return frozenset(self.links)

    def ownership(self, rule: str, on: date | None) -> OwnershipResult:
        """Who is blocked through ownership under a rule on a day. Days between the same two
        start or end dates of stakes share one result, so a batch over a year computes it once
        per change in the graph, not once per day."""
        if on is None:
            return _ownership(self, rule, None, None)
        if self._boundaries is None:
            # the days on which the stakes in force change: a start, the day after an end
            days = {s.start for s in self.stakes if s.start is not None}
            days |= {s.end + timedelta(days=1) for s in self.stakes if s.end is not None}
            self._boundaries = sorted(days)
        epoch = bisect_right(self._boundaries, on)
        return _ownership(self, rule, epoch, on)

    def roles_in(self, organization: str, on: date | None = None) -> list[Role]:
        return [r for r in self._roles_in.get(organization, ()) if r.in_force(on)]

    def roles_of(self, person: str, on: date | None = None) -> list[Role]:
        return [r for r in self._roles_of.get(person, ()) if r.in_force(on)]

    def people_of(self, organization: str, on: date | None = None) -> dict[str, str]:
        """The people in posts at a firm or owning part of it: person id -> how."""
        people = {r.person: r.role for r in self.roles_in(organization, on)}
        for stake in self.stakes:
            if stake.asset == organization and stake.in_force(on):
                owner = self.entities.get(stake.owner)
                if owner is not None and owner.schema.name == "Person":
                    people.setdefault(stake.owner, "owner")
        return people

    def companies_at(self, entity_id: str) -> list[str]:
        """The registry's companies at the same address as this one (itself included)."""
        entity = self.entities.get(entity_id)
        if entity is None:
            return []
        found: set[str] = set()
        for address in entity.get("address", quiet=True):
            found.update(self._at_address.get(address_key(address), ()))
        return sorted(found)

    def related(self, people: set[str], others: set[str]) -> list[dict[str, str]]:
        """Ties between two groups of people: the same person, or family."""
        found = [
            {"person": p, "relative": p, "tie": "same person"} for p in sorted(people & others)
        ]
        for person, relative, tie in self.family:
            if (person in people and relative in others) or (
                person in others and relative in people
            ):
                found.append({"person": person, "relative": relative, "tie": tie})
        return found

    def contacts(self, entity_id: str) -> set[str]:
        entity = self.entities.get(entity_id)
        return set() if entity is None else contacts_of(entity)

    def incorporated(self, entity_id: str) -> date | None:
        entity = self.entities.get(entity_id)
        return None if entity is None else _date(entity, "incorporationDate")


class _Captions(Mapping[str, str]):
    def __init__(self, network: Network) -> None:
        self.network = network

    def __getitem__(self, key: str) -> str:
        if key not in self.network.entities:
            raise KeyError(key)
        return self.network.caption(key)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.network.entities)

    def __len__(self) -> int:
        return len(self.network.entities)


def _ownership(network: Network, rule: str, epoch: int | None, on: date | None) -> OwnershipResult:
    key = (rule, epoch)
    found = network._results.get(key)
    if found is None:
        found = network._results[key] = compute(network.stakes, network.listed(), RULES[rule], on)
    return found
