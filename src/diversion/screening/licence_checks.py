"""The checks behind the licence rules: the licence cited on each goods item, against the
register of the screening context. The logic lives in `diversion.licences.assess`, which
acceptance (depletion) also runs, so screening and acceptance always agree.

Screening never draws on a licence: it reads what is left and says whether the item fits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from diversion.declarations import Declaration
from diversion.i18n import text
from diversion.licences.assess import CODES, UNKNOWN, assess
from diversion.rules import Rule
from diversion.screening.context import ScreeningContext
from diversion.screening.decision import Reason

LicenceCheck = Callable[[Declaration, ScreeningContext, Rule], Iterator[Reason]]


def _check(code: str) -> LicenceCheck:
    def check(decl: Declaration, ctx: ScreeningContext, rule: Rule) -> Iterator[Reason]:
        register = ctx.licences
        if register is None or decl.procedure not in rule.params["procedures"]:
            return
        reference = register.reference
        for finding in assess(decl, register.get).findings:
            if finding.code != code:
                continue
            message = finding.text
            if code == UNKNOWN and len(register) == 0:
                message = text("reason.licence.unknown.empty_register", message=message)
            yield Reason(
                code=rule.id,
                severity=rule.severity,
                item_no=finding.item_no,
                text=message,
                evidence={
                    **finding.evidence,
                    "register": reference.id,
                    "register_version": reference.version,
                    "register_sha256": reference.sha256,
                },
            )

    check.__name__ = code.replace(".", "_")
    check.__doc__ = f"Reasons with code {code} for the licences cited on the items."
    return check


LICENCE_CHECKS: dict[str, LicenceCheck] = {code: _check(code) for code in CODES}
