"""`diversion licences`: the licence register, and drawing on it when declarations are accepted."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from diversion.cli.common import DbOption, HomeOption, err_console, fail, out_console, store_for
from diversion.licences.terms import STATUSES

if TYPE_CHECKING:  # the commands import what they use: every command starts fast
    from diversion.licences import AcceptOutcome, LicenceState, LicenceStore

app = typer.Typer(
    help="The licence register: add, import, inspect, suspend, revoke; accept and cancel "
    "declarations, which draw on licences and give back.",
    no_args_is_help=True,
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
ReasonOption = Annotated[
    str, typer.Option("--reason", help="Why (required; recorded with the change).")
]


class InputFormat(StrEnum):
    csv = "csv"
    jsonl = "jsonl"


def _licences(home: Path | None, db: str | None) -> LicenceStore:
    from diversion.licences import LicenceStore

    _, store = store_for(home, db)
    return LicenceStore(store)


def _left(state: LicenceState, what: str) -> str:
    from diversion.licences.model import amount_text

    licence = state.licence
    limit = licence.quantity_limit if what == "quantity" else licence.value_limit
    left = state.quantity_left if what == "quantity" else state.value_left
    if limit is None:
        return "-"
    unit = f" {licence.currency}" if what == "value" and licence.currency else ""
    return f"{amount_text(left)} / {amount_text(limit)}{unit}"


@app.command()
def add(
    licence_no: Annotated[str, typer.Argument(metavar="LICENCE_NO")],
    authority: Annotated[str, typer.Option("--authority", help="Issuing authority.")],
    goods: Annotated[
        str, typer.Option("--goods", help="HS codes or prefixes (2-10 digits), separated by ';'.")
    ],
    valid_from: Annotated[str, typer.Option("--valid-from", help="First valid day, YYYY-MM-DD.")],
    valid_to: Annotated[str, typer.Option("--valid-to", help="Last valid day, YYYY-MM-DD.")],
    holder_name: Annotated[
        str | None, typer.Option("--holder-name", help="Holder (required unless --type general).")
    ] = None,
    holder_id: Annotated[
        str | None, typer.Option("--holder-id", help="Holder's registration number (BIN, INN).")
    ] = None,
    licence_type: Annotated[
        str, typer.Option("--type", help="individual or general.")
    ] = "individual",
    goods_description: Annotated[
        str | None, typer.Option("--goods-description", help="What the goods are, in words.")
    ] = None,
    destinations: Annotated[
        str | None,
        typer.Option("--destinations", help="Countries, separated by ';' (default: any)."),
    ] = None,
    consignee: Annotated[
        str | None, typer.Option("--consignee", help="The only consignee allowed.")
    ] = None,
    end_user: Annotated[str | None, typer.Option("--end-user", help="The only end user.")] = None,
    quantity: Annotated[
        str | None, typer.Option("--quantity", help="Quantity limit (default: none).")
    ] = None,
    value: Annotated[
        str | None, typer.Option("--value", help="Value limit (default: none).")
    ] = None,
    currency: Annotated[
        str | None, typer.Option("--currency", help="ISO 4217 code of the value limit.")
    ] = None,
    home: HomeOption = None,
    db: DbOption = None,
) -> None:
    """Add one licence, checked like a row of the licence CSV; it starts active."""
    from diversion.licences import LicenceError
    from diversion.licences.csv_format import build_licence, licence_errors

    fields = {
        "licence_no": licence_no, "holder_name": holder_name, "holder_id": holder_id,
        "type": licence_type, "authority": authority, "goods": goods,
        "destinations": destinations, "consignee_name": consignee, "end_user_name": end_user,
        "quantity_limit": quantity, "value_limit": value, "currency": currency,
        "valid_from": valid_from, "valid_to": valid_to, "status": "active",
    }  # fmt: skip
    problems = licence_errors(fields)
    if problems:
        for problem in problems:
            err_console.print(
                f"[red]error[/red] --{problem.field.replace('_', '-')}: {problem.reason}",
                highlight=False,
            )
        fail("licence not added", 2)
    licence = build_licence(fields, goods_description)
    try:
        _licences(home, db).add(licence)
    except LicenceError as exc:
        fail(str(exc))
    out_console.print(f"Added licence [bold]{licence.licence_no}[/bold] (active).")


@app.command("import")
def import_(
    path: Annotated[Path, typer.Argument(metavar="CSV", help="A licence CSV file.")],
    home: HomeOption = None,
    db: DbOption = None,
) -> None:
    """Import a licence CSV in one transaction: every licence, or none if any row is wrong.

    Every problem is printed with file, line, column and reason; the exit code is then 2.
    """
    from diversion.licences import LicenceImportError

    if not path.is_file():
        fail(f"{path}: no such file")  # a usage error, not an invalid row: exit 1
    licences = _licences(home, db)
    try:
        outcome = licences.import_file(path)
    except LicenceImportError as exc:
        for error in exc.errors:
            err_console.print(f"[red]error[/red] {error}", highlight=False)
        fail(f"{len(exc.errors)} problem(s) in {path}; nothing imported", 2)
    err_console.print(outcome.how, highlight=False)
    out_console.print(
        f"Imported {len(outcome.added)} licence(s) from {path.name}; "
        f"{len(outcome.unchanged)} already in the register unchanged."
    )


@app.command("ls")
def ls(
    status: Annotated[
        str | None, typer.Option("--status", help=f"Only these: {', '.join(STATUSES)}.")
    ] = None,
    as_json: JsonOption = False,
    home: HomeOption = None,
    db: DbOption = None,
) -> None:
    """Every licence with its status, validity and what is left of it."""
    if status is not None and status not in STATUSES:
        fail(f"unknown status {status!r}; use one of: {', '.join(STATUSES)}", 2)
    states = _licences(home, db).licences(status)
    if as_json:
        print(json.dumps([s.to_dict() for s in states], ensure_ascii=False, indent=2))
        return
    if not states:
        out_console.print("No licences. Add them with `diversion licences import CSV`.")
        return
    table = Table()
    for column in ("licence", "holder", "type", "status", "valid", "goods", "to", "quantity left",
                   "value left"):  # fmt: skip
        table.add_column(column, overflow="fold")
    for state in states:
        lic = state.licence
        style = {"active": "green", "suspended": "yellow", "revoked": "red"}[lic.status]
        table.add_row(
            lic.licence_no, lic.holder_name or "(any: general)", lic.type,
            f"[{style}]{lic.status}[/{style}]", f"{lic.valid_from} – {lic.valid_to}",
            ", ".join(lic.goods), ", ".join(lic.destinations) or "any",
            _left(state, "quantity"), _left(state, "value"),
        )  # fmt: skip
    out_console.print(table)


@app.command()
def show(
    licence_no: Annotated[str, typer.Argument(metavar="LICENCE_NO")],
    as_json: JsonOption = False,
    home: HomeOption = None,
    db: DbOption = None,
) -> None:
    """One licence: its terms, what is left, its history and every draw on it."""
    from diversion.licences.model import amount_text

    licences = _licences(home, db)
    state = licences.get(licence_no)
    if state is None:
        fail(f"licence {licence_no} is not in the register")
    number = state.licence.licence_no
    events = licences.events(number)
    draws = licences.depletions(licence_no=number)
    if as_json:
        record: dict[str, Any] = {
            **state.to_dict(),
            "events": [
                {"at": e.at.isoformat(), "action": e.action, "status": e.status,
                 "reason": e.reason, "detail": e.detail}
                for e in events
            ],
            "depletions": [d.to_dict() for d in draws],
        }  # fmt: skip
        print(json.dumps(record, ensure_ascii=False, indent=2))
        return
    table = Table(title=f"Licence {number}", show_header=False)
    table.add_column("field")
    table.add_column("value", overflow="fold")
    for key, value in state.to_dict().items():
        if isinstance(value, list):
            value = "; ".join(value) or ("any" if key == "destinations" else "")
        table.add_row(key, "" if value is None else str(value))
    out_console.print(table)
    history = Table(title="History")
    for column in ("at", "action", "status", "reason"):
        history.add_column(column, overflow="fold")
    for event in events:
        history.add_row(
            event.at.strftime("%Y-%m-%d %H:%M:%S"), event.action, event.status, event.reason or ""
        )
    out_console.print(history)
    if draws:
        drawn = Table(title="Draws")
        for column in ("declaration", "item", "HS", "quantity", "value", "at", "reversed"):
            drawn.add_column(column)
        for d in draws:
            drawn.add_row(
                d.declaration_id, str(d.item_no), d.hs_code,
                f"{amount_text(d.quantity)} {d.unit or ''}".strip(),
                f"{amount_text(d.value)} {d.currency}",
                d.depleted_at.strftime("%Y-%m-%d %H:%M:%S"),
                d.reversed_at.strftime("%Y-%m-%d %H:%M:%S") if d.reversed_at else "",
            )  # fmt: skip
        out_console.print(drawn)


def _change(licence_no: str, action: str, reason: str, home: Path | None, db: str | None) -> None:
    from diversion.licences import LicenceError

    try:
        state = _licences(home, db).set_status(licence_no, action, reason)
    except LicenceError as exc:
        fail(str(exc))
    out_console.print(
        f"Licence [bold]{state.licence.licence_no}[/bold] is now {state.licence.status}."
    )


@app.command()
def suspend(
    licence_no: Annotated[str, typer.Argument(metavar="LICENCE_NO")],
    reason: ReasonOption,
    home: HomeOption = None,
    db: DbOption = None,
) -> None:
    """Suspend an active licence: it allows nothing until reinstated."""
    _change(licence_no, "suspend", reason, home, db)


@app.command()
def reinstate(
    licence_no: Annotated[str, typer.Argument(metavar="LICENCE_NO")],
    reason: ReasonOption,
    home: HomeOption = None,
    db: DbOption = None,
) -> None:
    """Make a suspended licence active again."""
    _change(licence_no, "reinstate", reason, home, db)


@app.command()
def revoke(
    licence_no: Annotated[str, typer.Argument(metavar="LICENCE_NO")],
    reason: ReasonOption,
    home: HomeOption = None,
    db: DbOption = None,
) -> None:
    """Revoke a licence for good (active or suspended)."""
    _change(licence_no, "revoke", reason, home, db)


def _draws(outcome: AcceptOutcome) -> str:
    from diversion.licences.model import amount_text

    return ", ".join(
        f"item {d.item_no}: {amount_text(d.quantity)}{f' {d.unit}' if d.unit else ''} / "
        f"{amount_text(d.value)} {d.currency} from {d.licence_no}"
        for d in outcome.depletions
    )


def _report_accept(outcome: AcceptOutcome) -> None:
    """One line for each declaration that drew, was refused or was accepted before."""
    did = outcome.declaration_id
    if outcome.status == "accepted":
        if outcome.depletions:
            out_console.print(f"[green]accepted[/green] {did}: {_draws(outcome)}", highlight=False)
    elif outcome.refused:
        err_console.print(f"[red]refused[/red] {did}: nothing drawn", highlight=False)
        for finding in outcome.findings:
            if finding.code != "licence.covered":
                err_console.print(f"  {finding.code}: {finding.message}", highlight=False)
    else:
        out_console.print(f"[yellow]{outcome.status}[/yellow] {did}: nothing drawn again")


@app.command()
def accept(
    source: Annotated[
        Path, typer.Argument(metavar="DECLARATIONS", help="Declarations as .csv or .jsonl.")
    ],
    input_format: Annotated[
        InputFormat | None,
        typer.Option("--input-format", help="Input format, when the extension does not say."),
    ] = None,
    home: HomeOption = None,
    db: DbOption = None,
) -> None:
    """Accept declarations: each draws on its licences atomically, all its items or none.

    A declaration whose licences do not cover it is refused and draws nothing; one accepted
    before draws nothing again. Exits 1 if any was refused, 2 if any input row was invalid.
    """
    from diversion.declarations import read_declarations

    if not source.is_file():
        fail(f"{source}: no such file")  # a usage error, not an invalid row: exit 1
    licences = _licences(home, db)
    read = read_declarations(source, input_format.value if input_format else None)
    if read.how:
        err_console.print(read.how, highlight=False)
    for error in read.errors:
        err_console.print(f"[red]error[/red] {error}", highlight=False)
    outcomes = [licences.accept(declaration) for declaration in read.declarations]
    for outcome in outcomes:
        _report_accept(outcome)
    accepted = [o for o in outcomes if o.status == "accepted"]
    refused = sum(o.refused for o in outcomes)
    drawing = sum(bool(o.depletions) for o in accepted)
    out_console.print(
        f"{len(accepted)} accepted ({drawing} drawing on licences), {refused} refused, "
        f"{len(outcomes) - len(accepted) - refused} accepted or cancelled before"
        + (f", {len(read.rejected)} not read (invalid input)" if read.errors else "")
    )
    if read.errors:
        raise typer.Exit(2)
    if refused:
        raise typer.Exit(1)


@app.command()
def cancel(
    declaration_id: Annotated[str, typer.Argument(metavar="DECLARATION_ID")],
    reason: ReasonOption,
    home: HomeOption = None,
    db: DbOption = None,
) -> None:
    """Cancel an accepted declaration: everything it drew goes back to its licences."""
    from diversion.licences import LicenceError
    from diversion.licences.model import amount_text

    try:
        outcome = _licences(home, db).cancel(declaration_id, reason)
    except LicenceError as exc:
        fail(str(exc))
    if outcome.already:
        out_console.print(f"{declaration_id} was cancelled before; nothing given back again.")
        return
    given = ", ".join(
        f"{amount_text(d.quantity)} / {amount_text(d.value)} {d.currency} to {d.licence_no}"
        for d in outcome.reversed
    )
    out_console.print(
        f"Cancelled {declaration_id}" + (f"; given back: {given}" if given else "; it drew nothing")
    )
