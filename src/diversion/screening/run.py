"""One screening run over a file: read, screen, write decisions and errors."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from diversion.declarations import Declaration, ReadResult, read_declarations
from diversion.home import Home
from diversion.screening.context import ScreeningContext
from diversion.screening.decision import Decision
from diversion.screening.history import History
from diversion.screening.imports import Imports
from diversion.screening.output import errors_path, write_decisions, write_errors
from diversion.screening.pipeline import Screener

CORRIDORS = ("red", "yellow", "green")
Progress = Callable[[Iterable[Declaration], int], Iterator[Declaration]]


@dataclass(frozen=True)
class RunResult:
    input: Path
    out: Path
    errors_out: Path
    read: ReadResult
    decisions: list[Decision]

    @property
    def corridors(self) -> Counter[str]:
        return Counter(decision.corridor for decision in self.decisions)

    @property
    def exit_code(self) -> int:
        """2 when any input was invalid (valid declarations are still screened), else 0."""
        return 2 if self.read.errors else 0


def default_out(home: Home, source: Path, fmt: str) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return home.runs / f"{stamp}-{source.stem}" / f"decisions.{fmt}"


def screen_file(
    source: Path,
    out: Path,
    fmt: str,
    context: ScreeningContext,
    input_format: str | None = None,
    progress: Progress | None = None,
) -> RunResult:
    read = read_declarations(source, input_format)
    # the batch is its own history too: a pass-through needs its import, wherever it is
    context = replace(
        context,
        history=History.build(read.declarations, context.history),
        imports=Imports.build(declarations=read.declarations, base=context.imports),
    )
    screener = Screener(context)
    declarations: Iterable[Declaration] = read.declarations
    if progress is not None:
        declarations = progress(declarations, len(read.declarations))
    decisions = list(screener.screen_all(declarations))
    write_decisions(out, decisions, fmt)
    errors_out = errors_path(out)
    write_errors(errors_out, read.errors, fmt)
    return RunResult(source, out, errors_out, read, decisions)
