"""Descriptors of the bundled reference data files.

Every reference table ships with a sidecar `NAME.meta.yml` that gives its id, version, source,
date and licence. A decision records the descriptors of every table it used, so that an auditor
can tell which version of which table was in force.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True)
class ReferenceData:
    id: str
    version: str
    sha256: str
    title: str
    source: str
    licence: str

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


def package_file(package: str, name: str) -> Path:
    """A data file shipped inside a package of ours."""
    return Path(str(resources.files(package).joinpath(name)))


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def load_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def describe(path: Path) -> ReferenceData:
    """Read the sidecar metadata of a data file and fingerprint the file itself."""
    meta_path = path.with_name(path.name + ".meta.yml")
    meta = load_yaml(meta_path)
    missing = {"id", "version", "title", "source", "licence"} - set(meta)
    if missing:
        raise ValueError(f"{meta_path}: metadata lacks {', '.join(sorted(missing))}")
    return ReferenceData(
        id=str(meta["id"]),
        version=str(meta["version"]),
        sha256=file_sha256(path),
        title=str(meta["title"]),
        source=str(meta["source"]),
        licence=str(meta["licence"]),
    )
