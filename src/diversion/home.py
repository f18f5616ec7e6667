"""The one directory that holds all of Diversion's state.

Everything the system writes (imported lists, the store, indexes, run results) lives under a
home directory, so that two homes never interfere and a user can delete or back up one folder.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

ENV_VAR = "DIVERSION_HOME"
URL_VAR = "DIVERSION_DB_URL"  # the store's database, when it is not SQLite in the home


@dataclass(frozen=True)
class Home:
    root: Path

    @classmethod
    def resolve(cls, explicit: str | Path | None = None) -> Home:
        """`--home` wins, then `$DIVERSION_HOME`, then the per-user data directory."""
        if explicit:
            return cls(Path(explicit).expanduser().resolve())
        env = os.environ.get(ENV_VAR)
        if env:
            return cls(Path(env).expanduser().resolve())
        return cls(Path(platformdirs.user_data_dir("diversion", appauthor=False)))

    def path(self, *parts: str) -> Path:
        """A path inside the home; its parent folders are created on demand."""
        target = self.root.joinpath(*parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        return target

    @property
    def runs(self) -> Path:
        return self.root / "runs"
