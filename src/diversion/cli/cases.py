"""`diversion cases`, `diversion users` and `diversion audit`: the officers' queue, their
actions, false-hit suppressions, and the tamper-evident log of all of it."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
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
    warn,
)
from diversion.cli.signin import DeclaredOption, TokenFileOption, UserOption, signed_in

if TYPE_CHECKING:  # the commands import what they use: every command starts fast
    from diversion.home import Home
    from diversion.lists.snapshots import ListStore
    from diversion.store import Store

cases_app = typer.Typer(help="The queue of yellow and red declarations.", no_args_is_help=True)
users_app = typer.Typer(help="The people who work cases, and their roles.", no_args_is_help=True)
audit_app = typer.Typer(help="The append-only, hash-chained audit log.", no_args_is_help=True)

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
    reason: Annotated[
        list[str] | None,
        typer.Option(help="Only cases whose decision has this reason code (repeat: all of them)."),
    ] = None,
    declaration: Annotated[
        str | None, typer.Option(help="Only declarations whose id starts with this.")
    ] = None,
    party: Annotated[
        str | None,
        typer.Option(
            help="Only cases with a party whose name has this in it (any case or script)."
        ),
    ] = None,
    since: Annotated[
        datetime | None, typer.Option(formats=["%Y-%m-%d"], help="Opened on or after this day.")
    ] = None,
    until: Annotated[
        datetime | None, typer.Option(formats=["%Y-%m-%d"], help="Opened on or before this day.")
    ] = None,
    sort: Annotated[
        str, typer.Option(help="opened, updated or id; -opened for newest first.")
    ] = "opened",
    limit: Annotated[int, typer.Option(min=1, max=1000, help="Cases to show, at most.")] = 100,
    offset: Annotated[int, typer.Option(min=0, help="Cases to skip first.")] = 0,
    as_json: Annotated[
        bool, typer.Option("--json", help="As JSON: the page, its total and the next offset.")
    ] = False,
    home: HomeOption = None,
    db: DbOption = None,
) -> None:
    """The queue: open cases, oldest first (with --all, decided ones too), a page at a time."""
    from diversion.cases.workflow import CaseFilter, Cases

    _, store = store_for(home, db)
    try:
        wanted = CaseFilter(
            status,
            corridor,
            assignee,
            open_only=not all_ and not status,
            reasons=tuple(reason or ()),
            declaration=declaration,
            party=party,
            since=since.date() if since else None,
            until=until.date() if until else None,
            sort=sort,
        )
    except ValueError as exc:
        fail(str(exc), 2)
    page = Cases(store).page(wanted, limit, offset)
    if as_json:
        body = {
            "total": page.total,
            "offset": page.offset,
            "limit": page.limit,
            "next_offset": page.next_offset,
            "cases": [
                {
                    "id": case.id,
                    "declaration_id": case.declaration_id,
                    "verdict": case.verdict,
                    "corridor": case.corridor,
                    "status": case.status,
                    "assignee": case.assignee,
                    "opened_at": case.opened_at.isoformat(),
                    "updated_at": case.updated_at.isoformat(),
                    "codes": sorted({r.get("code", "") for r in case.decision.get("reasons", [])}),
                }
                for case in page.items
            ],
        }
        print(json.dumps(body, ensure_ascii=False, indent=1))
        return
    table = Table("case", "declaration", "corridor", "status", "assignee", "age", "top reason")
    for case in page.items:
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
    shown = f"{page.offset + 1}-{page.offset + len(page.items)} of " if page.items else ""
    more = f"; next: --offset {page.next_offset}" if page.next_offset is not None else ""
    out_console.print(f"{shown}{page.total} case(s){more}")


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
    reason: ReasonOption = None,
    to: Annotated[str | None, typer.Option("--to", help="assign: the user.")] = None,
    user: UserOption = None,
    token_file: TokenFileOption = None,
    declared: DeclaredOption = None,
    home: HomeOption = None,
    db: DbOption = None,
) -> None:
    """Act on a case, signed in (--user with a password, or a token). Outcome actions need
    --reason; releasing a red declaration is a proposal that a second person, a supervisor,
    approves."""
    from diversion.cases.workflow import Cases

    _, store = store_for(home, db)
    actor = signed_in(store, user, token_file, declared)
    with _refusals():
        case = Cases(store).act(case_id, actor.username, action, reason, to)
    out_console.print(f"Case {case.id} is now {case.status}")


@cases_app.command("suppress")
def cases_suppress(
    name: Annotated[str, typer.Argument(help="The party's name as declared.")],
    entity_id: Annotated[str, typer.Argument(metavar="ENTITY_ID", help="The list entity.")],
    reason: Annotated[str, typer.Option("--reason", help="Why it is a false hit.")],
    country: Annotated[str | None, typer.Option(help="The party's country.")] = None,
    days: Annotated[int, typer.Option(help="How long it holds.")] = SUPPRESSION_DAYS,
    user: UserOption = None,
    token_file: TokenFileOption = None,
    declared: DeclaredOption = None,
    home: HomeOption = None,
    db: DbOption = None,
) -> None:
    """Set aside a false hit, signed in: this party is not this list entity. It lapses when
    either side's data changes, and never hides another entity."""
    from diversion.cases.suppressions import Suppressions
    from diversion.lists.snapshots import ListStore

    _, store = store_for(home, db)
    actor = signed_in(store, user, token_file, declared)
    entity = _entity(ListStore(store), entity_id)
    with _refusals():
        made = Suppressions(store).add(
            actor.username, name, country, entity_id, entity, reason, days
        )
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


def _manager(store: Store, user: str | None, token_file: Path | None, target: str | None) -> str:
    """Who manages users, for the audit log. Until an enabled admin has a password the store
    is being set up: no credential is needed, and `system` acts. After that, an admin signs
    in, or a user for their own password or token (`target`)."""
    from diversion.cases.users import Users
    from diversion.cli.signin import PASSWORD_VAR, TOKEN_VAR
    from diversion.store.audit import SYSTEM

    setting_up = not Users(store).admin_can_sign_in()
    credential = user is not None or token_file is not None or bool(os.environ.get(TOKEN_VAR))
    if setting_up and not credential:
        warn(
            "no admin has a password yet, so anyone with the store can manage users: "
            "`users add NAME --role admin` and `users set-password NAME` end this"
        )
        return SYSTEM
    if not credential:
        fail(
            "sign in as an admin (or as the user, for their own password or token): "
            f"--user NAME with ${PASSWORD_VAR} or the terminal, --token-file FILE or ${TOKEN_VAR}",
            2,
        )
    me = signed_in(store, user, token_file)
    if not setting_up and me.role != "admin" and me.username != target:
        fail(f"not allowed: {me.username} is {me.role}; managing other users needs an admin", 3)
    return me.username


@users_app.command("add")
def users_add(
    username: Annotated[str, typer.Argument(metavar="USERNAME")],
    role: Annotated[str, typer.Option(help=f"One of: {', '.join(workflow().roles)}.")],
    name: Annotated[str | None, typer.Option(help="Display name.")] = None,
    user: UserOption = None,
    token_file: TokenFileOption = None,
    home: HomeOption = None,
    db: DbOption = None,
) -> None:
    """Add a user with a role (signed in as an admin, once an admin has a password)."""
    from diversion.cases.users import Users

    _, store = store_for(home, db)
    actor = _manager(store, user, token_file, None)
    try:
        added = Users(store).add(username, role, name, actor=actor)
    except ValueError as exc:
        fail(str(exc), 2)
    out_console.print(f"User {added.username} ({added.role}) added")


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
def audit_verify(
    checkpoint: Annotated[
        list[Path] | None,
        typer.Option(
            "--checkpoint",
            help="A signed checkpoint (`audit checkpoint`) the log must still hold; repeatable.",
            show_default=False,
        ),
    ] = None,
    public_key: Annotated[
        Path | None,
        typer.Option(
            "--public-key",
            help="The public key the checkpoints must be signed with (`audit keygen`'s .pub).",
            show_default=False,
        ),
    ] = None,
    home: HomeOption = None,
    db: DbOption = None,
) -> None:
    """Recompute the hash chain, and the cases and their actions from the log; check each
    checkpoint. Exit 1 and name every entry changed or removed, every difference between the
    cases tables and the log, and every checkpoint the log no longer holds."""
    from diversion.cases.consistency import differences
    from diversion.store import checkpoint as anchors
    from diversion.store.audit import AuditLog

    _, store = store_for(home, db)
    try:
        trusted = None if public_key is None else anchors.load_public_key(public_key)
        signed = [(path, anchors.read(path)) for path in checkpoint or []]
    except anchors.CheckpointError as exc:
        fail(str(exc), 2)
    count, problems = AuditLog(store).verify()
    broken = [f"{problem}" for problem in problems]
    for problem in broken:
        out_console.print(f"[red]broken[/red] {problem}", highlight=False)
    differ = differences(store)
    for difference in differ:
        out_console.print(f"[red]differs[/red] {difference}", highlight=False)
    unheld = 0
    for path, point in signed:
        found = anchors.check(store, point, trusted)
        unheld += bool(found)
        for problem in found:
            out_console.print(f"[red]checkpoint[/red] {path}: {problem}", highlight=False)
        if not found:
            out_console.print(
                f"Checkpoint {path}: entry {point.seq} as signed {point.made_at} by "
                f"{point.key_id}"
                + ("" if trusted else " (the key in the file; --public-key checks it is yours)"),
                highlight=False,
            )
    if broken or differ or unheld:
        fail(
            f"the audit log does not verify: {len(broken)} broken entr(ies) in {count}, "
            f"{len(differ)} difference(s) with the cases, {unheld} checkpoint(s) not held"
        )
    out_console.print(
        f"The audit log verifies: {count} entries, each chained to the last; the cases and "
        "their actions agree with it"
    )
    if not signed:
        out_console.print(
            "Without a checkpoint this proves only that the log agrees with itself: whoever "
            "can write the database can rewrite it whole. `audit verify --checkpoint FILE`",
            highlight=False,
        )


@audit_app.command("keygen")
def audit_keygen(
    out: Annotated[
        Path,
        typer.Option("--out", help="The private key file to write (mode 0600), and OUT.pub."),
    ],
) -> None:
    """Make an Ed25519 key to sign checkpoints. Keep the private key away from the database's
    machine and its writers; the public key goes to whoever verifies."""
    from diversion.store import checkpoint as anchors

    try:
        public, key_id = anchors.generate_key(out)
    except anchors.CheckpointError as exc:
        fail(str(exc), 2)
    out_console.print(f"Private key {out} (mode 0600), public key {public}", highlight=False)
    out_console.print(f"Fingerprint {key_id}", highlight=False)
    out_console.print(public.read_text(encoding="utf-8").strip(), highlight=False)


@audit_app.command("checkpoint")
def audit_checkpoint(
    key: Annotated[Path, typer.Option("--key", help="The private key (`audit keygen`).")],
    out: Annotated[
        Path, typer.Option("--out", help="The checkpoint file to write; never overwritten.")
    ],
    home: HomeOption = None,
    db: DbOption = None,
) -> None:
    """Sign the log's head (entry number and hash) into a file kept outside the database:
    `audit verify --checkpoint FILE` later proves the log up to it was not rewritten. The
    chain is verified first; a broken one is not signed."""
    from diversion.store import checkpoint as anchors
    from diversion.store.audit import AuditLog

    _, store = store_for(home, db)
    try:
        private = anchors.load_private_key(key)
    except anchors.CheckpointError as exc:
        fail(str(exc), 2)
    if key.stat().st_mode & 0o077:
        warn(f"{key} can be read by others than you: `chmod 600 {key}`")
    count, problems = AuditLog(store).verify()
    if problems:
        fail(f"the audit log does not verify ({len(problems)} problem(s)); nothing signed")
    point = anchors.make(store, private)
    try:
        anchors.write(point, out)
    except anchors.CheckpointError as exc:
        fail(str(exc), 2)
    out_console.print(
        f"Checkpoint {out}: entry {point.seq} of {count}, hash {point.hash}, signed by "
        f"{point.key_id}",
        highlight=False,
    )


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
    user: UserOption = None,
    token_file: TokenFileOption = None,
    home: HomeOption = None,
    db: DbOption = None,
) -> None:
    """Set a user's password for signing in (asked twice, never echoed): an admin signs in,
    or the user themself (once an admin has a password)."""
    from diversion.cases.users import Users

    _, store = store_for(home, db)
    actor = _manager(store, user, token_file, username)
    password = typer.prompt(
        f"New password of {username}", hide_input=True, confirmation_prompt=True
    )
    try:
        Users(store).set_password(username, password, actor=actor)
    except ValueError as exc:
        fail(str(exc), 2)
    out_console.print(f"Password of {username} set")


@users_app.command("token")
def users_token(
    username: Annotated[str, typer.Argument(metavar="USERNAME")],
    label: Annotated[str, typer.Option(help="What the token is for.")] = "api",
    days: Annotated[
        int, typer.Option(help="How many days the token is good for (1 to 366).", min=1, max=366)
    ] = 90,
    user: UserOption = None,
    token_file: TokenFileOption = None,
    home: HomeOption = None,
    db: DbOption = None,
) -> None:
    """A new API bearer token for the user, made by an admin or the user themself (once an
    admin has a password), good for --days. It is shown once; the store keeps only its hash."""
    from datetime import timedelta

    from diversion.cases.users import Users

    _, store = store_for(home, db)
    actor = _manager(store, user, token_file, username)
    try:
        token = Users(store).create_token(username, label, actor, timedelta(days=days))
    except ValueError as exc:
        fail(str(exc), 2)
    out_console.print(token, highlight=False)


@users_app.command("revoke")
def users_revoke(
    username: Annotated[str, typer.Argument(metavar="USERNAME")],
    label: Annotated[
        str | None,
        typer.Option(
            help="Only the tokens with this label (`web session` for the web's sessions).",
            show_default=False,
        ),
    ] = None,
    user: UserOption = None,
    token_file: TokenFileOption = None,
    home: HomeOption = None,
    db: DbOption = None,
) -> None:
    """Revoke the user's API tokens and web sessions (or those with --label), at once and in
    the audit log: by an admin, or by the user themself."""
    from diversion.cases.users import Users

    _, store = store_for(home, db)
    actor = _manager(store, user, token_file, username)
    try:
        count = Users(store).revoke(username, label, actor=actor)
    except ValueError as exc:
        fail(str(exc), 2)
    out_console.print(f"{count} token(s) of {username} revoked")
