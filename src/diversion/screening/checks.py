"""The checks behind each rule of the catalogue. Each is a small function from a declaration
to the reasons it finds, reading its severity and parameters from its rule."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from datetime import date
from typing import Any

from diversion.declarations import Declaration, Item
from diversion.goods import Hit
from diversion.goods.terms import controlled_terms
from diversion.i18n import Country, Joined, Text, has, text
from diversion.licences.model import licence_key
from diversion.matching.suppressions import Suppression, entity_data
from diversion.rules import SEVERITY_ORDER, Rule
from diversion.screening.context import ScreeningContext
from diversion.screening.decision import Reason, role_text
from diversion.screening.history_checks import HISTORY_CHECKS
from diversion.screening.licence_checks import LICENCE_CHECKS
from diversion.screening.network_checks import NETWORK_CHECKS
from diversion.screening.route_checks import ROUTE_CHECKS

Check = Callable[[Declaration, ScreeningContext, Rule], Iterator[Reason]]


def _declaring_country(decl: Declaration) -> str:
    """The state whose control lists govern a declaration: where the goods leave from, or
    for an import where they arrive."""
    return decl.country_of_destination if decl.procedure == "import" else decl.country_of_dispatch


def _list_hits(decl: Declaration, ctx: ScreeningContext, item: Item, lists: Any) -> list[Hit]:
    """Entries of the named lists that name the item, in force on the declaration date, of
    lists that govern the declaring state."""
    country = _declaring_country(decl)
    return [
        hit
        for hit in ctx.goods.lookup(item.hs_code, lists=lists, on=decl.declared_at)
        if hit.control_list.applies_in(country)
    ]


def _milder(severity: str, other: str) -> str:
    return max(severity, other, key=SEVERITY_ORDER.index)


def _severity(rule: Rule, certain: bool) -> str:
    """The rule's severity, or its milder `uncertain_severity` when the goods may fall outside
    the entry (a split HS 2017 code, a declared code broader than the entry)."""
    return rule.severity if certain else str(rule.params.get("uncertain_severity", "medium"))


def _entries(hits: list[Hit]) -> list[dict[str, Any]]:
    return [hit.evidence() for hit in hits]


def _labels(hits: list[Hit]) -> Joined:
    return Joined(tuple(hit.label_text() for hit in hits), "list.semicolon")


def goods_controlled(decl: Declaration, ctx: ScreeningContext, rule: Rule) -> Iterator[Reason]:
    """Every control-list entry that names an item, with its list, category and legal basis."""
    severity = rule.params.get("severity_by_procedure", {}).get(decl.procedure, rule.severity)
    unlicensed = rule.params.get("severity_unlicensed", "low")
    skip = set(rule.params.get("skip_lists") or ())
    for item in decl.items:
        for hit in _list_hits(decl, ctx, item, rule.params.get("lists")):
            if hit.control_list.id in skip:
                continue
            entry = hit.entry
            what = entry.description or entry.category
            yield Reason(
                code=rule.id,
                severity=severity if entry.licence_required else _milder(severity, unlicensed),
                item_no=item.item_no,
                text=text(
                    "reason.goods.controlled",
                    item=item.item_no,
                    hs=item.hs_code,
                    entry=hit.label_text(),
                    category=entry.category,
                    what=what,
                    how=hit.how_text(),
                ),
                evidence=hit.evidence(),
            )


def licence_missing(decl: Declaration, ctx: ScreeningContext, rule: Rule) -> Iterator[Reason]:
    """An item that a list requires a licence for, with no licence number on it."""
    params = rule.params
    if decl.procedure not in params["procedures"]:
        return
    for item in decl.items:
        if item.licence_no:
            continue
        hits = [
            hit
            for hit in _list_hits(decl, ctx, item, params.get("lists"))
            if hit.entry.licence_required
        ]
        if not hits:
            continue
        certain = any(hit.certain for hit in hits)
        yield Reason(
            code=rule.id,
            severity=_severity(rule, certain),
            item_no=item.item_no,
            text=text(
                "reason.licence.missing",
                item=item.item_no,
                hs=item.hs_code,
                entries=_labels(hits),
                how=hits[0].how_text(),
                procedure=text(f"procedure.{decl.procedure}"),
            ),
            evidence={"procedure": decl.procedure, "certain": certain, "entries": _entries(hits)},
        )


def _no_licence_lifts(item: Item) -> Text | str:
    if item.licence_no:
        return text("reason.part.licence_cannot_lift", licence=licence_key(item.licence_no))
    return ""


def _param_date(value: object) -> date | None:
    """A date parameter of the catalogue (YAML gives dates; text is read as ISO)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _window(spec: Mapping[str, Any]) -> tuple[date | None, date | None]:
    return _param_date(spec.get("valid_from")), _param_date(spec.get("valid_to"))


def _inside(on: date, window: tuple[date | None, date | None]) -> bool:
    first, last = window
    return (first is None or on >= first) and (last is None or on <= last)


def _window_text(window: tuple[date | None, date | None]) -> Text:
    first, last = window
    return text("reason.part.window", first=str(first or "…"), last=str(last or "…"))


def _banned_places(decl: Declaration, banned: Any, roles: Any) -> list[dict[str, str]]:
    """The destination and the parties in `roles` whose country is in `banned`."""
    places = [("destination", decl.country_of_destination)]
    for role, party in decl.parties():
        if role in roles and party.country:
            places.append((role, party.country))
    return [{"role": role, "country": code} for role, code in places if code in banned]


def _where(places: list[dict[str, str]]) -> list[Text]:
    return [
        text("reason.part.role_in", role=role_text(p["role"]), country=Country(p["country"]))
        for p in places
    ]


def _certain(goods: list[Hit]) -> bool:
    """Whether a ban reaches the item for sure: it bans every good, or a hit is certain."""
    return not goods or any(hit.certain for hit in goods)


def goods_reexport_ban(decl: Declaration, ctx: ScreeningContext, rule: Rule) -> Iterator[Reason]:
    """Goods that their origin state (or the hub, for goods of some origins) bans for Russia
    or Belarus, going there or to a party there. Which goods each ban reaches, from when and
    where, is data: the rule's `origin_bans`."""
    params = rule.params
    if decl.procedure not in params["procedures"]:
        return
    banned = ctx.country_groups[params["destination_group"]]
    hits = _banned_places(decl, banned, params["party_roles"])
    if not hits:
        return
    where = _where(hits)
    dispatch = _declaring_country(decl)
    on = decl.declared_at
    bans = [
        ban
        for ban in params["origin_bans"]
        if _inside(on, _window(ban))
        and (not ban.get("jurisdiction") or dispatch in ban["jurisdiction"])
    ]
    for item in decl.items:
        found: list[tuple[Mapping[str, Any], list[Hit]]] = []
        for ban in bans:
            if item.country_of_origin not in ctx.country_groups[ban["origin_group"]]:
                continue
            every = (ban.get("goods") or params.get("goods", "listed")) == "all"
            goods: list[Hit] = []
            if not every:
                # origin states' bans follow the goods, not the hub: no jurisdiction filter
                goods = ctx.goods.lookup(item.hs_code, lists=ban["lists"], on=on)
                if not goods:
                    continue
            found.append((ban, goods))
        if not found:
            continue
        # the ban that decides: the first whose goods certainly include the item
        ban, goods = next((pair for pair in found if _certain(pair[1])), found[0])
        every = not goods
        certain = _certain(goods)
        what = (
            text("reason.part.all_goods")
            if every
            else text("reason.part.goods_on", entries=_labels(goods), how=goods[0].how_text())
        )
        window = _window(ban)
        by = ban.get("id") or ban["origin_group"]
        when = (
            text("reason.part.ban_window", ban=by, window=_window_text(window))
            if any(window)
            else text("reason.part.ban", ban=by)
        )
        yield Reason(
            code=rule.id,
            severity=_severity(rule, certain),
            item_no=item.item_no,
            text=text(
                "reason.goods.reexport_ban",
                item=item.item_no,
                origin=Country(item.country_of_origin),
                what=what,
                ban=when,
                where=where,
                licence=_no_licence_lifts(item),
            ),
            evidence={
                "ban": by,
                "ban_window": {
                    "valid_from": window[0].isoformat() if window[0] else None,
                    "valid_to": window[1].isoformat() if window[1] else None,
                },
                "ban_source": ban.get("source"),
                "country_of_origin": item.country_of_origin,
                "origin_group": ban["origin_group"],
                "origin_groups": [b["origin_group"] for b, _ in found],
                "bans": [b.get("id") or b["origin_group"] for b, _ in found],
                "destination_group": banned.id,
                "banned_destinations": hits,
                "goods": "all" if every else "listed",
                "ban_lists": list(ban["lists"]),
                "certain": certain,
                "entries": _entries(goods),
            },
        )


def goods_destination_ban(decl: Declaration, ctx: ScreeningContext, rule: Rule) -> Iterator[Reason]:
    """Goods whose export to a country a list entry bans outright (`banned_destinations`),
    going there or to a consignee or end user there. No licence lifts a ban."""
    params = rule.params
    if decl.procedure not in params["procedures"]:
        return
    dispatch = _declaring_country(decl)
    on = decl.declared_at
    places = [("destination", decl.country_of_destination)]
    for role, party in decl.parties():
        if role in params["party_roles"] and party.country:
            places.append((role, party.country))
    for item in decl.items:
        for hit in _list_hits(decl, ctx, item, params.get("lists")):
            entry = hit.entry
            there = [
                {"role": role, "country": code}
                for role, code in places
                if entry.bans(dispatch, code, on)
            ]
            if not there:
                continue
            since = (
                text("reason.part.since", date=str(entry.banned_from)) if entry.banned_from else ""
            )
            yield Reason(
                code=rule.id,
                severity=_severity(rule, hit.certain),
                item_no=item.item_no,
                text=text(
                    "reason.goods.destination_ban",
                    item=item.item_no,
                    hs=item.hs_code,
                    category=entry.category,
                    entry=hit.label_text(),
                    how=hit.how_text(),
                    countries=[Country(c) for c in sorted(entry.banned_destinations)],
                    since=since,
                    where=_where(there),
                    licence=_no_licence_lifts(item),
                ),
                evidence={**hit.evidence(), "banned_places": there},
            )
            break  # one ban decides the item


def goods_defence_suspension(
    decl: Declaration, ctx: ScreeningContext, rule: Rule
) -> Iterator[Reason]:
    """Goods under a suspension of defence exports, declared within one of its windows (the
    rule's `suspensions`). A suspension is not a licence requirement: no licence lifts it."""
    params = rule.params
    if decl.procedure not in params["procedures"]:
        return
    country = _declaring_country(decl)
    on = decl.declared_at
    active = [s for s in params["suspensions"] if _inside(on, _window(s))]
    if not active:
        return
    suspension = active[0]
    name = suspension.get("id") or "?"
    first, last = window = _window(suspension)
    for item in decl.items:
        for hit in ctx.goods.lookup(item.hs_code, lists=params["lists"], on=on):
            if not hit.control_list.applies_in(country):
                continue
            yield Reason(
                code=rule.id,
                severity=_severity(rule, hit.certain),
                item_no=item.item_no,
                text=text(
                    "reason.goods.defence_suspension",
                    item=item.item_no,
                    hs=item.hs_code,
                    category=hit.entry.category,
                    entry=hit.label_text(),
                    how=hit.how_text(),
                    country=Country(country),
                    window=_window_text(window),
                    suspension=name,
                    licence=_no_licence_lifts(item),
                ),
                evidence={
                    **hit.evidence(),
                    "suspension": name,
                    "suspended_from": first.isoformat() if first else None,
                    "suspended_to": last.isoformat() if last else None,
                    "suspension_basis": suspension.get("legal_basis"),
                    "suspension_source": suspension.get("source"),
                    "licence_no": item.licence_no,
                },
            )
            break  # one entry decides the item


def _flagged(
    ctx: ScreeningContext, party: Any, params: Mapping[str, Any]
) -> Iterator[dict[str, Any]]:
    """Listed or military matches of one party, with why each counts. A hit an officer set
    aside as false (a suppression) is not one: it counts for no rule, as for party.sanctioned."""
    name = party.name
    identifier = getattr(party, "id", None)
    listed_topics = set(params["listed_topics"])
    military_topics = set(params["military_topics"])
    words = [
        re.compile(rf"(?<!\w){re.escape(word)}(?!\w)", re.IGNORECASE)
        for word in params["military_words"]
    ]
    for matcher in ctx.matchers:
        listing = matcher.list
        for match in matcher.match(name, identifier, cutoff=float(params["min_score"])):
            if _suppressed(ctx, party, listing, match.entity_id) is not None:
                continue
            entity = listing.entities.get(match.entity_id)
            topics = set(entity.get("topics", quiet=True)) if entity is not None else set()
            sanctions = listing.sanctions.get(match.entity_id, ())
            listings = sorted(
                {
                    value
                    for sanction in sanctions
                    for prop in ("authority", "program")
                    for value in sanction.get(prop, quiet=True)
                }
            )
            military = bool(topics & military_topics) or any(
                word.search(text) for word in words for text in listings
            )
            if not (military or sanctions or topics & listed_topics):
                continue
            yield {
                "basis": "military end user" if military else "listed",
                "query_name": name,
                "list": listing.reference.id,
                "list_version": listing.reference.version,
                "entity_id": match.entity_id,
                "entity_name": match.caption,
                "score": match.score,
                "topics": sorted(topics),
                "listings": listings,
            }


def licence_catch_all(decl: Declaration, ctx: ScreeningContext, rule: Rule) -> Iterator[Reason]:
    """Unlisted goods without a licence for a listed or military consignee or end user:
    comprehensive (catch-all) control makes them need a licence all the same."""
    params = rule.params
    if decl.procedure not in params["procedures"]:
        return
    unlisted = [
        item
        for item in decl.items
        if not item.licence_no
        and not any(hit.entry.licence_required for hit in _list_hits(decl, ctx, item, "all"))
    ]
    if not unlisted:
        return
    parties: list[dict[str, Any]] = []
    for role, party in decl.parties():
        if role in params["roles"]:
            for flag in _flagged(ctx, party, params):
                parties.append({"role": role, **flag})
    if not parties:
        return
    who = Joined(
        tuple(
            text(
                "reason.part.catch_all_party",
                role=role_text(p["role"]),
                party=p["query_name"],
                basis=text(
                    "reason.part.military_end_user"
                    if p["basis"] == "military end user"
                    else "reason.part.listed"
                ),
                entity=p["entity_name"],
                list=p["list"],
                score=float(p["score"]),
            )
            for p in parties
        ),
        "list.semicolon",
    )
    for item in unlisted:
        yield Reason(
            code=rule.id,
            severity=rule.severity,
            item_no=item.item_no,
            text=text("reason.licence.catch_all", item=item.item_no, hs=item.hs_code, parties=who),
            evidence={"procedure": decl.procedure, "parties": parties},
        )


def _suppressed(
    ctx: ScreeningContext, party: Any, listing: Any, entity_id: str
) -> Suppression | None:
    """The officer's suppression of this party's hit on this entity, if one holds."""
    entity = listing.entities.get(entity_id)
    if ctx.suppressions is None or entity is None:
        return None
    country = getattr(party, "country", None)
    return ctx.suppressions.hiding(party.name, country, entity_id, entity_data(entity))


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
                hidden = _suppressed(ctx, party, listing, match.entity_id)
                strong = match.score >= block_score and hidden is None
                programs = sorted(
                    {
                        f"{authority}: {program}"
                        for sanction in listing.sanctions.get(match.entity_id, ())
                        for authority in (sanction.get("authority") or ["?"])
                        for program in (sanction.get("program") or ["?"])
                    }
                )
                how: Text
                if match.method == "identifier+name":
                    how = text(
                        "reason.part.by_identifier_and_name",
                        identifier=identifier,
                        matched=match.matched,
                    )
                elif match.method == "identifier":
                    how = text("reason.part.by_identifier", identifier=match.matched)
                elif match.matched != match.caption:
                    how = text("reason.part.as_name", matched=match.matched)
                else:
                    how = text("reason.part.by_name")
                schema = f"schema.{match.schema}"
                message = text(
                    "reason.party.sanctioned" if strong else "reason.party.sanctioned.maybe",
                    role=role_text(role),
                    party=party.name,
                    schema=text(schema) if has(schema) else match.schema.lower(),
                    entity=match.caption,
                    how=how,
                    score=float(match.score),
                )
                if hidden is not None:  # kept in the file, without effect on the corridor
                    message = text(
                        "reason.party.sanctioned.suppressed",
                        role=role_text(role),
                        party=party.name,
                        entity=match.caption,
                        score=float(match.score),
                        suppression=text(
                            "reason.part.suppression",
                            id=hidden.id,
                            user=hidden.created_by,
                            until=hidden.expires_at.date().isoformat(),
                            why=hidden.reason,
                        ),
                    )
                yield Reason(
                    code=rule.id,
                    severity="low" if hidden else rule.severity if strong else "medium",
                    text=message,
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
                        **({"suppression": hidden.to_dict()} if hidden else {}),
                    },
                )


def route_hub_to_russia(decl: Declaration, ctx: ScreeningContext, rule: Rule) -> Iterator[Reason]:
    """Declared to a hub, but a party who uses, forwards or pays for the goods is in Russia."""
    params = rule.params
    if decl.procedure not in params["procedures"]:
        return
    if decl.country_of_destination not in ctx.country_groups[params["hub_group"]]:
        return
    banned = ctx.country_groups[params["party_group"]]
    found: list[dict[str, str]] = [
        {"role": role, "name": party.name, "country": party.country}
        for role, party in decl.parties()
        if role in params["roles"] and party.country is not None and party.country in banned
    ]
    if not found:
        return
    who = [
        text(
            "reason.part.party_in",
            role=role_text(f["role"]),
            party=f["name"],
            country=Country(f["country"]),
        )
        for f in found
    ]
    yield Reason(
        code=rule.id,
        severity=rule.severity,
        text=text(
            "reason.route.hub_to_russia",
            destination=Country(decl.country_of_destination),
            parties=who,
        ),
        evidence={"destination": decl.country_of_destination, "parties": found},
    )


def goods_description_mismatch(
    decl: Declaration, ctx: ScreeningContext, rule: Rule
) -> Iterator[Reason]:
    """A description that names a controlled item under a code no control list names."""
    if decl.procedure not in rule.params["procedures"]:
        return
    table = controlled_terms()
    for item in decl.items:
        for entry in table.entries:
            term = entry.found_in(item.description)
            if term is None or entry.covers(item.hs_code):
                continue
            if _list_hits(decl, ctx, item, "all"):
                continue  # a listed code is screened as such
            yield Reason(
                code=rule.id,
                severity=rule.severity,
                text=text(
                    "reason.goods.description_mismatch",
                    item=item.item_no,
                    description=item.description,
                    term=term,
                    what=entry.what,
                    hs=item.hs_code,
                    codes=list(entry.codes),
                ),
                item_no=item.item_no,
                evidence={
                    "description": item.description,
                    "term": term,
                    "what": entry.what,
                    "declared_code": item.hs_code,
                    "expected_codes": list(entry.codes),
                    "table": table.reference.id,
                    "table_version": table.reference.version,
                },
            )
            break


def party_address_match(decl: Declaration, ctx: ScreeningContext, rule: Rule) -> Iterator[Reason]:
    """A party at a listed address: an address listed on its own blocks, the address of a
    listed party asks for review."""
    params = rule.params
    for role, party in decl.parties():
        address = getattr(party, "address", None)
        if role not in params["roles"] or not address:
            continue
        for listed, ratio in ctx.addresses.match(address, float(params["min_ratio"]))[:1]:
            own = listed.address_only
            severity = rule.severity if own else str(params["party_address_severity"])
            whose = (
                text("reason.part.listed_on_its_own")
                if own
                else text("reason.part.address_of", entity=listed.caption)
            )
            yield Reason(
                code=rule.id,
                severity=severity,
                text=text(
                    "reason.party.address_match",
                    role=role_text(role),
                    party=party.name,
                    address=address,
                    whose=whose,
                    list=listed.list_id,
                    listed=listed.text,
                    ratio=float(ratio),
                ),
                evidence={
                    "role": role,
                    "query_name": party.name,
                    "address": address,
                    "listed_address": listed.text,
                    "entity_id": listed.entity_id,
                    "entity_name": listed.caption,
                    "address_only": own,
                    "list": listed.list_id,
                    "list_version": listed.list_version,
                    "ratio": ratio,
                },
            )


CHECKS: dict[str, Check] = {
    "goods.controlled": goods_controlled,
    "licence.missing": licence_missing,
    "goods.reexport_ban": goods_reexport_ban,
    "goods.destination_ban": goods_destination_ban,
    "goods.defence_suspension": goods_defence_suspension,
    "licence.catch_all": licence_catch_all,
    "party.sanctioned": party_sanctioned,
    "route.hub_to_russia": route_hub_to_russia,
    "party.address_match": party_address_match,
    "goods.description_mismatch": goods_description_mismatch,
    **LICENCE_CHECKS,
    **NETWORK_CHECKS,
    **HISTORY_CHECKS,
    **ROUTE_CHECKS,
}
