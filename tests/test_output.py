"""Results are written atomically: a crash leaves the previous file untouched."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from diversion.screening import Decision
from diversion.screening.output import errors_path, write_decisions


def test_a_crash_mid_write_keeps_the_old_results(tmp_path: Path) -> None:
    target = tmp_path / "decisions.jsonl"
    target.write_text("previous results\n", encoding="utf-8")

    def exploding() -> Iterator[Decision]:
        yield Decision("X", "clear", "green", (), "2024-01-01T00:00:00+00:00", "test", ())
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        write_decisions(target, exploding(), "jsonl")
    assert target.read_text(encoding="utf-8") == "previous results\n"
    assert [p.name for p in tmp_path.iterdir()] == ["decisions.jsonl"]


def test_errors_file_sits_next_to_the_results() -> None:
    assert errors_path(Path("/x/decisions.csv")) == Path("/x/decisions.errors.csv")
    assert errors_path(Path("out.jsonl")) == Path("out.errors.jsonl")
