"""Screening throughput on the embedded default.

Replicates the demo declarations into one large CSV, with fresh ids and a copy number added to
every party name (so that no name is screened twice and caches do not flatter the figures),
then times reading and screening it against the bundled reference data. Prints the figures;
asserts nothing.

    .venv/bin/python benchmarks/screening.py [--copies 100] [--service]
    .venv/bin/python benchmarks/screening.py --rows 200000 [--exporters 2000]
    .venv/bin/python benchmarks/screening.py --one-exporter 2000
    .venv/bin/python benchmarks/screening.py --history 1000000

With --service it also times the same declarations through the screening service on a new
SQLite home, as `diversion screen` and `POST /screen` run them: the batch as history and
import route, every decision kept in the store and cases opened.

The history rules must cost the same per declaration however long a party's past (issue 24):
--rows N writes N CSV rows (two goods lines per declaration, HS codes controlled and not,
spread over a year and over `--exporters` exporters) and reads and screens them whole;
--one-exporter N screens N declarations of one exporter (2,000 took 136 s when the rules read
the whole past for each); --history N builds the history of N declarations and runs only the
three history rules on each. Each prints its time and the process's peak memory (max RSS).
"""

from __future__ import annotations

import argparse
import csv
import resource
import tempfile
import time
from collections.abc import Iterator
from datetime import date, timedelta
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


HS = ("8542.31", "1001.99", "8471.30", "8517.62", "7208.51", "8803.20")
START = date(2024, 1, 1)


def synthetic_rows(declarations: int, exporters: int) -> Iterator[dict[str, str]]:
    """Two goods lines per declaration, as a CSV of declarations gives them."""
    for n in range(declarations):
        party = n % exporters
        head = {
            "declaration_id": f"B-{n}",
            "declared_at": (START + timedelta(days=n * 365 // max(declarations, 1))).isoformat(),
            "procedure": "export",
            "exporter_name": f"ТОО «Бенчмарк Трейд {party}»",
            "exporter_country": "KZ",
            "exporter_id": f"{230140000000 + party}",
            "consignee_name": f"OOO Poluchatel {n % 997}",
            "consignee_country": ("RU", "KG", "AM", "TR")[n % 4],
            "country_of_dispatch": "KZ",
            "country_of_destination": ("RU", "KG", "AM", "TR")[n % 4],
        }
        for item in (1, 2):
            yield {
                **head,
                "item_no": str(item),
                "hs_code": HS[(n + item) % len(HS)],
                "description": "Goods",
                "country_of_origin": ("DE", "CN", "KZ")[(n + item) % 3],
                "quantity": str(100 + n % 50),
                "unit": "pcs",
                "value": str(5000 + (n * 37) % 4000),
                "currency": "USD",
            }


def write_rows(path: Path, declarations: int, exporters: int) -> int:
    from diversion.declarations.csv_format import COLUMNS

    count = 0
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(COLUMNS), restval="")
        writer.writeheader()
        for record in synthetic_rows(declarations, exporters):
            writer.writerow(record)
            count += 1
    return count


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_rows(rows: int, exporters: int) -> None:
    """Read and screen `rows` CSV rows (rows / 2 declarations) with the batch as history."""
    from diversion.screening.run import screen_batch

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "rows.csv"
        written = write_rows(path, rows // 2, exporters)
        context = ScreeningContext.bundled()
        normalise_country("Kazakhstan")
        started = time.perf_counter()
        result = read_declarations(path)
        read = time.perf_counter()
        decisions = screen_batch(result.declarations, context)
        done = time.perf_counter()
    count = len(decisions)
    print(f"rows: {written}  declarations: {count}  exporters: {exporters}  "
          f"input errors: {len(result.errors)}")  # fmt: skip
    print(f"read + validate: {read - started:8.1f} s  ({written / (read - started):8.0f} rows/s)")
    print(f"screen:          {done - read:8.1f} s  ({count / (done - read):8.0f} declarations/s)")
    print(f"peak memory:     {peak_mib():8.0f} MiB (max RSS)")


def bench_one_exporter(count: int) -> None:
    """Screen `count` declarations of one exporter (the batch is its history)."""
    from diversion.screening.run import screen_batch

    declarations = _declarations(count, exporters=1)
    context = ScreeningContext.bundled()
    normalise_country("Kazakhstan")
    for size in sorted({count // 4, count // 2, count}):
        started = time.perf_counter()
        screen_batch(declarations[:size], context)
        spent = time.perf_counter() - started
        print(f"one exporter, {size:>8} declarations: {spent:8.1f} s "
              f"({size / spent:6.0f} declarations/s)")  # fmt: skip
    print(f"peak memory: {peak_mib():.0f} MiB (max RSS)")


def bench_history(count: int) -> None:
    """Build the history of `count` declarations and run the history rules on each."""
    from dataclasses import replace

    from diversion.screening.history import History
    from diversion.screening.history_checks import HISTORY_CHECKS

    started = time.perf_counter()
    declarations = _declarations(count, exporters=max(count // 500, 1))
    made = time.perf_counter()
    history = History.build(declarations)
    built = time.perf_counter()
    context = replace(ScreeningContext.bundled(), history=history)
    rules = [(HISTORY_CHECKS[rule_id], context.catalogue[rule_id]) for rule_id in HISTORY_CHECKS]
    found = 0
    checked = time.perf_counter()
    for declaration in declarations:
        for check, rule in rules:
            found += sum(1 for _ in check(declaration, context, rule))
    done = time.perf_counter()
    print(f"declarations: {count}  goods lines: {2 * count}  exporters: {max(count // 500, 1)}")
    print(f"make declarations: {made - started:8.1f} s")
    print(f"build history:     {built - made:8.1f} s")
    print(f"history rules:     {done - checked:8.1f} s  ({count / (done - checked):8.0f} "
          f"declarations/s, {found} reasons)")  # fmt: skip
    print(f"peak memory:       {peak_mib():8.0f} MiB (max RSS)")


def _declarations(count: int, exporters: int) -> list[Declaration]:
    declarations = []
    rows = synthetic_rows(count, exporters)
    for first, second in zip(rows, rows, strict=False):
        items = [
            {key: r[key] for key in ("item_no", "hs_code", "description", "country_of_origin",
                                     "quantity", "unit", "value", "currency")}
            for r in (first, second)
        ]  # fmt: skip
        record = {
            "declaration_id": first["declaration_id"],
            "declared_at": first["declared_at"],
            "procedure": first["procedure"],
            "exporter": {"name": first["exporter_name"], "country": "KZ",
                         "id": first["exporter_id"]},
            "consignee": {"name": first["consignee_name"],
                          "country": first["consignee_country"]},
            "country_of_dispatch": "KZ",
            "country_of_destination": first["country_of_destination"],
            "items": items,
        }  # fmt: skip
        declarations.append(Declaration.model_validate(record))
    return declarations


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--copies", type=int, default=100)
    parser.add_argument("--service", action="store_true", help="also time the service")
    parser.add_argument("--rows", type=int, help="screen this many synthetic CSV rows")
    parser.add_argument("--exporters", type=int, default=2000, help="exporters of --rows")
    parser.add_argument("--one-exporter", type=int, help="screen this many of one exporter")
    parser.add_argument("--history", type=int, help="history rules on this many declarations")
    args = parser.parse_args()
    if args.rows:
        return bench_rows(args.rows, args.exporters)
    if args.one_exporter:
        return bench_one_exporter(args.one_exporter)
    if args.history:
        return bench_history(args.history)
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
