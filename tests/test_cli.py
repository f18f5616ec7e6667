"""The `diversion` command as users run it: a real process, real files, a real home."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import csv_text, row

EXE = Path(sys.executable).with_name("diversion")


def run(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k != "DIVERSION_HOME"}
    base["COLUMNS"] = "200"
    return subprocess.run(
        [str(EXE), *args],
        cwd=cwd,
        env={**base, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def sandbox(tmp_path: Path) -> dict[str, Path]:
    """A fake user home and working directory, to prove nothing is written outside the home."""
    places = {name: tmp_path / name for name in ("user", "cwd", "home1", "home2")}
    for place in places.values():
        place.mkdir()
    return places


def user_env(sandbox: dict[str, Path]) -> dict[str, str]:
    return {"HOME": str(sandbox["user"]), "XDG_DATA_HOME": str(sandbox["user"] / ".local/share")}


def files_under(folder: Path) -> list[Path]:
    return sorted(p.relative_to(folder) for p in folder.rglob("*") if p.is_file())


def test_screen_writes_decisions_and_an_empty_errors_file(sandbox: dict[str, Path]) -> None:
    source = sandbox["cwd"] / "in.csv"
    source.write_text(csv_text([row(), row(declaration_id="T-2", hs_code="854231")]), "utf-8")
    out = sandbox["cwd"] / "out" / "decisions.jsonl"
    result = run(
        "screen",
        str(source),
        "--out",
        str(out),
        "--home",
        str(sandbox["home1"]),
        cwd=sandbox["cwd"],
        env=user_env(sandbox),
    )
    assert result.returncode == 0, result.stderr
    decisions = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [(d["declaration_id"], d["corridor"]) for d in decisions] == [
        ("T-1", "green"),
        ("T-2", "red"),
    ]
    assert (sandbox["cwd"] / "out" / "decisions.errors.jsonl").read_text("utf-8") == ""
    assert "Results:" in result.stdout
    assert files_under(sandbox["user"]) == []


def test_invalid_rows_exit_2_and_valid_ones_are_still_screened(sandbox: dict[str, Path]) -> None:
    source = sandbox["cwd"] / "in.csv"
    source.write_text(
        csv_text([row(), row(declaration_id="BAD", hs_code="12", currency="XYZ")]), "utf-8"
    )
    out = sandbox["cwd"] / "decisions.csv"
    result = run(
        "screen",
        str(source),
        "--out",
        str(out),
        "--format",
        "csv",
        "--home",
        str(sandbox["home1"]),
        cwd=sandbox["cwd"],
        env=user_env(sandbox),
    )
    assert result.returncode == 2
    assert f"{source}:3: hs_code: HS code '12' has 2 digits" in result.stderr
    assert f"{source}:3: currency:" in result.stderr
    decisions = out.read_text("utf-8").splitlines()
    assert decisions[0].startswith("declaration_id,verdict,corridor,code")
    assert [line.split(",")[0] for line in decisions[1:]] == ["T-1"]
    errors = (sandbox["cwd"] / "decisions.errors.csv").read_text("utf-8").splitlines()
    assert errors[0] == "file,line,field,reason,declaration_id"
    assert len(errors) == 3 and all(",BAD" in line for line in errors[1:])


@pytest.mark.parametrize(
    ("content", "reason"),
    [(b"", "file is empty"), (b"Wrong;Header\n", "required column is missing")],
)
def test_unusable_files_exit_2(sandbox: dict[str, Path], content: bytes, reason: str) -> None:
    source = sandbox["cwd"] / "in.csv"
    source.write_bytes(content)
    result = run("screen", str(source), "--home", str(sandbox["home1"]), cwd=sandbox["cwd"])
    assert result.returncode == 2
    assert reason in result.stderr


def test_homes_are_separate_and_nothing_is_written_elsewhere(sandbox: dict[str, Path]) -> None:
    source = sandbox["cwd"] / "in.jsonl"
    source.write_text(
        json.dumps(
            {
                "declaration_id": "J-1",
                "declared_at": "2024-01-01",
                "procedure": "export",
                "exporter": {"name": "A", "country": "KZ"},
                "consignee": {"name": "B", "country": "CN"},
                "country_of_dispatch": "KZ",
                "country_of_destination": "CN",
                "items": [
                    {
                        "item_no": 1,
                        "hs_code": "740311",
                        "description": "Copper",
                        "country_of_origin": "KZ",
                        "quantity": 1,
                        "value": 9000,
                        "currency": "USD",
                    }
                ],
            }
        )
        + "\n",
        "utf-8",
    )
    env = user_env(sandbox)
    first = run("screen", str(source), "--home", str(sandbox["home1"]), cwd=sandbox["cwd"], env=env)
    second = run(
        "screen",
        str(source),
        cwd=sandbox["cwd"],
        env={**env, "DIVERSION_HOME": str(sandbox["home2"])},
    )
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    for home in ("home1", "home2"):
        (run_dir,) = (sandbox[home] / "runs").iterdir()
        assert run_dir.name.endswith("-in")
        assert sorted(p.name for p in run_dir.iterdir()) == [
            "decisions.errors.jsonl",
            "decisions.jsonl",
        ]
    assert files_under(sandbox["user"]) == []
    assert files_under(sandbox["cwd"]) == [Path("in.jsonl")]
    default = run("screen", str(source), cwd=sandbox["cwd"], env=env)
    assert default.returncode == 0, default.stderr
    written = files_under(sandbox["user"])
    assert {p.parts[:3] for p in written} == {(".local", "share", "diversion")}
    # the store, and the name index of the list it screened against
    assert {p.parts[3] for p in written if p.parts[3] != "runs"} == {"diversion.sqlite", "index"}


def test_rules_ls_prints_the_catalogue(sandbox: dict[str, Path]) -> None:
    result = run("rules", "ls", cwd=sandbox["cwd"])
    assert result.returncode == 0
    for code in ("goods.controlled", "goods.reexport_ban", "licence.missing", "party.sanctioned"):
        assert code in result.stdout


def test_screen_of_a_missing_file_is_a_usage_error_that_creates_nothing(
    sandbox: dict[str, Path],
) -> None:
    missing = sandbox["cwd"] / "no-such.csv"
    result = run("screen", str(missing), "--home", str(sandbox["home1"]), cwd=sandbox["cwd"])
    assert result.returncode == 1  # not 2: that means "some rows were invalid"
    assert f"{missing}: no such file" in result.stderr
    assert files_under(sandbox["home1"]) == [] and files_under(sandbox["cwd"]) == []


def _stored(home: Path) -> list[str]:
    from diversion.home import Home
    from diversion.screening.records import DeclarationRecords
    from diversion.store import open_store

    store = open_store(Home(home))
    try:
        return sorted(d.declaration_id for d in DeclarationRecords(store).declarations())
    finally:
        store.engine.dispose()


def _many(sandbox: dict[str, Path]) -> tuple[Path, list[str]]:
    ids = [f"T-{n:02d}" for n in range(40)]
    rows = [
        row(declaration_id=i, hs_code="854231" if n % 2 else "1001.99") for n, i in enumerate(ids)
    ]
    source = sandbox["cwd"] / "many.csv"
    source.write_text(csv_text(rows), "utf-8")
    return source, ids


def test_screen_into_a_reader_that_has_gone_loses_nothing(sandbox: dict[str, Path]) -> None:
    """The reader closes its end before anything is printed: every print fails with a broken
    pipe, and still every declaration is stored and the run exits with its own code."""
    source, ids = _many(sandbox)
    home = sandbox["home1"]
    base = {k: v for k, v in os.environ.items() if k != "DIVERSION_HOME"}
    with (sandbox["cwd"] / "stderr.txt").open("w+", encoding="utf-8") as stderr:
        process = subprocess.Popen(
            [str(EXE), "screen", str(source), "--home", str(home)],
            cwd=sandbox["cwd"],
            env=base,
            stdout=subprocess.PIPE,
            stderr=stderr,
        )
        assert process.stdout is not None
        process.stdout.close()  # like `| head` that has read what it wanted
        code = process.wait(timeout=120)
        stderr.seek(0)
        errors = stderr.read()
    assert code == 0, errors
    assert "Traceback" not in errors and "BrokenPipe" not in errors
    assert _stored(home) == ids
    (run_folder,) = (home / "runs").iterdir()
    assert len((run_folder / "decisions.jsonl").read_text("utf-8").splitlines()) == len(ids)


def test_screen_piped_into_head_stores_every_declaration(sandbox: dict[str, Path]) -> None:
    source, ids = _many(sandbox)
    home = sandbox["home1"]
    base = {k: v for k, v in os.environ.items() if k != "DIVERSION_HOME"}
    result = subprocess.run(
        f"set -o pipefail; '{EXE}' screen '{source}' --home '{home}' | head -1",
        shell=True,
        executable="/bin/bash",
        cwd=sandbox["cwd"],
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 1
    assert _stored(home) == ids
