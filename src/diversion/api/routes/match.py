"""`POST /match/{dataset}`: yente's match API over the active lists."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from followthemoney import model

from diversion.api import schemas
from diversion.api.deps import ScreeningDep, Viewer
from diversion.lists import SanctionsList
from diversion.matching.scoring import DEFAULT_THRESHOLD
from diversion.matching.settings import DEFAULTS as MATCH_SETTINGS
from diversion.matching.settings import SettingsError
from diversion.service.matching import lists_named, search
from diversion.service.screening import ScreeningService

IDENTIFIER_PROPERTIES = ("registrationNumber", "taxNumber", "idNumber", "innCode", "ogrnCode")
COUNTRY_PROPERTIES = ("country", "jurisdiction", "nationality", "citizenship")

router = APIRouter()


def _values(properties: dict[str, Any], names: tuple[str, ...]) -> list[str]:
    found: list[str] = []
    for name in names:
        value = properties.get(name)
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, list):
            found.extend(str(v) for v in value if isinstance(v, str | int | float))
    return [v for v in found if v.strip()]


def _listings(screening: ScreeningService, dataset: str) -> list[tuple[SanctionsList, Any]]:
    try:
        return lists_named(screening.context(), dataset)
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from None


@router.post(
    "/match/{dataset}",
    response_model=schemas.MatchResponse,
    tags=["matching"],
    response_model_by_alias=True,
)
def match(
    dataset: str,
    body: schemas.MatchQuery,
    user: Viewer,
    screening: ScreeningDep,
    threshold: Annotated[float, Query(ge=0.0, le=1.0)] = DEFAULT_THRESHOLD,
    limit: Annotated[int, Query(ge=1, le=100)] = 5,
) -> schemas.MatchResponse:
    """yente's match API: queries by example (`schema`, `properties`), scored against the
    lists; each result has `score`, `match` (score at or over `threshold`), `features`
    and Diversion's `explanations` of each feature."""
    try:
        settings = MATCH_SETTINGS.with_overrides(body.config)
    except SettingsError as exc:
        raise HTTPException(422, f"config: {exc}") from None
    listings = _listings(screening, dataset)
    responses: dict[str, schemas.EntityMatches] = {}
    for key, query in body.queries.items():
        props = query.properties
        names = _values(props, ("name", "alias", "weakAlias", "previousName"))
        identifiers = _values(props, IDENTIFIER_PROPERTIES)
        schema = model.get(query.schema_)
        if schema is None or (not names and not identifiers):
            why = 400
            responses[key] = schemas.EntityMatches(
                status=why, results=[], total=schemas.Total(value=0), query=query
            )
            continue
        ranked = search(
            listings,
            names,
            identifiers[0] if identifiers else None,
            min(threshold, 0.5),
            schema=schema.name,
            countries=_values(props, COUNTRY_PROPERTIES),
            birth_dates=_values(props, ("birthDate",)),
            address=next(iter(_values(props, ("address",))), None),
            weights=body.weights or None,
            limit=limit,
            settings=settings,
        )
        results = []
        for found in ranked:
            hit, listing = found.match, found.listing
            entity = listing.entities.get(hit.entity_id)
            properties = entity.to_dict().get("properties", {}) if entity is not None else {}
            results.append(
                schemas.ScoredEntity(
                    id=hit.entity_id,
                    caption=hit.caption,
                    schema=hit.schema,
                    properties=properties,
                    datasets=[listing.reference.id],
                    score=round(hit.score, 4),
                    features={f.name: round(f.score, 4) for f, _ in hit.features},
                    explanations={f.name: f.explanation for f, _ in hit.features},
                    match=hit.score >= threshold,
                )
            )
        responses[key] = schemas.EntityMatches(
            results=results, total=schemas.Total(value=len(results)), query=query
        )
    matcher = {
        "diversion": {
            "description": "Diversion's name matcher (docs/matching.md)",
            "threshold": threshold,
            "config": settings.changed(),
        }
    }
    return schemas.MatchResponse(responses=responses, matcher=matcher, limit=limit)
