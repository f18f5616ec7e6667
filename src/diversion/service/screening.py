"""Screen declarations in a home: one pipeline for `diversion screen`, `POST /screen`, the web
and re-screening.

The service loads what a screening reads (the rules file, the active lists and their indexes,
the control lists, the licence register, the suppressions in force and the company registry),
adds the history and the import route, screens, keeps every decision in the store and opens or
updates cases. Front ends read their input and format the answer; nothing else.

A running server must see a licence, a suppression, a registry or a rules file added after it
started, so the context is cached on a version key read from the store and the home at every
request: the active snapshots, the licence register's state, the suppressions in force, the
rules file's content and the user control lists' files. Each part is rebuilt only when its own
key changes: a new licence does not rebuild the name indexes.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import func, select

from diversion.cases.rescreen import DEFAULT_DAYS, RescreenReport, rescreen
from diversion.cases.workflow import Cases
from diversion.countries import CountryGroups, load_country_groups
from diversion.declarations import Declaration, read_declarations
from diversion.files import crash_point
from diversion.goods import ControlList, ControlLists, load_chpl, load_control_lists
from diversion.goods.bundled import USER_DIR
from diversion.home import Home
from diversion.licences import LicenceRegister, LicenceStore
from diversion.lists import SanctionsList, demo_list
from diversion.lists.snapshots import ListStore
from diversion.matching import Matcher, cached_matcher
from diversion.matching.suppressions import SuppressionSet, suppressions_in_force
from diversion.network.graph import Network
from diversion.network.links import NetworkStore
from diversion.rules import CONFIG_FILE, Catalogue, load_catalogue, load_config
from diversion.screening.context import ScreeningContext
from diversion.screening.decision import Decision
from diversion.screening.history import History
from diversion.screening.imports import ImportLine, Imports
from diversion.screening.records import DeclarationRecords
from diversion.screening.run import Progress, RunResult, StagedRun, screen_batch, stage_run
from diversion.store import Store, rescreens
from diversion.store.audit import SYSTEM
from diversion.store.models import LicenceEventRow, LicenceRow, SuppressionRow
from diversion.store.rescreens import OwedRescreen

# `store`: every declaration screened before in this home; a sequence: those declarations
HistorySource = Literal["store"] | Sequence[Declaration] | None


class ContextError(Exception):
    """The home's settings name something that is not there (e.g. a rules file naming a
    control list that is not loaded): screening must not run quietly without it."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Version:
    """What the screening context was built from; a new value means a new context."""

    lists: tuple[str, ...]  # the active snapshot of every sanctions list
    registry: tuple[str, ...]  # the active snapshot of every company registry
    licences: tuple[Any, ...]  # count, last change, usage and last event of the register
    suppressions: tuple[int, ...]  # the suppressions in force
    rules: str  # sha256 of the rules file, or "" without one
    control_lists: tuple[tuple[str, int, int], ...]  # (file, mtime_ns, size) of user lists


@dataclass(frozen=True)
class Screening:
    """What a screening did: one decision per declaration, in order, and the cases opened."""

    declarations: list[Declaration]
    decisions: list[Decision]
    opened: list[int]  # cases opened or reopened
    imports: Imports  # the import route before the batch's own import declarations
    fallback: bool  # no lists imported: the bundled demo list stood in


def _file_digest(path: Path | None) -> str:
    if path is None or not path.is_file():
        return ""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _files(folder: Path) -> tuple[tuple[str, int, int], ...]:
    if not folder.is_dir():
        return ()
    found = []
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            stat = path.stat()
            found.append((str(path.relative_to(folder)), stat.st_mtime_ns, stat.st_size))
    return tuple(found)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class ScreeningService:
    """Screening in one home and store. Safe to share between a server's threads."""

    def __init__(self, home: Home, store: Store, rules_file: Path | None = None) -> None:
        self.home, self.store = home, store
        self.rules_file = rules_file or home.root / CONFIG_FILE
        self.index_cache = home.path("index")
        self.control_lists_dir = home.root / USER_DIR
        self._lock = threading.Lock()
        self._parts: dict[str, tuple[Any, Any]] = {}  # part -> (its key, its value)
        self._context: tuple[Version, ScreeningContext, bool] | None = None

    # -- the version key ----------------------------------------------------------------------

    def version(self) -> Version:
        """The key of the context, read afresh: a few small queries and two file stats."""
        listed = ListStore(self.store)
        lists = tuple(s.id for _, s, _ in listed.lists("sanctions") if s is not None)
        registry = tuple(s.id for _, s, _ in listed.lists("registry") if s is not None)
        now = datetime.now(UTC)
        with self.store.read() as session:
            count, changed, quantity, value = session.execute(
                select(
                    func.count(),
                    func.max(LicenceRow.updated_at),
                    func.sum(LicenceRow.quantity_used_milli),
                    func.sum(LicenceRow.value_used_milli),
                ).select_from(LicenceRow)
            ).one()
            event = session.scalar(select(func.max(LicenceEventRow.id)))
            suppressions = session.execute(
                select(SuppressionRow.id, SuppressionRow.expires_at).where(
                    SuppressionRow.revoked_at.is_(None)
                )
            ).all()
        licences = (
            int(count or 0),
            str(changed),
            int(quantity or 0),
            int(value or 0),
            event,
            date.today().isoformat(),  # validity windows are read against the day
        )
        in_force = tuple(sorted(i for i, expires in suppressions if _aware(expires) > now))
        return Version(
            lists=lists,
            registry=registry,
            licences=licences,
            suppressions=in_force,
            rules=_file_digest(self.rules_file),
            control_lists=_files(self.control_lists_dir),
        )

    # -- the context --------------------------------------------------------------------------

    def _part(self, name: str, key: Any, build: Callable[[], Any]) -> Any:
        known = self._parts.get(name)
        if known is not None and known[0] == key:
            return known[1]
        value = build()
        self._parts[name] = (key, value)
        return value

    def context(self) -> ScreeningContext:
        """The screening context as the home stands now (no history, no import route)."""
        return self.context_and_fallback()[0]

    def context_and_fallback(self) -> tuple[ScreeningContext, bool]:
        """The context, and whether the bundled demo list stood in for missing lists."""
        version = self.version()
        with self._lock:
            if self._context is not None and self._context[0] == version:
                return self._context[1], self._context[2]
            context, fallback = self._build(version)
            self._context = (version, context, fallback)
            return context, fallback

    def _build(self, version: Version) -> tuple[ScreeningContext, bool]:
        chpl: ControlList = self._part("chpl", None, load_chpl)
        groups: CountryGroups = self._part("country_groups", None, load_country_groups)
        lists, matchers = self._part("lists", version.lists, self._lists)
        fallback = not version.lists
        network: Network | None = self._part(
            "network",
            (version.lists, version.registry),
            lambda: NetworkStore(self.store).network(lists, matchers),
        )
        catalogue: Catalogue = self._part(
            "catalogue", version.rules, lambda: load_config(load_catalogue(), self._rules())
        )
        control_lists: ControlLists = self._part(
            "control_lists",
            version.control_lists,
            lambda: load_control_lists(user_dir=self.control_lists_dir),
        )
        licences: LicenceRegister = self._part(
            "licences", version.licences, LicenceStore(self.store).register
        )
        suppressions: SuppressionSet = self._part(
            "suppressions", version.suppressions, lambda: suppressions_in_force(self.store)
        )
        previous = self._context[1] if self._context is not None else None
        context = ScreeningContext(
            control_list=chpl,
            country_groups=groups,
            sanctions_lists=lists,
            catalogue=catalogue,
            matchers=matchers,
            control_lists=control_lists,
            licences=licences,
            network=network,
            suppressions=suppressions,
        )
        if previous is not None and previous.sanctions_lists is lists:
            context._addresses = previous._addresses  # the address index of the same lists
        problems = context.unknown_control_lists()
        if problems:
            raise ContextError(problems)
        return context, fallback

    def _rules(self) -> Path | None:
        return self.rules_file if self.rules_file.exists() else None

    def _lists(self) -> tuple[list[SanctionsList], list[Matcher]]:
        lists = ListStore(self.store).active_lists() or [demo_list()]
        return lists, [cached_matcher(listed, self.index_cache) for listed in lists]

    # -- history and the import route ---------------------------------------------------------

    def history(self, source: HistorySource) -> list[Declaration]:
        """The earlier declarations a screening compares with."""
        if source == "store":
            return list(DeclarationRecords(self.store).declarations())
        return list(source or [])

    def imports(self, lines: Iterable[ImportLine], past: Sequence[Declaration] = ()) -> Imports:
        """The import route: the given import lines, then the import declarations of the
        history and of the store (a document line counts once)."""
        stored = [d for d in past if d.procedure == "import"]
        stored += DeclarationRecords(self.store).declarations(procedure="import")
        return Imports.build(lines, stored)

    # -- screening ----------------------------------------------------------------------------

    def screen(
        self,
        declarations: Sequence[Declaration],
        *,
        history: HistorySource = None,
        import_lines: Iterable[ImportLine] = (),
        actor: str = SYSTEM,
        progress: Progress | None = None,
        before_commit: Callable[[list[Decision]], None] | None = None,
    ) -> Screening:
        """Screen a batch; keep every declaration with its decision and open or update cases
        (one transaction). The batch is its own history and import route too. `before_commit`
        gets the decisions before the store does (to stage files published after the commit);
        if it raises, nothing is stored."""
        context, fallback = self.context_and_fallback()
        past = self.history(history)
        imports = self.imports(import_lines, past)
        context = replace(
            context,
            history=History.build(past) if history is not None else None,
            imports=imports,
        )
        decisions = screen_batch(declarations, context, progress)
        if before_commit is not None:
            before_commit(decisions)
        opened = Cases(self.store).record_screening(
            zip(declarations, decisions, strict=True), actor
        )
        return Screening(list(declarations), decisions, opened, imports, fallback)

    def screen_file(
        self,
        source: Path,
        out: Path,
        fmt: str,
        input_format: str | None = None,
        *,
        history: HistorySource = None,
        import_lines: Iterable[ImportLine] = (),
        actor: str = SYSTEM,
        progress: Progress | None = None,
    ) -> tuple[RunResult, Screening]:
        """Screen a file of declarations; write the decisions to `out` and the invalid rows
        next to it. The files are written under temporary names before the store commits and
        renamed into place after it: a crash never publishes a decision the store does not
        hold (with its case and audit entry)."""
        read = read_declarations(source, input_format)
        staged: list[StagedRun] = []

        def stage(decisions: list[Decision]) -> None:
            staged.append(stage_run(source, out, fmt, read, decisions))
            crash_point("screen.staged")

        try:
            done = self.screen(
                read.declarations,
                history=history,
                import_lines=import_lines,
                actor=actor,
                progress=progress,
                before_commit=stage,
            )
        except BaseException:
            for run in staged:
                run.discard()
            raise
        crash_point("screen.committed")
        return staged[0].publish(), done

    def rescreen(self, days: int = DEFAULT_DAYS, today: date | None = None) -> RescreenReport:
        """Screen open cases and the last `days` days again, comparing with everything
        screened before (as `screen --history store`). Settles every owed re-screen in the
        same transaction (their days count too: the longest wins)."""
        owed = rescreens.owed(self.store)
        days = max([days, *(o.days for o in owed)])
        ids = [o.id for o in owed]
        history = History.build(self.history("store"))
        return rescreen(
            self.store,
            replace(self.context(), history=history),
            days,
            today,
            settle=lambda session: rescreens.settle(session, ids),
        )

    def owed_rescreens(self) -> list[OwedRescreen]:
        """The re-screens owed by list activations and not done yet (a crash, or an import
        with nothing screened before)."""
        return rescreens.owed(self.store)

    def finish_owed_rescreen(self, today: date | None = None) -> RescreenReport | None:
        """Do the re-screen owed, if any (a list import, `cases rescreen` and the server's
        start call this). With nothing screened before, there is nothing to re-screen: the
        debt is settled as it is. None when nothing was owed or screened."""
        owed = rescreens.owed(self.store)
        if not owed:
            return None
        if not len(DeclarationRecords(self.store)):
            with self.store.transaction() as session:
                rescreens.settle(session, [o.id for o in owed])
            return None
        return self.rescreen(max(o.days for o in owed), today)
