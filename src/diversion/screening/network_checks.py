"""The checks behind the network rules: who owns and runs a declaration's parties (from an
imported registry), and how young they are."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

from diversion.declarations import Declaration
from diversion.i18n import Joined, Text, has, text
from diversion.network.bin import BinError, parse_bin
from diversion.network.graph import contacts_of
from diversion.network.ownership import RULES, describe_path
from diversion.network.sectors import unrelated_sectors
from diversion.rules import Rule
from diversion.screening.context import ScreeningContext
from diversion.screening.decision import Reason, role_text

NetworkCheck = Callable[[Declaration, ScreeningContext, Rule], Iterator[Reason]]


def _registry_parties(
    decl: Declaration, ctx: ScreeningContext, roles: list[str]
) -> Iterator[tuple[str, Any, str]]:
    """(role, declared party, registry entity id) for each party found in the registry."""
    network = ctx.network
    if network is None:
        return
    for role, party in decl.parties():
        if role not in roles:
            continue
        for entity_id in network.find(party.name, getattr(party, "id", None)):
            yield role, party, entity_id


def owned_by_listed(decl: Declaration, ctx: ScreeningContext, rule: Rule) -> Iterator[Reason]:
    """A party that the ownership rules block, with every chain from its listed owners."""
    network = ctx.network
    if network is None:
        return
    for role, party, entity_id in _registry_parties(decl, ctx, rule.params["roles"]):
        met = {}
        for variant in rule.params["variants"]:
            result = network.ownership(variant, decl.declared_at)
            if entity_id in result.derived:
                met[variant] = result
        if not met:
            continue
        first = next(iter(met.values()))
        chains = [describe_path(chain, network.names) for chain in first.paths(entity_id)]
        roots = {chain[0][0] for result in met.values() for chain in result.paths(entity_id)}
        owners = {
            root: [link.to_dict() for link in network.links.get(root, ())] for root in sorted(roots)
        }
        rules_met = [
            text(f"ownership.{v}") if has(f"ownership.{v}") else RULES[v].title for v in met
        ]
        yield Reason(
            code=rule.id,
            severity=rule.severity,
            text=text(
                "reason.network.owned_by_listed",
                role=role_text(role),
                party=party.name,
                rules=rules_met,
                chains=Joined(tuple(chains[:3]), "list.semicolon"),
            ),
            evidence={
                "role": role,
                "query_name": party.name,
                "registry_entity": entity_id,
                "registry_entity_name": network.caption(entity_id),
                "variants": sorted(met),
                "ownership": {v: r.evidence(entity_id) for v, r in met.items()},
                "listed_owners": owners,
                "registry": [ref.to_dict() for ref in network.references],
            },
        )


def controlled_by_listed(decl: Declaration, ctx: ScreeningContext, rule: Rule) -> Iterator[Reason]:
    """A party whose officer is listed, or is an officer of a listed or listed-owned firm."""
    network = ctx.network
    if network is None:
        return
    on = decl.declared_at
    owned = network.ownership("us", on)
    for role, party, entity_id in _registry_parties(decl, ctx, rule.params["roles"]):
        if entity_id in network.links:
            continue  # listed itself: party.sanctioned speaks for it
        found: list[dict[str, Any]] = []
        for post in network.roles_in(entity_id, on):
            person = post.person
            if person in network.links:
                found.append(
                    {
                        "officer": network.caption(person),
                        "officer_id": person,
                        "post": post.role,
                        "why": "the officer is listed",
                        "why_text": text("reason.part.officer_listed"),
                        "links": [link.to_dict() for link in network.links[person]],
                    }
                )
                continue
            for other in network.roles_of(person, on):
                if other.organization == entity_id:
                    continue
                if owned.blocked(other.organization):
                    why = text(
                        "reason.part.listed"
                        if other.organization in network.links
                        else "reason.part.owned_by_listed"
                    )
                    why_text = text(
                        "reason.part.officer_elsewhere",
                        post=other.role,
                        firm=network.caption(other.organization),
                        why=why,
                    )
                    found.append(
                        {
                            "officer": network.caption(person),
                            "officer_id": person,
                            "post": post.role,
                            "why": why_text.render(capital=False),
                            "why_text": why_text,
                            "other_firm": other.organization,
                        }
                    )
        if not found:
            continue
        what = Joined(
            tuple(
                text("reason.part.officer", post=f["post"], officer=f["officer"], why=f["why_text"])
                for f in found[:3]
            ),
            "list.semicolon",
        )
        for f in found:
            del f["why_text"]
        yield Reason(
            code=rule.id,
            severity=rule.severity,
            text=text(
                "reason.network.controlled_by_listed",
                role=role_text(role),
                party=party.name,
                what=what,
            ),
            evidence={
                "role": role,
                "query_name": party.name,
                "registry_entity": entity_id,
                "officers": found,
            },
        )


def _controlled_goods(decl: Declaration, ctx: ScreeningContext) -> bool:
    return any(
        hit.entry.licence_required
        for item in decl.items
        for hit in ctx.goods.lookup(item.hs_code, on=decl.declared_at)
    )


def new_company(decl: Declaration, ctx: ScreeningContext, rule: Rule) -> Iterator[Reason]:
    """A party incorporated after the cut-off date, or younger than the minimum age, on a
    declaration of controlled goods. The date comes from the registry, else from a Kazakh
    BIN (the month it was formed)."""
    params = rule.params
    if params.get("only_controlled_goods", True) and not _controlled_goods(decl, ctx):
        return
    after = params["incorporated_after"]
    after = after if isinstance(after, date) else date.fromisoformat(str(after))
    young = decl.declared_at - timedelta(days=int(params["min_age_days"]))
    network = ctx.network
    for role, party in decl.parties():
        if role not in params["roles"]:
            continue
        identifier = getattr(party, "id", None)
        born: date | None = None
        source: Text | str = ""
        if network is not None:
            for entity_id in network.find(party.name, identifier):
                born = network.incorporated(entity_id)
                if born is not None:
                    source = text("reason.part.from_registry", entity=network.caption(entity_id))
                    break
        if born is None and identifier and params.get("read_bin", True) and party.country == "KZ":
            try:
                born = parse_bin(identifier, today=decl.declared_at).formed
                source = text("reason.part.from_bin", bin=identifier, formed=f"{born:%Y-%m}")
            except BinError:
                born = None
        if born is None:
            continue
        reasons: list[Text] = []
        if born > after:
            reasons.append(text("reason.part.incorporated_after", date=after.isoformat()))
        if born > young:
            age = (decl.declared_at - born).days
            reasons.append(text("reason.part.days_old", count=age))
        if not reasons:
            continue
        yield Reason(
            code=rule.id,
            severity=rule.severity,
            text=text(
                "reason.party.new_company",
                role=role_text(role),
                party=party.name,
                date=born.isoformat(),
                source=source,
                why=Joined(tuple(reasons), "list.and"),
            ),
            evidence={
                "role": role,
                "query_name": party.name,
                "incorporated": born.isoformat(),
                "source": source.render(capital=False) if isinstance(source, Text) else source,
                "incorporated_after": after.isoformat(),
                "min_age_days": int(params["min_age_days"]),
            },
        )


def _listed_contacts(ctx: ScreeningContext) -> dict[str, str]:
    """Phones and e-mails of listed parties (list entities, and registry entities linked to
    them): contact -> who."""
    found: dict[str, str] = {}
    for listing in ctx.sanctions_lists:
        for entity in listing.parties():
            for contact in contacts_of(entity):
                found.setdefault(contact, f"{entity.caption} ({listing.reference.id})")
    network = ctx.network
    if network is not None:
        for entity_id in network.links:
            for contact in network.contacts(entity_id):
                found.setdefault(contact, f"{network.caption(entity_id)} (registry, linked)")
    return found


def shared_officer(decl: Declaration, ctx: ScreeningContext, rule: Rule) -> Iterator[Reason]:
    """A party with the same founder, director, phone or e-mail as the Russian counterparty
    of the same declaration, or the same phone or e-mail as a listed party."""
    network = ctx.network
    if network is None:
        return
    params = rule.params
    compare = set(params["compare"])
    russian = ctx.country_groups[params["counterparty_group"]]
    on = decl.declared_at
    found = list(_registry_parties(decl, ctx, params["roles"]))
    listed_contacts = _listed_contacts(ctx)
    reported: set[str] = set()
    for role, party, entity_id in found:
        if party.country in russian or entity_id in network.links or entity_id in reported:
            continue
        shared: list[dict[str, Any]] = []
        for other_role, other, other_id in found:
            if other.country not in russian or other_id == entity_id:
                continue
            if "officer" in compare:
                mine, theirs = network.people_of(entity_id, on), network.people_of(other_id, on)
                for person in sorted(set(mine) & set(theirs)):
                    shared.append(
                        {
                            "with": other_id, "with_name": network.caption(other_id),
                            "with_role": other_role, "what": "person",
                            "value": network.caption(person), "person": person,
                            "posts": [mine[person], theirs[person]],
                        }
                    )  # fmt: skip
            for contact in sorted(network.contacts(entity_id) & network.contacts(other_id)):
                kind = contact.split(":", 1)[0]
                if kind in compare:
                    shared.append(
                        {
                            "with": other_id, "with_name": network.caption(other_id),
                            "with_role": other_role, "what": kind, "value": contact,
                        }
                    )  # fmt: skip
        for contact in sorted(network.contacts(entity_id)):
            kind = contact.split(":", 1)[0]
            if kind in compare and contact in listed_contacts:
                shared.append(
                    {"with": listed_contacts[contact], "with_name": listed_contacts[contact],
                     "with_role": "listed party", "what": kind, "value": contact}
                )  # fmt: skip
        if not shared:
            continue
        reported.add(entity_id)
        what = Joined(
            tuple(
                text(
                    "reason.part.shared_person" if s["what"] == "person" else "reason.part.shared",
                    value=s["value"],
                    role=role_text(s["with_role"].replace(" ", "_")),
                    name=s["with_name"],
                )
                for s in shared[:3]
            ),
            "list.semicolon",
        )
        yield Reason(
            code=rule.id,
            severity=rule.severity,
            text=text(
                "reason.network.shared_officer", role=role_text(role), party=party.name, what=what
            ),
            evidence={
                "role": role,
                "query_name": party.name,
                "registry_entity": entity_id,
                "shared": shared,
            },
        )


def sector_mismatch(decl: Declaration, ctx: ScreeningContext, rule: Rule) -> Iterator[Reason]:
    """A party registered for an activity that has no business with the controlled goods it
    trades (a bakery buying processors)."""
    network = ctx.network
    if network is None:
        return
    controlled = [
        (item, hits)
        for item in decl.items
        if (hits := [h for h in ctx.goods.lookup(item.hs_code, on=decl.declared_at)])
        and any(h.entry.licence_required for h in hits)
    ]
    if not controlled:
        return
    table = unrelated_sectors()
    for role, party, entity_id in _registry_parties(decl, ctx, rule.params["roles"]):
        entity = network.entities[entity_id]
        for activity in entity.get("classification", quiet=True):
            sector = table.unrelated(activity)
            if sector is None:
                continue
            code, title = sector
            goods = Joined(
                tuple(
                    text(
                        "reason.part.item_goods",
                        item=item.item_no,
                        hs=item.hs_code,
                        category=hits[0].entry.category,
                    )
                    for item, hits in controlled
                ),
                "list.semicolon",
            )
            yield Reason(
                code=rule.id,
                severity=rule.severity,
                text=text(
                    "reason.party.sector_mismatch",
                    role=role_text(role),
                    party=party.name,
                    activity=activity,
                    title=title,
                    goods=goods,
                ),
                evidence={
                    "role": role,
                    "query_name": party.name,
                    "registry_entity": entity_id,
                    "activity_code": activity,
                    "unrelated_sector": code,
                    "sector_title": title,
                    "items": [item.item_no for item, _ in controlled],
                    "table": table.reference.id,
                    "table_version": table.reference.version,
                },
            )
            break


def mass_address(decl: Declaration, ctx: ScreeningContext, rule: Rule) -> Iterator[Reason]:
    """A party registered where many other companies are."""
    network = ctx.network
    params = rule.params
    if network is None:
        return
    if params.get("only_controlled_goods", True) and not _controlled_goods(decl, ctx):
        return
    least = int(params["min_companies"])
    for role, party, entity_id in _registry_parties(decl, ctx, params["roles"]):
        companies = network.companies_at(entity_id)
        if len(companies) < least:
            continue
        address = next(iter(network.entities[entity_id].get("address")), "")
        others = [network.caption(c) for c in companies if c != entity_id]
        yield Reason(
            code=rule.id,
            severity=rule.severity,
            text=text(
                "reason.party.mass_address",
                role=role_text(role),
                party=party.name,
                address=address,
                count=len(others),
                companies=others[:3],
                more=" ..." if len(others) > 3 else "",
            ),
            evidence={
                "role": role,
                "query_name": party.name,
                "registry_entity": entity_id,
                "address": address,
                "companies": companies,
                "min_companies": least,
            },
        )


NETWORK_CHECKS: dict[str, NetworkCheck] = {
    "network.owned_by_listed": owned_by_listed,
    "network.controlled_by_listed": controlled_by_listed,
    "party.new_company": new_company,
    "network.shared_officer": shared_officer,
    "party.sector_mismatch": sector_mismatch,
    "party.mass_address": mass_address,
}
