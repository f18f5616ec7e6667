"""Precedence of bans over licences: a ban or suspension outranks any licence.

Every rule still runs and keeps its reason; what a rule with `outranks_licences: true` (its
catalogue parameter) finds at high severity on an item makes every reason about the licence
that item cites say that it was overruled, and by which rule. The ban's own reason names the
licence it overrides (`overrides: licence ...`), so the decision reads the same both ways.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from diversion.declarations import Declaration
from diversion.i18n import text
from diversion.licences.model import licence_key
from diversion.rules import Rule
from diversion.screening.decision import Reason


def overruling_rules(rules: Mapping[str, Rule]) -> set[str]:
    """The rules whose findings no licence lifts (parameter `outranks_licences`)."""
    return {rule_id for rule_id, rule in rules.items() if rule.params.get("outranks_licences")}


def mark_overruled(
    reasons: Iterable[Reason], rules: Mapping[str, Rule], declaration: Declaration
) -> list[Reason]:
    """The reasons, with each reason about a cited licence on an item that a ban or
    suspension stops marked `overruled_by` those rules, and each such ban's reason naming the
    licence it overrides (`overrides: licence ...`)."""
    reasons = list(reasons)
    deciding = overruling_rules(rules)
    cited = {
        item.item_no: licence_key(item.licence_no) for item in declaration.items if item.licence_no
    }
    stopped: dict[int, set[str]] = {}
    for reason in reasons:
        if reason.code in deciding and reason.severity == "high" and reason.item_no is not None:
            stopped.setdefault(reason.item_no, set()).add(reason.code)
    marked: list[Reason] = []
    for reason in reasons:
        by = stopped.get(reason.item_no) if reason.item_no is not None else None
        if by and reason.code in by and reason.item_no in cited:
            overrides = f"licence {cited[reason.item_no]}"
            reason = replace(reason, evidence={**reason.evidence, "overrides": overrides})
        elif by and reason.code.startswith("licence.") and "licence_no" in reason.evidence:
            names = sorted(by)
            overruled = text("reason.overruled", message=reason.text or reason.message, rules=names)
            reason = replace(
                reason,
                message=overruled.render(),
                text=overruled,
                evidence={**reason.evidence, "overruled_by": names},
            )
        marked.append(reason)
    return marked
