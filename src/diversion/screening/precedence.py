"""Precedence of bans over licences: a ban or suspension outranks any licence.

Every rule still runs and keeps its reason; what a rule with `outranks_licences: true` (its
catalogue parameter) finds at high severity on an item makes every reason about the licence
that item cites say that it was overruled, and by which rule. The ban's own reason names the
licence it overrides (`overrides: licence ...`), so the decision reads the same both ways.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from diversion.rules import Rule
from diversion.screening.decision import Reason


def overruling_rules(rules: Mapping[str, Rule]) -> set[str]:
    """The rules whose findings no licence lifts (parameter `outranks_licences`)."""
    return {rule_id for rule_id, rule in rules.items() if rule.params.get("outranks_licences")}


def mark_overruled(reasons: Iterable[Reason], rules: Mapping[str, Rule]) -> list[Reason]:
    """The reasons, with each reason about a cited licence on an item that a ban or
    suspension stops marked `overruled_by` those rules."""
    reasons = list(reasons)
    deciding = overruling_rules(rules)
    stopped: dict[int, set[str]] = {}
    for reason in reasons:
        if reason.code in deciding and reason.severity == "high" and reason.item_no is not None:
            stopped.setdefault(reason.item_no, set()).add(reason.code)
    cited = {  # the licence each stopped item cites, as its licence reasons name it
        r.item_no: r.evidence["licence_no"]
        for r in reasons
        if r.item_no in stopped and r.code.startswith("licence.") and "licence_no" in r.evidence
    }
    marked: list[Reason] = []
    for reason in reasons:
        by = stopped.get(reason.item_no) if reason.item_no is not None else None
        if (
            by
            and reason.code in by
            and reason.item_no in cited
            and "overrides" not in reason.evidence
        ):  # a rule that does not name the licence itself (route.*) names it here
            overrides = f"licence {cited[reason.item_no]}"
            reason = replace(reason, evidence={**reason.evidence, "overrides": overrides})
        if by and reason.code.startswith("licence.") and "licence_no" in reason.evidence:
            names = sorted(by)
            reason = replace(
                reason,
                message=(
                    f"{reason.message} (overruled by {', '.join(names)}: no licence lifts a "
                    "ban or suspension)"
                ),
                evidence={**reason.evidence, "overruled_by": names},
            )
        marked.append(reason)
    return marked
