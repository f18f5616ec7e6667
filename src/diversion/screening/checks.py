"""The checks behind each rule of the catalogue. Each is a small function from a declaration
to the reasons it finds, reading its severity and parameters from its rule."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from diversion.countries import country_name
from diversion.declarations import Declaration
from diversion.rules import Rule
from diversion.screening.context import ScreeningContext
from diversion.screening.decision import Reason

Check = Callable[[Declaration, ScreeningContext, Rule], Iterator[Reason]]


def _role(role: str) -> str:
    return role.replace("_", " ")


def goods_controlled(decl: Declaration, ctx: ScreeningContext, rule: Rule) -> Iterator[Reason]:
    severity = rule.params.get("severity_by_procedure", {}).get(decl.procedure, rule.severity)
    reference = ctx.control_list.reference
    for item in decl.items:
        entry = ctx.control_list.lookup(item.hs_code)
        if entry is None:
            continue
        yield Reason(
            code=rule.id,
            severity=severity,
            item_no=item.item_no,
            message=(
                f"Item {item.item_no} (HS {item.hs_code}) is on the Common High Priority List, "
                f"tier {entry.tier}: {entry.description}"
            ),
            evidence={
                "control_list": reference.id,
                "control_list_version": reference.version,
                "hs_code": item.hs_code,
                "hs6": entry.hs6,
                "tier": entry.tier,
                "entry": entry.description,
            },
        )


def licence_missing(decl: Declaration, ctx: ScreeningContext, rule: Rule) -> Iterator[Reason]:
    if decl.procedure not in rule.params["procedures"]:
        return
    for item in decl.items:
        entry = ctx.control_list.lookup(item.hs_code)
        if entry is None or item.licence_no:
            continue
        yield Reason(
            code=rule.id,
            severity=rule.severity,
            item_no=item.item_no,
            message=(
                f"Item {item.item_no} (HS {item.hs_code}, CHPL tier {entry.tier}) is declared "
                f"for {decl.procedure} without a licence number"
            ),
            evidence={"hs6": entry.hs6, "tier": entry.tier, "procedure": decl.procedure},
        )


def goods_reexport_ban(decl: Declaration, ctx: ScreeningContext, rule: Rule) -> Iterator[Reason]:
    params = rule.params
    if decl.procedure not in params["procedures"]:
        return
    origins = ctx.country_groups[params["origin_group"]]
    banned = ctx.country_groups[params["destination_group"]]
    places = [("destination", decl.country_of_destination)]
    for role, party in decl.parties():
        if role in params["party_roles"] and party.country:
            places.append((role, party.country))
    hits = [{"role": role, "country": code} for role, code in places if code in banned]
    if not hits:
        return
    where = ", ".join(f"{_role(hit['role'])} in {country_name(hit['country'])}" for hit in hits)
    for item in decl.items:
        if item.country_of_origin not in origins:
            continue
        yield Reason(
            code=rule.id,
            severity=rule.severity,
            item_no=item.item_no,
            message=(
                f"Item {item.item_no} originates in {country_name(item.country_of_origin)}, "
                f"which bans exports to Russia, and goes to a banned destination ({where})"
            ),
            evidence={
                "country_of_origin": item.country_of_origin,
                "origin_group": origins.id,
                "destination_group": banned.id,
                "banned_destinations": hits,
            },
        )


def party_sanctioned(decl: Declaration, ctx: ScreeningContext, rule: Rule) -> Iterator[Reason]:
    params = rule.params
    block_score = float(params["block_score"])
    review_score = float(params["review_score"])
    for role, party in decl.parties():
        if role not in params["roles"]:
            continue
        identifier = getattr(party, "id", None)
        for matcher in ctx.matchers:
            listing = matcher.list
            matches = matcher.match(party.name, identifier, cutoff=review_score)
            for match in matches[: int(params["max_matches"])]:
                strong = match.score >= block_score
                programs = sorted(
                    {
                        f"{authority}: {program}"
                        for sanction in listing.sanctions.get(match.entity_id, ())
                        for authority in (sanction.get("authority") or ["?"])
                        for program in (sanction.get("program") or ["?"])
                    }
                )
                how = (
                    f"by identifier {match.matched!r}"
                    if match.method.startswith("identifier")
                    else (f"as {match.matched!r}" if match.matched != match.caption else "by name")
                )
                yield Reason(
                    code=rule.id,
                    severity=rule.severity if strong else "medium",
                    message=(
                        f"{_role(role).capitalize()} {party.name!r} "
                        f"{'matches' if strong else 'may match'} listed {match.schema.lower()} "
                        f"{match.caption!r} {how} (score {match.score:.2f})"
                    ),
                    evidence={
                        "role": role,
                        "query_name": party.name,
                        "list": listing.reference.id,
                        "list_version": listing.reference.version,
                        "list_sha256": listing.reference.sha256,
                        "entity_id": match.entity_id,
                        "entity_name": match.caption,
                        "schema": match.schema,
                        "matched_name": match.matched,
                        "method": match.method,
                        "score": match.score,
                        "explanation": match.explanation,
                        "programs": programs,
                    },
                )


CHECKS: dict[str, Check] = {
    "goods.controlled": goods_controlled,
    "licence.missing": licence_missing,
    "goods.reexport_ban": goods_reexport_ban,
    "party.sanctioned": party_sanctioned,
}
