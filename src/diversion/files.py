"""Files written whole or not at all, for every part that writes results: screening output,
flows findings and reports, network exports.

A file is written to a temporary name beside its target and renamed into place, so a crash
never leaves a half-written file where a reader expects a finished one.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import IO


class AtomicFile:
    """A file written whole or not at all: to a temporary file, then moved over the target."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __enter__(self) -> IO[str]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, self.tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=self.path.parent)
        self.handle = os.fdopen(fd, "w", encoding="utf-8", newline="")
        return self.handle

    def __exit__(self, kind: object, *_: object) -> None:
        self.handle.close()
        if kind is None:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(self.tmp, 0o666 & ~umask)  # as an ordinary file, not mkstemp's 0600
            os.replace(self.tmp, self.path)
        else:
            os.unlink(self.tmp)
