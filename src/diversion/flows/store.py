"""Where loaded flows live: one Parquet file per load under HOME/flows, and a manifest.

A load is written to a temporary file and renamed into place, then the manifest is replaced in
one rename, so a crash or a failed load never leaves a half-written table: the manifest only
ever names complete files. Detectors query the loads through DuckDB views:

- `flows`: every row, with the same flow from two loads kept once (the more direct source wins);
- `yearly`: one row per flow and year, from the annual figure where a source gives one, else the
  sum of its months (so an annual file and a monthly file are never added together).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from diversion.flows.table import SCHEMA
from diversion.home import Home

FOLDER = "flows"
MANIFEST = "manifest.json"
# Which source wins when two loads hold the same flow: official bulk data before web exports,
# and real data before the synthetic demo panel.
SOURCE_PRIORITY = (
    "comext-bulk",
    "comtrade-api",
    "comext-relational",
    "comtrade-legacy",
    "comtrade-legacy-compact",
    "synthetic",
)
YEARLY_COLUMNS = (
    "reporter, partner, reporter_aggregate, partner_aggregate, flow, year, hs_code, source"
)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class Load:
    id: str
    loaded_at: str
    source: str  # what the user asked for: a layout name, or "auto"
    files: dict[str, dict[str, str]]  # path -> {"sha256", "layout"}
    rows: int
    counts: dict[str, int]
    parquet: str

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _replace_atomically(target: Path, write: Any) -> None:
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    os.close(handle)
    try:
        write(Path(temporary))
        with open(temporary, "rb") as done:
            os.fsync(done.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class FlowStore:
    def __init__(self, root: Path):
        self.root = root

    @classmethod
    def of(cls, home: Home) -> FlowStore:
        return cls(home.root / FOLDER)

    @property
    def manifest_path(self) -> Path:
        return self.root / MANIFEST

    def loads(self) -> list[Load]:
        if not self.manifest_path.exists():
            return []
        data = json.loads(self.manifest_path.read_text(encoding="utf-8"))
        return [Load(**item) for item in data["loads"]]

    def loaded_files(self) -> dict[str, str]:
        """sha256 -> the id of the load that holds that file."""
        return {meta["sha256"]: load.id for load in self.loads() for meta in load.files.values()}

    def add(
        self, table: pa.Table, source: str, files: dict[str, dict[str, str]], counts: dict[str, int]
    ) -> Load:
        self.root.mkdir(parents=True, exist_ok=True)
        load_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
        parquet = f"{load_id}.parquet"
        _replace_atomically(
            self.root / parquet,
            lambda path: pq.write_table(table.cast(SCHEMA), path, compression="zstd"),
        )
        load = Load(
            load_id,
            datetime.now(UTC).isoformat(timespec="seconds"),
            source,
            files,
            table.num_rows,
            dict(counts),
            parquet,
        )
        self._write_manifest([*self.loads(), load])
        return load

    def staging(self) -> Path:
        """A fresh folder beside the loads for one load to be built in (same file system, so
        its Parquet file is renamed into place, never copied)."""
        self.root.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(dir=self.root, prefix=".loading-"))

    def add_file(
        self,
        parquet: Path,
        rows: int,
        source: str,
        files: dict[str, dict[str, str]],
        counts: dict[str, int],
    ) -> Load:
        """Take a load's finished Parquet file (from `staging`) into the store."""
        self.root.mkdir(parents=True, exist_ok=True)
        load_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
        name = f"{load_id}.parquet"
        with open(parquet, "rb") as done:
            os.fsync(done.fileno())
        os.replace(parquet, self.root / name)
        load = Load(
            load_id,
            datetime.now(UTC).isoformat(timespec="seconds"),
            source,
            files,
            rows,
            dict(counts),
            name,
        )
        try:
            self._write_manifest([*self.loads(), load])
        except BaseException:
            (self.root / name).unlink(missing_ok=True)
            raise
        return load

    def remove(self, load_id: str) -> Load:
        loads = self.loads()
        found = next((load for load in loads if load.id == load_id), None)
        if found is None:
            raise KeyError(f"no load {load_id!r} in {self.root}")
        self._write_manifest([load for load in loads if load.id != load_id])
        (self.root / found.parquet).unlink(missing_ok=True)
        return found

    def _write_manifest(self, loads: Iterable[Load]) -> None:
        body = json.dumps({"loads": [load.to_dict() for load in loads]}, indent=1)
        _replace_atomically(self.manifest_path, lambda path: path.write_text(body, "utf-8"))

    def parquet_files(self) -> list[Path]:
        return [self.root / load.parquet for load in self.loads()]

    def connect(
        self, memory_limit: str | None = None, temp_directory: Path | None = None
    ) -> duckdb.DuckDBPyConnection:
        return connect(self.parquet_files(), memory_limit, temp_directory)


def _literal(text: str) -> str:
    """A SQL string literal (a home may be under a folder named O'Brien)."""
    return "'" + text.replace("'", "''") + "'"


def connect(
    files: list[Path],
    memory_limit: str | None = None,
    temp_directory: Path | None = None,
    deduplicate: bool | None = None,
) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection with the views `flows` and `yearly` over these Parquet files."""
    con = duckdb.connect()
    if memory_limit:
        con.execute(f"SET memory_limit = {_literal(memory_limit)}")
    if temp_directory:
        con.execute(f"SET temp_directory = {_literal(str(temp_directory))}")
    con.execute("SET preserve_insertion_order = false")
    if files:
        listed = ", ".join(_literal(str(path)) for path in files)
        con.execute(f"CREATE VIEW raw_flows AS SELECT * FROM read_parquet([{listed}])")
    else:
        con.register("empty_flows", pa.Table.from_pylist([], schema=SCHEMA))
        con.execute("CREATE VIEW raw_flows AS SELECT * FROM empty_flows")
    if deduplicate if deduplicate is not None else len(files) > 1:
        priority = " ".join(
            f"WHEN '{name}' THEN {rank}" for rank, name in enumerate(SOURCE_PRIORITY)
        )
        con.execute(
            "CREATE VIEW flows AS SELECT * FROM raw_flows QUALIFY row_number() OVER ("
            "PARTITION BY reporter, partner, flow, period, hs_code "
            f"ORDER BY CASE source {priority} ELSE 99 END, source_file) = 1"
        )
    else:
        con.execute("CREATE VIEW flows AS SELECT * FROM raw_flows")
    con.execute(
        f"""
        CREATE VIEW yearly AS
        WITH annual AS (
            SELECT {YEARLY_COLUMNS}, value_usd, value_eur, net_weight_kg, quantity,
                   12 AS months
            FROM flows WHERE month IS NULL
        ), monthly AS (
            SELECT {YEARLY_COLUMNS}, sum(value_usd) AS value_usd, sum(value_eur) AS value_eur,
                   sum(net_weight_kg) AS net_weight_kg, sum(quantity) AS quantity,
                   count(*) AS months
            FROM flows WHERE month IS NOT NULL
            GROUP BY ALL
        )
        SELECT * FROM annual
        UNION ALL
        SELECT * FROM monthly m WHERE NOT EXISTS (
            SELECT 1 FROM annual a WHERE a.reporter = m.reporter AND a.partner = m.partner
              AND a.flow = m.flow AND a.year = m.year AND a.hs_code = m.hs_code)
        """
    )
    return con
