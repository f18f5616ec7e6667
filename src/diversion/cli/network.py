"""`diversion network`: import company registries, link them to the lists, and show an
entity's owners, holdings, officers and path to a listed party."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from diversion.cli.common import DbOption, HomeOption, err_console, fail, out_console, store_for
from diversion.cli.lists import import_snapshot, snapshot_progress

if TYPE_CHECKING:  # the commands import what they use: every command starts fast
    from diversion.home import Home
    from diversion.network.graph import Network
    from diversion.store import Store

app = typer.Typer(help="Company registries, ownership and officers.", no_args_is_help=True)
FORMATS = ("registry-csv", "ftm")
DEFAULT_NAME = "registry"


def _network(where: Home, store: Store) -> Network | None:
    from diversion.lists import demo_list
    from diversion.lists.snapshots import ListStore
    from diversion.matching import cached_matcher
    from diversion.network.links import NetworkStore

    lists = ListStore(store).active_lists() or [demo_list()]
    matchers = [cached_matcher(listed, where.path("index")) for listed in lists]
    with snapshot_progress("Linking the registry to the lists") as update:
        return NetworkStore(store).network(lists, matchers, progress=update)


@app.command("import")
def import_(
    fmt: Annotated[str, typer.Argument(metavar="FORMAT", help=f"One of: {', '.join(FORMATS)}.")],
    paths: Annotated[list[Path], typer.Argument(metavar="PATH...", help="The registry file(s).")],
    name: Annotated[str, typer.Option("--name", help="Name of the registry.")] = DEFAULT_NAME,
    home: HomeOption = None,
    db: DbOption = None,
) -> None:
    """Import a registry as a new snapshot (whole or not at all), then link its companies and
    people to the active lists with the matching engine, recording each link and its score."""
    from diversion.lists.snapshots import ListStore
    from diversion.network.registry_csv import read_registry_csv

    if fmt not in FORMATS:
        fail(f"unknown registry format {fmt!r}; use one of: {', '.join(FORMATS)}", 2)
    where, store = store_for(home, db)
    lists = ListStore(store)
    read = read_registry_csv if fmt == "registry-csv" else None  # ftm is a list format
    import_snapshot(lists, fmt, paths, name, kind="registry", read=read)
    if fmt == "registry-csv":
        active = lists.active(name)
        assert active is not None  # imported, or identical to the active snapshot
        _report_rows(paths, active.counts)
    network = _network(where, store)
    assert network is not None  # a registry was just imported
    listed = network.listed()
    us = network.ownership("us", None)
    eu = network.ownership("eu", None)
    out_console.print(
        f"  {len(network):,} parties, {len(network.stakes):,} ownership and "
        f"{len(network.roles):,} directorship edges; {len(listed):,} linked to listed "
        f"entities; owned by listed persons: {len(us.derived):,} (US rule), "
        f"{len(eu.derived):,} (EU rule)"
    )


def _report_rows(paths: list[Path], counts: dict[str, int]) -> None:
    """Rows read = entities + edges + rejected, from the files and the snapshot made of them
    (an import is whole or refused, so none is rejected here; a mismatch is a bug, said loud)."""
    from diversion.network.registry_csv import registry_rows

    rows = registry_rows(paths)
    read = sum(rows.values())
    edges = {kind: counts.get(kind, 0) for kind in ("Ownership", "Directorship", "Family")}
    parties = sum(n for schema, n in counts.items() if schema not in edges)
    per_file = ", ".join(f"{path.name}: {n:,}" for path, n in rows.items())
    out_console.print(
        f"  read {read:,} rows ({per_file}) = {parties:,} entities + "
        f"{edges['Ownership']:,} ownership + {edges['Directorship']:,} directorship + "
        f"{edges['Family']:,} family edges + 0 rejected",
        highlight=False,
    )
    if read != parties + sum(edges.values()):
        err_console.print(
            f"[red]the counts do not add up: {read:,} rows read, "
            f"{parties + sum(edges.values()):,} entities and edges in the snapshot[/red]"
        )


@app.command("ls")
def ls(home: HomeOption = None, db: DbOption = None) -> None:
    """The registries and their active snapshots."""
    from diversion.lists.snapshots import ListStore

    _, store = store_for(home, db)
    table = Table(title="Registries")
    for column in ("registry", "active snapshot", "entities", "imported", "snapshots"):
        table.add_column(column)
    for list_name, active, count in ListStore(store).lists("registry"):
        table.add_row(
            list_name,
            active.id if active else "-",
            f"{active.entity_count:,}" if active else "-",
            active.imported_at.isoformat(timespec="seconds") if active else "-",
            str(count),
        )
    out_console.print(table)


@app.command("show")
def show(
    entity: Annotated[str, typer.Argument(metavar="ENTITY", help="Registry id, number or name.")],
    on: Annotated[
        str | None, typer.Option("--date", help="Ownership and posts in force on this day.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ftm: Annotated[
        Path | None, typer.Option("--ftm", help="Write the neighbourhood as FtM JSON lines.")
    ] = None,
    svg: Annotated[Path | None, typer.Option("--svg", help="Draw the neighbourhood (SVG).")] = None,
    depth: Annotated[int, typer.Option("--depth", help="Steps of the neighbourhood.")] = 2,
    home: HomeOption = None,
    db: DbOption = None,
) -> None:
    """An entity's owners, holdings, officers and posts, its links to listed entities, and
    any chain of ownership from a listed party; optionally its neighbourhood as FtM or SVG."""
    from diversion.files import AtomicFile
    from diversion.network.export import subgraph, to_ftm, to_svg
    from diversion.network.neighbourhood import neighbourhood
    from diversion.network.ownership import RULES

    where, store = store_for(home, db)
    network = _network(where, store)
    if network is None:
        fail("no registry imported; use `diversion network import`")
    day = None
    if on is not None:
        try:
            day = date.fromisoformat(on)
        except ValueError:
            fail(f"--date: {on!r} is not an ISO date", 2)
    from diversion.network.registry_csv import registry_id

    own = registry_id(entity.strip())  # a registry CSV's own id, as the import stored it
    known = [i for i in (entity, own) if i in network.entities][:1]
    ids = known or network.find(entity, entity)
    if not ids:
        fail(f"no registry entity {entity!r} (by id, registration number or legal name)")
    views = [neighbourhood(network, entity_id, day) for entity_id in ids]
    if ftm is not None or svg is not None:
        nodes, edges = subgraph(network, ids[0], depth, day)
        if ftm is not None:
            lines = [json.dumps(e, ensure_ascii=False) for e in to_ftm(network, nodes, edges)]
            with AtomicFile(ftm) as handle:
                handle.write("\n".join(lines) + "\n")
            err_console.print(f"wrote {len(lines)} FtM entities to {ftm}")
        if svg is not None:
            with AtomicFile(svg) as handle:
                handle.write(to_svg(network, ids[0], nodes, edges))
            err_console.print(f"drew {len(nodes)} entities and {len(edges)} edges in {svg}")
    if as_json:
        out_console.print_json(json.dumps(views, ensure_ascii=False))
        return
    for view in views:
        out_console.print(f"[bold]{view['name']}[/bold] ({view['schema']} {view['id']})")
        if view["incorporated"]:
            out_console.print(f"  incorporated {view['incorporated']}")
        for link in view["links"]:
            out_console.print(
                f"  [red]listed[/red]: {link['list_entity_name']} on {link['list']} "
                f"({link['basis']}, score {link['score']:.2f})"
            )
        for label, rows, key in (
            ("owners", view["owners"], "share"),
            ("holdings", view["holdings"], "share"),
            ("officers", view["officers"], "role"),
            ("posts", view["posts"], "role"),
            ("relatives", view["relatives"], "tie"),
        ):
            for row in rows:
                extra = f"{row[key]} %" if key == "share" else row[key]
                out_console.print(f"  {label[:-1]}: {row['name']} ({extra})", highlight=False)
        for rule_id, status in view["ownership_status"].items():
            out_console.print(f"  [red]blocked under {RULES[rule_id].title}[/red]")
            for path in status["paths_text"]:
                out_console.print(f"    {path}", highlight=False)
