"""`/licences`: what each licence allows, what is used and what is left."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException

from diversion.api import schemas
from diversion.api.deps import StoreDep, Viewer
from diversion.licences import LicenceStore

router = APIRouter()


@router.get("/licences", tags=["licences"], response_model=schemas.LICENCES)
def licences(user: Viewer, store: StoreDep) -> list[dict[str, Any]]:
    """Every licence with what it allows, what is used and what is left."""
    return [state.to_dict() for state in LicenceStore(store).licences()]


@router.get("/licences/{number}", tags=["licences"], response_model=schemas.LicenceOut)
def licence(number: str, user: Viewer, store: StoreDep) -> dict[str, Any]:
    for state in LicenceStore(store).licences():
        if state.licence.licence_no == number:
            return state.to_dict()
    raise HTTPException(404, f"no licence {number!r}")
