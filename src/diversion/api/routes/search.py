"""`GET /search/{dataset}`: yente's full-text search over the lists."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query

from diversion.api import schemas
from diversion.api.deps import ScreeningDep, StoreDep, Viewer
from diversion.api.routes.match import checked_since
from diversion.service import entities as service
from diversion.service import matching

router = APIRouter()

ListParam = Annotated[list[str], Query()]


@router.get(
    "/search/{dataset}",
    response_model=schemas.SearchResponse,
    tags=["matching"],
    response_model_by_alias=True,
)
def search(
    dataset: str,
    user: Viewer,
    screening: ScreeningDep,
    store: StoreDep,
    q: Annotated[str, Query(max_length=1000)] = "",
    schema: Annotated[str | None, Query(max_length=40)] = None,
    countries: ListParam = [],  # noqa: B006  (FastAPI copies query defaults)
    topics: ListParam = [],  # noqa: B006
    include_dataset: ListParam = [],  # noqa: B006
    exclude_dataset: ListParam = [],  # noqa: B006
    exclude_schema: ListParam = [],  # noqa: B006
    changed_since: str | None = None,
    filter: ListParam = [],  # noqa: B006  (yente's name)
    facets: ListParam = list(service.DEFAULT_FACETS),  # noqa: B006
    limit: Annotated[int, Query(ge=0, le=500)] = 10,
    offset: Annotated[int, Query(ge=0, le=10_000)] = 0,
    sort: ListParam = [],  # noqa: B006
    fuzzy: bool = False,
    simple: bool = False,
) -> Any:
    """The entities with every word of `q` in their names, identifiers or addresses (folded:
    case, accents and scripts do not count), those with more of the words in their names
    first; filtered by `schema`, `countries`, `topics`, datasets, `exclude_schema`,
    `changed_since` and `filter=property:value`; counted by `facets` (`countries`,
    `topics`, `datasets`, `schema`); one page (`limit`, `offset`). `sort`, `fuzzy` and
    `simple` are accepted and do not change the answer."""
    from followthemoney import model

    if schema is not None and model.get(schema) is None:
        raise HTTPException(400, f"unknown schema {schema!r}")
    unknown = sorted(set(facets) - set(service.FACETS))
    if unknown:
        raise HTTPException(400, f"no facet {', '.join(unknown)}; use: {', '.join(service.FACETS)}")
    pairs: list[tuple[str, str]] = []
    for item in filter:
        prop, sep, value = item.partition(":")
        if not sep or not prop or not value:
            raise HTTPException(400, f"filter {item!r}: write property:value")
        pairs.append((prop, value))
    filters = matching.Filters(
        topics=tuple(topics),
        exclude_schema=tuple(exclude_schema),
        changed_since=checked_since(changed_since),
        schema=schema,
        countries=tuple(c.lower() for c in countries),
        properties=tuple(pairs),
    )
    context = screening.context()
    try:
        lists = [
            ls
            for ls, _ in matching.lists_selected(context, dataset, include_dataset, exclude_dataset)
        ]
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from None
    times = service.snapshot_times(store, lists)
    return service.search_text(lists, q, filters, times, limit=limit, offset=offset, facets=facets)
