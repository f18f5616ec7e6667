"""Verdict policies: rules that read the reasons the other rules gave, and run after them.
Their parameters are data in the catalogue like every rule's."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from diversion.declarations import Declaration
from diversion.i18n import text
from diversion.rules import Rule
from diversion.screening.decision import Reason

PolicyCheck = Callable[[Declaration, Sequence[Reason], Rule], Iterator[Reason]]


def red_flags(decl: Declaration, reasons: Sequence[Reason], rule: Rule) -> Iterator[Reason]:
    """Enough distinct red flags on one declaration make a stop."""
    counted = list(rule.params["codes"])
    found = sorted({r.code for r in reasons if r.code in counted})
    needed = int(rule.params["at_least"])
    if len(found) < needed:
        return
    yield Reason(
        code=rule.id,
        severity=rule.severity,
        text=text("reason.policy.red_flags", count=len(found), at_least=needed, codes=found),
        evidence={"red_flags": found, "at_least": needed},
    )


POLICY_CHECKS: dict[str, PolicyCheck] = {"policy.red_flags": red_flags}
