"""Links between registry entities and list entities: found by the matching engine, recorded
with their score and explanation, never merged.

A registry snapshot is linked to each active list snapshot once (the pair is recorded in
`registry_linkings`); a new snapshot on either side gets its own links. Lists that are not in
the store (the bundled demo list) are linked in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime

from followthemoney.proxy import EntityProxy
from sqlalchemy import select

from diversion.lists.model import SanctionsList
from diversion.lists.snapshots import ListStore
from diversion.matching import Matcher
from diversion.network.graph import IDENTIFIER_PROPS, PARTY_SCHEMATA, Link, Network
from diversion.store import Store
from diversion.store.models import RegistryLinkingRow, RegistryLinkRow, SnapshotRow

LINK_THRESHOLD = 0.90  # the score at which party.sanctioned blocks
LISTED_TOPICS = frozenset({"sanction", "export.control", "debarment"})
Progress = Callable[[int, int], None]


def listing_basis(listing: SanctionsList, entity_id: str) -> str | None:
    """Why a list entity counts as listed (a sanction, or a listed topic), or None."""
    if listing.sanctions.get(entity_id):
        return "sanction"
    entity = listing.entities.get(entity_id)
    if entity is None:
        return None
    topics = sorted(set(entity.get("topics", quiet=True)) & LISTED_TOPICS)
    return f"topic {topics[0]}" if topics else None


def find_links(
    registry: Iterable[EntityProxy],
    listing: SanctionsList,
    matcher: Matcher,
    threshold: float = LINK_THRESHOLD,
    progress: Progress | None = None,
) -> Iterator[tuple[Link, str]]:
    """(link, explanation) for each registry party that matches a listed entity."""
    parties = [e for e in registry if e.schema.name in PARTY_SCHEMATA]
    for number, entity in enumerate(parties, start=1):
        identifier = next(
            (v for prop in IDENTIFIER_PROPS for v in entity.get(prop, quiet=True)), None
        )
        schema = "Person" if entity.schema.name == "Person" else "Company"
        for match in matcher.match(
            str(entity.caption),  # the registered name; aliases are the registry's, not the law's
            identifier,
            cutoff=threshold,
            schema=schema,
            countries=entity.get("country", quiet=True),
            birth_dates=entity.get("birthDate", quiet=True),
            limit=3,
        ):
            basis = listing_basis(listing, match.entity_id)
            if basis is None:
                continue
            link = Link(
                registry_id=str(entity.id),
                list_name=listing.reference.id,
                list_entity_id=match.entity_id,
                list_caption=match.caption,
                score=match.score,
                method=match.method,
                basis=basis,
            )
            yield link, match.explanation
        if progress is not None:
            progress(number, len(parties))


class NetworkStore:
    """The registries in the store, their links to the active lists, and the network."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.lists = ListStore(store)

    def _stored(self, listing: SanctionsList) -> bool:
        with self.store.read() as session:
            return session.get(SnapshotRow, listing.reference.version) is not None

    def links(
        self,
        registry: SanctionsList,
        listing: SanctionsList,
        matcher: Matcher,
        threshold: float = LINK_THRESHOLD,
        progress: Progress | None = None,
    ) -> list[Link]:
        """The links of a registry snapshot to a list snapshot, found and recorded once."""
        if not self._stored(listing):
            found = find_links(registry.entities.values(), listing, matcher, threshold, progress)
            return [link for link, _ in found]
        return self._recorded(registry, listing, matcher, threshold, progress)

    def _recorded(
        self,
        registry: SanctionsList,
        listing: SanctionsList,
        matcher: Matcher,
        threshold: float,
        progress: Progress | None,
    ) -> list[Link]:
        registry_id, list_id = registry.reference.version, listing.reference.version
        with self.store.read() as session:
            done = session.get(RegistryLinkingRow, (registry_id, list_id))
        if done is None:
            recorded = list(
                find_links(registry.entities.values(), listing, matcher, threshold, progress)
            )
            now = datetime.now(UTC)
            with self.store.transaction() as session:
                if session.get(RegistryLinkingRow, (registry_id, list_id)) is None:
                    for link, explanation in recorded:
                        session.add(
                            RegistryLinkRow(
                                registry_snapshot_id=registry_id,
                                registry_entity_id=link.registry_id,
                                list_snapshot_id=list_id,
                                list_entity_id=link.list_entity_id,
                                score=link.score,
                                method=link.method,
                                explanation=explanation,
                                linked_at=now,
                            )
                        )
                    session.add(
                        RegistryLinkingRow(
                            registry_snapshot_id=registry_id,
                            list_snapshot_id=list_id,
                            threshold=threshold,
                            links=len(recorded),
                            linked_at=now,
                        )
                    )
        with self.store.read() as session:
            rows = session.scalars(
                select(RegistryLinkRow)
                .where(
                    RegistryLinkRow.registry_snapshot_id == registry_id,
                    RegistryLinkRow.list_snapshot_id == list_id,
                )
                .order_by(RegistryLinkRow.registry_entity_id, RegistryLinkRow.list_entity_id)
            ).all()
        out = []
        for row in rows:
            basis = listing_basis(listing, row.list_entity_id)
            entity = listing.entities.get(row.list_entity_id)
            if basis is None or entity is None:
                continue
            link = Link(
                row.registry_entity_id,
                listing.reference.id,
                row.list_entity_id,
                str(entity.caption),
                row.score,
                row.method,
                basis,
            )
            out.append(link)
        return out

    def network(
        self,
        listings: list[SanctionsList],
        matchers: list[Matcher],
        progress: Progress | None = None,
    ) -> Network | None:
        """The network of every active registry, linked to the given lists; None without a
        registry."""
        registries = self.lists.active_lists("registry")
        if not registries:
            return None
        entities: list[EntityProxy] = []
        links: list[Link] = []
        for registry in registries:
            entities.extend(registry.entities.values())
            for listing, matcher in zip(listings, matchers, strict=True):
                links.extend(self.links(registry, listing, matcher, progress=progress))
        return Network.build(entities, links, [r.reference for r in registries])
