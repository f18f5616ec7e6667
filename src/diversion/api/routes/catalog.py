"""`/catalog` and `/algorithms`: the lists `/match` and `/search` read, and the algorithms
`/match` offers, as yente describes them."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from diversion.api import schemas
from diversion.api.deps import ScreeningDep, StoreDep, Viewer
from diversion.service import entities as service
from diversion.service.algorithms import algorithms as described

router = APIRouter()


@router.get("/catalog", response_model=schemas.Catalog, tags=["matching"])
def catalog(user: Viewer, store: StoreDep, screening: ScreeningDep) -> Any:
    """Each active list as a dataset (its snapshot as the version), and `default`, the
    collection of them all."""
    lists = screening.context().sanctions_lists
    return service.catalog(lists, service.snapshot_times(store, lists))


@router.get("/algorithms", response_model=schemas.Algorithms, tags=["matching"])
def algorithms(user: Viewer) -> Any:
    """The algorithms `/match` takes in `algorithm`: `diversion` (the default and the best)
    and nomenklatura's `logic-v2`, with their features and settings."""
    return described()
