"""`diversion cases`, `diversion users` and `diversion audit`: the officers' queue, their
actions, false-hit suppressions, and the tamper-evident log of all of it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from diversion.cases.errors import PermissionDenied, WorkflowError
from diversion.cases.policy import RESCREEN_DAYS, SUPPRESSION_DAYS, workflow
from diversion.cli.common import (
    DbOption,
    HomeOption,
    checked_rules_file,
    fail,
    out_console,
    store_for,
)

if TYPE_CHECKING:  # the commands import what they use: every command starts fast
    from diversion.home import Home
    from diversion.lists.snapshots import ListStore
    from diversion.store import Store

cases_app = typer.Typer(help="The queue of yellow and red declarations.", no_args_is_help=True)
users_app = typer.Typer(help="The people who work cases, and their roles.", no_args_is_help=True)
audit_app = typer.Typer(help="The append-only, hash-chained audit log.", no_args_is_help=True)

ActorOption = Annotated[
    str, typer.Option("--as", help="The user taking the action (see `diversion users ls`).")
]
ReasonOption = Annotated[str | None, typer.Option("--reason", help="Why, in words.")]


@contextmanager
def _refusals() -> Iterator[None]:
    """What the workflow refuses, as the CLI says it: exit 3 for a role, 2 for the rest."""
    try:
        yield
    except PermissionDenied as exc:
        fail(f"not allowed: {exc}", 3)
    except WorkflowError as exc:
        fail(str(exc), 2)


def _age(moment: datetime) -> str:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    hours = (datetime.now(UTC) - aware).total_seconds() / 3600
    return f"{hours:.0f} h" if hours < 48 else f"{hours / 24:.0f} d"


@cases_app.command("ls")
def cases_ls(
    status: Annotated[str | None, typer.Option(help="Only this status.")] = None,
    corridor: Annotated[
        str | None,
        typer.Option(
            help="Only this corridor: red, yellow, or green for an open case screened green again."
        ),
    ] = None,
    assignee: Annotated[str | None, typer.Option(help="Only cases assigned to this user.")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Closed cases too.")] = False,
    home: HomeOption = None,
    db: DbOption = None,
) -> None:
    """The queue: open cases, oldest first (with --all, decided ones too)."""
    from diversion.cases.workflow import Cases

    _, store = store_for(home, db)
    table = Table("case", "declaration", "corridor", "status", "assignee", "age", "top reason")
    found = Cases(store).find(status, corridor, assignee, open_only=not all_ and not status)
    for case in found:
        reasons = case.decision.get("reasons") or [{}]
        table.add_row(
            str(case.id),
            case.declaration_id,
            case.corridor,
            case.status,
            case.assignee or "",
            _age(case.opened_at),
            str(reasons[0].get("message", "")),
        )
    out_console.print(table)
    out_console.print(f"{len(found)} case(s)")


@cases_app.command("show")
def cases_show(
    case_id: Annotated[int, typer.Argument(metavar="CASE")],
    as_json: Annotated[bool, typer.Option("--json", help="As JSON.")] = False,
    home: HomeOption = None,
    db: DbOption = None,
) -> None:
    """A case: its decision with every reason and its evidence, every action taken, and the
    versions of its declaration if it was amended."""
    from diversion.cases.workflow import Cases
    from diversion.screening.records import DeclarationRecords

    _, store = store_for(home, db)
    cases = Cases(store)
    case = cases.get(case_id)
    if case is None:
        fail(f"no case {case_id}", 2)
    actions = cases.actions(case_id)
    versions: list[dict[str, Any]] = [
        {
            "version": v.version,
            "sha256": v.sha256,
            "first_screened_at": v.first_screened_at.isoformat(),
            "screened_at": v.screened_at.isoformat(),
            "verdict": v.decision.get("verdict"),
            "corridor": v.decision.get("corridor"),
            "codes": [r.get("code") for r in v.decision.get("reasons", [])],
        }
        for v in DeclarationRecords(store).versions(case.declaration_id)
    ]
    if as_json:
        body = {
            "id": case.id,
            "declaration_id": case.declaration_id,
            "status": case.status,
            "corridor": case.corridor,
            "assignee": case.assignee,
            "decision": case.decision,
            "actions": [a.summary() for a in actions],
            "versions": versions,
        }
        out_console.print_json(json.dumps(body, ensure_ascii=False))
        return
    title = workflow().statuses[case.status]["title"]
    out_console.print(
        f"[bold]Case {case.id}[/bold]: declaration {case.declaration_id}, {case.corridor}, "
        f"{title}" + (f", assigned to {case.assignee}" if case.assignee else "")
    )
    for reason in case.decision.get("reasons", []):
        out_console.print(f"  [{reason['severity']}] {reason['code']}: {reason['message']}")
    for action in actions:
        why = f": {action.reason}" if action.reason else ""
        out_console.print(
            f"  {action.at:%Y-%m-%d %H:%M} {action.actor} {action.action} "
            f"({action.status_before} → {action.status_after}){why}"
        )
    if len(versions) > 1:  # amended: every version with the decision it got
        out_console.print(f"  declaration versions ({len(versions)}):")
        for v in versions:
            out_console.print(
                f"    v{v['version']} first screened {v['first_screened_at'][:16]}: "
                f"{v['verdict']} ({v['corridor']}) {', '.join(map(str, v['codes']))}",
                highlight=False,
            )


@cases_app.command("act")
def cases_act(
    case_id: Annotated[int, typer.Argument(metavar="CASE")],
    action: Annotated[str, typer.Argument(help=f"One of: {', '.join(workflow().actions)}.")],
    actor: ActorOption,
    reason: ReasonOption = None,
    to: Annotated[str | None, typer.Option("--to", help="assign: the user.")] = None,
    home: HomeOption = None,
    db: DbOption = None,
) -> None:
    """Act on a case. Outcome actions need --reason; an analyst's release of a red
    declaration is a proposal that a second person, a supervisor, approves."""
    from diversion.cases.workflow import Cases

    _, store = store_for(home, db)
    with _refusals():
        case = Cases(store).act(case_id, actor, action, reason, to)
    out_console.print(f"Case {case.id} is now {case.status}")


@cases_app.command("suppress")
def cases_suppress(
    name: Annotated[str, typer.Argument(help="The party's name as declared.")],
    entity_id: Annotated[str, typer.Argument(metavar="ENTITY_ID", help="The list entity.")],
    actor: ActorOption,
    reason: Annotated[str, typer.Option("--reason", help="Why it is a false hit.")],
    country: Annotated[str | None, typer.Option(help="The party's country.")] = None,
    days: Annotated[int, typer.Option(help="How long it holds.")] = SUPPRESSION_DAYS,
    home: HomeOption = None,
    db: DbOption = None,
) -> None:
    """Set aside a false hit: this party is not this list entity. It lapses when either
    side's data changes, and never hides another entity."""
    from diversion.cases.suppressions import Suppressions
    from diversion.lists.snapshots import ListStore

    _, store = store_for(home, db)
    entity = _entity(ListStore(store), entity_id)
    with _refusals():
        made = Suppressions(store).add(actor, name, country, entity_id, entity, reason, days)
    out_console.print(f"Suppression {made.id}: {made.label()}")


def _entity(lists: ListStore, entity_id: str) -> dict[str, Any]:
    from diversion.matching.suppressions import entity_data

    for listing in lists.active_lists():
        entity = listing.entities.get(entity_id)
        if entity is not None:
            return entity_data(entity)
    from diversion.lists import demo_list

    entity = demo_list().entities.get(entity_id)
    if entity is None:
        fail(f"no entity {entity_id!r} in the active lists", 2)
    return entity_data(entity)


@cases_app.command("suppressions")
def cases_suppressions(home: HomeOption = None, db: DbOption = None) -> None:
    """Every suppression, with its party, entity, author, expiry and whether it was revoked."""
    from diversion.cases.suppressions import Suppressions

    _, store = store_for(home, db)
    table = Table("id", "party", "entity", "by", "until", "state", "reason")
    now = datetime.now(UTC)
    for item in Suppressions(store).all():
        state = (
            "revoked" if item.revoked_at else "expired" if item.expires_at <= now else "in force"
        )
        table.add_row(
            str(item.id),
            f"{item.party['name']} ({item.party.get('country') or '?'})",
            item.list_entity_id,
            item.created_by,
            item.expires_at.date().isoformat(),
            state,
            item.reason,
        )
    out_console.print(table)


@users_app.command("add")
def users_add(
    username: Annotated[str, typer.Argument(metavar="USERNAME")],
    role: Annotated[str, typer.Option(help=f"One of: {', '.join(workflow().roles)}.")],
    name: Annotated[str | None, typer.Option(help="Display name.")] = None,
    home: HomeOption = None,
    db: DbOption = None,
) -> None:
    """Add a user with a role."""
    from diversion.cases.users import Users

    _, store = store_for(home, db)
    try:
        user = Users(store).add(username, role, name)
    except ValueError as exc:
        fail(str(exc), 2)
    out_console.print(f"User {user.username} ({user.role}) added")


@users_app.command("ls")
def users_ls(home: HomeOption = None, db: DbOption = None) -> None:
    """The users and their roles."""
    from diversion.cases.users import Users

    _, store = store_for(home, db)
    table = Table("user", "name", "role")
    for user in Users(store).all():
        table.add_row(user.username, user.display_name, user.role)
    out_console.print(table)


@audit_app.command("verify")
def audit_verify(home: HomeOption = None, db: DbOption = None) -> None:
    """Recompute the hash chain; exit 1 and name every entry that was changed or removed."""
    from diversion.store.audit import AuditLog

    _, store = store_for(home, db)
    count, problems = AuditLog(store).verify()
    if problems:
        for problem in problems:
            out_console.print(f"[red]broken[/red] {problem}", highlight=False)
        fail(f"the audit log does not verify: {len(problems)} problem(s) in {count} entries")
    out_console.print(f"The audit log verifies: {count} entries, each chained to the last")


@audit_app.command("replay")
def audit_replay(
    declaration_id: Annotated[str, typer.Argument(metavar="DECLARATION")],
    home: HomeOption = None,
    db: DbOption = None,
) -> None:
    """What was known and decided about a declaration, in order: each screening with its
    verdict, reasons and reference data, the case, and every action with who and why."""
    from diversion.store.audit import AuditLog

    _, store = store_for(home, db)
    entries = list(AuditLog(store).entries(subject=declaration_id))
    if not entries:
        fail(f"nothing in the audit log about {declaration_id!r}", 2)
    for entry in entries:
        payload = entry.payload
        head = f"#{entry.seq} {entry.at[:19]} {entry.actor}"
        if entry.kind == "decision":
            out_console.print(f"{head} screened: {payload['verdict']} ({payload['corridor']})")
            for reason in payload.get("reasons", []):
                out_console.print(
                    f"    [{reason['severity']}] {reason['code']}: {reason['message']}"
                )
            refs = ", ".join(
                f"{r.get('id')} {r.get('version')}" for r in payload.get("reference_data", [])
            )
            out_console.print(f"    reference data: {refs}")
        elif entry.kind == "case_opened":
            out_console.print(f"{head} opened case {payload['case']} ({payload['verdict']})")
        elif entry.kind == "case_action":
            why = f": {payload['reason']}" if payload.get("reason") else ""
            out_console.print(
                f"{head} {payload['action']} ({payload['from']} → {payload['to']}){why}"
            )
        else:
            out_console.print(f"{head} {entry.kind}: {json.dumps(payload, ensure_ascii=False)}")


def run_rescreen(where: Home, store: Store, days: int, after_import: bool | None = None) -> None:
    """Re-screen open cases and the last `days` days against the active lists; report. Every
    re-screen owed (by a list import, perhaps interrupted) is settled with it. `after_import`
    (True: the import made a snapshot active and owes one for `days`, False: it did not): only
    what is owed is re-screened, for as many days as it asks."""
    from diversion.cli.goods import checked_user_dir
    from diversion.service.screening import ContextError, ScreeningService

    owed = ScreeningService(where, store).owed_rescreens()
    owed_only = after_import is not None
    if owed_only and not owed:
        return
    checked_user_dir(where.root)
    service = ScreeningService(where, store, checked_rules_file(None, where))
    this_import = 1 if after_import and days > 0 else 0
    for debt in owed[: len(owed) - this_import]:
        snapshots = ", ".join(debt.detail.get("snapshots", []))
        out_console.print(
            f"Finishing the re-screen owed since {debt.owed_at:%Y-%m-%d %H:%M} "
            f"({debt.reason} {snapshots}), left undone by an interrupted run",
            highlight=False,
        )
    try:
        report = service.finish_owed_rescreen() if owed_only else service.rescreen(days)
    except ContextError as exc:
        fail(f"{exc.problems[0]}; add the list with `diversion goods add` or fix the rules file", 2)
    if report is None:  # nothing screened in the home yet: nothing to re-screen
        return
    days = max([0 if owed_only else days, *(o.days for o in owed)])
    out_console.print(
        f"Re-screened {report.screened} declaration(s) (open cases and the last {days} days): "
        f"{len(report.changes)} changed, {len(report.opened)} case(s) opened or reopened"
    )
    for change in report.changes:
        new = ", ".join(f"{code} {entity or ''}".strip() for code, _, entity in change.new_hits)
        gone = ", ".join(f"{code} {entity or ''}".strip() for code, _, entity in change.gone_hits)
        out_console.print(
            f"  {change.declaration_id}: {change.corridor_before} → {change.corridor_after}"
            + (f"; new: {new}" if new else "")
            + (f"; gone: {gone}" if gone else "")
        )


@cases_app.command("rescreen")
def cases_rescreen(
    days: Annotated[int, typer.Option(help="Declarations of the last N days.")] = RESCREEN_DAYS,
    home: HomeOption = None,
    db: DbOption = None,
) -> None:
    """Screen the open cases and the recent declarations again with the active lists; new hits
    open cases (or reopen decided ones), the same hits change nothing an officer decided. A
    re-screen a list import owes (left undone by a crash) is finished with it."""
    where, store = store_for(home, db)
    run_rescreen(where, store, days)


@users_app.command("set-password")
def users_set_password(
    username: Annotated[str, typer.Argument(metavar="USERNAME")],
    home: HomeOption = None,
    db: DbOption = None,
) -> None:
    """Set a user's password for the web and API sign-in (asked twice, never echoed)."""
    from diversion.cases.users import Users

    _, store = store_for(home, db)
    password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        Users(store).set_password(username, password)
    except ValueError as exc:
        fail(str(exc), 2)
    out_console.print(f"Password of {username} set")


@users_app.command("token")
def users_token(
    username: Annotated[str, typer.Argument(metavar="USERNAME")],
    label: Annotated[str, typer.Option(help="What the token is for.")] = "api",
    home: HomeOption = None,
    db: DbOption = None,
) -> None:
    """A new API bearer token for the user. It is shown once; the store keeps only its hash."""
    from diversion.cases.users import Users

    _, store = store_for(home, db)
    try:
        token = Users(store).create_token(username, label)
    except ValueError as exc:
        fail(str(exc), 2)
    out_console.print(token, highlight=False)
