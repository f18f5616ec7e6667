"""`diversion goods`: look up a goods code, and add, check and list control lists."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from diversion.cli.common import HomeOption, err_console, fail, out_console
from diversion.home import Home

if TYPE_CHECKING:  # the commands import what they use: every command starts fast
    from diversion.goods import ControlLists

app = typer.Typer(help="Goods codes and control lists.", no_args_is_help=True)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def user_dir(home: Path | None) -> Path:
    """Where the lists a user added live: HOME/control-lists."""
    from diversion.goods.bundled import USER_DIR

    return Home.resolve(home).root / USER_DIR


def checked_user_dir(home: Path | None) -> Path:
    """The home's list folder, once every list in it reads whole; else the faults and exit 1.
    Screening must not run quietly without a list the user added."""
    _lists(home)
    return user_dir(home)


def _lists(home: Path | None) -> ControlLists:
    from diversion.goods import ControlListErrors, load_control_lists

    try:
        return load_control_lists(user_dir=user_dir(home))
    except ControlListErrors as exc:
        for error in exc.errors:
            err_console.print(f"[red]error[/red] {error}", highlight=False)
        fail("a control list in the home is broken; fix or remove it (`diversion goods rm`)")


def _date(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"--date: {text!r} is not an ISO date (YYYY-MM-DD)", 2)


@app.command()
def lookup(
    code: Annotated[str, typer.Argument(help="An HS / TN VED code of 6, 8 or 10 digits.")],
    on: Annotated[
        str | None,
        typer.Option("--date", help="Say which entries are in force on this day (YYYY-MM-DD)."),
    ] = None,
    home: HomeOption = None,
    as_json: JsonOption = False,
) -> None:
    """Which control lists and entries name a code, and through which HS edition."""
    from diversion.goods import GoodsCode, HsCodeError

    try:
        goods = GoodsCode.parse(code)
    except HsCodeError as exc:
        fail(str(exc), 2)
    day = _date(on)
    lists = _lists(home)
    hits = lists.lookup(goods.digits)
    if as_json:
        rows: list[dict[str, Any]] = [
            {**hit.evidence(), "in_force": hit.in_force(day) if day else None} for hit in hits
        ]
        out_console.print_json(json.dumps({"code": goods.digits, "hits": rows}))
        return
    out_console.print(
        f"HS {goods.dotted()}: chapter {goods.chapter}, heading {goods.heading}, "
        f"subheading {goods.hs6}" + (f", national line {goods.national}" if goods.national else "")
    )
    concordance = lists.concordance
    by_relation: dict[str, list[str]] = {}
    for row in concordance.successors(goods.digits):
        by_relation.setdefault(row.relation, []).append(row.hs2022)
    if by_relation:
        parts = "; ".join(f"{', '.join(codes)} ({how})" for how, codes in by_relation.items())
        out_console.print(
            f"  an HS 2017 subheading that HS 2022 deleted; its goods went to {parts}"
        )
    for row in concordance.predecessors(goods.digits):
        out_console.print(f"  came ({row.relation}) from HS 2017 {row.hs2017}")
    if not hits:
        out_console.print(f"On none of the {len(lists)} loaded control lists.")
        return
    for hit in hits:
        entry = hit.entry
        reference = hit.control_list.reference
        example = " [bold]EXAMPLE list, not law[/bold]" if hit.control_list.example else ""
        tier = f" (tier {entry.tier})" if entry.tier else ""
        out_console.print(
            f"\n[bold]{reference.id} {reference.version}[/bold]{example}, entry "
            f"[bold]{entry.id}[/bold]{tier}: {entry.category}"
        )
        matched = entry_code = hit.entry_code
        if hit.via:
            matched = f"{entry_code} (via HS {hit.looked_up}, {hit.via[0].relation})"
        if not hit.certain:
            matched += " - not certain: the item may fall outside the entry"
        in_force = ""
        if day:
            in_force = f" - {'in force' if hit.in_force(day) else 'NOT in force'} on {day}"
        lines = [
            ("matched by", matched),
            ("goods", entry.description or "-"),
            ("excluding", ", ".join(entry.exclusions) or "-"),
            ("window", entry.window() + in_force),
            ("licence", "required" if entry.licence_required else "not required"),
        ]
        if entry.banned_destinations:
            to = ", ".join(sorted(entry.banned_destinations))
            by = f" from {', '.join(sorted(entry.banned_by))}" if entry.banned_by else ""
            since = f" since {entry.banned_from}" if entry.banned_from else ""
            lines.append(("banned", f"exports{by} to {to}{since}; no licence lifts it"))
        lines += [
            ("legal basis", entry.legal_basis),
            ("source", entry.source),
        ]
        for label, value in lines:
            out_console.print(f"  {label + ':':<13}{value}", highlight=False, markup=False)


@app.command("ls")
def list_lists(home: HomeOption = None, as_json: JsonOption = False) -> None:
    """The control lists screening applies: bundled ones and those added to the home."""
    lists = _lists(home)
    if as_json:
        rows = [
            {
                **control_list.reference.to_dict(),
                "entries": len(control_list.entries),
                "jurisdiction": sorted(control_list.jurisdiction),
                "example": control_list.example,
                "path": control_list.path,
            }
            for control_list in lists
        ]
        out_console.print_json(json.dumps(rows))
        return
    table = Table(title="Control lists")
    for column in ("id", "version", "entries", "applies in", "title", "file"):
        table.add_column(column, overflow="fold")
    for control_list in lists:
        table.add_row(
            control_list.id,
            control_list.reference.version,
            str(len(control_list.entries)),
            ", ".join(sorted(control_list.jurisdiction)) or "everywhere",
            control_list.title,
            control_list.path,
        )
    out_console.print(table)
    out_console.print(f"HS concordance: {lists.concordance.reference.version}")


def _check(paths: list[Path]) -> bool:
    from diversion.goods import read_control_list

    ok = True
    for path in paths:
        control_list, errors = read_control_list(path)
        for error in errors:
            err_console.print(f"[red]error[/red] {error}", highlight=False)
        if control_list is not None:
            out_console.print(
                f"{path}: list {control_list.id} {control_list.reference.version}, "
                f"{len(control_list.entries)} entries, valid"
            )
        ok = ok and control_list is not None
    return ok


@app.command()
def check(
    paths: Annotated[list[Path], typer.Argument(metavar="LIST...", help="CSV or YAML lists.")],
) -> None:
    """Validate control lists (each with its .meta.yml sidecar) without adding them.

    Every fault is printed as file:line: field: reason. Exits 2 if any list is invalid.
    """
    if not _check(paths):
        raise typer.Exit(2)


def _copy_atomically(source: Path, target: Path) -> None:
    """A crash leaves the old file or the new one, never half of it."""
    partial = target.with_name(f".{target.name}.partial")
    shutil.copyfile(source, partial)
    partial.replace(target)


@app.command()
def add(
    path: Annotated[Path, typer.Argument(metavar="LIST", help="A CSV or YAML list.")],
    allow_example: Annotated[
        bool,
        typer.Option(
            "--allow-example", help="Add a list marked `example: true` (illustrative, not law)."
        ),
    ] = False,
    home: HomeOption = None,
) -> None:
    """Validate a control list and add it (with its sidecar) to the home, where `screen`
    applies it from then on."""
    from diversion.goods import read_control_list

    if not _check([path]):
        raise typer.Exit(2)
    control_list, _ = read_control_list(path)
    assert control_list is not None  # checked just above
    if control_list.example and not allow_example:
        fail(
            f"{control_list.id} is an EXAMPLE list (not law): screening with it would block "
            "goods on no real list; add it with --allow-example to try it out"
        )
    folder = user_dir(home)
    target = folder / path.name
    current = _lists(home)
    clash = control_list.id in current and not (
        target.exists() and current.get(control_list.id).path == str(target)
    )
    if clash:
        fail(f"a list with id {control_list.id!r} is already loaded; give this one another id")
    folder.mkdir(parents=True, exist_ok=True)
    # the sidecar first: a sidecar alone is ignored, a list without its sidecar is broken
    sidecar = path.with_name(path.name + ".meta.yml")
    _copy_atomically(sidecar, folder / sidecar.name)
    _copy_atomically(path, target)
    out_console.print(f"Added {control_list.id} to {folder}; `diversion screen` applies it now.")


@app.command("rm")
def remove(
    list_id: Annotated[str, typer.Argument(metavar="LIST", help="Id or file name of the list.")],
    home: HomeOption = None,
) -> None:
    """Remove a list added to the home, by id or file name (bundled lists stay)."""
    from diversion.goods import read_control_list
    from diversion.goods.bundled import list_files

    folder = user_dir(home)
    for path in list_files(folder):
        control_list, _ = read_control_list(path)
        named = control_list is not None and control_list.id == list_id
        if named or list_id in (path.name, path.stem):
            path.unlink()
            path.with_name(path.name + ".meta.yml").unlink(missing_ok=True)
            out_console.print(f"Removed {list_id} ({path}).")
            return
    fail(f"no list {list_id!r} in {folder}")
