"""What every command shares: consoles, the home and store options, clean failure."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from diversion.home import ENV_VAR, Home
from diversion.store import Store, open_store
from diversion.store.engine import URL_VAR

out_console = Console()
err_console = Console(stderr=True)

HomeOption = Annotated[
    Path | None,
    typer.Option(
        "--home",
        envvar=ENV_VAR,
        help="Directory for all of Diversion's state (default: the per-user data directory).",
        show_default=False,
    ),
]
DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar=URL_VAR,
        help="Database URL of the store (default: SQLite in the home).",
        show_default=False,
    ),
]


def fail(message: str, code: int = 1) -> NoReturn:
    err_console.print(f"[red]error[/red] {message}", highlight=False)
    raise typer.Exit(code)


def warn(message: str) -> None:
    err_console.print(f"[yellow]warning[/yellow] {message}", highlight=False)


def store_for(home: Path | None, db: str | None) -> tuple[Home, Store]:
    where = Home.resolve(home)
    try:
        return where, open_store(where, db)
    except Exception as exc:  # a bad URL or an unreachable server: say which, then stop
        fail(f"cannot open the store ({db or 'SQLite in ' + str(where.root)}): {exc}")
