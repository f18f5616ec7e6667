"""Screening throughput on the embedded default.

Replicates the demo declarations into one large CSV, with fresh ids and a copy number added to
every party name (so that no name is screened twice and caches do not flatter the figures),
then times reading and screening it against the bundled reference data. Prints the figures;
asserts nothing.

    .venv/bin/python benchmarks/screening.py [--copies 100] [--service]

With --service it also times the same declarations through the screening service on a new
SQLite home, as `diversion screen` and `POST /screen` run them: the batch as history and
import route, every decision kept in the store and cases opened.
"""

from __future__ import annotations

import argparse
import csv
import tempfile
import time
from pathlib import Path

from diversion.countries import normalise_country
from diversion.declarations import Declaration, read_declarations
from diversion.reference import package_file
from diversion.screening import Screener, ScreeningContext

NAME_COLUMNS = ("exporter_name", "consignee_name", "end_user_name", "forwarder_name", "payer_name")


def replicate(source: Path, target: Path, copies: int) -> int:
    with source.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        fields = list(reader.fieldnames or [])
        rows = list(reader)
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        for copy in range(copies):
            for row in rows:
                names = {c: f"{row[c]} {copy}" for c in NAME_COLUMNS if row[c]}
                writer.writerow(
                    {**row, **names, "declaration_id": f"{row['declaration_id']}-{copy}"}
                )
    return copies * len(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--copies", type=int, default=100)
    parser.add_argument("--service", action="store_true", help="also time the service")
    args = parser.parse_args()
    demo = package_file("diversion", "data/demo/declarations.csv")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.csv"
        rows = replicate(demo, path, args.copies)
        started = time.perf_counter()
        context = ScreeningContext.bundled()
        normalise_country("Kazakhstan")  # builds rigour's country-name table, once per process
        loaded = time.perf_counter()
        result = read_declarations(path)
        read = time.perf_counter()
        decisions = list(Screener(context).screen_all(result.declarations))
        done = time.perf_counter()
        if args.service:
            serviced = _service(Path(folder) / "home", result.declarations)
    count = len(decisions)
    print(f"rows: {rows}  declarations: {count}  input errors: {len(result.errors)}")
    print(f"load reference data: {loaded - started:8.3f} s")
    print(f"read + validate:     {read - loaded:8.3f} s  ({rows / (read - loaded):10.0f} rows/s)")
    print(
        f"screen:              {done - read:8.3f} s  ({count / (done - read):10.0f} declarations/s)"
    )
    if args.service:
        rate = count / serviced
        print(f"service (store, cases): {serviced:5.3f} s  ({rate:10.0f} declarations/s)")


def _service(folder: Path, declarations: list[Declaration]) -> float:
    """Seconds to screen through the service, its context loaded beforehand."""
    from diversion.home import Home
    from diversion.service.screening import ScreeningService
    from diversion.store import open_store

    home = Home(folder)
    service = ScreeningService(home, open_store(home))
    service.context()
    started = time.perf_counter()
    service.screen(declarations)
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
