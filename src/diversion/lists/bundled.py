"""The lists that ship inside the package: the fictional demo list."""

from __future__ import annotations

from pathlib import Path

from diversion.lists.importers.ftm import read_ftm
from diversion.lists.model import SanctionsList, check_references
from diversion.reference import describe, package_file


def load_ftm_file(path: Path) -> SanctionsList:
    """An FtM file with a `.meta.yml` sidecar, loaded straight into memory (no store)."""
    parsed = read_ftm([path])
    listing = SanctionsList.build(describe(path), parsed.entities)
    check_references(str(path), listing.entities)
    return listing


def demo_list() -> SanctionsList:
    """The fictional demo list bundled with the package."""
    return load_ftm_file(package_file("diversion", "data/demo/sanctions.ftm.jsonl"))
