"""The matching engine against nomenklatura's logic-v2, side by side, in one run.

Quality:
  * F1 on name_bench (826 labelled pairs), on our Central Asia set and on our translated set
    (issue 21: translation, acronyms, Cyrillic), both matchers, with per-category slices;
  * P/R/F1 of `same_address` on the cross-script address pairs (logic-v2 has no address
    comparison: n/a);
  * the 50,000 synthetic people of negatives_global screened against an index of every real
    list name: matches found by Diversion, and by logic-v2 scoring the same candidates.
Speed (one process, one core):
  * build an index of about 1,000,000 names (all real list names plus generated filler):
    time and peak memory;
  * single queries p50/p99, batch queries per second, and logic-v2's time to score the same
    candidates;
  * candidate recall: the share of exhaustive scoring's matches the index finds, on a sample.

    .venv/bin/python benchmarks/matching.py                 # everything (about 15 minutes)
    .venv/bin/python benchmarks/matching.py --quick         # smaller samples, 200k-name index
    .venv/bin/python benchmarks/matching.py --pairs-only    # the labelled sets only (a minute)
Prints the figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing
import random
import resource
import statistics
import time
from collections.abc import Iterator
from pathlib import Path

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
MATCHING = SHARED / "matching"
LISTS = SHARED / "lists"
DATA = Path(__file__).resolve().parent / "data"
CENTRAL_ASIA = DATA / "central_asia_pairs.csv"
TRANSLATED = DATA / "translated_pairs.csv"
TRANSLATED_ADDRESSES = DATA / "translated_addresses.csv"


def real_list_entries() -> list[tuple[object, list[str]]]:
    """Every party of every real list file at hand, as index entries with their names."""
    from diversion.lists.importers import importer
    from diversion.lists.model import SanctionsList
    from diversion.matching.matcher import list_entries
    from diversion.reference import ReferenceData

    sources = [
        ("ofac-csv", [LISTS / "ofac-sdn-2021"]),
        ("ofac-csv", [LISTS / "ofac-consolidated"]),
        ("un-xml", [LISTS / "un" / "UN_consolidated.xml"]),
        ("csl", sorted((LISTS / "us-csl").iterdir())),
        ("ftm", sorted((LISTS / "ftm").iterdir())),
    ]
    entries: list[tuple[object, list[str]]] = []
    for fmt, paths in sources:
        for path in paths if fmt in ("csl", "ftm") else [paths]:
            files = [path] if isinstance(path, Path) else path
            parsed = importer(fmt)(files)
            reference = ReferenceData(fmt, files[0].name, "", fmt, fmt, "")
            listing = SanctionsList.build(reference, parsed.entities)
            entries.extend(list_entries(listing))
    return entries


def filler(count: int, seed: int = 7) -> Iterator[tuple[object, list[str]]]:
    """Realistic names that match nobody on purpose: people from the given and family names
    of the synthetic set recombined, firms from real distinctive words recombined."""
    from diversion.matching.index import Entry

    rng = random.Random(seed)
    given: list[str] = []
    family: list[str] = []
    with (MATCHING / "negatives_global.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["first_name"]:
                given.append(row["first_name"])
            if row["last_name"]:
                family.append(row["last_name"])
    words = [
        "Alfa",
        "Vostok",
        "Sever",
        "Yug",
        "Zapad",
        "Mega",
        "Tekh",
        "Prom",
        "Stroy",
        "Energo",
        "Avia",
        "Radio",
        "Elektro",
        "Mash",
        "Neft",
        "Gaz",
        "Agro",
        "Trans",
        "Invest",
        "Kapital",
        "Resurs",
        "Servis",
        "Snab",
        "Komplekt",
        "Optima",
        "Sigma",
        "Delta",
        "Gamma",
        "Omega",
        "Orion",
        "Vega",
        "Altair",
        "Sirius",
        "Pulsar",
        "Kvant",
        "Integral",
        "Vektor",
        "Format",
        "Nord",
        "Baltic",
        "Ural",
        "Sibir",
        "Altai",
        "Tien",
        "Shan",
        "Ala",
        "Too",
        "Saryarka",
        "Astana",
        "Almaty",
        "Bishkek",
        "Tashkent",
        "Samarkand",
        "Yerevan",
        "Ararat",
        "Shenzhen",
        "Huacheng",
        "Xinda",
        "Jinhua",
        "Hongda",
        "Tianyu",
        "Zhongke",
        "Haitai",
        "Guangming",
        "Kaiyuan",
    ]
    kinds = [
        "Group",
        "Trading",
        "Technology",
        "Electronics",
        "Industrial",
        "Logistics",
        "Systems",
        "Solutions",
        "Engineering",
        "Components",
        "Supply",
        "Holding",
    ]
    forms = ["LLC", "LLP", "Co., Ltd.", "JSC", "ТОО", "ООО", "MChJ", "FZE", "Limited", "GmbH"]
    for number in range(count):
        if number % 2:
            name = f"{rng.choice(given)} {rng.choice(given)} {rng.choice(family)}"
            yield Entry(f"filler-p{number}", "Person", name, "filler"), [name]
        else:
            stem = (
                "".join(rng.sample(words, 2))
                if rng.random() < 0.5
                else " ".join(rng.sample(words, 2))
            )
            name = f"{stem} {rng.choice(kinds)} {rng.choice(forms)}"
            yield Entry(f"filler-c{number}", "Company", name, "filler"), [name]


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _pairs(path: Path) -> list[object]:
    from diversion.matching.pairs import read_pairs

    pairs, errors = read_pairs(path, labelled=True)
    if errors:
        raise SystemExit(f"{path}: {len(errors)} invalid rows, first: {errors[0]}")
    return list(pairs)


def address_quality(path: Path) -> None:
    """P/R/F1 of `same_address` on labelled address pairs, overall and per category."""
    from collections import defaultdict

    from diversion.matching.addresses import MATCH_RATIO, same_address
    from diversion.matching.pairs import metrics
    from diversion.matching.settings import DEFAULTS

    # same_address scores 0-100: the matcher's address feature counts from
    # `address_similarity`, screening's party.address_match from MATCH_RATIO
    cutoff = DEFAULTS.address_similarity * 100
    groups: dict[str, list[tuple[bool, bool]]] = defaultdict(list)
    strict: list[tuple[bool, bool]] = []
    with path.open(encoding="utf-8", newline="") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            label = row["is_match"].strip().lower()
            if label not in ("true", "false"):
                raise SystemExit(f"{path}:{line}: is_match {row['is_match']!r} is not true/false")
            alike = same_address(row["address1"], row["address2"])
            for key in ("", row["category"]):
                groups[key].append((label == "true", alike >= cutoff))
            strict.append((label == "true", alike >= MATCH_RATIO))
    for key in sorted(groups):
        labels = [y for y, _ in groups[key]]
        ours = metrics(labels, [p for _, p in groups[key]])
        name = f"translated_addresses at {cutoff:.0f}" if not key else f"  category: {key}"
        print(
            f"{name:34} {ours.pairs:6} {ours.precision:6.3f} {ours.recall:6.3f} {ours.f1:6.3f}"
            f"   {'n/a':>6} {'n/a':>6} {'n/a':>6}"
        )
    ours = metrics([y for y, _ in strict], [p for _, p in strict])
    name = f"translated_addresses at {MATCH_RATIO:.0f}"
    print(
        f"{name:34} {ours.pairs:6} {ours.precision:6.3f} {ours.recall:6.3f} {ours.f1:6.3f}"
        f"   {'n/a':>6} {'n/a':>6} {'n/a':>6}"
    )


def pair_quality() -> None:
    from diversion.matching.pairs import evaluate
    from diversion.matching.scoring import DEFAULT_THRESHOLD

    print(f"\n== Quality (Diversion at {DEFAULT_THRESHOLD:.2f}, logic-v2 at 0.70) ==")
    print(
        f"{'set':34} {'pairs':>6} {'P':>6} {'R':>6} {'F1':>6}   "
        f"{'v2 P':>6} {'v2 R':>6} {'v2 F1':>6}"
    )
    sets = [("name_bench", MATCHING / "name_bench_cases.csv")]
    for label, path in (("central_asia", CENTRAL_ASIA), ("translated", TRANSLATED)):
        if path.exists():
            sets.append((label, path))
    for label, path in sets:
        evaluation = evaluate(_pairs(path))  # type: ignore[arg-type]
        for kind, value, ours, theirs in evaluation.slices():
            if kind == "category" and label == "name_bench":
                continue
            name = label if kind == "all" else f"  {kind}: {value}"
            print(
                f"{name:34} {ours.pairs:6} {ours.precision:6.3f} {ours.recall:6.3f} {ours.f1:6.3f}"
                f"   {theirs.precision:6.3f} {theirs.recall:6.3f} {theirs.f1:6.3f}"
            )
    if TRANSLATED_ADDRESSES.exists():
        address_quality(TRANSLATED_ADDRESSES)


def quality(negatives: int, logic_v2_negatives: int) -> None:
    from diversion.matching.index import NameIndex
    from diversion.matching.matcher import search
    from diversion.matching.pairs import LogicV2
    from diversion.matching.scoring import DEFAULT_THRESHOLD, Query
    from diversion.matching.settings import DEFAULTS

    candidates = DEFAULTS.candidates
    pair_quality()

    started = time.perf_counter()
    index = NameIndex.build(real_list_entries())  # type: ignore[arg-type]
    print(
        f"\nIndex of real list names: {len(index.entries):,} entities, {len(index.names):,} names, "
        f"built in {time.perf_counter() - started:.1f} s"
    )
    yardstick = LogicV2()
    with (MATCHING / "negatives_global.csv").open(encoding="utf-8") as handle:
        people = [row for _, row in zip(range(negatives), csv.DictReader(handle), strict=False)]
    ours_hits = 0
    ours_on_sample = 0
    theirs_hits = 0
    ours_names: list[str] = []
    theirs_names: list[str] = []
    started = time.perf_counter()
    for number, row in enumerate(people):
        query = Query(row["full_name"], "Person")
        hits = search(index, query, DEFAULT_THRESHOLD, limit=3)
        ours_hits += bool(hits)
        if number < logic_v2_negatives:
            ours_on_sample += bool(hits)
            if hits:
                ours_names.append(f"{row['full_name']} -> {hits[0].matched} ({hits[0].score:.2f})")
            # logic-v2 scores the same candidates Diversion's index offered Diversion
            for row_id in index.candidates(query.names(), candidates, "Person"):
                q = yardstick.entity(row["full_name"], "Person")
                r = yardstick.entity(index.names[row_id], "Person")
                v2_score = yardstick._algorithm.compare(q, r, yardstick._config).score
                if v2_score >= 0.7:
                    theirs_hits += 1
                    theirs_names.append(
                        f"{row['full_name']} -> {index.names[row_id]} ({v2_score:.2f})"
                    )
                    break
    elapsed = time.perf_counter() - started
    print(
        f"negatives_global: {len(people):,} synthetic people, Diversion matched {ours_hits:,} "
        f"({ours_hits / len(people):.2%}); on the first {logic_v2_negatives:,}: Diversion "
        f"{ours_on_sample:,}, logic-v2 on the same {candidates} candidates {theirs_hits:,} "
        f"({elapsed:.0f} s)"
    )
    for label, found in (("Diversion", ours_names), ("logic-v2", theirs_names)):
        for line in found:
            print(f"  {label}: {line}")


def _speed(total: int, queries: int, recall_sample: int, out: multiprocessing.Queue[str]) -> None:
    from diversion.matching.index import NameIndex
    from diversion.matching.matcher import search
    from diversion.matching.pairs import LogicV2
    from diversion.matching.scoring import DEFAULT_THRESHOLD, Listed, Query, compatible, score

    lines: list[str] = []
    real = real_list_entries()
    real_names = sum(len(names) for _, names in real)
    started = time.perf_counter()
    entries = list(real) + list(filler(max(total - real_names, 0)))
    index = NameIndex.build(entries)  # type: ignore[arg-type]
    build = time.perf_counter() - started
    lines.append(
        f"index: {len(index.names):,} names ({real_names:,} real) "
        f"of {len(index.entries):,} entities; "
        f"built in {build:.0f} s; peak memory {_peak_mib():,.0f} MiB"
    )
    with (MATCHING / "positives_un_treated.csv").open(encoding="utf-8") as handle:
        positives = [row["full_name"] for row in csv.DictReader(handle)]
    with (MATCHING / "negatives_global.csv").open(encoding="utf-8") as handle:
        negatives = [
            row["full_name"] for _, row in zip(range(queries), csv.DictReader(handle), strict=False)
        ]
    names = (positives + negatives)[:queries]
    random.Random(3).shuffle(names)
    timings: list[float] = []
    candidate_sets: list[tuple[str, list[int]]] = []
    for name in names:
        query = Query(name, "Person")
        begun = time.perf_counter()
        search(index, query, DEFAULT_THRESHOLD)
        timings.append(time.perf_counter() - begun)
        candidate_sets.append((name, index.candidates(query.names(), 30)))
    timings.sort()
    p50 = statistics.median(timings) * 1000
    p99 = timings[int(len(timings) * 0.99) - 1] * 1000
    batch = len(timings) / sum(timings)
    yardstick = LogicV2()
    begun = time.perf_counter()
    for name, rows in candidate_sets[:300]:
        for row in rows:
            q = yardstick.entity(name, "Person")
            r = yardstick.entity(index.names[row], "Person")
            yardstick._algorithm.compare(q, r, yardstick._config)
    v2_per_query = (time.perf_counter() - begun) / min(300, len(candidate_sets)) * 1000
    lines.append(
        f"queries: {len(timings):,} (UN-listed people with typos, and synthetic people); "
        f"Diversion p50 {p50:.2f} ms, p99 {p99:.2f} ms, batch {batch:,.0f} queries/s"
    )
    lines.append(
        f"logic-v2 scoring the same 30 candidates: {v2_per_query:.1f} ms per query "
        f"({1000 / v2_per_query:,.1f} queries/s); ratio {v2_per_query / p50:,.0f}x at p50"
    )
    # candidate recall: exhaustive scoring over the real names only (the filler matches nobody)
    real_rows = [
        row
        for row in range(len(index.names))
        if index.entries[int(index.name_entry[row])].source != "filler"
    ]
    found = missed = 0
    for name in positives[:recall_sample]:
        query = Query(name, "Person")
        q_names = query.names()
        indexed = {m.entity_id for m in search(index, query, DEFAULT_THRESHOLD, limit=50)}
        for row in real_rows:
            entry = index.entries[int(index.name_entry[row])]
            if not compatible("Person", entry.schema):
                continue
            listed = Listed(entry.entity_id, entry.schema, [index.name(row)])
            if score(query, q_names, listed).score >= DEFAULT_THRESHOLD:
                if entry.entity_id in indexed:
                    found += 1
                else:
                    missed += 1
    total_found = found + missed
    lines.append(
        f"candidate recall on {min(recall_sample, len(positives))} queries: {found}/{total_found} "
        f"exhaustive matches found by the index ({found / max(total_found, 1):.2%})"
    )
    out.put("\n".join(lines))


def speed(total: int, queries: int, recall_sample: int) -> None:
    print(f"\n== Speed (one process, about {total:,} names) ==")
    context = multiprocessing.get_context("spawn")
    queue: multiprocessing.Queue[str] = context.Queue()
    child = context.Process(target=_speed, args=(total, queries, recall_sample, queue))
    child.start()
    print(queue.get())
    child.join()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="smaller samples and index")
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument(
        "--pairs-only", action="store_true", help="only the labelled name and address sets"
    )
    args = parser.parse_args()
    if not SHARED.is_dir():  # the benchmarks read the project's shared data folder, not tests/data
        raise SystemExit(
            f"{SHARED} is missing: this benchmark reads ../shared/data beside the clone"
        )
    if args.pairs_only:
        pair_quality()
        return
    if not args.skip_quality:
        quality(5_000 if args.quick else 50_000, 500 if args.quick else 2_000)
    if not args.skip_speed:
        if args.quick:
            speed(200_000, 1_000, 20)
        else:
            speed(1_000_000, 5_000, 100)


if __name__ == "__main__":
    main()
