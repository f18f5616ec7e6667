"""A page of a query's rows: the database returns only the page, and counts the rest.

Every list the API and the CLI show (cases, licences, lists) is read a page at a time, so that
a queue of thousands answers with what was asked (`GET /cases` once returned 44 MB).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

T = TypeVar("T")
R = TypeVar("R")

MAX_LIMIT = 1000  # rows in one page, at most


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int  # rows that pass the filters, on every page
    offset: int
    limit: int

    @property
    def next_offset(self) -> int | None:
        after = self.offset + len(self.items)
        return after if after < self.total and self.items else None

    @property
    def previous_offset(self) -> int | None:
        return max(self.offset - self.limit, 0) if self.offset > 0 else None

    def map(self, how: Callable[[T], R]) -> Page[R]:
        return Page([how(item) for item in self.items], self.total, self.offset, self.limit)


def check_window(limit: int, offset: int) -> None:
    if not 1 <= limit <= MAX_LIMIT:
        raise ValueError(f"limit must be 1 to {MAX_LIMIT}")
    if offset < 0:
        raise ValueError("offset must be 0 or more")


def page_of(session: Session, query: Select[Any], limit: int, offset: int) -> Page[Any]:
    """The rows of `query` (ordered by the caller) from `offset`, at most `limit`, and how
    many rows it has in all: two statements, neither of which reads the other pages' rows."""
    check_window(limit, offset)
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = list(session.scalars(query.limit(limit).offset(offset)))
    return Page(rows, int(total or 0), offset, limit)
