"""A reason's evidence for people: the recorded evidence dict told as tables a reader can check
(the names side by side with the words that matched marked, the list entry with its
programmes and dates, the control-list entries with tier and legal basis, the licence with
what it leaves, the ownership chains with their shares), each field once; what no table
takes is shown as plain facts, and the raw JSON stays one click away in the page."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from diversion.web.entity_view import country_name

Translate = Callable[..., str]

# evidence fields whose values are country codes
COUNTRY_FIELDS = frozenset(
    {"country", "destination", "country_of_origin", "counterparty_country", "origin"}
)
LISTING_FIELDS = ("list", "list_version", "entity_id", "entity_name", "schema", "programs",
                  "listings", "topics", "basis", "list_sha256")  # fmt: skip
NAME_FIELDS = ("query_name", "matched_name", "score", "method", "explanation")
CONTROL_FIELDS = ("control_list", "control_list_version", "control_list_sha256", "hs_code",
                  "matched_code", "entry_code", "entry", "codes", "exclusions", "category",
                  "legal_basis", "valid_from", "valid_to", "source", "description", "tier",
                  "licence_required", "banned_destinations", "banned_by", "banned_from",
                  "certain", "suspension", "suspended_from", "suspended_to",
                  "suspension_basis", "suspension_source")  # fmt: skip
LICENCE_FIELDS = ("licence_no", "licence_type", "authority", "status", "status_reason",
                  "valid_from", "valid_to", "quantity_limit", "quantity_left",
                  "quantity_requested", "quantity_left_after", "value_limit", "value_left",
                  "value_requested", "value_left_after", "currency", "drawn_by_earlier_items",
                  "register", "register_version", "register_sha256")  # fmt: skip


@dataclass
class Word:
    text: str
    matched: bool


@dataclass
class Section:
    kind: str  # names, facts, controls, ownership, people
    title: str  # a message key
    rows: list[Any] = field(default_factory=list)


@dataclass
class Readable:
    sections: list[Section]


def _keys(word: str, schema: str) -> set[str]:
    from diversion.matching.analysis import analyse

    name = analyse(word, schema)
    return {key for part in name.parts for key in (part.key, part.text) if len(key) > 1}


def matched_words(
    query: str, listed: str, schema: str = "Company"
) -> tuple[list[Word], list[Word]]:
    """Both names word by word, each word marked when its romanisation key (or its folded
    spelling) is among the other name's: "Беркут" meets "Berkut", "Трейд" meets "Trade"."""
    left = [(word, _keys(word, schema)) for word in query.split()]
    right = [(word, _keys(word, schema)) for word in listed.split()]
    left_all = set().union(*(keys for _, keys in left))
    right_all = set().union(*(keys for _, keys in right))
    return (
        [Word(word, bool(keys & right_all)) for word, keys in left],
        [Word(word, bool(keys & left_all)) for word, keys in right],
    )


def value_text(key: str, value: Any, language: str) -> str:
    """A field's value on one line: lists joined, booleans as ✓/✗, codes as country names."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, float):
        return f"{value:.2f}"
    if key in COUNTRY_FIELDS and isinstance(value, str) and len(value) == 2:
        return f"{country_name(value, language)} ({value})"
    if isinstance(value, Mapping):
        return "; ".join(f"{k}: {value_text(k, v, language)}" for k, v in value.items())
    if isinstance(value, Sequence) and not isinstance(value, str):
        return ", ".join(value_text(key, item, language) for item in value)
    return str(value)


def label(t: Translate, key: str) -> str:
    """The field's label from the catalog (`ev_<field>`), else the field name spelled out."""
    try:
        told = t(f"ev_{key}")
    except KeyError:
        told = f"ev_{key}"
    return key.replace("_", " ") if told == f"ev_{key}" else told


def _facts(
    t: Translate, evidence: Mapping[str, Any], keys: Sequence[str], language: str
) -> list[tuple[str, str, str]]:
    """(label, value, link) for each of `keys` the evidence has."""
    rows = []
    named = "entity_id" in keys and "entity_name" in evidence
    for key in keys:
        if key not in evidence or (named and key == "entity_name"):
            continue
        link = f"/app/entities/{evidence[key]}" if key == "entity_id" else ""
        shown = evidence["entity_name"] if named and key == "entity_id" else evidence[key]
        rows.append((label(t, key), value_text(key, shown, language), link))
    return rows


def _names(evidence: Mapping[str, Any], language: str) -> dict[str, Any] | None:
    query = evidence.get("query_name")
    listed = evidence.get("matched_name") or evidence.get("entity_name")
    if not query or not listed or "list" not in evidence:
        return None
    schema = "Person" if evidence.get("schema") == "Person" else "Company"
    left, right = matched_words(str(query), str(listed), schema)
    return {
        "role": evidence.get("role", ""),
        "left": left,
        "right": right,
        "score": value_text("score", evidence.get("score"), language),
        "method": evidence.get("method", ""),
        "explanation": evidence.get("explanation", ""),
    }


def _sanctions_rows(
    t: Translate, sanctions: list[dict[str, str]], language: str
) -> list[tuple[str, str, str]]:
    rows = []
    for sanction in sanctions:
        told = "; ".join(f"{k}: {v}" for k, v in sanction.items() if k != "programme" and v)
        rows.append((sanction.get("programme") or t("ev_sanction"), told, ""))
    return rows


def _ownership(evidence: Mapping[str, Any], caption: Callable[[str], str]) -> list[dict[str, Any]]:
    listed = set(evidence.get("listed_owners", {}))
    rules = []
    for rule in evidence.get("ownership", {}).values():
        chains = []
        for path in rule.get("paths", []):
            chains.append(
                [
                    {
                        "id": step["entity"],
                        "name": caption(step["entity"]),
                        "share": step.get("share"),
                        "listed": step["entity"] in listed,
                    }
                    for step in path
                ]
            )
        owners = [
            {"id": o["owner"], "name": caption(o["owner"]), "share": o.get("share"),
             "listed": o["owner"] in listed}
            for o in rule.get("owners", [])
        ]  # fmt: skip
        rules.append(
            {
                "title": rule.get("rule_title", rule.get("rule", "")),
                "total": rule.get("total_share"),
                "chains": chains,
                "owners": owners,
            }
        )
    return rules


def readable(
    evidence: Mapping[str, Any],
    t: Translate,
    language: str,
    caption: Callable[[str], str] = str,
    sanctions_of: Callable[[str], list[dict[str, str]]] = lambda _: [],
) -> Readable:
    """The evidence's sections, in the order a reader checks them."""
    sections: list[Section] = []
    used: set[str] = set()
    names = _names(evidence, language)
    if names is not None:
        sections.append(Section("names", "ev_names", [names]))
        used.update(NAME_FIELDS)
    for party in evidence.get("parties", []) if isinstance(evidence.get("parties"), list) else []:
        if isinstance(party, Mapping) and (found := _names(party, language)) is not None:
            sections.append(Section("names", "ev_names", [found]))
            rows = _facts(t, party, LISTING_FIELDS, language)
            sections.append(Section("facts", "ev_listing", rows))
            used.add("parties")
    if "list" in evidence and ("entity_id" in evidence or "list_version" in evidence):
        rows = _facts(t, evidence, LISTING_FIELDS, language)
        entity_id = evidence.get("entity_id")
        if entity_id:
            rows += _sanctions_rows(t, sanctions_of(str(entity_id)), language)
        sections.append(Section("facts", "ev_listing", rows))
        used.update(LISTING_FIELDS)
    entries = evidence.get("entries")
    if "control_list" in evidence:
        entries = [evidence]
        used.update(CONTROL_FIELDS)
    if isinstance(entries, list) and entries:
        sections.append(Section("controls", "ev_controls", entries))
        used.add("entries")
    if "licence_no" in evidence:
        sections.append(
            Section("facts", "ev_licence", _facts(t, evidence, LICENCE_FIELDS, language))
        )
        used.update(LICENCE_FIELDS)
    if isinstance(evidence.get("ownership"), Mapping):
        sections.append(Section("ownership", "ev_ownership", _ownership(evidence, caption)))
        used.update(("ownership", "listed_owners", "variants"))
    people = []
    for officer in evidence.get("officers", []) or []:
        people.append((officer.get("officer", ""), officer.get("post", ""), officer.get("why", "")))
    for shared in evidence.get("shared", []) or []:
        posts = ", ".join(shared.get("posts", []))
        with_whom = f"{shared.get('with_name', '')} ({shared.get('with_role', '')})"
        people.append((shared.get("value", ""), posts, with_whom))
    for tie in evidence.get("related_to_supplier", []) or []:
        people.append((caption(tie["person"]), tie.get("tie", ""), caption(tie["relative"])))
    if people:
        sections.append(Section("people", "ev_people", people))
        used.update(("officers", "shared", "related_to_supplier"))
    rest = [key for key in evidence if key not in used]
    if rest:
        sections.append(Section("facts", "ev_facts", _facts(t, evidence, rest, language)))
    return Readable(sections)
