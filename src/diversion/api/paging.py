"""Paging on the API's lists: `limit` and `offset` in, the page as the body (a JSON list, as
before paging), and the rest in headers: `X-Total-Count`, and a `Link` header with the `next`
and `prev` pages (RFC 8288, as GitHub's API has it)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, Request, Response

from diversion.store.paging import MAX_LIMIT, Page

Limit = Annotated[
    int, Query(ge=1, le=MAX_LIMIT, description=f"Rows per page (at most {MAX_LIMIT}).")
]
Offset = Annotated[int, Query(ge=0, le=2**31 - 1, description="Rows to skip.")]


def link_headers(request: Request, response: Response, page: Page[Any]) -> None:
    """X-Total-Count, X-Next-Offset (when there is a next page) and the Link header."""
    response.headers["X-Total-Count"] = str(page.total)
    links(request, response, page.limit, page.next_offset, page.previous_offset)


def links(
    request: Request, response: Response, limit: int, after: int | None, before: int | None
) -> None:
    """The Link header to the next page (from `after`) and the previous one (from `before`),
    and X-Next-Offset: for lists whose total is not counted (trade-flow findings)."""
    found = []
    for rel, offset in (("next", after), ("prev", before)):
        if offset is not None:
            url = request.url.include_query_params(offset=offset, limit=limit)
            found.append(f'<{url}>; rel="{rel}"')
    if after is not None:
        response.headers["X-Next-Offset"] = str(after)
    if found:
        response.headers["Link"] = ", ".join(found)
