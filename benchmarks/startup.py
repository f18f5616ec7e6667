"""How long `diversion` takes to start: wall time of a few commands, and what their imports cost.

Each command runs RUNS times in a fresh interpreter (after one warm-up run, so that bytecode
caches are written): the median, the 90th percentile and the fastest run are printed. Two floors
come first: the interpreter alone, and a two-command typer app (typer imports pydantic to check
parameters, whatever the app does). Then `python -X importtime` of `diversion version` and of
`diversion flows layouts`: the imports that cost most, and whether any heavy package was loaded.

    .venv/bin/python benchmarks/startup.py [--runs 20] [--top 15]

It times the `diversion` package the interpreter imports; PYTHONPATH=other/src times another
checkout (the figures in docs/development.md compare two commits that way).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections import Counter

# `diversion ARGS`, as the console script starts it
LAUNCH = "import sys; sys.argv[0] = 'diversion'; from diversion.cli.app import main; main()"
TYPER_FLOOR = """
import typer
app = typer.Typer()
@app.command()
def version() -> None:
    print("0")
@app.command()
def other(x: int = 1) -> None:
    pass
app()
"""
FLOORS = {
    "python -c pass": ["-c", "pass"],
    "a two-command typer app": ["-c", TYPER_FLOOR, "version"],
}
COMMANDS = (
    ("version",),
    ("--help",),
    ("flows", "--help"),
    ("flows", "layouts"),
    ("lists", "--help"),
    ("cases", "--help"),
    ("match", "query", "--help"),
)
# packages no start-up should need; `flows` must not load the first three
HEAVY = (
    "followthemoney",
    "nomenklatura",
    "diversion.matching.matcher",
    "sqlalchemy",
    "alembic",
    "pyarrow",
    "duckdb",
    "numpy",
    "fastapi",
    "plotly",
    "matplotlib",
    "argon2",
)


def _time(argv: list[str], runs: int) -> list[float]:
    command = [sys.executable, *argv]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)  # warm-up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    return times


def _row(label: str, times: list[float]) -> str:
    ordered = sorted(times)
    p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
    return f"{label:34} {statistics.median(times):8.3f} {p90:8.3f} {ordered[0]:8.3f} {len(times):5}"


def _importtime(args: tuple[str, ...]) -> list[tuple[str, int, int, int]]:
    """(module, self µs, cumulative µs, depth) of every import, in the order Python reports."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", LAUNCH, *args],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    rows = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        own, cumulative, name = line.removeprefix("import time:").split("|")
        depth = (len(name) - len(name.lstrip())) // 2
        rows.append((name.strip(), int(own), int(cumulative), depth))
    return rows


def _imports_report(args: tuple[str, ...], top: int) -> None:
    rows = _importtime(args)
    total = sum(own for _, own, _, _ in rows)
    print(f"\n`diversion {' '.join(args)}`: {len(rows)} modules, {total / 1e6:.3f} s of imports")
    print("  (import times are inflated by -X importtime itself; compare them with each other)")
    print(f"  top-level imports by cumulative time (top {top}):")
    outer = sorted((r for r in rows if r[3] <= 1), key=lambda r: -r[2])
    for name, _, cumulative, _ in outer[:top]:
        print(f"    {cumulative / 1e3:8.1f} ms  {name}")
    by_package: Counter[str] = Counter()
    for name, own, _, _ in rows:
        parts = name.split(".")
        by_package[".".join(parts[:3]) if parts[0] == "diversion" else parts[0]] += own
    print(f"  packages by their own import time (top {top}):")
    for package, own in by_package.most_common(top):
        print(f"    {own / 1e3:8.1f} ms  {package}")
    names = {name for name, _, _, _ in rows}
    heavy = [h for h in HEAVY if h in names]
    print(f"  heavy packages loaded: {', '.join(heavy) if heavy else 'none'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20, help="timed runs of each command")
    parser.add_argument("--top", type=int, default=15, help="imports listed per command")
    args = parser.parse_args()
    print(f"{'command':34} {'median s':>8} {'p90 s':>8} {'min s':>8} {'runs':>5}")
    for label, argv in FLOORS.items():
        print(_row(label, _time(argv, args.runs)))
    for command in COMMANDS:
        print(_row(f"diversion {' '.join(command)}", _time(["-c", LAUNCH, *command], args.runs)))
    _imports_report(("version",), args.top)
    _imports_report(("flows", "layouts"), args.top)


if __name__ == "__main__":
    main()
