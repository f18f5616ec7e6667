"""Files written whole or not at all, for every part that writes results: screening output,
flows findings and reports, network exports.

A file is written to a temporary name beside its target and renamed into place, so a crash
never leaves a half-written file where a reader expects a finished one. Results that a store
transaction must hold first are staged: written whole, then renamed only after the commit
(`AtomicFile(path, publish=False)`, then `publish()`).

`crash_point` is a test hook (inert unless DIVERSION_TEST_CRASH_AFTER names the step): the
tests end a real process at a named step, as a kill would, to prove what a crash leaves.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import IO

CRASH_VAR = "DIVERSION_TEST_CRASH_AFTER"
CRASH_EXIT = 137  # what a shell reports for a process killed by SIGKILL


def crash_point(step: str) -> None:
    """A test hook: end the process at once, without cleaning up, when $DIVERSION_TEST_CRASH_AFTER
    is `step`. Unset (always, outside tests) it does nothing."""
    if os.environ.get(CRASH_VAR) == step:
        os._exit(CRASH_EXIT)


class AtomicFile:
    """A file written whole or not at all: to a temporary file, then moved over the target,
    when the block ends (or, with `publish=False`, when `publish()` is called)."""

    def __init__(self, path: Path, publish: bool = True) -> None:
        self.path = path
        self.on_exit = publish
        self.tmp = ""

    def __enter__(self) -> IO[str]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, self.tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=self.path.parent)
        self.handle = os.fdopen(fd, "w", encoding="utf-8", newline="")
        return self.handle

    def __exit__(self, kind: object, *_: object) -> None:
        self.handle.close()
        if kind is not None:
            self.discard()
        elif self.on_exit:
            self.publish()

    def publish(self) -> None:
        """Move the finished file into place."""
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(self.tmp, 0o666 & ~umask)  # as an ordinary file, not mkstemp's 0600
        os.replace(self.tmp, self.path)

    def discard(self) -> None:
        """Remove the temporary file: nothing is published."""
        if self.tmp:
            Path(self.tmp).unlink(missing_ok=True)
