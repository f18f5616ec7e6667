"""The ownership rules on a large generated registry: time and memory.

Generates a registry of COMPANIES companies and 2 x COMPANIES ownership edges (random shares,
with chains, fan-ins and cycles; a share of the owners are people), marks 1 % of the owners as
listed, and computes the OFAC and the EU rule to their fixed points. With --ftm it also builds
the screening network from FollowTheMoney entities (as `diversion network import` would load
it) and looks up one party per company. Prints the figures; asserts nothing.

    .venv/bin/python benchmarks/network.py [--companies 1000000] [--ftm]

No open-source screening tool computes aggregated ownership (yente and Watchman do not), so
there is no comparison tool to run beside it.
"""

from __future__ import annotations

import argparse
import random
import resource
import time
from decimal import Decimal

from followthemoney import model
from followthemoney.proxy import EntityProxy

from diversion.network.graph import Network
from diversion.network.ownership import EU, US, Stake, compute

SHARES = [Decimal(s) for s in (5, 10, 20, 25, 30, 49, 50, 51, 60, 75, 100)]


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def generate(companies: int, seed: int = 7) -> tuple[list[Stake], set[str]]:
    rng = random.Random(seed)
    people = companies // 2
    stakes = []
    for number in range(companies * 2):
        asset = f"c{rng.randrange(companies)}"
        if rng.random() < 0.4:
            owner = f"p{rng.randrange(people)}"
        else:
            owner = f"c{rng.randrange(companies)}"
        if owner != asset:
            stakes.append(Stake(owner, asset, rng.choice(SHARES), edge_id=f"e{number}"))
    owners = sorted({s.owner for s in stakes})
    listed = set(rng.sample(owners, len(owners) // 100))
    return stakes, listed


def ftm_entities(companies: int, stakes: list[Stake]) -> list[EntityProxy]:
    entities = []
    for number in range(companies):
        company = model.make_entity("Company")
        company.id = f"c{number}"
        company.add("name", f"Company {number} LLP")
        company.add("registrationNumber", f"{number:012d}")
        entities.append(company)
    for stake in stakes:
        edge = model.make_entity("Ownership")
        edge.id = stake.edge_id
        edge.add("owner", stake.owner)
        edge.add("asset", stake.asset)
        edge.add("percentage", str(stake.share))
        entities.append(edge)
    return entities


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--companies", type=int, default=1_000_000)
    parser.add_argument("--ftm", action="store_true", help="also build the network from FtM")
    args = parser.parse_args()

    started = time.perf_counter()
    stakes, listed = generate(args.companies)
    print(
        f"generated {args.companies:,} companies, {len(stakes):,} ownership edges, "
        f"{len(listed):,} listed owners in {time.perf_counter() - started:.1f} s"
    )
    for rule in (US, EU):
        started = time.perf_counter()
        result = compute(stakes, listed, rule)
        elapsed = time.perf_counter() - started
        some = next(iter(result.derived), None)
        chains = len(result.paths(some)) if some else 0
        print(
            f"{rule.title}: {len(result.derived):,} entities blocked through ownership "
            f"in {elapsed:.1f} s ({len(stakes) / elapsed:,.0f} edges/s); e.g. {some} with "
            f"{chains} chain(s); peak memory {_peak_mib():,.0f} MiB"
        )
    if args.ftm:
        started = time.perf_counter()
        entities = ftm_entities(args.companies, stakes)
        built = time.perf_counter()
        network = Network.build(entities)
        done = time.perf_counter()
        found = sum(bool(network.find("", f"{n:012d}")) for n in range(0, args.companies, 97))
        print(
            f"FtM: {len(entities):,} entities made in {built - started:.1f} s, network built "
            f"in {done - built:.1f} s, {found:,} parties found by number in "
            f"{time.perf_counter() - done:.2f} s; peak memory {_peak_mib():,.0f} MiB"
        )


if __name__ == "__main__":
    main()
