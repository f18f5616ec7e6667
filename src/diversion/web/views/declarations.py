"""A declaration with its decision and case, and the form that acts on the case."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from diversion.cases.errors import WorkflowError
from diversion.cases.workflow import Cases, workflow
from diversion.screening.records import DeclarationRecords
from diversion.service.screening import ScreeningService
from diversion.web.deps import (
    ScreeningDep,
    StoreDep,
    check_csrf,
    language,
    render,
    session_user,
)
from diversion.web.entity_view import ftm_language
from diversion.web.evidence import Readable, readable
from diversion.web.i18n import translator

router = APIRouter()


@router.get(
    "/app/declarations/{declaration_id}", response_class=HTMLResponse, include_in_schema=False
)
def declaration(
    request: Request, declaration_id: str, store: StoreDep, screening: ScreeningDep
) -> HTMLResponse:
    session_user(request)
    stored = DeclarationRecords(store).get(declaration_id)
    if stored is None:
        raise HTTPException(404, f"no declaration {declaration_id!r}")
    body, decision = stored
    cases = Cases(store)
    case = cases.for_declaration(declaration_id)
    actions = cases.actions(case.id) if case else []
    lang = language(request)
    return render(
        request,
        "declaration.html.j2",
        declaration=body,
        decision=decision,
        case=case,
        actions=actions,
        flow=workflow(),
        readable=_readable(decision.get("reasons", []), screening, lang, translator(lang)),
    )


def _readable(
    reasons: list[dict[str, Any]], screening: ScreeningService, lang: str, t: Callable[..., str]
) -> list[Readable]:
    """Each reason's evidence as tables; names of registry and list entities from the
    screening context the page is shown with."""
    context = screening.context()
    network = context.network

    def caption(entity_id: str) -> str:
        if network is not None and entity_id in network.entities:
            return network.caption(entity_id)
        for listing in context.sanctions_lists:
            if (entity := listing.entities.get(entity_id)) is not None:
                return str(entity.caption)
        return entity_id

    def sanctions_of(entity_id: str) -> list[dict[str, str]]:
        found = []
        with ftm_language(lang):
            for listing in context.sanctions_lists:
                for sanction in listing.sanctions.get(entity_id, ()):
                    told = {"programme": ", ".join(sanction.get("program", quiet=True))}
                    for name in ("authority", "startDate", "listingDate", "endDate", "reason"):
                        prop = sanction.schema.get(name)
                        values = sanction.get(name, quiet=True)
                        if prop is not None and values:
                            told[prop.label] = ", ".join(values)
                    found.append(told)
        return found

    return [
        readable(reason.get("evidence") or {}, t, lang, caption, sanctions_of) for reason in reasons
    ]


@router.post("/app/declarations/{declaration_id}/act", include_in_schema=False)
def act(
    request: Request,
    declaration_id: str,
    store: StoreDep,
    action: str = Form(..., max_length=30),
    reason: str = Form("", max_length=5000),
    assignee: str = Form("", max_length=60),
    csrf: str = Form(""),
) -> Response:
    user, token = session_user(request)
    check_csrf(token, csrf)
    t = translator(language(request))
    case = Cases(store).for_declaration(declaration_id)
    target = f"/app/declarations/{quote(declaration_id)}"
    if case is None:
        raise HTTPException(404, f"no case for {declaration_id!r}")
    try:
        done = Cases(store).act(case.id, user.username, action, reason, assignee or None)
    except WorkflowError as exc:
        note = quote(t("not_allowed", detail=str(exc)))
        return RedirectResponse(f"{target}?error={note}", status_code=303)
    title = t(f"status_{done.status}")
    return RedirectResponse(f"{target}?message={quote(t('done', status=title))}", status_code=303)
