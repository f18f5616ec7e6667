from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from diversion.declarations.csv_format import COLUMNS
from diversion.screening import ScreeningContext

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
DEMO = ROOT / "src" / "diversion" / "data" / "demo"

BASE_ROW: dict[str, Any] = {
    "declaration_id": "T-1",
    "declared_at": "2024-05-02",
    "procedure": "export",
    "exporter_name": "ТОО «Степной Зерновой Двор»",
    "exporter_country": "KZ",
    "consignee_name": "Anadolu Un Sanayi A.Ş.",
    "consignee_country": "TR",
    "country_of_dispatch": "KZ",
    "country_of_destination": "TR",
    "item_no": "1",
    "hs_code": "1001.99",
    "description": "Wheat",
    "country_of_origin": "KZ",
    "quantity": "120",
    "unit": "t",
    "value": "30000",
    "currency": "USD",
}


def csv_text(rows: list[dict[str, Any]], columns: tuple[str, ...] = COLUMNS) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({c: row.get(c, "") for c in columns})
    return buffer.getvalue()


def row(**changes: Any) -> dict[str, Any]:
    return {**BASE_ROW, **changes}


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    def write(rows: list[dict[str, Any]], name: str = "declarations.csv") -> Path:
        path = tmp_path / name
        path.write_text(csv_text(rows), encoding="utf-8")
        return path

    return write


@pytest.fixture(scope="session")
def context() -> ScreeningContext:
    return ScreeningContext.bundled()
