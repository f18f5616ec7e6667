"""The W3C Reconciliation Service API (v0.2) over the active lists, for OpenRefine and the other
clients of the protocol (https://reconciliation-api.github.io/specs/0.2/).

A reconciliation query is matched by the same search as yente's `/match` and `match query`
(`service.matching.search`): its `query` and name properties are the names, its type the
FollowTheMoney schema, and its country, identifier, birth date and address properties the
facts the matcher compares. A batch, a query or a property this service cannot read is
refused with the reason (`BatchError`), never answered as if it had been read.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel, ValidationError

from diversion.folding import fold_text

if TYPE_CHECKING:
    from followthemoney.proxy import EntityProxy
    from followthemoney.schema import Schema

    from diversion.lists.model import SanctionsList
    from diversion.matching.matcher import Matcher

VERSIONS = ["0.2"]
BATCH_SIZE = 50  # queries in one batch (the manifest's `batchSize`; more is a 413)
DEFAULT_LIMIT = 5  # candidates per query when it gives no `limit`, as yente
MAX_LIMIT = 50
SUGGEST_LIMIT = 10
# The types a query may name: what a declaration party can be (lists.model.PARTY_SCHEMA).
PARTY_SCHEMA = "LegalEntity"

# What each property a query may give means to the matcher, by FollowTheMoney property name
# (a query may also qualify it with its schema, `Person:birthDate`, as yente's suggest does).
NAMES = ("name", "alias", "weakAlias", "previousName")
COUNTRIES = ("country", "jurisdiction", "nationality", "citizenship")
IDENTIFIERS = ("registrationNumber", "taxNumber", "idNumber", "innCode", "ogrnCode")
BIRTH_DATES = ("birthDate",)
ADDRESSES = ("address",)
USES = {
    NAMES: "a name, matched as the query string is",
    COUNTRIES: "a country (ISO code or English name): one shared counts for, none against",
    IDENTIFIERS: "an identifier: the first one given is compared with the listed ones",
    BIRTH_DATES: "a birth date (YYYY, YYYY-MM or YYYY-MM-DD), for people",
    ADDRESSES: "an address, compared with the listed addresses",
}
PROPERTIES: dict[str, str] = {name: use for names, use in USES.items() for name in names}
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


class BatchError(ValueError):
    """A batch this service cannot answer: `status` is the HTTP status to answer with."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


# -- the request, as the specification's reconciliation-query-batch.json has it -------------


class EntityValue(BaseModel):
    """A property value that is an entity reconciled before: its id, maybe its name."""

    id: str
    name: str | None = None


Scalar = str | int | float | bool | EntityValue


class PropertyMapping(BaseModel):
    pid: str = Field(..., max_length=100)
    v: Scalar | list[Scalar]


class ReconQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    query: str | None = Field(None, max_length=1000)
    type: str | list[str] | None = None
    limit: int | None = Field(None, ge=1)
    properties: list[PropertyMapping] = Field(default_factory=list, max_length=50)
    type_strict: Literal["any", "should", "all"] | None = None


class ReconBatch(RootModel[dict[str, ReconQuery]]):
    pass


def parse_batch(text: str) -> dict[str, ReconQuery]:
    """A batch as sent in the `queries` form field; BatchError saying what is wrong."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise BatchError(f"queries is not JSON: {exc}") from None
    if not isinstance(data, dict) or not data:
        raise BatchError('queries must be an object of queries by key: {"q0": {"query": ...}}')
    if len(data) > BATCH_SIZE:
        raise BatchError(f"{len(data)} queries in one batch; at most {BATCH_SIZE}", 413)
    try:
        batch = ReconBatch.model_validate(data).root
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise BatchError(f"queries.{where}: {first['msg']}") from None
    for key, query in batch.items():
        if not (query.query or "").strip() and not query.properties:
            raise BatchError(f"queries.{key}: give a query string or properties")
    return batch


# -- what a query asks the matcher --------------------------------------------------------------


@dataclass
class Asked:
    """A reconciliation query as the matcher takes it."""

    schema: str
    names: list[str] = field(default_factory=list)
    identifiers: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    birth_dates: list[str] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)
    limit: int = DEFAULT_LIMIT


def party_schema(name: str) -> Schema | None:
    """The FollowTheMoney schema a type id names, if a declaration party can be one."""
    from followthemoney import model

    schema = model.get(name)
    if (
        schema is None
        or not schema.is_a(PARTY_SCHEMA)
        or (schema.abstract and name != PARTY_SCHEMA)
    ):
        return None
    return schema


def _text(value: Scalar) -> str:
    if isinstance(value, EntityValue):
        return value.name or value.id
    if isinstance(value, float) and value.is_integer():  # a number a spreadsheet turned to float
        return str(int(value))
    return str(value)


def _property_name(pid: str) -> str:
    """`Person:birthDate` -> `birthDate`; BatchError for a property the matcher does not use."""
    name = pid.rpartition(":")[2]
    if name not in PROPERTIES:
        raise BatchError(
            f"property {pid!r} is not used for reconciliation; use one of {', '.join(PROPERTIES)}"
        )
    return name


def asked(key: str, query: ReconQuery) -> Asked:
    """What one query asks, or BatchError naming the query and what it cannot read."""
    from diversion.countries.normalise import CountryError, normalise_country

    types = [query.type] if isinstance(query.type, str) else list(query.type or [])
    schemata = [party_schema(t) for t in types]
    if None in schemata:
        unknown = [t for t, s in zip(types, schemata, strict=True) if s is None]
        raise BatchError(
            f"queries.{key}: type {unknown[0]!r} is not one this service matches; "
            "see suggest/type (Person, Company, Organization, LegalEntity, ...)"
        )
    # several types: the one common to all of them (Person and Company: LegalEntity)
    schema = PARTY_SCHEMA
    if len(schemata) == 1 and schemata[0] is not None:
        schema = schemata[0].name
    elif schemata and all(s is not None and s.name == "Person" for s in schemata):
        schema = "Person"
    found = Asked(schema=schema, limit=min(query.limit or DEFAULT_LIMIT, MAX_LIMIT))
    if query.query and query.query.strip():
        found.names.append(query.query.strip())
    for mapping in query.properties:
        name = _property_name(mapping.pid)
        values = mapping.v if isinstance(mapping.v, list) else [mapping.v]
        texts = [t for t in (_text(v).strip() for v in values) if t]
        if name in NAMES:
            found.names.extend(texts)
        elif name in IDENTIFIERS:
            found.identifiers.extend(texts)
        elif name in COUNTRIES:
            for text in texts:
                try:
                    found.countries.append(normalise_country(text).lower())
                except CountryError as exc:
                    raise BatchError(f"queries.{key}: {mapping.pid}: {exc}") from None
        elif name in BIRTH_DATES:
            for text in texts:
                if not _DATE.match(text):
                    raise BatchError(
                        f"queries.{key}: {mapping.pid}: {text!r} is not YYYY, YYYY-MM or YYYY-MM-DD"
                    )
                found.birth_dates.append(text)
        else:
            found.addresses.extend(texts)
    if not found.names and not found.identifiers:
        raise BatchError(f"queries.{key}: give a name (query) or an identifier property")
    return found


# -- answering ----------------------------------------------------------------------------------


def _type(schema: Schema) -> dict[str, str]:
    return {"id": schema.name, "name": schema.label}


def describe(entity: EntityProxy, listing: SanctionsList) -> str:
    """A line that tells namesakes apart: schema, countries, birth date, the list."""
    from followthemoney.types import registry

    parts = [entity.schema.label]
    countries = sorted(set(entity.get_type_values(registry.country)))
    if countries:
        parts.append(", ".join(c.upper() for c in countries))
    born = entity.get("birthDate", quiet=True)
    if born:
        parts.append("born " + ", ".join(sorted(born)))
    parts.append(listing.reference.title or listing.reference.id)
    return " · ".join(parts)


def reconcile(
    lists: Sequence[tuple[SanctionsList, Matcher]],
    batch: dict[str, ReconQuery],
    threshold: float,
) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Each query's candidates, strongest first: `match` when the score reaches `threshold`,
    and the matcher's features with their scores. Every query is read before any is
    matched, so a batch is answered whole or refused whole."""
    from followthemoney import model

    from diversion.service.matching import search

    questions = {key: asked(key, query) for key, query in batch.items()}
    answers: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for key, question in questions.items():
        hits = search(
            lists,
            question.names,
            question.identifiers[0] if question.identifiers else None,
            min(threshold, 0.5),
            limit=question.limit,
            schema=question.schema,
            countries=question.countries,
            birth_dates=question.birth_dates,
            address=question.addresses[0] if question.addresses else None,
        )
        result = []
        for hit in hits:
            found, listing = hit.match, hit.listing
            entity = listing.entities.get(found.entity_id)
            schema = model.get(found.schema)
            candidate: dict[str, Any] = {
                "id": found.entity_id,
                "name": found.caption,
                "score": round(found.score, 4),
                "match": found.score >= threshold,
                "type": [_type(schema)] if schema is not None else [found.schema],
                "features": [
                    {"id": feature.name, "value": round(feature.score, 4)}
                    for feature, _ in found.features
                ],
            }
            if entity is not None:
                candidate["description"] = describe(entity, listing)
            result.append(candidate)
        answers[key] = {"result": result}
    return answers


def manifest(
    name: str,
    base_url: str,
    schemata: Iterable[Schema],
    *,
    server: str,
    credentials: str = "",
) -> dict[str, Any]:
    """The service manifest for the endpoint at `base_url` on the server at `server`.
    `credentials` (`?api_key=...`, or nothing) is added to the suggest and preview URLs,
    which OpenRefine calls from the user's browser."""
    suggest = {
        kind: {"service_url": base_url, "service_path": f"/suggest/{kind}{credentials}"}
        for kind in ("entity", "type", "property")
    }
    preview = f"{base_url}/preview?id={{{{id}}}}" + credentials.replace("?", "&", 1)
    return {
        "versions": VERSIONS,
        "name": name,
        "identifierSpace": f"{server}/entities/",
        "schemaSpace": "https://followthemoney.tech/explorer/schemata/",
        "documentation": f"{server}/docs",
        "view": {"url": f"{server}/app/entities/{{{{id}}}}"},
        "preview": {"url": preview, "width": 430, "height": 300},
        "suggest": suggest,
        "defaultTypes": [_type(s) for s in schemata],
        "batchSize": BATCH_SIZE,
        "authentication": {"type": "apiKey", "name": "api_key", "in": "query"},
    }


def matchable_schemata(lists: Iterable[SanctionsList]) -> list[Schema]:
    """The party schemata the lists hold, most entities first: the manifest's default types."""
    from collections import Counter

    counts: Counter[Schema] = Counter()
    for listing in lists:
        for entity in listing.parties():
            counts[entity.schema] += 1
    return [schema for schema, _ in counts.most_common()]


# -- suggest ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Names:
    """A list's names, folded, each from each word on, sorted: prefix search by bisection."""

    keys: list[str]
    ids: list[str]


_NAMES: dict[str, _Names] = {}  # by snapshot id: a snapshot never changes


def _names(listing: SanctionsList) -> _Names:
    known = _NAMES.get(listing.reference.id)
    if known is not None:
        return known
    pairs: set[tuple[str, str]] = set()
    for entity in listing.parties():
        for name in entity.get_type_values(_name_type()):
            words = fold_text(name).split()
            for start in range(len(words)):
                pairs.add((" ".join(words[start:]), str(entity.id)))
    ordered = sorted(pairs)
    if len(_NAMES) >= 16:
        _NAMES.clear()
    _NAMES[listing.reference.id] = made = _Names([k for k, _ in ordered], [i for _, i in ordered])
    return made


def _name_type() -> Any:
    from followthemoney.types import registry

    return registry.name


def _prefixed(listing: SanctionsList, prefix: str) -> list[str]:
    """Ids of the entities with a name, or a word of a name, that starts with `prefix`; those
    whose whole name starts with it first."""
    folded = fold_text(prefix)
    if not folded:
        return []
    names = _names(listing)
    first: list[str] = []
    rest: list[str] = []
    at = bisect_left(names.keys, folded)
    while at < len(names.keys) and names.keys[at].startswith(folded):
        entity = listing.entities[names.ids[at]]
        whole = any(fold_text(n).startswith(folded) for n in entity.get_type_values(_name_type()))
        (first if whole else rest).append(names.ids[at])
        at += 1
    return list(dict.fromkeys(first + rest))


def suggest_entities(
    lists: Sequence[tuple[SanctionsList, Matcher]], prefix: str, cursor: int, limit: int
) -> list[dict[str, Any]]:
    """Entities by id, then by name prefix, then as the matcher finds the prefix as a name
    (another spelling or script), from `cursor` on."""
    from diversion.matching.defaults import DEFAULT_THRESHOLD
    from diversion.service.matching import search

    chosen: dict[str, SanctionsList] = {}
    for listing, _ in lists:
        if prefix in listing.entities:
            chosen.setdefault(prefix, listing)
    for listing, _ in lists:
        for entity_id in _prefixed(listing, prefix):
            chosen.setdefault(entity_id, listing)
    wanted = cursor + limit
    if len(chosen) < wanted and prefix.strip():
        for hit in search(lists, [prefix.strip()], None, DEFAULT_THRESHOLD, limit=wanted):
            chosen.setdefault(hit.match.entity_id, hit.listing)
    found = []
    for entity_id, listing in list(chosen.items())[cursor:wanted]:
        entity = listing.entities[entity_id]
        found.append(
            {
                "id": entity_id,
                "name": entity.caption,
                "description": describe(entity, listing),
                "notable": [_type(entity.schema)],
            }
        )
    return found


def _starts(prefix: str, *texts: str) -> bool:
    folded = fold_text(prefix)
    return any(fold_text(t).startswith(folded) for t in texts) if folded else True


def suggest_types(schemata: Iterable[Schema], prefix: str) -> list[dict[str, Any]]:
    return [_type(s) for s in schemata if _starts(prefix, s.name, s.label)]


def suggest_properties(prefix: str) -> list[dict[str, str]]:
    """The properties a query may give (what the matcher compares), with what each does."""
    from followthemoney import model

    found = []
    for name, use in PROPERTIES.items():
        owner = model.get("Person") if name in ("birthDate", "nationality") else None
        owner = owner or model.get(PARTY_SCHEMA)
        prop = owner.get(name) if owner is not None else None
        label = prop.label if prop is not None else name
        if _starts(prefix, name, label):
            found.append({"id": name, "name": label, "description": use})
    return found


# -- preview ------------------------------------------------------------------------------------


def find(lists: Iterable[tuple[SanctionsList, Matcher]], entity_id: str) -> Found | None:
    for listing, _ in lists:
        entity = listing.entities.get(entity_id)
        if entity is not None:
            return Found(entity, listing)
    return None


@dataclass(frozen=True)
class Found:
    entity: EntityProxy
    listing: SanctionsList

    def facts(self) -> list[tuple[str, list[str]]]:
        """What a preview shows, label and values: the names, the facts the matcher
        compares, and the sanctions (programme, authority, dates) the list gives."""
        entity = self.entity
        shown: list[tuple[str, list[str]]] = [("Type", [entity.schema.label])]
        for name in (*NAMES[1:], *COUNTRIES, *BIRTH_DATES, *IDENTIFIERS, *ADDRESSES):
            prop = entity.schema.get(name)
            values = entity.get(name, quiet=True)
            if prop is not None and values:
                if prop.type.name == "country":
                    values = [v.upper() for v in values]
                shown.append((prop.label, sorted(values)[:10]))
        for sanction in self.listing.sanctions.get(str(entity.id), ()):
            said = [
                v
                for p in ("program", "authority", "startDate", "reason")
                for v in sanction.get(p, quiet=True)
            ]
            if said:
                shown.append(("Sanction", said[:6]))
        shown.append(("List", [self.listing.reference.title or self.listing.reference.id]))
        return shown
