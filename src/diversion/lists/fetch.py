"""Optional downloads of lists from their official addresses (needs network; never at screening).

Files land in `HOME/downloads/<source>/<time>/` and are imported from there like any other
files, so what was fetched is kept beside the snapshot made from it. `--from URL` fetches the
same file names from another base address: a mirror, or a local server in tests.
"""

from __future__ import annotations

import shutil
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from diversion.home import Home
from diversion.reference import load_yaml, package_file

TIMEOUT = 120
MAX_BYTES = 1 << 30  # no official list comes near 1 GiB


class FetchError(RuntimeError):
    pass


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    format: str
    list_name: str
    files: tuple[tuple[str, str], ...]  # (file name, official URL)


def _load_sources() -> dict[str, Source]:
    raw = load_yaml(package_file("diversion.lists", "data/sources.yml"))["sources"]
    return {
        key: Source(
            id=key,
            title=spec["title"],
            format=spec["format"],
            list_name=spec["list"],
            files=tuple((f["name"], f["url"]) for f in spec["files"]),
        )
        for key, spec in raw.items()
    }


SOURCES = _load_sources()


def _download(url: str, target: Path) -> None:
    if not url.startswith(("http://", "https://")):
        raise FetchError(f"{url}: only http and https addresses are fetched")
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT) as response, target.open("wb") as handle:
            copied = 0
            while block := response.read(1 << 20):
                copied += len(block)
                if copied > MAX_BYTES:
                    raise FetchError(f"{url}: larger than {MAX_BYTES} bytes; refused")
                handle.write(block)
    except urllib.error.HTTPError as exc:
        raise FetchError(f"{url}: HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise FetchError(f"{url}: {getattr(exc, 'reason', exc)}") from None


def fetch(source_id: str, home: Home, mirror: str | None = None) -> tuple[str, list[Path]]:
    """Download every file of a source; on any failure nothing is kept."""
    source = SOURCES[source_id]
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    folder = home.path("downloads", source_id, stamp, "x").parent
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    try:
        for name, url in source.files:
            address = f"{mirror.rstrip('/')}/{name}" if mirror else url
            target = folder / name
            _download(address, target)
            paths.append(target)
    except FetchError:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return source.format, paths
