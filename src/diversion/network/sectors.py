"""Registered activities that do not fit controlled goods: a data table, `data/sectors.yml`."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from diversion.reference import ReferenceData, describe, load_yaml, package_file


def activity_digits(code: str) -> str:
    """An OKED / NACE / OKVED code as digits: 10.71 and 1071 are one class."""
    return "".join(ch for ch in code if ch.isdigit())


@dataclass(frozen=True)
class UnrelatedSectors:
    entries: tuple[tuple[str, str, str], ...]  # (digits, code as written, title)
    reference: ReferenceData

    def unrelated(self, activity_code: str) -> tuple[str, str] | None:
        """(code, title) of the most specific entry an activity code falls under, or None."""
        digits = activity_digits(activity_code)
        found = [e for e in self.entries if digits.startswith(e[0])]
        if not digits or not found:
            return None
        _, code, title = max(found, key=lambda e: len(e[0]))
        return code, title


@lru_cache(maxsize=1)
def unrelated_sectors() -> UnrelatedSectors:
    path = package_file("diversion.network", "data/sectors.yml")
    entries = tuple(
        (activity_digits(str(e["code"])), str(e["code"]), str(e["title"]))
        for e in load_yaml(path)["unrelated"]
    )
    return UnrelatedSectors(entries, describe(path))
