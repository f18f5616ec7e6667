"""The queue and the dashboard with 100,000 open cases: page times through the real app.

Screens the demo declarations once (real decisions, some 20 kB of evidence each), then fills
a fresh store with CASES generated cases in bulk: each takes a demo decision and declaration
with a new declaration id, generated parties (Latin and Cyrillic names), a declaration day in
the last 180 days, an opening time after it, a status (most open) and an assignee (60 % of them
one of 20 officers). Each case's filter columns are computed by the same functions screening
uses (`store/case_index.py`). GREEN green declarations are kept beside them, for the
dashboard's corridor shares. Then signs in and times each page (web queue, API /cases, the
dashboard) REPEAT times through the FastAPI app (TestClient: the whole request, routing,
session, queries and template, without a network), and prints p50 and p95 per page.

    PYTHONPATH=src .venv/bin/python benchmarks/web_queue.py [--cases 100000] [--repeat 20]
        [--sqlite-only | --postgres URL]

Without --postgres it starts a private PostgreSQL server as the test suite does (tests/pg.py)
when the server binaries are there. Prints the figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, make_url, select

from diversion.cases.users import Users
from diversion.home import Home
from diversion.store import Store, open_store
from diversion.store.case_index import index_columns, reason_text
from diversion.store.models import (
    CaseDecisionRow,
    CaseRow,
    ScreenedDeclarationRow,
)

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "a long enough password"
OFFICERS = [f"officer-{n:02d}" for n in range(1, 21)]
STATUSES = (["open"] * 80) + (["documents_requested"] * 8) + (["escalated"] * 6)
STATUSES += ["release_proposed"] * 6
LATIN = ["Aero", "Tech", "Trade", "Steppe", "Silk", "Road", "Nord", "Orion", "Vega", "Altai"]
LATIN += ["Logistic", "Group", "Invest", "Global", "Star", "Line", "Prime", "Delta", "Ural"]
CYRILLIC = ["Беркут", "Небосвод", "Тайга", "Степь", "Алтын", "Жибек", "Восток", "Кристалл"]
CYRILLIC += ["Комплект", "Электро", "Снаб", "Импорт", "Сервис", "Транзит", "Азия", "Мир"]
FORMS = ["ТОО «{}»", "ООО «{}»", "{} LLC", "{} Ltd", "{} FZE", "{} A.Ş.", "АО «{}»"]


def _name(rng: random.Random) -> str:
    words = CYRILLIC if rng.random() < 0.5 else LATIN
    return rng.choice(FORMS).format(" ".join(rng.sample(words, 2)))


def demo_screenings() -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """The demo declarations screened, as (declaration, decision) JSON: the templates."""
    from diversion.declarations import read_declarations
    from diversion.reference import package_file
    from diversion.service.screening import ScreeningService

    with tempfile.TemporaryDirectory() as folder:
        home = Home(Path(folder))
        store = open_store(home)
        read = read_declarations(package_file("diversion", "data/demo/declarations.csv"))
        ScreeningService(home, store).screen(read.declarations)
        with store.read() as session:
            rows = session.execute(
                select(ScreenedDeclarationRow.declaration, ScreenedDeclarationRow.decision)
            ).all()
        store.engine.dispose()
    return [(dict(d), dict(r)) for d, r in rows]


def generate(
    templates: list[tuple[dict[str, Any], dict[str, Any]]], cases: int, green: int
) -> Iterator[tuple[dict[str, Any], dict[str, Any] | None]]:
    """(screened declaration row, case row or None) for each generated declaration."""
    rng = random.Random(25)
    flagged = [tpl for tpl in templates if tpl[1]["corridor"] in ("red", "yellow")]
    cleared = [tpl for tpl in templates if tpl[1]["corridor"] == "green"] or flagged
    now = datetime.now(UTC)
    exporters = [_name(rng) for _ in range(5000)]
    consignees = [_name(rng) for _ in range(3000)]
    for number in range(cases + green):
        is_case = number < cases
        declaration, decision = rng.choice(flagged if is_case else cleared)
        declaration_id = f"BQ-{number:07d}"
        day = (now - timedelta(days=rng.randrange(180))).date()
        body = {
            **declaration,
            "declaration_id": declaration_id,
            "declared_at": day.isoformat(),
            "exporter": {**declaration["exporter"], "name": rng.choice(exporters)},
            "consignee": {**declaration["consignee"], "name": rng.choice(consignees)},
        }
        verdict = {**decision, "declaration_id": declaration_id}
        kept = {
            "declaration_id": declaration_id,
            "declared_at": day,
            "procedure": body.get("procedure", "export"),
            "declaration": body,
            "verdict": verdict["verdict"],
            "decision": verdict,
            "screened_at": now,
            "corridor": verdict["corridor"],
        }
        case = None
        if is_case:
            opened = datetime.combine(day, datetime.min.time(), UTC) + timedelta(
                minutes=rng.randrange(60 * 24 * 3)
            )
            opened = min(opened, now)
            case = {
                "id": number + 1,
                "declaration_id": declaration_id,
                "verdict": verdict["verdict"],
                "corridor": verdict["corridor"],
                "status": rng.choice(STATUSES),
                "assignee": rng.choice(OFFICERS) if rng.random() < 0.6 else None,
                "opened_at": opened,
                "updated_at": opened + timedelta(minutes=rng.randrange(60 * 24)),
                "proposed_by": None,
                "reason_codes": reason_text(verdict),
                **index_columns(declaration_id, body),
                "_decision": verdict,
            }
        yield kept, case


def fill(store: Store, cases: int, green: int, chunk: int = 2000) -> float:
    """Bulk-insert the generated store; returns the seconds it took."""
    templates = demo_screenings()
    started = time.perf_counter()
    kept_rows: list[dict[str, Any]] = []
    case_rows: list[dict[str, Any]] = []
    decision_rows: list[dict[str, Any]] = []

    def flush() -> None:
        with store.transaction() as session:
            session.execute(insert(ScreenedDeclarationRow), kept_rows)
            if case_rows:
                session.execute(insert(CaseRow), case_rows)
                session.execute(insert(CaseDecisionRow), decision_rows)
        kept_rows.clear()
        case_rows.clear()
        decision_rows.clear()

    for kept, case in generate(templates, cases, green):
        kept_rows.append(kept)
        if case is not None:
            decision_rows.append({"case_id": case["id"], "decision": case.pop("_decision")})
            case_rows.append(case)
        if len(kept_rows) >= chunk:
            flush()
    if kept_rows:
        flush()
    if store.engine.dialect.name == "postgresql":
        with store.engine.connect() as connection:
            connection.exec_driver_sql("COMMIT")
            connection.exec_driver_sql("ANALYZE")
            connection.exec_driver_sql(
                "SELECT setval(pg_get_serial_sequence('cases', 'id'), (SELECT max(id) FROM cases))"
            )
    else:
        with store.engine.connect() as connection:
            connection.exec_driver_sql("ANALYZE")
    return time.perf_counter() - started


def pages() -> list[tuple[str, str]]:
    """The pages timed: what an officer does on a big queue, and the API's equivalents."""
    week = (date.today() - timedelta(days=30)).isoformat()
    later = (date.today() - timedelta(days=23)).isoformat()
    return [
        ("queue, first page", "/app/queue"),
        ("queue, page 1,000 of 2,000", "/app/queue?offset=49950"),
        ("queue, last page", "/app/queue?offset=99950"),
        ("queue, red, newest updated first", "/app/queue?corridor=red&sort=-updated"),
        ("queue, escalated", "/app/queue?status=escalated"),
        ("queue, one officer's", "/app/queue?assignee=officer-07"),
        ("queue, unassigned, by declaration day", "/app/queue?assignee=-&sort=-declared"),
        ("queue, open 8 to 30 days", "/app/queue?age=days_8_30"),
        ("queue, reason code", "/app/queue?reason=party.sanctioned&sort=corridor"),
        ("queue, party", "/app/queue?party=berkut"),
        ("queue, HS code start", "/app/queue?hs=8542"),
        ("queue, a week of declarations", f"/app/queue?from={week}&to={later}"),
        ("queue, search a name", "/app/queue?q=небосвод+комплект"),
        ("queue, search a declaration id", "/app/queue?q=BQ-0054321"),
        ("queue, search goods, sorted by assignee", "/app/queue?q=drone&sort=assignee"),
        ("queue, all filters", f"/app/queue?corridor=red&age=days_30&hs=85&q=aero&from={week}"),
        ("queue, 200 a page", "/app/queue?limit=200"),
        ("API /cases, first 100", "/cases"),
        ("API /cases, filtered", "/cases?corridor=red&reason=party.sanctioned&q=trade&limit=50"),
        ("API /cases, deep page", "/cases?offset=90000&sort=-opened"),
        ("dashboard", "/app/"),
    ]


def time_pages(store: Store, home: Home, repeat: int) -> list[tuple[str, float, float, int]]:
    from fastapi.testclient import TestClient

    from diversion.api.app import create_app

    users = Users(store)
    for officer in OFFICERS:
        users.add(officer, "analyst")
    users.add("bench", "analyst")
    users.set_password("bench", PASSWORD)
    token = users.create_token("bench", "benchmark")
    client = TestClient(create_app(home, store))
    signed = client.post("/app/login", data={"username": "bench", "password": PASSWORD})
    assert signed.status_code == 200, signed.text
    results = []
    for label, url in pages():
        headers = {"Authorization": f"Bearer {token}"} if not url.startswith("/app") else {}
        times = []
        for attempt in range(repeat + 1):
            started = time.perf_counter()
            response = client.get(url, headers=headers)
            elapsed = time.perf_counter() - started
            if response.status_code != 200:
                raise SystemExit(f"{url}: {response.status_code} {response.text[:300]}")
            if attempt:  # the first warms the caches
                times.append(elapsed * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        total = response.headers.get("x-total-count") or _shown(response.text)
        results.append((label, statistics.median(times), p95, int(total or 0)))
    return results


def _shown(page: str) -> str:
    import re

    found = re.search(r'id="queue-count"[^>]*>[^<]*?(\d[\d,]*)</p>', page)
    if found:
        return found.group(1).replace(",", "")
    found = re.search(r'id="open-count">(\d+)<', page)
    return found.group(1) if found else "0"


def report(backend: str, fill_seconds: float, results: list[tuple[str, float, float, int]]) -> None:
    print(f"\n{backend}: filled in {fill_seconds:.0f} s")
    print(f"{'page':48} {'p50 ms':>8} {'p95 ms':>8} {'cases':>8}")
    for label, p50, p95, total in results:
        print(f"{label:48} {p50:8.0f} {p95:8.0f} {total:8}")
    worst = max(p95 for _, _, p95, _ in results)
    print(f"{'worst p95':48} {'':8} {worst:8.0f}")


@contextmanager
def postgres(url: str | None) -> Iterator[str | None]:
    """A new database on the server at `url`, or on a private server (tests/pg.py)."""
    import psycopg

    server = None
    if url is None:
        sys.path.insert(0, str(ROOT))
        from tests import pg

        try:
            server = pg.start()
        except pg.ServerError as exc:
            print(f"no PostgreSQL ({exc}); pass --postgres URL", file=sys.stderr)
            yield None
            return
        url = server.url
    admin = make_url(url)
    name = f"diversion_bench_{uuid.uuid4().hex[:8]}"
    conninfo = admin.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(conninfo, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield admin.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(conninfo, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if server is not None:
            server.stop()


def run(backend: str, url: str | None, args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as folder:
        home = Home(Path(folder))
        store = open_store(home, url or f"sqlite:///{Path(folder) / 'bench.sqlite'}")
        try:
            seconds = fill(store, args.cases, args.green)
            report(backend, seconds, time_pages(store, home, args.repeat))
        finally:
            store.engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--green", type=int, default=50_000, help="green declarations beside")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--postgres", help="a PostgreSQL server URL to create a database on")
    parser.add_argument("--sqlite-only", action="store_true")
    parser.add_argument("--postgres-only", action="store_true")
    args = parser.parse_args()
    print(f"{args.cases:,} open cases, {args.green:,} green declarations, {args.repeat} runs")
    if not args.postgres_only:
        run("SQLite", None, args)
    if not args.sqlite_only:
        with postgres(args.postgres) as url:
            if url is not None:
                run("PostgreSQL", url, args)


if __name__ == "__main__":
    main()
