"""`POST /match/{dataset}`: yente's match API over the active lists."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query

from diversion.api import schemas
from diversion.api.deps import ScreeningDep, StoreDep, Viewer
from diversion.matching.defaults import DEFAULT_THRESHOLD
from diversion.service import matching
from diversion.service.entities import entity_json, snapshot_times

router = APIRouter()

ListParam = Annotated[list[str], Query()]


def checked_since(value: str | None) -> str | None:
    """An ISO date or date-time, else 400 (as yente refuses it)."""
    if value is None:
        return None
    try:
        datetime.fromisoformat(value)
    except ValueError:
        raise HTTPException(400, f"changed_since: {value!r} is no ISO date or time") from None
    return value


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
    store: StoreDep,
    threshold: Annotated[float | None, Query(ge=0.0, le=1.0)] = None,
    cutoff: Annotated[float, Query(ge=0.0, le=1.0)] = 0.5,
    limit: Annotated[int, Query(ge=1, le=500)] = 5,
    algorithm: Annotated[str, Query(max_length=40)] = "default",
    topics: ListParam = [],  # noqa: B006  (FastAPI copies query defaults)
    include_dataset: ListParam = [],  # noqa: B006
    exclude_dataset: ListParam = [],  # noqa: B006
    exclude_schema: ListParam = [],  # noqa: B006
    exclude_entity_ids: ListParam = [],  # noqa: B006
    changed_since: str | None = None,
) -> Any:
    """yente's match API: queries by example (`schema`, `properties`; `firstName`,
    `lastName` ... are combined into names as yente does), scored by the `algorithm` (
    `diversion`, the default and best, or nomenklatura's `logic-v2` on the candidates
    Diversion's index finds) against the lists of `dataset`; results under `cutoff` are left
    out, those at or over `threshold` have `match`. A query the matcher cannot read is a 400."""
    try:
        chosen = matching.algorithm_named(algorithm)
    except LookupError as exc:
        raise HTTPException(400, str(exc)) from None
    if threshold is None:
        threshold = (
            DEFAULT_THRESHOLD if chosen == matching.DIVERSION else matching.LOGIC_V2_THRESHOLD
        )
    options = matching.Options(
        threshold=threshold,
        cutoff=cutoff,
        limit=limit,
        algorithm=chosen,
        weights=body.weights,
        config=body.config,
    )
    try:
        settings = None
        if chosen == matching.DIVERSION:
            settings = matching.diversion_settings(body.config)
        else:
            matching.logic_v2_config(body.weights, body.config)
    except ValueError as exc:  # SettingsError is one
        raise HTTPException(422, f"config: {exc}") from None
    filters = matching.Filters(
        topics=tuple(topics),
        exclude_schema=tuple(exclude_schema),
        exclude_entity_ids=tuple(exclude_entity_ids),
        changed_since=checked_since(changed_since),
    )
    context = screening.context()
    try:
        lists = matching.lists_selected(context, dataset, include_dataset, exclude_dataset)
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from None
    examples: dict[str, matching.Example] = {}
    for key, query in body.queries.items():
        try:
            examples[key] = matching.Example.read(query.schema_, query.properties)
        except matching.QueryError as exc:
            raise HTTPException(400, f"query {key}: {exc}") from None
    times = snapshot_times(store, [listing for listing, _ in lists])
    responses: dict[str, Any] = {}
    for key, example in examples.items():
        scored = matching.match_example(lists, example, options, filters, times)
        results = []
        for found in scored:
            result = entity_json(found.entity, found.listing.reference.id, found.listing, times)
            result.update(
                score=found.score,
                match=found.match,
                features={name: f.score for name, f in found.features.items()},
                explanations={
                    name: {
                        "score": f.score,
                        "detail": f.detail,
                        "query": f.query,
                        "candidate": f.candidate,
                        "weight": f.weight,
                    }
                    for name, f in found.features.items()
                },
                explanation=found.explanation or None,
                matched=found.matched or None,
                method=found.method or None,
            )
            results.append(result)
        echoed = example.entity.to_dict()
        echoed.pop("caption", None)
        if body.queries[key].id is not None:
            echoed["id"] = body.queries[key].id
        else:
            echoed.pop("id", None)
        responses[key] = {
            "status": 200,
            "results": results,
            "total": {"value": len(results), "relation": "eq"},
            "query": echoed,
        }
    described = {
        "description": "Diversion's name matcher (docs/matching.md)"
        if chosen == matching.DIVERSION
        else "nomenklatura's logic-v2, scoring the candidates Diversion's index finds",
        "threshold": threshold,
        "cutoff": cutoff,
        "config": settings.changed() if settings is not None else dict(body.config),
    }
    return {"responses": responses, "matcher": {chosen: described}, "limit": limit}
