"""The screening pipeline: every check of the catalogue over a declaration, then a verdict."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime

from diversion import __version__
from diversion.declarations import Declaration
from diversion.rules import SEVERITY_ORDER
from diversion.screening.checks import CHECKS
from diversion.screening.context import ScreeningContext
from diversion.screening.decision import Decision, Reason
from diversion.screening.policy import POLICY_CHECKS
from diversion.screening.precedence import mark_overruled


class Screener:
    def __init__(self, context: ScreeningContext) -> None:
        self.context = context
        checks = set(CHECKS) | set(POLICY_CHECKS)
        missing = checks - set(context.catalogue.rules)
        unknown = set(context.catalogue.rules) - checks
        if missing or unknown:
            raise ValueError(
                f"rule catalogue and checks disagree: no rule for {sorted(missing)}, "
                f"no check for {sorted(unknown)}"
            )
        self._reference = tuple(ref.to_dict() for ref in context.reference_data)
        self._engine = f"diversion {__version__}"

    def screen(self, declaration: Declaration) -> Decision:
        catalogue = self.context.catalogue
        reasons: list[Reason] = []
        active = catalogue.active
        for rule_id, rule in active.items():
            if rule_id in CHECKS:
                reasons.extend(CHECKS[rule_id](declaration, self.context, rule))
        for rule_id, rule in active.items():  # policies read the reasons of the others
            if rule_id in POLICY_CHECKS:
                reasons.extend(POLICY_CHECKS[rule_id](declaration, tuple(reasons), rule))
        reasons = mark_overruled(reasons, active, declaration)
        reasons.sort(key=Reason.sort_key)
        worst = reasons[0].severity if reasons else SEVERITY_ORDER[-1]
        verdict = catalogue.verdict_of_severity[worst]
        return Decision(
            declaration_id=declaration.declaration_id,
            verdict=verdict,
            corridor=catalogue.corridor_of_verdict[verdict],
            reasons=tuple(reasons),
            screened_at=datetime.now(UTC).isoformat(timespec="seconds"),
            engine=self._engine,
            reference_data=self._reference,
        )

    def screen_all(self, declarations: Iterable[Declaration]) -> Iterator[Decision]:
        for declaration in declarations:
            yield self.screen(declaration)
