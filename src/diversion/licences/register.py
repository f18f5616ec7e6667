"""The licence register as screening sees it: every licence and what is left on it, read once.

Screening is a dry run: it reads this view and never draws on it. The view names itself
(`reference`) so that a decision records which state of the register it was judged against.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from diversion.licences.csv_format import read_licences
from diversion.licences.model import LicenceState, licence_key
from diversion.reference import ReferenceData, describe, package_file

DEMO_FILE = "data/demo/licences.csv"


def content_sha256(states: Iterable[LicenceState]) -> str:
    """A fingerprint of the register's content: terms, status and amounts drawn."""
    canonical = [state.to_dict() for state in sorted(states, key=lambda s: s.licence.licence_no)]
    encoded = json.dumps(canonical, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(encoded).hexdigest()


@dataclass(frozen=True)
class LicenceRegister:
    licences: dict[str, LicenceState]  # by canonical licence number
    reference: ReferenceData

    @classmethod
    def of(cls, states: Iterable[LicenceState], reference: ReferenceData) -> LicenceRegister:
        return cls({state.licence.licence_no: state for state in states}, reference)

    def get(self, licence_no: str) -> LicenceState | None:
        return self.licences.get(licence_key(licence_no))

    def __len__(self) -> int:
        return len(self.licences)


def load_register_csv(path: Path) -> LicenceRegister:
    """A register from a licence CSV with a `.meta.yml` sidecar, nothing drawn yet."""
    read = read_licences(path)
    if read.errors:
        shown = "; ".join(str(error) for error in read.errors[:3])
        raise ValueError(f"{path}: {len(read.errors)} problem(s) in the licence file: {shown}")
    return LicenceRegister.of((LicenceState(lic) for lic in read.licences), describe(path))


def demo_register() -> LicenceRegister:
    """The fictional licences that the demo declarations cite."""
    return load_register_csv(package_file("diversion", DEMO_FILE))
