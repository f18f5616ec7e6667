"""List entities as yente's API gives them: by id (with the entities around it nested), their
neighbours by property with paging, full-text search with filters and facets, and the catalog
of lists. Everything is read from the lists screening holds in memory; an entity only the store
holds (a company registry's) is read from the store.
"""

from __future__ import annotations

import threading
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from diversion.folding import fold_text
from diversion.service.matching import Filters, changed_at

if TYPE_CHECKING:
    from followthemoney.proxy import EntityProxy

    from diversion.lists.model import SanctionsList
    from diversion.store import Store

# yente's facets when a search asks for none
DEFAULT_FACETS = ("countries", "topics", "datasets")
FACETS = (*DEFAULT_FACETS, "schema")


@dataclass(frozen=True)
class Located:
    entity: EntityProxy
    dataset: str  # the list's name
    listing: SanctionsList | None  # None for an entity only the store holds
    incoming: tuple[EntityProxy, ...]  # entities with a property that points at this one


# -- when entities changed ----------------------------------------------------------------------

_times_lock = threading.Lock()
_times: dict[tuple[str, ...], dict[str, str | None]] = {}


def snapshot_times(store: Store, lists: Sequence[SanctionsList]) -> dict[str, str | None]:
    """Each list snapshot's publication time, or its import time: what an entity of a list
    that gives no time of its own last changed at, at the latest."""
    from diversion.lists.snapshots import ListStore

    key = tuple(listing.reference.version for listing in lists)
    with _times_lock:
        known = _times.get(key)
    if known is not None:
        return known
    listed = ListStore(store)
    times: dict[str, str | None] = {}
    for version in key:
        snapshot = listed.snapshot(version)
        times[version] = (
            None if snapshot is None else snapshot.published_at or snapshot.imported_at.isoformat()
        )
    with _times_lock:
        if len(_times) > 16:
            _times.clear()
        _times[key] = times
    return times


# -- one entity as yente gives it ---------------------------------------------------------------


def _listed(entity: EntityProxy, listing: SanctionsList | None) -> bool:
    """A target in yente's sense: an entity its list names (the importers mark it, FtM lists
    carry it), or one a sanction of its list points at."""
    if entity.context.get("target"):
        return True
    return listing is not None and str(entity.id) in listing.sanctions


def entity_json(
    entity: EntityProxy,
    dataset: str,
    listing: SanctionsList | None,
    times: Mapping[str, str | None],
    properties: dict[str, list[Any]] | None = None,
) -> dict[str, Any]:
    context = entity.context
    changed = changed_at(entity, listing, times) if listing is not None else None
    referents = context.get("referents")
    return {
        "id": str(entity.id),
        "caption": str(entity.caption),
        "schema": entity.schema.name,
        "properties": properties if properties is not None else entity.to_dict()["properties"],
        "datasets": [dataset],
        "referents": list(referents) if isinstance(referents, list) else [],
        "target": _listed(entity, listing),
        "first_seen": context.get("first_seen") or None,
        "last_seen": context.get("last_seen") or changed,
        "last_change": changed,
    }


# -- finding an entity and its neighbours -------------------------------------------------------

_reverse_lock = threading.Lock()
_reverse: dict[tuple[str, int], dict[str, list[EntityProxy]]] = {}


def incoming(listing: SanctionsList) -> dict[str, list[EntityProxy]]:
    """For each entity id of a list, the entities of the list that point at it (built once
    per list snapshot)."""
    key = (listing.reference.version, id(listing.entities))
    with _reverse_lock:
        known = _reverse.get(key)
        if known is not None:
            return known
    pointing: dict[str, list[EntityProxy]] = defaultdict(list)
    for entity in listing.entities.values():
        for prop, value in entity.itervalues():
            if prop.type.name == "entity" and value != entity.id:
                pointing[value].append(entity)
    with _reverse_lock:
        if len(_reverse) > 32:
            _reverse.clear()
        _reverse[key] = dict(pointing)
    return _reverse[key]


def locate(store: Store, lists: Sequence[SanctionsList], entity_id: str) -> Located | None:
    """The entity in the lists screening uses, or else in the store's other active lists."""
    for listing in lists:
        entity = listing.entities.get(entity_id)
        if entity is not None:
            pointing = tuple(incoming(listing).get(entity_id, ()))
            return Located(entity, listing.reference.id, listing, pointing)
    from diversion.lists.lookup import find_entity
    from diversion.lists.snapshots import ListStore

    found = find_entity(ListStore(store), lists, entity_id)
    if found is None:
        return None
    return Located(found.entity, found.dataset, None, tuple(found.related))


def _lookup(located: Located, entity_id: str) -> EntityProxy | None:
    if located.listing is not None:
        return located.listing.entities.get(entity_id)
    return next((e for e in located.incoming if e.id == entity_id), None)


def neighbours(located: Located) -> dict[str, list[EntityProxy]]:
    """The entities around one, by the property of the entity that links them (its own
    entity properties, and the reverse of those that point at it: `sanctions`,
    `ownershipOwner`, `addressEntity` ...), each in list order, without repeats."""
    root = located.entity
    found: dict[str, dict[str, EntityProxy]] = defaultdict(dict)
    for prop, value in root.itervalues():
        if prop.type.name == "entity":
            other = _lookup(located, value)
            if other is not None:
                found[prop.name][str(other.id)] = other
    for other in located.incoming:
        for prop, value in other.itervalues():
            if prop.type.name == "entity" and value == root.id and prop.reverse is not None:
                found[prop.reverse.name][str(other.id)] = other
    return {prop: list(by_id.values()) for prop, by_id in sorted(found.items())}


def _edge_json(
    located: Located, other: EntityProxy, times: Mapping[str, str | None]
) -> dict[str, Any]:
    """An entity next to the root, its own links resolved one step further (a sanction
    names its target; an ownership its asset), the link back to the root left out."""
    root_id = str(located.entity.id)
    properties: dict[str, list[Any]] = {}
    for prop, values in other.to_dict()["properties"].items():
        schema_prop = other.schema.get(prop)
        if schema_prop is None or schema_prop.type.name != "entity":
            properties[prop] = values
            continue
        kept: list[Any] = []
        for value in values:
            if value == root_id:
                continue
            further = _lookup(located, value)
            kept.append(
                value
                if further is None
                else entity_json(further, located.dataset, located.listing, times)
            )
        if kept:
            properties[prop] = kept
    return entity_json(other, located.dataset, located.listing, times, properties)


def nested_json(located: Located, times: Mapping[str, str | None]) -> dict[str, Any]:
    """The entity as yente's `nested=true` gives it: each entity property holds the entity
    it names, and the entities pointing at it come under the reverse property."""
    properties: dict[str, list[Any]] = {
        prop: values
        for prop, values in located.entity.to_dict()["properties"].items()
        if (p := located.entity.schema.get(prop)) is None or p.type.name != "entity"
    }
    for prop, others in neighbours(located).items():
        properties[prop] = [_edge_json(located, other, times) for other in others]
    return entity_json(located.entity, located.dataset, located.listing, times, properties)


def plain_json(located: Located, times: Mapping[str, str | None]) -> dict[str, Any]:
    return entity_json(located.entity, located.dataset, located.listing, times)


def adjacent_page(
    located: Located,
    others: Sequence[EntityProxy],
    times: Mapping[str, str | None],
    limit: int,
    offset: int,
) -> dict[str, Any]:
    page = others[offset : offset + limit]
    return {
        "results": [_edge_json(located, other, times) for other in page],
        "total": {"value": len(others), "relation": "eq"},
        "limit": limit,
        "offset": offset,
    }


# -- full-text search ---------------------------------------------------------------------------


@dataclass(frozen=True)
class TextIndex:
    """The folded words of each entity's names, identifiers and addresses, and for each word
    the entities that have it."""

    by_word: dict[str, frozenset[str]]
    name_words: dict[str, frozenset[str]]

    @classmethod
    def build(cls, listing: SanctionsList) -> TextIndex:
        from followthemoney.types import registry

        addresses = {
            str(e.id): str(e.first("full") or e.caption)
            for e in listing.entities.values()
            if e.schema.name == "Address"
        }
        by_word: dict[str, set[str]] = defaultdict(set)
        name_words: dict[str, frozenset[str]] = {}
        for entity in listing.entities.values():
            if not entity.schema.is_a("Thing"):
                continue
            entity_id = str(entity.id)
            names = set(fold_text(" ".join(entity.get_type_values(registry.name))).split())
            names.update(fold_text(str(entity.caption)).split())
            texts = list(entity.get_type_values(registry.identifier))
            texts.extend(entity.get_type_values(registry.address))
            linked = entity.get("addressEntity", quiet=True)
            texts.extend(addresses[a] for a in linked if a in addresses)
            words = names | set(fold_text(" ".join(texts)).split())
            # identifiers written with separators are found whole too ("1027700132195")
            words.update(fold_text(t, "") for t in entity.get_type_values(registry.identifier))
            for word in words:
                by_word[word].add(entity_id)
            name_words[entity_id] = frozenset(names)
        return cls({w: frozenset(ids) for w, ids in by_word.items()}, name_words)

    def find(self, words: Sequence[str]) -> list[tuple[int, str]]:
        """(words found among the names, entity id) of the entities having every word."""
        if not words:
            return []
        sets = sorted((self.by_word.get(w, frozenset()) for w in words), key=len)
        found = set(sets[0]).intersection(*sets[1:])
        return [(sum(w in self.name_words.get(i, ()) for w in words), i) for i in found]


_text_lock = threading.Lock()
_text: dict[tuple[str, int], TextIndex] = {}


def text_index(listing: SanctionsList) -> TextIndex:
    key = (listing.reference.version, id(listing.entities))
    with _text_lock:
        known = _text.get(key)
    if known is not None:
        return known
    built = TextIndex.build(listing)
    with _text_lock:
        if len(_text) > 32:
            _text.clear()
        _text[key] = built
    return built


def _facet_values(name: str, entity: EntityProxy, dataset: str) -> Iterable[str]:
    from followthemoney.types import registry

    if name == "countries":
        return set(entity.get_type_values(registry.country))
    if name == "topics":
        return set(entity.get("topics", quiet=True))
    if name == "datasets":
        return (dataset,)
    return (entity.schema.name,)


def _facet_label(name: str, value: str, titles: Mapping[str, str]) -> str:
    from followthemoney import model
    from followthemoney.types import registry

    if name == "countries":
        return str(registry.country.caption(value) or value)
    if name == "topics":
        return str(registry.topic.caption(value) or value)
    if name == "datasets":
        return titles.get(value, value)
    schema = model.get(value)
    return str(schema.label) if schema is not None else value


def search_text(
    lists: Sequence[SanctionsList],
    text: str,
    filters: Filters,
    times: Mapping[str, str | None],
    *,
    limit: int,
    offset: int,
    facets: Sequence[str] = DEFAULT_FACETS,
) -> dict[str, Any]:
    """yente's /search: the entities having every word of `text` in their names,
    identifiers or addresses (all of them when `text` is empty), those with more of the words
    in their names first, then by caption; filtered, counted by facet, one page of them."""
    words = fold_text(text).split()
    found: list[tuple[int, str, EntityProxy, SanctionsList]] = []
    for listing in lists:
        if words:
            hits = text_index(listing).find(words)
        else:
            hits = [(0, str(e.id)) for e in listing.entities.values() if e.schema.is_a("Thing")]
        for in_names, entity_id in hits:
            entity = listing.entities[entity_id]
            if filters and not filters.admit(entity, changed_at(entity, listing, times)):
                continue
            found.append((in_names, str(entity.caption), entity, listing))
    found.sort(key=lambda f: (-f[0], f[1], str(f[2].id)))
    titles = {ls.reference.id: ls.reference.title for ls in lists}
    counted: dict[str, Counter[str]] = {name: Counter() for name in facets}
    for _, _, entity, listing in found:
        for name in facets:
            counted[name].update(_facet_values(name, entity, listing.reference.id))
    facet_json = {
        name: {
            "label": name,
            "values": [
                {"name": value, "label": _facet_label(name, value, titles), "count": count}
                for value, count in sorted(counted[name].items(), key=lambda c: (-c[1], c[0]))
            ],
        }
        for name in facets
    }
    page = found[offset : offset + limit]
    return {
        "results": [
            entity_json(entity, listing.reference.id, listing, times)
            for _, _, entity, listing in page
        ],
        "facets": facet_json,
        "total": {"value": len(found), "relation": "eq"},
        "limit": limit,
        "offset": offset,
    }


# -- the catalog --------------------------------------------------------------------------------


def catalog(lists: Sequence[SanctionsList], times: Mapping[str, str | None]) -> dict[str, Any]:
    """yente's /catalog: each list as a dataset (its snapshot as the version) and `default`,
    the collection of them all, every one loaded and current."""
    datasets: list[dict[str, Any]] = []
    for listing in lists:
        counts = Counter(e.schema.name for e in listing.entities.values())
        datasets.append(
            {
                "name": listing.reference.id,
                "title": listing.reference.title,
                "summary": f"{listing.reference.title}: {listing.reference.source}",
                "version": listing.reference.version,
                "entity_count": len(listing.entities),
                "thing_count": sum(n for schema, n in counts.items() if _is_thing(schema)),
                "updated_at": times.get(listing.reference.version),
                "load": True,
                "index_current": True,
                "index_version": listing.reference.version,
                "children": [],
                "sha256": listing.reference.sha256,
            }
        )
    names = [d["name"] for d in datasets]
    datasets.append(
        {
            "name": "default",
            "title": "Every active list",
            "summary": "The collection of every list screening uses.",
            "version": "+".join(listing.reference.version for listing in lists),
            "entity_count": sum(d["entity_count"] for d in datasets),
            "thing_count": sum(d["thing_count"] for d in datasets),
            "load": True,
            "index_current": True,
            "children": names,
        }
    )
    return {
        "datasets": datasets,
        "current": [*names, "default"],
        "outdated": [],
        "index_stale": False,
    }


def _is_thing(schema: str) -> bool:
    from followthemoney import model

    found = model.get(schema)
    return found is not None and found.is_a("Thing")
