"""One screening run over a file: read, screen, write decisions and errors."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from diversion.declarations import Declaration, ReadResult, read_declarations
from diversion.files import AtomicFile
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


def screen_batch(
    declarations: Sequence[Declaration],
    context: ScreeningContext,
    progress: Progress | None = None,
) -> list[Decision]:
    """One decision per declaration, in order. The batch is its own history and import route
    too: a pass-through needs its import, wherever it is."""
    context = replace(
        context,
        history=History.build(declarations, context.history),
        imports=Imports.build(declarations=declarations, base=context.imports),
    )
    screener = Screener(context)
    batch: Iterable[Declaration] = declarations
    if progress is not None:
        batch = progress(batch, len(declarations))
    return list(screener.screen_all(batch))


@dataclass
class StagedRun:
    """A run's files written whole under temporary names: `publish` renames them into place
    (the errors first, the decisions last), `discard` removes them."""

    result: RunResult
    files: list[AtomicFile]

    def publish(self) -> RunResult:
        for staged in self.files:
            staged.publish()
        return self.result

    def discard(self) -> None:
        for staged in self.files:
            staged.discard()


def stage_run(
    source: Path, out: Path, fmt: str, read: ReadResult, decisions: list[Decision]
) -> StagedRun:
    """Write the decisions and the input errors next to them, not yet in place."""
    errors_out = errors_path(out)
    files = [write_errors(errors_out, read.errors, fmt, publish=False)]
    try:
        files.append(write_decisions(out, decisions, fmt, publish=False))
    except BaseException:
        files[0].discard()
        raise
    return StagedRun(RunResult(source, out, errors_out, read, decisions), files)


def write_run(
    source: Path, out: Path, fmt: str, read: ReadResult, decisions: list[Decision]
) -> RunResult:
    """Write the decisions and the input errors next to them."""
    return stage_run(source, out, fmt, read, decisions).publish()


def screen_file(
    source: Path,
    out: Path,
    fmt: str,
    context: ScreeningContext,
    input_format: str | None = None,
    progress: Progress | None = None,
) -> RunResult:
    read = read_declarations(source, input_format)
    decisions = screen_batch(read.declarations, context, progress)
    return write_run(source, out, fmt, read, decisions)
