"""Time and peak memory of importing real lists into a fresh SQLite store.

Each case runs in its own process (so peak memory is that import's alone), in a temporary
home: parse the files, then write the snapshot and make it active.

    .venv/bin/python benchmarks/list_import.py [--repeat 1]
"""

from __future__ import annotations

import argparse
import multiprocessing
import resource
import tempfile
import time
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "lists"
CASES = {
    "OFAC SDN 2021 (legacy CSV set)": ("ofac-csv", [SHARED / "ofac-sdn-2021"]),
    "UN SC consolidated XML": ("un-xml", [SHARED / "un" / "UN_consolidated.xml"]),
}


def _run(
    fmt: str, paths: list[Path], queue: multiprocessing.Queue[tuple[float, float, int, int]]
) -> None:
    from diversion.home import Home
    from diversion.lists.importers import importer
    from diversion.lists.snapshots import ListStore
    from diversion.store import open_store

    with tempfile.TemporaryDirectory() as folder:
        store = ListStore(open_store(Home(Path(folder))))
        started = time.perf_counter()
        importer(fmt)(paths)  # parse alone, dropped at once
        parsed_at = time.perf_counter()
        outcome = store.import_files(fmt, paths, "bench")
        done = time.perf_counter()
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    queue.put((parsed_at - started, done - parsed_at, outcome.snapshot.entity_count, peak_kib))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    if not SHARED.is_dir():  # the benchmarks read the project's shared data folder, not tests/data
        raise SystemExit(
            f"{SHARED} is missing: this benchmark reads ../shared/data beside the clone"
        )
    context = multiprocessing.get_context("spawn")
    print(f"{'list':34} {'entities':>9} {'parse s':>8} {'import s':>9} {'peak MiB':>9}")
    for name, (fmt, paths) in CASES.items():
        for _ in range(args.repeat):
            queue: multiprocessing.Queue[tuple[float, float, int, int]] = context.Queue()
            child = context.Process(target=_run, args=(fmt, paths, queue))
            child.start()
            parse_s, import_s, count, peak_kib = queue.get()
            child.join()
            # import_s parses again before writing: it is the whole `lists import`
            print(f"{name:34} {count:9,} {parse_s:8.2f} {import_s:9.2f} {peak_kib / 1024:9.0f}")


if __name__ == "__main__":
    main()
