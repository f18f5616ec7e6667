"""`diversion licences` as users run it: real files and a real store, the commands in-process
(quick) and, for concurrency, as separate `accept` processes on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import os
import subprocess
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from diversion.cli.app import app
from diversion.declarations import read_declarations
from diversion.licences import LicenceStore
from diversion.store import Store
from tests.conftest import DEMO, csv_text, row
from tests.test_cli import EXE
from tests.test_licences import GOOD_ROW, licence_csv


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


CLEAN_ENV: dict[str, str | None] = {
    "COLUMNS": "200",
    "DIVERSION_DB_URL": None,
    "DIVERSION_HOME": None,
}


def invoke(*args: str) -> Result:
    """The command in this process, with the user's store settings out of the way."""
    return CliRunner().invoke(app, list(args), env=CLEAN_ENV)


def licences(home: Path, *args: str) -> Result:
    return invoke("licences", *args, "--home", str(home))


def listed(home: Path, *args: str) -> list[dict[str, str | None]]:
    result = licences(home, "ls", "--json", *args)
    assert result.exit_code == 0, result.stderr
    records: list[dict[str, str | None]] = json.loads(result.stdout)
    return records


def test_import_reports_every_problem_and_imports_nothing(home: Path, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    rows = [GOOD_ROW, {**GOOD_ROW, "licence_no": "B", "goods": "8", "valid_from": "soon"}]
    path.write_text(licence_csv(rows), encoding="utf-8")
    result = licences(home, "import", str(path))
    assert result.exit_code == 2
    assert f"{path}:3: goods: '8' is too short" in result.stderr
    assert f"{path}:3: valid_from: 'soon' is not an ISO date" in result.stderr
    assert "2 problem(s)" in result.stderr and "nothing imported" in result.stderr
    assert listed(home) == []


def test_import_list_show_and_status_changes(home: Path) -> None:
    result = licences(home, "import", str(DEMO / "licences.csv"))
    assert result.exit_code == 0, result.stderr
    assert "Imported 9 licence(s)" in result.stdout
    assert len(listed(home)) == 9 and len(listed(home, "--status", "revoked")) == 1
    table = licences(home, "ls")
    assert "UZ-LIC-2024-1544" in table.stdout and "88000 / 88000 USD" in table.stdout

    missing = licences(home, "suspend", "UZ-LIC-2024-1544")
    assert missing.exit_code == 2 and "--reason" in missing.stderr
    done = licences(home, "suspend", "uz-lic-2024-1544", "--reason", "inquiry into end use")
    assert done.exit_code == 0 and "is now suspended" in done.stdout
    refused = licences(home, "reinstate", "KZ-EXP-2024-00655", "--reason", "x")
    assert refused.exit_code == 1 and "is revoked" in refused.stderr

    shown = json.loads(licences(home, "show", "UZ-LIC-2024-1544", "--json").stdout)
    assert (shown["status"], shown["status_reason"]) == ("suspended", "inquiry into end use")
    assert [e["action"] for e in shown["events"]] == ["imported", "suspend"]
    assert licences(home, "show", "NOPE").exit_code == 1


def test_add_checks_its_options_like_csv_cells(home: Path) -> None:
    bad = licences(
        home, "add", "KZ-1", "--authority", "A", "--goods", "85x", "--valid-from", "2024-01-01",
        "--valid-to", "2023-01-01", "--holder-name", "H",
    )  # fmt: skip
    assert bad.exit_code == 2
    assert "--goods: '85x' is not an HS code or prefix" in bad.stderr
    assert "--valid-to: 2023-01-01 is before valid_from 2024-01-01" in bad.stderr
    good = licences(
        home, "add", "KZ-GEN-9", "--type", "general", "--authority", "A", "--goods", "8504.40",
        "--goods-description", "Static converters", "--valid-from", "2024-01-01",
        "--valid-to", "2024-12-31",
    )  # fmt: skip
    assert good.exit_code == 0, good.stderr
    (record,) = listed(home)
    assert (record["type"], record["goods_description"], record["holder_name"]) == (
        "general",
        "Static converters",
        None,
    )
    assert licences(home, "add", "kz-gen-9", "--type", "general", "--authority", "A",
                    "--goods", "85", "--valid-from", "2024-01-01",
                    "--valid-to", "2024-12-31").exit_code == 1  # fmt: skip


def test_accept_draws_refuses_and_cancel_gives_back(home: Path) -> None:
    assert licences(home, "import", str(DEMO / "licences.csv")).exit_code == 0
    first = licences(home, "accept", str(DEMO / "declarations.csv"))
    assert first.exit_code == 1  # three demo declarations cite licences that do not fit
    assert "accepted UZ-2024-001544: item 1: 40 pcs / 88000 USD from UZ-LIC-2024-1544" in (
        first.stdout
    )
    for refused in ("AM-2024-000219", "KZ-2024-000655", "KZ-2025-000214"):
        assert f"refused {refused}: nothing drawn" in first.stderr
    total = len(read_declarations(DEMO / "declarations.csv").declarations)
    assert "licence.revoked" in first.stderr and f"{total - 3} accepted (4 drawing" in first.stdout
    uz = next(r for r in listed(home) if r["licence_no"] == "UZ-LIC-2024-1544")
    assert (uz["quantity_left"], uz["value_left"]) == ("0", "0")

    again = licences(home, "accept", str(DEMO / "declarations.jsonl"))
    assert f"0 accepted (0 drawing on licences), 3 refused, {total - 3} accepted or cancelled" in (
        again.stdout
    )
    cancel = licences(home, "cancel", "UZ-2024-001544", "--reason", "withdrawn")
    assert cancel.exit_code == 0 and "given back: 40 / 88000 USD to UZ-LIC-2024-1544" in (
        cancel.stdout
    )
    uz = next(r for r in listed(home) if r["licence_no"] == "UZ-LIC-2024-1544")
    assert uz["quantity_left"] == "40"
    assert licences(home, "cancel", "NOT-ACCEPTED", "--reason", "x").exit_code == 1


def test_screen_uses_the_register_of_the_store(home: Path, tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    licensed = row(
        declaration_id="T-9", declared_at="2024-03-05", exporter_id="140340009120",
        exporter_name="ТОО «Ертис Подшипник Сервис»", hs_code="8482.10", quantity="100",
        consignee_name="Göksu Bakliyat Gıda San. ve Tic. A.Ş.", licence_no="KZ-EXP-2024-00311",
    )  # fmt: skip
    source.write_text(csv_text([licensed]), encoding="utf-8")
    out = tmp_path / "out.jsonl"

    def reasons() -> dict[str, dict[str, object]]:
        result = invoke("screen", str(source), "--out", str(out), "--home", str(home))
        assert result.exit_code == 0, result.stderr
        (decision,) = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
        return {r["code"]: r for r in decision["reasons"]}

    empty = reasons()["licence.unknown"]
    assert "the register is empty" in str(empty["message"])
    assert licences(home, "import", str(DEMO / "licences.csv")).exit_code == 0
    covered = reasons()["licence.covered"]
    evidence = covered["evidence"]
    assert isinstance(evidence, dict)
    assert evidence["licence_no"] == "KZ-EXP-2024-00311" and evidence["register"] == (
        "licence-register"
    )


# -- concurrent processes --------------------------------------------------------------------

PROCESSES = 4
PER_PROCESS = 3


def test_concurrent_accept_processes_never_overdraw(any_store: Store, tmp_path: Path) -> None:
    """Four `diversion licences accept` processes, three declarations each, on one licence
    with room for five of the twelve."""
    register = LicenceStore(any_store)
    limit = {**GOOD_ROW, "quantity_limit": "50"}
    (tmp_path / "licences.csv").write_text(licence_csv([limit]), encoding="utf-8")
    register.import_file(tmp_path / "licences.csv")
    base = row(
        declared_at="2024-05-02", exporter_name="ТОО «Степной Чип»", exporter_id="140340009120",
        consignee_name="Anadolu Elektronik A.Ş.", hs_code="8542.31", quantity="10", value="100",
        licence_no="KZ-EXP-1",
    )  # fmt: skip
    env = {"DIVERSION_DB_URL": any_store.url, "COLUMNS": "200"}
    procs = []
    for p in range(PROCESSES):
        path = tmp_path / f"batch-{p}.csv"
        batch = [{**base, "declaration_id": f"P{p}-D{d}"} for d in range(PER_PROCESS)]
        path.write_text(csv_text(batch), encoding="utf-8")
        procs.append(
            subprocess.Popen(
                [str(EXE), "licences", "accept", str(path), "--home", str(tmp_path / "home")],
                env={**os.environ, **env},
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    outputs = [proc.communicate(timeout=180) for proc in procs]
    assert all(proc.returncode in (0, 1) for proc in procs), outputs
    lines = [line for out, err in outputs for line in (out + err).splitlines()]
    statuses = Counter(
        line.split()[0] for line in lines if line.startswith(("accepted ", "refused "))
    )
    assert statuses == {"accepted": 5, "refused": PROCESSES * PER_PROCESS - 5}
    state = register.get("KZ-EXP-1")
    assert state is not None and state.quantity_used == Decimal(50)
    assert len(register.depletions()) == 5
