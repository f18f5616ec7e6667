"""`diversion match`: ask the matching engine directly, score pairs, and evaluate it."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import track
from rich.table import Table

from diversion.cli.common import DbOption, HomeOption, err_console, fail, out_console, store_for
from diversion.matching.defaults import DEFAULT_THRESHOLD, SCHEMATA

if TYPE_CHECKING:  # the commands import what they use: every command starts fast
    from diversion.declarations.errors import InputError

app = typer.Typer(
    help="The name matching engine: query, score pairs, evaluate.", no_args_is_help=True
)

ThresholdOption = Annotated[
    float,
    typer.Option("--threshold", min=0.0, max=1.0, help="Score at or above which a pair matches."),
]


def _report_errors(errors: list[InputError]) -> None:
    for error in errors:
        err_console.print(f"[red]invalid[/red] {error}", highlight=False)


@app.command("query")
def query(
    name: Annotated[str, typer.Argument(help="The name to look for, in any script.")],
    schema: Annotated[
        str, typer.Option("--schema", help=f"One of {', '.join(SCHEMATA)}.")
    ] = "LegalEntity",
    country: Annotated[
        list[str] | None, typer.Option("--country", help="Country of the party (repeatable).")
    ] = None,
    identifier: Annotated[
        str | None, typer.Option("--id", help="A registration, tax or document number.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1)] = 10,
    threshold: ThresholdOption = 0.5,
    config: Annotated[
        list[str] | None,
        typer.Option(
            "--config",
            metavar="KEY=VALUE",
            help="Change a matching setting for this query (repeatable; `match settings`).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    home: HomeOption = None,
    db: DbOption = None,
) -> None:
    """Ranked hits for NAME in the active lists (the demo list when none), with explanations."""
    from diversion.countries.normalise import CountryError, normalise_country
    from diversion.matching.settings import DEFAULTS, SettingsError, parse_assignments
    from diversion.service.matching import lists_named, search
    from diversion.service.screening import ContextError, ScreeningService

    if schema not in SCHEMATA:
        fail(f"--schema {schema!r} is not one of {', '.join(SCHEMATA)}", 2)
    try:
        countries = [normalise_country(c) for c in country or []]
    except CountryError as exc:
        fail(f"--country: {exc}", 2)
    try:
        settings = DEFAULTS.with_overrides(parse_assignments(config or []))
    except SettingsError as exc:
        fail(f"--config: {exc}", 2)
    where, store = store_for(home, db)
    try:
        context, fallback = ScreeningService(where, store).context_and_fallback()
    except ContextError as exc:
        fail(f"{exc.problems[0]}; add the list with `diversion goods add` or fix the rules file", 2)
    if fallback:
        err_console.print("[yellow]warning[/yellow] no lists imported: searching the demo list")
    found = search(
        lists_named(context, "default"),
        [name],
        identifier,
        threshold,
        schema=schema,
        countries=countries,
        limit=limit,
        settings=settings,
    )
    hits = [hit.match for hit in found]
    if as_json:
        json.dump([m.to_dict() for m in hits], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
        return
    if not hits:
        out_console.print(f"No listed entity scores {threshold:.2f} or more for {name!r}.")
        return
    table = Table(show_lines=True)
    for column in ("score", "entity", "matched name", "why"):
        table.add_column(column, overflow="fold")
    for match in hits:
        verdict = "match" if match.score >= DEFAULT_THRESHOLD else "weak"
        why = "\n".join(f"{feature.name}: {feature.explanation}" for feature, _ in match.features)
        table.add_row(
            f"{match.score:.2f} {verdict}",
            f"{match.caption}\n{match.schema} {match.entity_id}\n{match.source}",
            match.matched,
            why,
        )
    out_console.print(table)


@app.command("settings")
def settings_(
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The scoring algorithm's features with their weights, and its tuning settings with
    their types, defaults and descriptions."""
    from diversion.matching.scoring import FEATURES
    from diversion.matching.settings import described

    features: list[dict[str, object]] = [
        {"name": f.name, "weight": f.weight, "role": f.role, "description": f.description}
        for f in FEATURES
    ]
    settings: list[dict[str, object]] = [
        {"name": d.name, "type": d.type, "default": d.default, "description": d.description}
        for d in described()
    ]
    if as_json:
        json.dump({"features": features, "settings": settings}, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return
    tables: list[tuple[str, tuple[str, ...], list[dict[str, object]]]] = [
        (
            "Features (change a weight with /match's `weights`)",
            ("feature", "weight", "role", "description"),
            features,
        ),
        (
            "Settings (change one with `match query --config KEY=VALUE`, /match's `config`)",
            ("setting", "type", "default", "description"),
            settings,
        ),
    ]
    for title, columns, rows in tables:
        table = Table(title=title)
        for column in columns:
            table.add_column(column, overflow="fold")
        for row in rows:
            table.add_row(*(str(value) for value in row.values()))
        out_console.print(table)


@app.command("pairs")
def pairs(
    path: Annotated[Path, typer.Argument(help="CSV with name1,name2,schema[,country1,country2].")],
    out: Annotated[Path, typer.Option("--out", help="Where to write the scored CSV.")],
    threshold: ThresholdOption = DEFAULT_THRESHOLD,
) -> None:
    """Score each pair of names; the output repeats the input and adds score and match.
    Cells a spreadsheet would run as formulas are escaped (docs/screening.md)."""
    from diversion.csv_output import CsvWriter
    from diversion.matching.pairs import PairsFileError, read_pairs, score_pair

    if not path.is_file():
        fail(f"{path}: no such file", 2)
    try:
        found, errors = read_pairs(path)
    except PairsFileError as exc:
        fail(str(exc), 2)
    _report_errors(errors)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        columns = list(reader.fieldnames or [])
        rows: dict[int, dict[str, str]] = {}
        for row in reader:
            rows[reader.line_num] = row
    tmp = out.with_name(out.name + ".tmp")
    with tmp.open("w", encoding="utf-8", newline="") as handle:
        writer = CsvWriter(handle, [*columns, "score", "match"], numeric=("score",))
        writer.writeheader()
        for pair in track(found, description="Scoring", console=err_console, transient=True):
            result = score_pair(pair)
            writer.writerow(
                {
                    **rows[pair.line],
                    "score": f"{result.score:.4f}",
                    "match": str(result.score >= threshold).lower(),
                }
            )
    tmp.replace(out)
    out_console.print(f"Scored {len(found)} pairs into {out}.")
    if errors:
        raise typer.Exit(2)


@app.command("eval")
def eval_(
    path: Annotated[
        Path, typer.Argument(help="Labelled CSV: name1,name2,schema,is_match[,category].")
    ],
    threshold: ThresholdOption = DEFAULT_THRESHOLD,
    without_logic_v2: Annotated[
        bool, typer.Option("--without-logic-v2", help="Score with Diversion only.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Precision, recall and F1 for Diversion and logic-v2, side by side."""
    from diversion.matching.pairs import LogicV2, PairsFileError, evaluate, read_pairs

    if not path.is_file():
        fail(f"{path}: no such file", 2)
    try:
        found, errors = read_pairs(path, labelled=True)
    except PairsFileError as exc:
        fail(str(exc), 2)
    _report_errors(errors)
    with err_console.status("Scoring pairs") if err_console.is_terminal else _null():
        evaluation = evaluate(found, not without_logic_v2, threshold=threshold)
    rows = [
        {
            "slice": kind,
            "value": value,
            "pairs": ours.pairs,
            "diversion": {"precision": ours.precision, "recall": ours.recall, "f1": ours.f1},
            "logic_v2": None
            if without_logic_v2
            else {"precision": theirs.precision, "recall": theirs.recall, "f1": theirs.f1},
        }
        for kind, value, ours, theirs in evaluation.slices()
    ]
    if as_json:
        json.dump(
            {"threshold": threshold, "logic_v2_threshold": LogicV2.THRESHOLD, "slices": rows},
            sys.stdout,
            indent=2,
        )
        sys.stdout.write("\n")
    else:
        table = Table(title=f"{path.name}: Diversion at {threshold:.2f}, logic-v2 at 0.70")
        for column in ("slice", "pairs", "P", "R", "F1", "logic-v2 P", "R ", "F1 "):
            table.add_column(column, justify="left" if column == "slice" else "right")
        for row in rows:
            ours_m = row["diversion"]
            theirs_m = row["logic_v2"]
            assert isinstance(ours_m, dict)
            label = "all" if row["slice"] == "all" else f"{row['slice']}: {row['value']}"
            cells = [f"{ours_m[k]:.3f}" for k in ("precision", "recall", "f1")]
            if isinstance(theirs_m, dict):
                cells += [f"{theirs_m[k]:.3f}" for k in ("precision", "recall", "f1")]
            else:
                cells += ["-", "-", "-"]
            table.add_row(label, str(row["pairs"]), *cells)
        out_console.print(table)
    if errors:
        raise typer.Exit(2)


class _null:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *args: object) -> None:
        return None
