"""Request and response bodies of the HTTP API. The /match ones have yente's shape, so that
clients written for OpenSanctions' API work against Diversion unchanged."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model

from diversion.licences.model import AMOUNT, FIELDS, LIST, LicenceField


class Problem(BaseModel):
    detail: str = Field(..., examples=["case 12 is released: release needs one of open, ..."])


class Health(BaseModel):
    status: str = "ok"
    lists: list[str]


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"


class EntityExample(BaseModel):
    """A query by example, as yente takes it: a schema and properties (name parts such as
    `firstName` and `lastName` are combined into names, as yente does)."""

    model_config = ConfigDict(populate_by_name=True)

    id: str | None = Field(None, max_length=300)
    schema_: str = Field(..., alias="schema", examples=["Company"], max_length=40)
    properties: dict[str, str | list[Any]] = Field(
        ..., examples=[{"name": ["ТОО «Беркут Аэро Трейд»"], "country": ["kz"]}]
    )


class MatchQuery(BaseModel):
    weights: dict[str, float] = Field(default_factory=dict, examples=[{"country": -0.2}])
    config: dict[str, str | int | float | bool | None] = Field(
        default_factory=dict,
        examples=[{"person_near_miss_cap": 0.65}],
        description="The algorithm's settings for this request, as yente's `config` "
        "(`diversion match settings` lists Diversion's, `/algorithms` both algorithms'); an "
        "unknown setting is refused.",
    )
    queries: dict[str, EntityExample] = Field(..., max_length=100)


class Total(BaseModel):
    value: int
    relation: str = "eq"


class Entity(BaseModel):
    """A list entity as yente gives it. `properties` hold strings, or with `nested` the
    entities around it; `target` says its list names it (not only links to it)."""

    model_config = ConfigDict(populate_by_name=True)

    id: str
    caption: str
    schema_: str = Field(..., alias="schema")
    properties: dict[str, list[Any]]
    datasets: list[str]
    referents: list[str] = Field(default_factory=list)
    target: bool = False
    first_seen: str | None = None
    last_seen: str | None = None
    last_change: str | None = None


class FeatureResult(BaseModel):
    """A feature's score, as yente's `FeatureResult`; `detail` holds Diversion's words."""

    score: float
    detail: str | None = None
    query: str | None = None
    candidate: str | None = None
    weight: float | None = None


class ScoredEntity(Entity):
    """A result as yente gives it: the entity, its score, `match` and the feature results;
    Diversion adds `explanation`, `matched` and `method`."""

    score: float
    match: bool
    features: dict[str, float]
    explanations: dict[str, FeatureResult] = Field(default_factory=dict)
    explanation: str | None = Field(None, description="Diversion's words for the score.")
    matched: str | None = Field(None, description="The listed name or identifier matched.")
    method: str | None = Field(None, description="name, identifier or identifier+name.")


class EntityMatches(BaseModel):
    status: int = 200
    results: list[ScoredEntity]
    total: Total
    query: dict[str, Any]


class MatchResponse(BaseModel):
    responses: dict[str, EntityMatches]
    matcher: dict[str, Any]
    limit: int


class Page(BaseModel):
    """One page of entities, as yente's paged answers."""

    results: list[Entity]
    total: Total
    limit: int
    offset: int


class Adjacent(BaseModel):
    entity: Entity
    adjacent: dict[str, Page]


class FacetValue(BaseModel):
    name: str
    label: str
    count: int


class Facet(BaseModel):
    label: str
    values: list[FacetValue]


class SearchResponse(Page):
    facets: dict[str, Facet] = Field(default_factory=dict)


class FeatureDoc(BaseModel):
    description: str | None
    coefficient: float
    url: str | None = None


class ConfigVar(BaseModel):
    type: str
    description: str | None = None
    default: str | int | float | bool | None = None


class Algorithm(BaseModel):
    name: str
    description: str | None = None
    features: dict[str, FeatureDoc]
    config: dict[str, ConfigVar] = Field(default_factory=dict)


class Algorithms(BaseModel):
    algorithms: list[Algorithm]
    default: str
    best: str


class Dataset(BaseModel):
    name: str
    title: str | None = None
    summary: str | None = None
    version: str | None = None
    entity_count: int | None = None
    thing_count: int | None = None
    updated_at: str | None = None
    load: bool = True
    index_current: bool = True
    index_version: str | None = None
    children: list[str] = Field(default_factory=list)
    sha256: str | None = None


class Catalog(BaseModel):
    datasets: list[Dataset]
    current: list[str]
    outdated: list[str]
    index_stale: bool = False


class Status(BaseModel):
    status: str = "ok"


class Screened(BaseModel):
    decisions: list[dict[str, Any]]
    cases_opened: list[int]
    errors: list[dict[str, Any]]


class CaseAction(BaseModel):
    action: str = Field(..., examples=["release"], max_length=30)
    reason: str | None = Field(None, max_length=5000)
    assignee: str | None = Field(None, max_length=60)


class CaseOut(BaseModel):
    id: int
    declaration_id: str
    verdict: str
    corridor: str
    status: str
    assignee: str | None
    opened_at: str
    updated_at: str
    proposed_by: str | None
    decision: dict[str, Any]
    actions: list[dict[str, Any]] = Field(default_factory=list)


def _licence_type(field: LicenceField) -> Any:
    """A licence field as JSON carries it: amounts as plain digits, dates as ISO dates."""
    if field.kind == LIST:
        return list[str]
    return str if field.required and field.kind != AMOUNT else str | None


_LICENCE_FIELDS: dict[str, Any] = {
    field.name: (_licence_type(field), Field(..., description=field.description))
    for field in FIELDS
}
_DRAWN: dict[str, Any] = {
    "quantity_used": (str, Field(..., description="Quantity drawn so far.")),
    "quantity_left": (str | None, Field(..., description="Quantity left; none without a limit.")),
    "value_used": (str, Field(..., description="Value drawn so far.")),
    "value_left": (str | None, Field(..., description="Value left; none without a limit.")),
    "status_reason": (str | None, Field(..., description="Why it was last suspended or revoked.")),
}
# A licence and what is drawn on it (`LicenceState.to_dict`), read from the licence fields.
LicenceOut = create_model("LicenceOut", **_LICENCE_FIELDS, **_DRAWN)
LICENCES: Any = list[LicenceOut]  # type: ignore[valid-type]  # a response model built at run time
