"""The bundled demo: every declaration gets the verdict and reasons written down for it."""

from __future__ import annotations

import csv
import json
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from diversion.declarations import read_declarations
from diversion.lists import demo_list
from diversion.screening import Decision, Screener, ScreeningContext
from diversion.screening.history import History
from tests.conftest import DEMO
from tests.test_cli import run

EXPECTED_FILE = Path(__file__).parent / "data" / "demo_expected.csv"


def expected() -> dict[str, dict[str, str]]:
    with EXPECTED_FILE.open(encoding="utf-8", newline="") as handle:
        return {r["declaration_id"]: r for r in csv.DictReader(handle)}


@pytest.fixture(scope="module")
def decisions(context: ScreeningContext) -> dict[str, Decision]:
    result = read_declarations(DEMO / "declarations.csv")
    assert result.ok, result.errors
    # as `diversion demo` screens it: the batch is its own history
    batch = replace(context, history=History.build(result.declarations))
    return {d.declaration_id: d for d in Screener(batch).screen_all(result.declarations)}


def test_expectations_cover_every_demo_declaration(decisions: dict[str, Decision]) -> None:
    assert len(decisions) >= 40
    assert set(expected()) == set(decisions)


@pytest.mark.parametrize("declaration_id", sorted(expected()))
def test_demo_declaration(decisions: dict[str, Decision], declaration_id: str) -> None:
    want = expected()[declaration_id]
    decision = decisions[declaration_id]
    codes = sorted(filter(None, want["reason_codes"].split(";")))
    got = (decision.verdict, decision.codes)
    assert got == (want["verdict"], codes), f"{declaration_id}: {want['why']}"


def test_demo_covers_every_corridor_and_reason(decisions: dict[str, Decision]) -> None:
    corridors = Counter(d.corridor for d in decisions.values())
    assert corridors["green"] >= 15 and corridors["yellow"] >= 1 and corridors["red"] >= 10
    codes = {code for d in decisions.values() for code in d.codes}
    assert {
        "goods.controlled",
        "goods.reexport_ban",
        "licence.missing",
        "party.sanctioned",
    } <= codes


def test_demo_list_is_marked_fictional() -> None:
    listing = demo_list()
    assert len(listing.entities) >= 15
    for entity in listing.entities.values():
        # Sanction, Ownership and Directorship have no notes; they carry the mark in summary.
        marks = entity.get("notes", quiet=True) + entity.get("summary", quiet=True)
        assert any("FICTIONAL" in mark for mark in marks), entity.id
    assert all(
        listing.sanctions.get(str(e.id)) for e in listing.parties() if "sanction" in e.get("topics")
    )


def test_make_demo_command(tmp_path: Path) -> None:
    result = run("demo", "--home", str(tmp_path / "home"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = tmp_path / "home" / "demo" / "decisions.jsonl"
    lines = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    counts = Counter(d["corridor"] for d in lines)
    assert len(lines) >= 40
    shown = {
        words[0]: words[-1]
        for words in (line.split() for line in result.stdout.splitlines())
        if words and words[0] in ("red", "yellow", "green")
    }
    assert shown == {c: str(counts[c]) for c in ("red", "yellow", "green")}
    assert "Stopped (red corridor)" in result.stdout
    red_ids = [d["declaration_id"] for d in lines if d["corridor"] == "red"]
    assert all(i in result.stdout for i in red_ids)
    assert str(out) in result.stdout.replace("\n", "")
