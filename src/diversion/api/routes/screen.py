"""`POST /screen`: screen declarations as `diversion screen` does, through the service."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from diversion.api import schemas
from diversion.api.deps import Analyst, ScreeningDep
from diversion.declarations import Declaration
from diversion.declarations.errors import reason_of

router = APIRouter()


@router.post(
    "/screen",
    response_model=schemas.Screened,
    tags=["screening"],
    responses={422: {"model": schemas.Problem}},
)
def screen(
    body: dict[str, Any] | list[Any],  # each entry is checked on its own, below
    user: Analyst,
    screening: ScreeningDep,
    history: Annotated[Literal["store"] | None, Query()] = None,
    lang: Annotated[
        Literal["en", "ru", "kk"],
        Query(
            description="The language of each reason's `message` (`message_id` and `params` "
            "are the same in every language)."
        ),
    ] = "en",
) -> schemas.Screened:
    """Screen one declaration (an object) or a batch (`{"declarations": [...]}` or a list),
    in the JSON Lines form of docs/declarations.md, as `diversion screen` does: with the
    home's rules file, and the batch (with `history=store`, also every declaration
    screened before) as history. Yellow and red ones open cases. Reasons' messages are in
    English unless `lang` asks for Russian (`ru`) or Kazakh (`kk`)."""
    items = body if isinstance(body, list) else body.get("declarations", [body])
    if not isinstance(items, list) or not items or len(items) > 1000:
        raise HTTPException(422, "send a declaration, or 1 to 1,000 in `declarations`")
    valid: list[Declaration] = []
    errors: list[dict[str, Any]] = []
    for number, item in enumerate(items, start=1):
        try:
            valid.append(Declaration.model_validate(item))
        except ValidationError as exc:
            named = item.get("declaration_id") if isinstance(item, dict) else None
            errors.extend(
                {
                    "declaration": number,
                    "declaration_id": named if isinstance(named, str) else None,
                    "field": ".".join(str(p) for p in e["loc"]) or "-",
                    "reason": reason_of(e),
                }
                for e in exc.errors()
            )
    if not valid:
        return JSONResponse(  # type: ignore[return-value]
            {"detail": "no valid declaration", "errors": errors}, status_code=422
        )
    done = screening.screen(valid, history=history, actor=user.username)
    return schemas.Screened(
        decisions=[d.to_dict(lang) for d in done.decisions],
        cases_opened=done.opened,
        errors=errors,
    )
