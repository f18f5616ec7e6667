"""What every command shares: consoles, the home and store options, clean failure."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console

from diversion.home import ENV_VAR, URL_VAR, Home
from diversion.rules import CONFIG_FILE, RuleConfigError, load_catalogue, load_config

if TYPE_CHECKING:
    from diversion.store import Store


class _Stdout(Console):
    def on_broken_pipe(self) -> None:
        """The reader stopped reading (`diversion screen x.csv | head`): print nothing more,
        but let the command finish its work and exit with its own code (rich would exit 1)."""
        self.quiet = True
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


out_console = _Stdout()
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
    from diversion.store import StoreError, open_store

    where = Home.resolve(home)
    try:
        return where, open_store(where, db)
    except StoreError as exc:  # a bad URL or an unreachable server: say which (no password)
        fail(str(exc))


def checked_rules_file(explicit: Path | None, where: Home) -> Path | None:
    """The rules file in force, once it reads whole; else every fault and exit 2. Screening
    must not quietly fall back to defaults a user changed."""
    path = explicit or where.root / CONFIG_FILE
    if explicit is not None and not explicit.exists():
        fail(f"--rules: no file {explicit}", 2)
    try:
        load_config(load_catalogue(), path)
    except RuleConfigError as exc:
        for error in exc.errors:
            err_console.print(f"[red]error[/red] {error}", highlight=False)
        fail(f"the rules file {path} is invalid; fix it or move it away", 2)
    return path if path.exists() else None
