"""`/healthz` and `/readyz`: alive, and ready to match."""

from __future__ import annotations

from fastapi import APIRouter, HTTPException

from diversion.api import schemas
from diversion.api.deps import ScreeningDep, StoreDep
from diversion.lists.snapshots import ListStore

router = APIRouter()


@router.get("/healthz", response_model=schemas.Health, tags=["service"])
def healthz(store: StoreDep) -> schemas.Health:
    """Alive, and which lists are active (no token needed)."""
    active = [s.id for _, s, _ in ListStore(store).lists() if s is not None]
    return schemas.Health(lists=active)


@router.get("/readyz", response_model=schemas.Status, tags=["service"])
def readyz(screening: ScreeningDep) -> schemas.Status:
    """Ready: the lists are loaded and indexed (loading them if they are not yet); 503 when
    the home's settings keep screening from starting (no token needed)."""
    try:
        context = screening.context()
    except Exception as exc:  # the settings errors of the app answer 503 with their faults
        raise HTTPException(503, f"not ready: {exc}") from None
    if not context.matchers:
        raise HTTPException(503, "not ready: no list is loaded")
    return schemas.Status()
