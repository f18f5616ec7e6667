"""`/healthz`: alive, and which lists are active."""

from __future__ import annotations

from fastapi import APIRouter

from diversion.api import schemas
from diversion.api.deps import StoreDep
from diversion.lists.snapshots import ListStore

router = APIRouter()


@router.get("/healthz", response_model=schemas.Health, tags=["service"])
def healthz(store: StoreDep) -> schemas.Health:
    """Alive, and which lists are active (no token needed)."""
    active = [s.id for _, s, _ in ListStore(store).lists() if s is not None]
    return schemas.Health(lists=active)
