"""`diversion`: screen export declarations from the command line."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer
from rich.table import Table
from rich.text import Text

from diversion import __version__
from diversion.cli import goods as goods_cli
from diversion.cli.common import (
    DbOption,
    HomeOption,
    checked_rules_file,
    err_console,
    fail,
    out_console,
    store_for,
    warn,
)
from diversion.cli.groups import LazyGroup
from diversion.cli.serve import serve as serve_command
from diversion.home import Home
from diversion.reference import package_file
from diversion.rules import (
    CONFIG_FILE,
    RuleConfigError,
    apply_config,
    load_catalogue,
    load_config,
)

if TYPE_CHECKING:  # the commands import what they use: every command starts fast
    from diversion.rules.params import Param
    from diversion.screening.context import ScreeningContext
    from diversion.screening.imports import ImportLine
    from diversion.screening.run import RunResult
    from diversion.service.screening import HistorySource

app = typer.Typer(
    help="Diversion: screen export declarations for diversion of dual-use goods to Russia.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    cls=LazyGroup,  # lists, flows, cases … (cli/groups.py) are built when named
)
rules_app = typer.Typer(help="The rule catalogue.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")
app.command("serve")(serve_command)
T = TypeVar("T")


class OutputFormat(StrEnum):
    jsonl = "jsonl"
    csv = "csv"


class Language(StrEnum):
    """The languages of diversion.i18n's catalogs (kept here so `--help` needs no import)."""

    en = "en"
    ru = "ru"
    kk = "kk"


class InputFormat(StrEnum):
    csv = "csv"
    jsonl = "jsonl"


FormatOption = Annotated[OutputFormat, typer.Option("--format", help="Format of the results.")]
OutOption = Annotated[
    Path | None,
    typer.Option("--out", help="Results file (default: a new run folder in the home)."),
]


def _progress(items: Iterable[T], total: int) -> Iterator[T]:
    from rich.progress import track

    yield from track(
        items,
        total=total,
        description="Screening",
        console=err_console,
        transient=True,
        disable=not err_console.is_terminal or total < 100,
    )


def _context() -> ScreeningContext:
    """The reference data, or a clear message and exit 1 if a file of it is broken."""
    from diversion.screening.context import ScreeningContext

    try:
        return ScreeningContext.bundled()
    except (OSError, ValueError) as exc:
        err_console.print(f"[red]error[/red] cannot load reference data: {exc}", highlight=False)
        raise typer.Exit(1) from None


def _report(result: RunResult, title: str, lang: str = "en") -> None:
    from diversion.screening.run import CORRIDORS

    if result.read.how:
        err_console.print(result.read.how, highlight=False)
    for error in result.read.errors:
        err_console.print(f"[red]error[/red] {error}", markup=True, highlight=False)
    counts = result.corridors
    out_console.print(f"[bold]{title}[/bold]")
    summary = Table(show_edge=False)
    summary.add_column("corridor")
    summary.add_column("declarations", justify="right")
    for corridor, style in zip(CORRIDORS, ("bold red", "yellow", "green"), strict=True):
        summary.add_row(f"[{style}]{corridor}[/{style}]", str(counts.get(corridor, 0)))
    if result.read.errors:
        summary.add_row("[magenta]not screened[/magenta]", str(len(result.read.rejected)))
    out_console.print(summary)
    red = [d for d in result.decisions if d.corridor == "red"]
    if red:
        table = Table(title="Stopped (red corridor)", show_lines=False)
        table.add_column("declaration")
        table.add_column("top reason")
        table.add_column("message", overflow="fold")
        for decision in red:
            top = decision.top_reason
            assert top is not None  # a red decision always has a reason
            table.add_row(decision.declaration_id, top.code, top.message_in(lang))
        out_console.print(table)
    out_console.print(f"Results: {result.out}")
    if result.read.errors:
        out_console.print(
            f"[red]{len(result.read.errors)} input error(s)[/red], listed in {result.errors_out}"
        )


RulesOption = Annotated[
    Path | None,
    typer.Option(
        "--rules",
        help=f"Rule settings (YAML) that tune the catalogue; default: HOME/{CONFIG_FILE} if any.",
    ),
]


@app.command()
def screen(
    source: Annotated[
        Path, typer.Argument(metavar="INPUT", help="Declarations as .csv or .jsonl.")
    ],
    out: OutOption = None,
    fmt: FormatOption = OutputFormat.jsonl,
    input_format: Annotated[
        InputFormat | None,
        typer.Option("--input-format", help="Input format, when the extension does not say."),
    ] = None,
    rules: RulesOption = None,
    history: Annotated[
        str | None,
        typer.Option(
            "--history",
            metavar="PATH|store",
            help="Earlier declarations to compare with: a file (.csv or .jsonl), or `store` "
            "for every declaration screened before in this home.",
        ),
    ] = None,
    imports: Annotated[
        list[Path] | None,
        typer.Option(
            "--imports",
            metavar="FILE",
            help="The goods' earlier import declarations or e-invoices (.csv or .jsonl), for "
            "the route rules; may be given more than once. The store's import declarations "
            "always count.",
        ),
    ] = None,
    home: HomeOption = None,
    db: DbOption = None,
    lang: Annotated[
        Language,
        typer.Option(
            "--lang",
            help="Language of the reasons printed here (en, ru, kk); the results file keeps "
            "English messages with their message ids and parameters.",
        ),
    ] = Language.en,
) -> None:
    """Screen a file of declarations and write one decision per declaration.

    Invalid rows are reported (file, line, field, reason) on stderr and in an errors file next
    to the results; valid declarations are still screened. Exits 2 if any input was invalid.
    The declarations and their decisions are kept in the store, as history for later runs,
    before anything is printed: a reader that stops early (`| head`) loses nothing.
    """
    if not source.is_file():  # a usage error, not an invalid row: exit 1 and create nothing
        fail(f"{source}: no such file (give a .csv or .jsonl file of declarations)")
    from diversion.screening.run import default_out
    from diversion.service.screening import ContextError, ScreeningService

    where, store = store_for(home, db)
    goods_cli.checked_user_dir(where.root)
    service = ScreeningService(where, store, checked_rules_file(rules, where))
    try:
        _, fallback = service.context_and_fallback()
    except ContextError as exc:
        fail(f"{exc.problems[0]}; add the list with `diversion goods add` or fix the rules file", 2)
    if fallback:
        warn(
            f"no lists imported in {where.root}: screening against the bundled FICTIONAL demo "
            "list. Import real lists with `diversion lists import`."
        )
    past = _history(history) if history is not None else None
    lines = _import_lines(imports or [])
    result, done = service.screen_file(
        source,
        out or default_out(where, source, fmt.value),
        fmt.value,
        input_format.value if input_format else None,
        history=past,
        import_lines=lines,
        progress=_progress,
    )
    if imports or len(done.imports):
        err_console.print(
            f"import route: {len(done.imports)} import line(s) ({len(lines)} from --imports, "
            f"the rest from import declarations; {done.imports.duplicates} given twice counted "
            "once)",
            highlight=False,
        )
    _report(result, f"Screened {source.name}", lang.value)
    if done.opened:
        out_console.print(f"{len(done.opened)} case(s) opened for yellow and red declarations")
    raise typer.Exit(result.exit_code)


def _history(source: str) -> HistorySource:
    """The declarations of `--history`: the store's, or a file's (which must read whole)."""
    from diversion.declarations import read_declarations

    if source == "store":
        return "store"
    path = Path(source)
    if not path.exists():
        fail(f"--history: no file {path} (give a .csv or .jsonl file, or `store`)")
    read = read_declarations(path)
    if read.errors:
        for error in read.errors[:10]:
            err_console.print(f"[red]error[/red] {error}", highlight=False)
        fail(f"--history: {len(read.errors)} invalid row(s) in {path}; fix them first", 2)
    return read.declarations


def _import_lines(paths: list[Path]) -> list[ImportLine]:
    """The import records of `--imports`; each file must read whole."""
    from diversion.declarations.import_records import read_import_records
    from diversion.screening.imports import line_of_record

    lines = []
    for path in paths:
        if not path.is_file():
            fail(f"--imports: no file {path} (give a .csv or .jsonl file of import records)")
        read = read_import_records(path)
        if read.errors:
            for error in read.errors:
                err_console.print(f"[red]error[/red] {error}", highlight=False)
            fail(f"--imports: {len(read.errors)} invalid row(s) in {path}; fix them first", 2)
        err_console.print(f"{read.how}: {len(read.records)} import record(s)", highlight=False)
        lines += [line_of_record(record, f"{path}:{line}") for line, record in read.records]
    return lines


@app.command()
def demo(
    out: OutOption = None, fmt: FormatOption = OutputFormat.jsonl, home: HomeOption = None
) -> None:
    """Screen the bundled demo declarations against the bundled demo list."""
    from diversion.screening.run import screen_file

    where = Home.resolve(home)
    source = package_file("diversion", "data/demo/declarations.csv")
    target = out or where.path("demo", f"decisions.{fmt.value}")
    result = screen_file(source, target, fmt.value, _context(), progress=_progress)
    _report(result, "Diversion demo: bundled declarations against the fictional demo list")
    raise typer.Exit(result.exit_code)


@rules_app.command("ls")
def rules_ls(
    rules: RulesOption = None,
    home: HomeOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON with parameters.")] = False,
) -> None:
    """List every rule: id, severity, title and source, as tuned by the rules file; with
    --json also each parameter's value, and its type, default and description."""
    where = Home.resolve(home)
    catalogue = load_config(load_catalogue(), checked_rules_file(rules, where))
    if as_json:
        rows = [
            {
                "id": rule.id,
                "enabled": rule.id not in catalogue.disabled,
                "severity": rule.severity,
                "title": rule.title,
                "params": rule.params,
                "parameters": {
                    name: {**param.describe(), "default": param.default}
                    for name, param in rule.declared.items()
                },
                "rationale": rule.rationale,
                "source": rule.source,
            }
            for rule in catalogue.rules.values()
        ]
        out_console.print_json(json.dumps(rows, default=str))
        return
    title = f"Rule catalogue {catalogue.reference.version}"
    if catalogue.config is not None:
        title += f", tuned by {catalogue.config.source}"
    table = Table(title=title)
    for column in ("id", "severity", "title", "source"):
        table.add_column(column, overflow="fold")
    for rule in catalogue.rules.values():
        off = rule.id in catalogue.disabled
        table.add_row(rule.id, "off" if off else rule.severity, rule.title, rule.source)
    out_console.print(table)


@rules_app.command("show")
def rules_show(
    rule_id: Annotated[str, typer.Argument(metavar="RULE_ID", help="A reason code.")],
    rules: RulesOption = None,
    home: HomeOption = None,
) -> None:
    """Show one rule as tuned by the rules file: its parameters with their type, value and
    meaning, its rationale and source."""
    where = Home.resolve(home)
    catalogue = load_config(load_catalogue(), checked_rules_file(rules, where))
    if rule_id not in catalogue.rules:
        fail(f"no such rule {rule_id!r} (`diversion rules ls` lists them)", 2)
    rule = catalogue[rule_id]
    state = "off" if rule.id in catalogue.disabled else rule.severity
    out_console.print(f"[bold]{rule.id}[/bold] ({state}): {rule.title}", highlight=False)
    table = Table(title="parameters" + (" (none)" if not rule.declared else ""))
    for column in ("parameter", "type", "value", "meaning"):
        table.add_column(column, overflow="fold")
    for name, param in rule.declared.items():
        value = _shown(rule.params.get(name))
        if rule.params.get(name) != param.default:
            value += f" (default {_shown(param.default)})"
        table.add_row(*map(Text, (name, _type_of(param), value, param.description)))
        for field_name, spec in param.fields.items():
            table.add_row(*map(Text, (f"  .{field_name}", _type_of(spec), "", spec.description)))
    if rule.declared:
        out_console.print(table)
    out_console.print(f"rationale: {rule.rationale}", highlight=False)
    out_console.print(f"source: {rule.source}", highlight=False)


def _type_of(param: Param) -> str:
    choices = f" ({' | '.join(param.choices)})" if param.choices else ""
    return param.expected + choices


def _shown(value: object) -> str:
    """A parameter value on one line; a list of items by their ids."""
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        return ", ".join(str(item.get("id", "?")) for item in value)
    return json.dumps(value, default=str, ensure_ascii=False)


@rules_app.command("check")
def rules_check(
    path: Annotated[Path, typer.Argument(metavar="RULES.yml", help="A rules settings file.")],
) -> None:
    """Validate a rules settings file; every fault as file:line: field: reason (exit 2)."""
    try:
        catalogue = apply_config(load_catalogue(), path)
    except RuleConfigError as exc:
        for error in exc.errors:
            err_console.print(f"[red]error[/red] {error}", highlight=False)
        raise typer.Exit(2) from None
    off = sorted(catalogue.disabled)
    out_console.print(
        f"{path}: valid; {len(catalogue.rules) - len(off)} rules on"
        + (f", off: {', '.join(off)}" if off else "")
    )


@app.command()
def version() -> None:
    """Print the version."""
    out_console.print(f"diversion {__version__}")


def main() -> None:
    app()
