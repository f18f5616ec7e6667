"""The ownership rules on a large generated registry, and the history rules on many
declarations: time and memory.

Generates a registry of COMPANIES companies and 2 x COMPANIES ownership edges (random shares,
with chains, fan-ins and cycles; a share of the owners are people), marks 1 % of the owners as
listed, and computes the OFAC and the EU rule to their fixed points. With --ftm it also builds
the screening network from FollowTheMoney entities (as `diversion network import` would load
it) and looks up one party per company. With --declarations N it generates N declarations of
5,000 exporters (imports and exports of 50 HS6 codes over two years), builds their history, and
runs the three history rules (pass-through, sudden new line, unit value) on every one. Prints
the figures; asserts nothing.

    .venv/bin/python benchmarks/network.py [--companies 1000000] [--ftm] [--declarations N]

No open-source screening tool computes aggregated ownership (yente and Watchman do not), so
there is no comparison tool to run beside it.
"""

from __future__ import annotations

import argparse
import random
import resource
import time
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from followthemoney import model
from followthemoney.proxy import EntityProxy

from diversion.declarations import Declaration
from diversion.network.graph import Network
from diversion.network.ownership import EU, US, Stake, compute
from diversion.screening import ScreeningContext
from diversion.screening.history import History
from diversion.screening.history_checks import HISTORY_CHECKS

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


def declarations(count: int, seed: int = 11) -> list[Declaration]:
    rng = random.Random(seed)
    codes = [f"{8400 + n * 3:04d}{n % 90 + 10:02d}" for n in range(50)]
    start = date(2023, 1, 1)
    out = []
    for number in range(count):
        trader = rng.randrange(5000)
        incoming = rng.random() < 0.4
        trader_party = {"name": f"Trader {trader} LLP", "country": "KZ", "id": f"{trader:012d}"}
        other = {"name": f"Partner {rng.randrange(20000)} GmbH", "country": "DE"}
        out.append(
            Declaration.model_validate(
                {
                    "declaration_id": f"D-{number}",
                    "declared_at": (start + timedelta(days=rng.randrange(730))).isoformat(),
                    "procedure": "import" if incoming else "export",
                    "exporter": other if incoming else trader_party,
                    "consignee": trader_party if incoming else other,
                    "country_of_dispatch": "DE" if incoming else "KZ",
                    "country_of_destination": "KZ" if incoming else "RU",
                    "items": [
                        {
                            "item_no": 1,
                            "hs_code": rng.choice(codes),
                            "description": "Goods",
                            "country_of_origin": "CN",
                            "quantity": rng.choice((100, 500, 1000)),
                            "unit": "pcs",
                            "value": rng.randrange(1000, 100000),
                            "currency": "USD",
                        }
                    ],
                }
            )
        )
    return out


def history_rules(count: int) -> None:
    started = time.perf_counter()
    batch = declarations(count)
    made = time.perf_counter()
    history = History.build(batch)
    built = time.perf_counter()
    context = replace(ScreeningContext.bundled(), history=history)
    rules = [context.catalogue[rule_id] for rule_id in HISTORY_CHECKS]
    fired = 0
    for declaration in batch:
        for rule in rules:
            fired += sum(1 for _ in HISTORY_CHECKS[rule.id](declaration, context, rule))
    done = time.perf_counter()
    print(
        f"history: {count:,} declarations made in {made - started:.1f} s, history built in "
        f"{built - made:.1f} s; the 3 history rules on every declaration in {done - built:.1f} s "
        f"({count / (done - built):,.0f} declarations/s, {fired:,} reasons); peak memory "
        f"{_peak_mib():,.0f} MiB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--companies", type=int, default=1_000_000)
    parser.add_argument("--ftm", action="store_true", help="also build the network from FtM")
    parser.add_argument("--declarations", type=int, default=0, help="also run the history rules")
    args = parser.parse_args()
    if args.declarations:
        history_rules(args.declarations)

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
