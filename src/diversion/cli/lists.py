"""`diversion lists`: import, inspect, diff, export and fetch sanctions lists."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from diversion.cases.policy import RESCREEN_DAYS
from diversion.cli.cases import run_rescreen
from diversion.cli.common import DbOption, HomeOption, err_console, fail, out_console, store_for
from diversion.files import crash_point
from diversion.lists.fetch import SOURCES
from diversion.lists.importers import FORMATS

if TYPE_CHECKING:  # the commands import what they use: every command starts fast
    from diversion.lists.importers import Importer
    from diversion.lists.snapshots import ImportOutcome, ListStore
    from diversion.lists.snapshots import Progress as ProgressFn

app = typer.Typer(help="Sanctions and export-control lists.", no_args_is_help=True)


class TextOrJson(StrEnum):
    text = "text"
    json = "json"


class ExportFormat(StrEnum):
    ftm = "ftm"


@contextmanager
def snapshot_progress(description: str) -> Iterator[ProgressFn]:
    """A progress bar on stderr for writing a snapshot (hidden when not a terminal)."""
    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=not err_console.is_terminal,
    ) as progress:
        task = progress.add_task(description, total=None)

        def update(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total, description="Writing snapshot")

        yield update


def report_import(outcome: ImportOutcome) -> None:
    snapshot = outcome.snapshot
    if not outcome.created:
        out_console.print(
            f"Unchanged: {snapshot.id} (active) already holds these files; nothing imported."
        )
        return
    counts = ", ".join(f"{n:,} {schema}" for schema, n in snapshot.counts.items())
    out_console.print(f"Imported [bold]{snapshot.id}[/bold] ({snapshot.source}), now active.")
    out_console.print(f"  {snapshot.entity_count:,} entities: {counts}")
    if snapshot.published_at:
        out_console.print(f"  published {snapshot.published_at}")
    left_out = sum(outcome.left_out.values())
    if outcome.rows is not None:
        out_console.print(
            f"  {outcome.rows:,} rows read: {outcome.rows - left_out:,} listed, "
            f"{left_out:,} left out"
        )
    if outcome.left_out:
        out_console.print(f"  {left_out:,} row(s) left out, as the mapping says:")
        for why, count in sorted(outcome.left_out.items(), key=lambda item: -item[1]):
            out_console.print(f"    {count:,} with {why}", highlight=False)
    if snapshot.warnings:
        out_console.print(
            f"  [yellow]{len(snapshot.warnings)} reference(s) to entities the list does not hold"
            f"[/yellow] (kept; see `diversion lists ls --json`), e.g. {snapshot.warnings[0]}"
        )


def import_snapshot(
    lists: ListStore,
    fmt: str,
    paths: list[Path],
    list_name: str | None,
    kind: str = "sanctions",
    *,
    replace: bool = False,
    allow_shrink: bool = False,
    read: Importer | None = None,
    rescreen_days: int = 0,
) -> bool:
    """Import files as new snapshots (one per source among them) and report them; on a fault
    or a refusal, say that nothing changed. True when a new snapshot became active. `read`:
    the importer of a format that is not a list format (a registry's)."""
    from diversion.lists.importers import ListFormatError
    from diversion.lists.snapshots import ImportRefused, Shrink

    def confirm(shrinks: list[Shrink]) -> bool:
        """Only a person at a terminal is asked; a script gets the refusal."""
        if not sys.stdin.isatty():
            return False
        for shrink in shrinks:
            err_console.print(f"[yellow]{shrink}[/yellow]", highlight=False)
        return typer.confirm("Make the smaller snapshot active anyway?", default=False)

    before = lists.active(list_name) if list_name else None
    try:
        with snapshot_progress(f"Reading {', '.join(p.name for p in paths)}") as update:
            outcomes = lists.import_all(
                fmt, paths, list_name, progress=update, kind=kind,
                replace=replace, allow_shrink=allow_shrink, confirm=confirm, read=read,
                rescreen_days=rescreen_days,
            )  # fmt: skip
    except (ListFormatError, ImportRefused) as exc:
        if list_name:
            kept = f"active snapshot {before.id} unchanged" if before else "nothing imported"
            fail(f"{exc}\n  {list_name}: {kept}")
        fail(f"{exc}\n  nothing imported; every list's active snapshot is unchanged")
    for outcome in outcomes:
        report_import(outcome)
    return any(outcome.created for outcome in outcomes)


def mapped_paths(
    paths: list[Path], mapping: str | None, list_name: str | None
) -> tuple[list[Path], str]:
    """The table and its mapping file, and the list name (the mapping's unless given)."""
    from diversion.lists.importers import ListFormatError
    from diversion.lists.importers.mapping import bundled_mappings, load_mapping, resolve_mapping

    given = [p for p in paths if p.suffix.lower() in (".yml", ".yaml")]
    if mapping is None and len(given) != 1:
        fail(f"mapped-csv needs --mapping: one of {', '.join(bundled_mappings())} or a file", 2)
    try:
        path = resolve_mapping(mapping) if mapping is not None else given[0]
        loaded = load_mapping(path)
    except ListFormatError as exc:
        fail(str(exc), 2)
    files = paths if mapping is None else [*paths, path]
    return files, list_name or loaded.list_name


@app.command("import")
def import_(
    fmt: Annotated[
        str,
        typer.Argument(metavar="FORMAT", help=f"One of: {', '.join(FORMATS)}.", show_default=False),
    ],
    paths: Annotated[
        list[Path], typer.Argument(metavar="PATH...", help="The list's files or folders.")
    ],
    list_name: Annotated[
        str | None,
        typer.Option("--list", help="Name of the list (default: per source, see docs/lists.md)."),
    ] = None,
    replace: Annotated[
        bool,
        typer.Option("--replace", help="Replace a list even if it holds another source's files."),
    ] = False,
    allow_shrink: Annotated[
        bool,
        typer.Option(
            "--allow-shrink", help="Accept a snapshot that lacks most of the active one's entities."
        ),
    ] = False,
    rescreen_days: Annotated[
        int,
        typer.Option(
            "--rescreen-days",
            help="Then re-screen open cases and the declarations of the last N days (0: not).",
        ),
    ] = RESCREEN_DAYS,
    mapping: Annotated[
        str | None,
        typer.Option(
            "--mapping",
            help="For mapped-csv: a bundled mapping's name (eu-833-annex-iv) or a mapping file.",
        ),
    ] = None,
    home: HomeOption = None,
    db: DbOption = None,
) -> None:
    """Import official list files as new snapshots, active if they read whole: one snapshot
    per source (the SDN and the consolidated set given together are two lists), in the
    source's own list; then re-screen open cases and recent declarations with them. The
    re-screen is recorded as owed with the activation: if this run is interrupted, the next
    import (even of the same files), `cases rescreen` or the server's start finishes it."""
    from diversion.lists.snapshots import ListStore

    if fmt == "registry-csv":
        fail("a registry is not a sanctions list: use `diversion network import`", 2)
    if fmt not in FORMATS:
        fail(f"unknown format {fmt!r}; use one of: {', '.join(FORMATS)}", 2)
    if fmt == "mapped-csv":
        paths, list_name = mapped_paths(paths, mapping, list_name)
    elif mapping is not None:
        fail("--mapping is for the mapped-csv format", 2)
    where, store = store_for(home, db)
    created = import_snapshot(
        ListStore(store), fmt, paths, list_name, replace=replace, allow_shrink=allow_shrink,
        rescreen_days=rescreen_days,
    )  # fmt: skip
    crash_point("import.activated")
    run_rescreen(where, store, rescreen_days, after_import=created)


@app.command("ls")
def ls(
    home: HomeOption = None,
    db: DbOption = None,
    as_json: bool = typer.Option(
        False, "--json", help="Print JSON, with every snapshot's warnings."
    ),
) -> None:
    """The lists, their active snapshot, counts and dates."""
    from diversion.lists.snapshots import ListStore

    _, store = store_for(home, db)
    rows = ListStore(store).lists("sanctions")
    if as_json:
        out = [
            {"list": name, "snapshots": total, "active": None if s is None else {
                "id": s.id, "format": s.format, "source": s.source, "files": s.files,
                "sha256": s.sha256, "imported_at": s.imported_at.isoformat(),
                "published_at": s.published_at, "counts": s.counts,
                "importer_version": s.importer_version, "warnings": s.warnings}}
            for name, s, total in rows
        ]  # fmt: skip
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return
    if not rows:
        out_console.print("No lists imported yet. Import one with `diversion lists import`.")
        return
    table = Table()
    for column in (
        "list",
        "active snapshot",
        "source",
        "published",
        "imported",
        "entities",
        "snapshots",
    ):
        table.add_column(column)
    for name, s, total in rows:
        if s is None:
            table.add_row(name, "-", "", "", "", "", str(total))
            continue
        table.add_row(
            name, s.id, s.source, s.published_at or "-",
            s.imported_at.strftime("%Y-%m-%d %H:%M"), f"{s.entity_count:,}", str(total),
        )  # fmt: skip
    out_console.print(table)


@app.command()
def show(
    entity_id: Annotated[str, typer.Argument(metavar="ENTITY_ID")],
    home: HomeOption = None,
    db: DbOption = None,
) -> None:
    """An entity of the active snapshots, with all its properties and sanctions."""
    from diversion.lists.snapshots import ListStore

    _, store = store_for(home, db)
    lists = ListStore(store)
    found = lists.find(entity_id)
    if not found:
        fail(f"no active snapshot holds entity {entity_id!r}")
    for snapshot, entity in found:
        table = Table(title=f"{entity.caption} ({entity.schema.name}) in {snapshot.id}")
        table.add_column("property")
        table.add_column("values", overflow="fold")
        for prop, values in sorted(entity.properties.items()):
            table.add_row(prop, "\n".join(values))
        out_console.print(table)
        for other in lists.related(snapshot.id, entity_id):
            rows = "; ".join(
                f"{p}: {', '.join(v)}" for p, v in sorted(other.properties.items()) if p != "entity"
            )
            out_console.print(
                f"[bold]{other.schema.name}[/bold] {other.id}: {rows}", highlight=False
            )


@app.command()
def export(
    list_name: Annotated[str, typer.Argument(metavar="LIST")],
    fmt: Annotated[ExportFormat, typer.Option("--format")] = ExportFormat.ftm,
    snapshot_id: Annotated[
        str | None, typer.Option("--snapshot", help="A snapshot id (default: the active one).")
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", help="File (default: stdout).")] = None,
    home: HomeOption = None,
    db: DbOption = None,
) -> None:
    """Write a snapshot as FollowTheMoney JSON Lines, for any FtM tool to read."""
    from diversion.lists.snapshots import ListStore

    _, store = store_for(home, db)
    lists = ListStore(store)
    snapshot = lists.snapshot(snapshot_id) if snapshot_id else lists.active(list_name)
    if snapshot is None or snapshot.list_name != list_name:
        wanted = f"snapshot {snapshot_id}" if snapshot_id else "active snapshot"
        fail(f"list {list_name!r} has no {wanted}")
    handle = out.open("w", encoding="utf-8") if out else sys.stdout
    try:
        for entity in lists.entities(snapshot.id):
            handle.write(json.dumps(entity.to_dict(), ensure_ascii=False, sort_keys=True) + "\n")
    finally:
        if out:
            handle.close()


@app.command()
def diff(
    list_name: Annotated[str, typer.Argument(metavar="LIST")],
    old: Annotated[str | None, typer.Argument(help="Older snapshot id.")] = None,
    new: Annotated[str | None, typer.Argument(help="Newer snapshot id.")] = None,
    fmt: Annotated[TextOrJson, typer.Option("--format")] = TextOrJson.text,
    home: HomeOption = None,
    db: DbOption = None,
) -> None:
    """Added, removed and changed entities between two snapshots (default: the last two)."""
    from diversion.lists.snapshots import ListStore

    _, store = store_for(home, db)
    try:
        result = ListStore(store).diff(list_name, old, new)
    except LookupError as exc:
        fail(str(exc.args[0]))
    if fmt is TextOrJson.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
        return
    out_console.print(
        f"{result.old} → {result.new}: {len(result.added)} added, {len(result.removed)} removed, "
        f"{len(result.changed)} changed"
    )
    for entity in result.added:
        out_console.print(
            f"[green]+ {entity.id}[/green] {entity.schema.name} {entity.caption}", highlight=False
        )
    for entity in result.removed:
        out_console.print(
            f"[red]- {entity.id}[/red] {entity.schema.name} {entity.caption}", highlight=False
        )
    for change in result.changed:
        out_console.print(
            f"[yellow]~ {change.entity_id}[/yellow] {change.schema} {change.caption}",
            highlight=False,
        )
        for prop, values in change.added.items():
            out_console.print(f"    + {prop}: {'; '.join(values)}", highlight=False)
        for prop, values in change.removed.items():
            out_console.print(f"    - {prop}: {'; '.join(values)}", highlight=False)


@app.command("fetch")
def fetch_(
    source: Annotated[str, typer.Argument(help=f"One of: {', '.join(SOURCES)}.")],
    mirror: Annotated[
        str | None,
        typer.Option("--from", help="Fetch the source's files from this base URL instead."),
    ] = None,
    list_name: Annotated[str | None, typer.Option("--list")] = None,
    home: HomeOption = None,
    db: DbOption = None,
) -> None:
    """Download a list from its official address (optional; needs network) and import it."""
    from diversion.lists.fetch import FetchError, fetch
    from diversion.lists.snapshots import ListStore

    if source not in SOURCES:
        fail(f"unknown source {source!r}; use one of: {', '.join(SOURCES)}", 2)
    where, store = store_for(home, db)
    try:
        fmt, paths = fetch(source, where, mirror)
    except FetchError as exc:
        fail(f"{exc}; nothing imported")
    import_snapshot(ListStore(store), fmt, paths, list_name or SOURCES[source].list_name)
