"""Writing decisions and input errors as JSON Lines or CSV, atomically.

A file is written to a temporary name beside its target and renamed into place, so a crash
never leaves a half-written results file (diversion.files). CSV cells that a spreadsheet would
run as formulas are escaped (diversion.csv_output).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from diversion.csv_output import CsvWriter
from diversion.declarations import InputError
from diversion.files import AtomicFile
from diversion.screening.decision import Decision

OUTPUT_FORMATS = ("jsonl", "csv")
DECISION_COLUMNS = (
    "declaration_id",
    "verdict",
    "corridor",
    "code",
    "severity",
    "item_no",
    "message",
    "evidence",
)
ERROR_COLUMNS = ("file", "line", "field", "reason", "declaration_id")


def errors_path(out: Path) -> Path:
    """The errors file that sits next to an output file: `x.jsonl` -> `x.errors.jsonl`."""
    return out.with_name(f"{out.stem}.errors{out.suffix}")


def write_decisions(
    path: Path, decisions: Iterable[Decision], fmt: str, publish: bool = True
) -> AtomicFile:
    """Write the decisions; renamed into place now, or (`publish=False`) by the caller's
    `publish()` once the store holds them."""
    staged = AtomicFile(path, publish)
    with staged as handle:
        if fmt == "jsonl":
            for decision in decisions:
                handle.write(json.dumps(decision.to_dict(), ensure_ascii=False) + "\n")
            return staged
        writer = CsvWriter(handle, DECISION_COLUMNS, numeric=("item_no",))
        writer.writeheader()
        for decision in decisions:
            head = [decision.declaration_id, decision.verdict, decision.corridor]
            if not decision.reasons:
                writer.writerow([*head, "", "", "", "", ""])
            for reason in decision.reasons:
                evidence = json.dumps(reason.evidence, ensure_ascii=False)
                item = "" if reason.item_no is None else reason.item_no
                writer.writerow(
                    [*head, reason.code, reason.severity, item, reason.message, evidence]
                )
    return staged


def write_errors(
    path: Path, errors: Iterable[InputError], fmt: str, publish: bool = True
) -> AtomicFile:
    staged = AtomicFile(path, publish)
    with staged as handle:
        if fmt == "jsonl":
            for error in errors:
                handle.write(json.dumps(error.to_dict(), ensure_ascii=False) + "\n")
            return staged
        writer = CsvWriter(handle, ERROR_COLUMNS, numeric=("line",))
        writer.writeheader()
        for error in errors:
            row = [getattr(error, column) for column in ERROR_COLUMNS]
            writer.writerow(["" if value is None else value for value in row])
    return staged
