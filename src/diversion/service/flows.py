"""Trade flows in a home, for every front end: which flows are loaded, a detector's findings,
the report. The CLI, the API and the pages each used to open the flow table, register the
home's control lists and run the detectors their own way; here it is done once.

Flows are a branch of their own (docs/development.md, layers): this module uses `flows`,
`goods` and the home, and none of the screening.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from diversion.home import Home

if TYPE_CHECKING:  # DuckDB and pyarrow load only when flows are read
    import duckdb

    from diversion.flows.detectors import Options
    from diversion.flows.findings import Finding
    from diversion.flows.store import FlowStore


class NoFlows(LookupError):
    """Nothing is loaded in the home: `diversion flows load` first."""


class UnknownDetector(LookupError):
    """A detector name that is not one of the detectors."""


@dataclass
class FlowsService:
    home: Home

    @property
    def store(self) -> FlowStore:
        from diversion.flows.store import FlowStore

        return FlowStore.of(self.home)

    def loaded(self) -> bool:
        return bool(self.store.loads())

    def connect(self) -> duckdb.DuckDBPyConnection:
        """The flow table with the home's control lists registered (for `--controlled-only`
        and the goods names of findings); NoFlows when nothing is loaded."""
        from diversion.flows.detectors.common import register_goods
        from diversion.goods.bundled import USER_DIR, load_control_lists

        store = self.store
        if not store.loads():
            raise NoFlows(f"no trade flows loaded in {self.home.root}; run `diversion flows load`")
        con = store.connect()
        register_goods(con, load_control_lists(self.home.root / USER_DIR))
        return con

    def detect(
        self, detector: str, options: Options, con: duckdb.DuckDBPyConnection | None = None
    ) -> list[Finding]:
        """One detector's findings. ValueError: options the detector cannot use (an impact
        date outside the data); UnknownDetector and NoFlows as their names say."""
        from diversion.flows.detectors import DETECTORS

        if detector not in DETECTORS:
            raise UnknownDetector(f"no detector {detector!r}; one of {', '.join(DETECTORS)}")
        return DETECTORS[detector](con if con is not None else self.connect(), options)

    def report(
        self,
        options: Mapping[str, Options],
        out: Path,
        progress: Callable[[str], None] | None = None,
    ) -> dict[str, list[Finding]]:
        """Every detector's findings written as the offline report in `out`."""
        from diversion.flows.report import build_report

        con = self.connect()
        return build_report(con, dict(options), out, self.store.loads(), progress=progress)
