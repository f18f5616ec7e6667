"""Words in goods descriptions that name controlled items (drones, FPGAs, GNSS receivers ...),
with the HS codes such items belong under: a data table, `data/controlled_terms.yml`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from diversion.folding import fold_text
from diversion.reference import ReferenceData, describe, load_yaml, package_file


def fold(text: str) -> str:
    """Lower-case ASCII words separated by single spaces, for whole-word matching."""
    return fold_text(text)


@dataclass(frozen=True)
class ControlledTerm:
    what: str
    codes: tuple[str, ...]
    terms: tuple[str, ...]
    pattern: re.Pattern[str]

    def found_in(self, description: str) -> str | None:
        """The term the description contains, as written in the table, or None."""
        match = self.pattern.search(f" {fold(description)} ")
        if match is None:
            return None
        folded = match.group(1)
        return next((t for t in self.terms if fold(t) == folded), folded)

    def covers(self, hs_code: str) -> bool:
        return any(hs_code.startswith(code) for code in self.codes)


@dataclass(frozen=True)
class ControlledTerms:
    entries: tuple[ControlledTerm, ...]
    reference: ReferenceData


@lru_cache(maxsize=1)
def controlled_terms() -> ControlledTerms:
    path = package_file("diversion.goods", "data/controlled_terms.yml")
    entries = []
    for raw in load_yaml(path)["entries"]:
        terms = tuple(str(t) for t in raw["terms"])
        folded = sorted({fold(t) for t in terms if fold(t)}, key=len, reverse=True)
        # a word may carry an ending of up to three letters (квадрокоптеры, microcontrollers)
        pattern = re.compile(" (" + "|".join(re.escape(t) for t in folded) + ")[a-z]{0,3} ")
        codes = tuple(str(c) for c in raw["codes"])
        entries.append(ControlledTerm(str(raw["what"]), codes, terms, pattern))
    return ControlledTerms(tuple(entries), describe(path))
