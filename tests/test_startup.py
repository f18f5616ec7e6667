"""What `diversion` loads to start: structure, not time (benchmarks/startup.py times it).

Every command once paid for the whole system at start-up: followthemoney, the matching index,
SQLAlchemy, a password hash. These tests run the CLI in a fresh interpreter and look at what it
imported, so that a heavy import at the top of a CLI module fails here, not in a stopwatch.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import diversion
from diversion.cli.app import app
from diversion.cli.groups import GROUPS, typer_app
from tests.conftest import SHARED

SRC = str(Path(diversion.__file__).resolve().parents[1])
# Runs `diversion ARGS...` as the console script does, then writes the loaded module names.
PROBE = """
import atexit, json, sys
out = sys.argv[1]
def dump():
    with open(out, "w") as handle:
        json.dump(sorted(sys.modules), handle)
atexit.register(dump)
sys.argv = ["diversion", *sys.argv[2:]]
from diversion.cli.app import main
main()
"""
HEAVY = (
    "followthemoney", "nomenklatura", "rigour", "pypinyin", "sqlalchemy", "alembic", "pyarrow",
    "duckdb", "numpy", "pandas", "fastapi", "uvicorn", "plotly", "matplotlib", "argon2",
)  # fmt: skip
MATCHING_STACK = ("followthemoney", "nomenklatura", "pypinyin")


def _env() -> dict[str, str]:
    path = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": SRC + (os.pathsep + path if path else "")}


def loaded_by(tmp_path: Path, *args: str) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """The finished `diversion ARGS` and the modules it had imported when it exited."""
    out = tmp_path / f"modules-{len(list(tmp_path.glob('modules-*')))}.json"
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(out), *args],
        capture_output=True,
        text=True,
        env=_env(),
        check=False,
    )
    return done, set(json.loads(out.read_text()))


def _under(modules: set[str], packages: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in packages)


def _matching(modules: set[str]) -> list[str]:
    """Our matching modules, but for the constants the help texts show."""
    return sorted(
        m
        for m in modules
        if m.startswith("diversion.matching.") and m != "diversion.matching.defaults"
    )


def test_importing_the_cli_loads_no_heavy_package_and_no_command_group() -> None:
    probe = "import json, sys; import diversion.cli.app; print(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=_env(), check=True
    )
    modules = set(json.loads(done.stdout))
    assert "diversion.cli.app" in modules
    assert _under(modules, HEAVY) == []
    assert _matching(modules) == []
    assert not modules & {"diversion.store.engine", "diversion.screening.context", "pydantic"}
    # the groups are built when named: their modules (but goods, which `screen` uses) wait
    assert {f"diversion.cli.{g.module}" for g in GROUPS.values()} & modules == {
        "diversion.cli.goods"
    }


@pytest.mark.parametrize("args", [("version",), ("--help",), ("rules", "--help")])
def test_version_and_help_load_no_heavy_package(tmp_path: Path, args: tuple[str, ...]) -> None:
    done, modules = loaded_by(tmp_path, *args)
    assert done.returncode == 0, done.stderr
    assert _under(modules, HEAVY) == []
    assert _matching(modules) == []


def test_flows_commands_load_no_matching_stack(tmp_path: Path) -> None:
    home = tmp_path / "home"
    hub = SHARED / "trade" / "eurostat-hubs" / "kyrgyz_export_eurostat"
    runs = [
        ("flows", "--help"),
        ("flows", "layouts"),
        ("flows", "load", "comext", str(hub), "--home", str(home)),
        ("flows", "surges", "--home", str(home), "--min-value", "0"),
    ]
    outputs = []
    for args in runs:
        done, modules = loaded_by(tmp_path, *args)
        assert done.returncode == 0, (args, done.stderr)
        assert _under(modules, MATCHING_STACK) == [], args
        assert _matching(modules) == [], args
        assert "diversion.screening.context" not in modules, args
        assert "diversion.lists.importers.base" not in modules, args
        outputs.append(done.stdout)
    assert "comext-bulk" in outputs[1]  # the commands did their work
    assert "Loaded" in outputs[2] and "flows from 68 file(s)" in outputs[2]
    assert "surges finding(s)" in outputs[3]


def test_screening_still_loads_the_matching_stack_it_needs(tmp_path: Path) -> None:
    """The laziness is real: the same probe sees the matcher when a command uses it."""
    done, modules = loaded_by(tmp_path, "match", "query", "Da Group 22", "--home", str(tmp_path))
    assert done.returncode == 0, done.stderr
    assert "diversion.matching.matcher" in modules
    assert "followthemoney" in modules


def test_each_lazy_group_is_its_module_app_with_the_same_help() -> None:
    runner = CliRunner()
    for name, group in GROUPS.items():
        assert typer_app(name).info.help == group.help, name
        result = runner.invoke(app, [name, "--help"])
        assert result.exit_code == 0, (name, result.output)
        assert "─ Commands ─" in result.output  # the real group: a stand-in has no commands
    listing = runner.invoke(app, ["--help"]).output
    assert all(name in listing for name in GROUPS)
    typo = runner.invoke(app, ["flws"])
    assert typo.exit_code == 2
    assert "Did you mean 'flows'?" in typo.output


def test_no_password_is_hashed_at_import() -> None:
    probe = (
        "import argon2\n"
        "calls = []\n"
        "original = argon2.PasswordHasher.hash\n"
        "argon2.PasswordHasher.hash = lambda self, *a, **k: calls.append(a) or original(self, *a, **k)\n"  # noqa: E501
        "import diversion.cases.users, diversion.api.app\n"
        "print(len(calls))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=_env(), check=True
    )
    assert done.stdout.strip() == "0"
