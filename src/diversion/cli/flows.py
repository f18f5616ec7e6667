"""`diversion flows`: load trade statistics, run the detectors, write the report."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.table import Table

from diversion.cli.common import HomeOption, err_console, fail, out_console
from diversion.flows.defaults import POLICY, RUSSIA_HUB_DEFAULTS, SOURCES, WINDOW
from diversion.home import Home
from diversion.reference import package_file

if TYPE_CHECKING:  # the commands import what they use: pyarrow, DuckDB, numpy and plotly load
    # only for the commands that read or chart flows
    from diversion.flows.detectors import Options
    from diversion.flows.findings import Finding
    from diversion.flows.loaders import LoadResult
    from diversion.flows.store import FlowStore
    from diversion.service.flows import FlowsService

app = typer.Typer(
    help="Trade statistics: load them, find surges, roundabout routes, ghost trade, unit-value "
    "gaps and policy impact, and write reports.",
    no_args_is_help=True,
)

HubOption = Annotated[
    list[str] | None,
    typer.Option("--hub", help="A hub (ISO alpha-2); repeat for more. Default: every transit hub."),
]
HsOption = Annotated[str | None, typer.Option("--hs", help="Only goods under this HS prefix.")]
ControlledOption = Annotated[
    bool,
    typer.Option("--controlled-only", help="Only goods a control list names (CHPL and others)."),
]
OutOption = Annotated[
    Path | None, typer.Option("--out", help="Write the findings to FILE.csv or FILE.json.")
]
CurrencyOption = Annotated[str, typer.Option("--currency", help="usd or eur.")]
YearsOption = Annotated[str, typer.Option(help="Years as FIRST-LAST or a comma list.")]
MinOption = Annotated[
    float, typer.Option("--min-value", help="Smallest current figure a finding may have.")
]
LimitOption = Annotated[int, typer.Option("--limit", help="At most this many findings.")]


def _years(text: str, option: str) -> tuple[int, ...]:
    try:
        if "-" in text:
            first, last = (int(part) for part in text.split("-"))
            years = tuple(range(first, last + 1))
        else:
            years = tuple(int(part) for part in text.split(","))
    except ValueError:
        fail(f"{option}: {text!r} is not FIRST-LAST or a comma list of years", 2)
    if not years:
        fail(f"{option}: no years in {text!r}", 2)
    return years


def _store(home: Path | None) -> tuple[Home, FlowStore]:
    from diversion.flows.store import FlowStore

    where = Home.resolve(home)
    return where, FlowStore.of(where)


@contextmanager
def _file_progress(total: int, what: str) -> Iterator[Callable[[Path], None]]:
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} files"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=not err_console.is_terminal,
    ) as progress:
        task = progress.add_task(what, total=total)

        def advance(path: Path) -> None:
            progress.update(task, advance=1, description=f"{what} {path.name}")

        yield advance


def _expand(paths: list[Path]) -> list[Path]:
    """Files as given, and every file under a folder (hidden ones and notes left out)."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.is_file() and not p.name.startswith(".") and p.suffix.lower() != ".md"
            )
        elif path.exists():
            files.append(path)
        else:
            fail(f"{path}: no such file or folder", 2)
    return files


def _write_rejected(result: LoadResult, path: Path) -> None:
    from diversion.csv_output import CsvWriter
    from diversion.files import AtomicFile

    with AtomicFile(path) as handle:
        writer = CsvWriter(handle, ("file", "line", "field", "reason"), lineterminator="\n")
        writer.writeheader()
        for error in result.errors:
            writer.writerow([error.file, error.line, error.field, error.reason])


def load_into(
    store: FlowStore, source: str, paths: list[Path], skip_bad_rows: bool = False
) -> LoadResult | None:
    """Load files as one load; report, and on faults load nothing unless told to skip them."""
    from diversion.flows.loaders import load_files, source_layouts
    from diversion.flows.store import sha256

    try:
        source_layouts(source)
    except ValueError as exc:
        fail(str(exc), 2)
    files = _expand(paths)
    seen = store.loaded_files()
    fresh: list[Path] = []
    digests: dict[str, str] = {}
    for path in files:
        digest = sha256(path)
        if digest in seen:
            out_console.print(f"  {path}: already loaded (load {seen[digest]}), skipped")
        elif digest not in digests.values():
            fresh.append(path)
            digests[str(path)] = digest
    if not fresh:
        out_console.print("Nothing new to load.")
        return None
    staging = store.staging()
    try:
        with _file_progress(len(fresh), "Reading") as advance:
            result = load_files(fresh, source, progress=advance, workdir=staging)
        return _keep(store, source, result, fresh, digests, skip_bad_rows)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _keep(
    store: FlowStore,
    source: str,
    result: LoadResult,
    fresh: list[Path],
    digests: dict[str, str],
    skip_bad_rows: bool,
) -> LoadResult:
    """Report a load, and store it unless it has faults (without --skip-bad-rows) or no row."""
    from diversion.flows.loaders import OUTCOMES

    if result.errors:
        for error in result.errors[:20]:
            err_console.print(f"[red]error[/red] {error}", highlight=False)
        more = len(result.errors) - 20
        if more > 0:
            err_console.print(f"  … and {more} more")
    read, ended = result.balance()
    out_console.print(f"{read:,} values read in {result.counts['rows read']:,} rows:")
    for what in OUTCOMES:
        if result.counts[what]:
            out_console.print(f"  {what}: {result.counts[what]:,}")
    if read != ended:  # pragma: no cover - a loader bug; never store what does not add up
        fail(f"the counts add up to {ended:,}, not the {read:,} values read; nothing loaded", 1)
    for what in ("aggregate rows kept apart", "values without a rate for their year"):
        if result.counts[what]:
            out_console.print(f"  ({what}: {result.counts[what]:,})")
    if result.no_value:
        shown = ", ".join(result.no_value[:5])
        out_console.print(f"  without a figure, e.g. {shown}{' …' * (len(result.no_value) > 5)}")
    if result.errors and not skip_bad_rows:
        fail(
            f"{len(result.errors)} fault(s) in {len(fresh)} file(s); nothing loaded. "
            "Fix them, or load the good rows with --skip-bad-rows (the rejected rows are "
            "then written beside the load).",
            1,
        )
    if result.rows == 0:
        fail(
            f"no flow to keep in {len(fresh)} file(s); nothing loaded and no file marked as loaded",
            1,
        )
    meta = {
        str(path): {"sha256": digests[str(path)], "layout": result.files[str(path)]}
        for path in fresh
        if str(path) in result.files
    }
    load = store.add_file(result.parquet, result.rows, source, meta, dict(result.counts))
    if result.errors:
        rejected = store.root / f"{load.id}.rejected.csv"
        _write_rejected(result, rejected)
        err_console.print(f"  {len(result.errors)} rejected row(s) listed in {rejected}")
    out_console.print(f"Loaded {result.rows:,} flows from {len(meta)} file(s) as load {load.id}")
    return result


@app.command("load")
def load(
    source: Annotated[
        str,
        typer.Argument(
            metavar="SOURCE",
            help=f"{', '.join(SOURCES)}, or a layout name (see `flows layouts`).",
        ),
    ],
    paths: Annotated[list[Path], typer.Argument(metavar="PATH...", help="Files or folders.")],
    skip_bad_rows: Annotated[
        bool,
        typer.Option("--skip-bad-rows", help="Load the good rows; list the rejected ones."),
    ] = False,
    home: HomeOption = None,
) -> None:
    """Load statistics files into the harmonised flow table (Parquet under HOME/flows)."""
    _, store = _store(home)
    load_into(store, source, paths, skip_bad_rows)


@app.command("layouts")
def layouts_command() -> None:
    """The file layouts `flows load` recognises, and the columns that identify each."""
    from diversion.flows.layouts import layouts

    table = Table("layout", "what", "identified by")
    for layout in layouts().values():
        table.add_row(layout.name, layout.title, ", ".join(layout.detect))
    out_console.print(table)


@app.command("ls")
def ls(home: HomeOption = None) -> None:
    """The loads in the home, oldest first."""
    _, store = _store(home)
    table = Table("load", "loaded at", "source", "files", "rows")
    for item in store.loads():
        table.add_row(item.id, item.loaded_at, item.source, str(len(item.files)), f"{item.rows:,}")
    out_console.print(table)


@app.command("rm")
def rm(load_id: Annotated[str, typer.Argument(metavar="LOAD")], home: HomeOption = None) -> None:
    """Remove one load."""
    _, store = _store(home)
    try:
        removed = store.remove(load_id)
    except KeyError as exc:
        fail(str(exc.args[0]), 2)
    out_console.print(f"Removed load {removed.id} ({removed.rows:,} rows)")


def _options(
    hub: list[str] | None,
    hs: str | None,
    controlled_only: bool,
    currency: str,
    baseline: str,
    after: str,
    min_value: float,
    floor: float,
    limit: int,
    **extra: object,
) -> Options:
    from diversion.flows.detectors import Options

    if currency not in ("usd", "eur"):
        fail("--currency must be usd or eur", 2)
    return Options(
        hubs=tuple(h.upper() for h in hub or ()),
        hs_prefix=hs,
        controlled_only=controlled_only,
        currency=currency,
        baseline_years=_years(baseline, "--baseline"),
        after_years=_years(after, "--after"),
        min_value=min_value,
        floor=floor,
        limit=limit,
        extra={k: v for k, v in extra.items() if v is not None},
    )


def _flows(home: Path | None) -> FlowsService:
    """The home's flows, loaded: else say so and stop."""
    from diversion.service.flows import FlowsService

    where, _ = _store(home)
    service = FlowsService(where)
    if not service.loaded():
        fail(f"no flows loaded in {where.root}; run `diversion flows load` first", 2)
    return service


def _show(name: str, findings: list[Finding], out: Path | None) -> None:
    from diversion.flows.findings import write_findings

    table = Table("#", "reporter", "partner", "flow", "HS", "period", "score", "note")
    for number, finding in enumerate(findings[:20], start=1):
        table.add_row(
            str(number),
            finding.reporter,
            finding.partner,
            finding.flow,
            finding.hs_code,
            f"{finding.period_from}–{finding.period_to}",
            f"{finding.score:,.2f}",
            finding.note,
        )
    out_console.print(table)
    out_console.print(f"{len(findings)} {name} finding(s)")
    if out is not None:
        if out.suffix.lower() not in (".csv", ".json"):
            fail("--out must end in .csv or .json", 2)
        write_findings(findings, out)
        out_console.print(f"Findings written to {out}")


def _detector_command(name: str, doc: str) -> None:
    def command(
        hub: HubOption = None,
        hs: HsOption = None,
        controlled_only: ControlledOption = False,
        out: OutOption = None,
        currency: CurrencyOption = "usd",
        baseline: YearsOption = "2019-2021",
        after: YearsOption = "2022-2023",
        min_value: MinOption = RUSSIA_HUB_DEFAULTS[name],
        floor: Annotated[
            float, typer.Option(help="Pseudo-count added to both sides of a growth ratio.")
        ] = 50_000.0,
        limit: LimitOption = 50,
        rank: Annotated[
            str | None, typer.Option(help="surges: rank by score, change or ratio.")
        ] = None,
        date: Annotated[str | None, typer.Option(help="impact: the policy date, YYYY-MM.")] = None,
        window: Annotated[int, typer.Option(help="impact: months on each side.")] = WINDOW,
        control: Annotated[
            str | None,
            typer.Option(
                help="impact: the control group, products (the hub's other goods to Russia; "
                "the default with --hs or --controlled-only) or destinations (the same goods "
                "to other partners)."
            ),
        ] = None,
        control_destination: Annotated[
            list[str] | None,
            typer.Option(
                "--control-destination",
                help="roundabout: a control destination (ISO alpha-2); repeat for more. "
                "Default: every partner that is not a transit hub, Russia or Belarus.",
            ),
        ] = None,
        cluster: Annotated[
            str | None,
            typer.Option(
                help="roundabout: cluster standard errors by exporter-product (default) or product."
            ),
        ] = None,
        factor: Annotated[
            float | None, typer.Option(help="unit-values: how many times dearer or cheaper.")
        ] = None,
        years: Annotated[str | None, typer.Option(help="mirror: only these years.")] = None,
        home: HomeOption = None,
    ) -> None:

        options = _options(
            hub,
            hs,
            controlled_only,
            currency,
            baseline,
            after,
            min_value,
            floor,
            limit,
            rank=rank,
            date=date,
            window=window,
            control=control,
            control_destinations=tuple(c.upper() for c in control_destination or ()) or None,
            cluster=cluster,
            factor=factor,
            years=_years(years, "--years") if years else None,
        )
        try:
            findings = _flows(home).detect(name, options)
        except ValueError as exc:
            fail(str(exc), 2)
        _show(name, findings, out)

    command.__doc__ = doc
    app.command(name)(command)


for _name, _doc in (
    ("surges", "Flows that grew far beyond their pre-war baseline."),
    (
        "roundabout",
        "Coalition exports of priority goods rerouted through the hubs: the EBRD triple "
        "difference with fixed effects, clustered errors, quarterly pre-trends and the "
        "substitution ratio.",
    ),
    ("mirror", "Ghost trade: partner-reported exports to a hub that the hub never recorded."),
    ("unit-values", "Unit values of hub exports to Russia against the same goods' way in."),
    (
        "impact",
        "A hub's exports to Russia around a policy date (--date YYYY-MM): an event study "
        "against a control group, with month fixed effects and 95 % bands.",
    ),
):
    _detector_command(_name, _doc)


def _report_options(
    hub: list[str] | None, hs: str | None, controlled_only: bool, currency: str, date: str
) -> dict[str, Options]:
    from diversion.flows.detectors import DETECTORS

    return {
        name: _options(
            hub,
            hs,
            # roundabout's treatment is the priority goods already: it needs the others
            (controlled_only or name in ("impact",)) and name != "roundabout",
            currency,
            "2019-2021",
            "2022-2023",
            RUSSIA_HUB_DEFAULTS[name],
            50_000.0,
            50,
            date=date,
        )
        for name in DETECTORS
    }


def _write_report(service: FlowsService, options: dict[str, Options], out: Path) -> None:
    with _file_progress(len(options), "Detector") as advance:
        results = service.report(options, out, progress=lambda name: advance(Path(name)))
    for name, findings in results.items():
        out_console.print(f"  {name}: {len(findings)} finding(s)")
    out_console.print(
        f"Report written to {out / 'report.html'} (findings.csv, findings.json, charts/)"
    )


@app.command("report")
def report(
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Folder for the report (default: HOME/flows-report)."),
    ] = None,
    hub: HubOption = None,
    hs: HsOption = None,
    controlled_only: ControlledOption = False,
    currency: CurrencyOption = "usd",
    date: Annotated[
        str, typer.Option(help="The policy date the impact section studies, YYYY-MM.")
    ] = f"{POLICY[0]}-{POLICY[1]:02d}",
    home: HomeOption = None,
) -> None:
    """Run every detector and write an offline HTML report, PNG charts and the findings."""
    service = _flows(home)
    options = _report_options(hub, hs, controlled_only, currency, date)
    _write_report(service, options, out or service.home.root / "flows-report")


@app.command("demo")
def demo(
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Folder for the demo report (default: HOME/flows-demo)."),
    ] = None,
    home: HomeOption = None,
) -> None:
    """Build a report from the shipped Eurostat data and the synthetic HS6 panel. Its flows are
    kept in a store of their own inside OUT, apart from the flows you loaded."""
    from diversion.flows.store import FlowStore
    from diversion.flows.synthetic import generate_panel
    from diversion.service.flows import FlowsService

    out = out or Home.resolve(home).root / "flows-demo"
    where = Home.resolve(out / "home")
    store = FlowStore.of(where)
    for old in store.loads():
        store.remove(old.id)
    panel = out / "synthetic_comtrade_panel.csv"
    rows = generate_panel(panel)
    out_console.print(f"Synthetic HS6 panel: {rows:,} rows in Comtrade's layout, {panel}")
    load_into(store, "comtrade", [panel])
    eurostat = package_file("diversion.flows", "data/eurostat-hubs")
    load_into(store, "comext", [eurostat])
    options = _report_options(None, None, False, "usd", f"{POLICY[0]}-{POLICY[1]:02d}")
    _write_report(FlowsService(where), options, out)
