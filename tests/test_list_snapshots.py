"""Snapshots in a real SQLite store: activation, atomicity, diff on real data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from diversion.home import Home
from diversion.lists import ListFormatError
from diversion.lists.snapshots import ListStore
from diversion.store import open_store
from diversion.store.models import EntityRow, SnapshotRow
from tests.conftest import SHARED

ZALA = SHARED / "lists" / "ftm" / "zala.entities.ftm.json"


@pytest.fixture
def lists(tmp_path: Path) -> ListStore:
    return ListStore(open_store(Home(tmp_path / "home")))


def zala_lines() -> list[dict[str, Any]]:
    return [json.loads(line) for line in ZALA.read_text("utf-8").splitlines() if line.strip()]


def write_lines(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


def test_import_makes_an_active_snapshot_with_its_facts(lists: ListStore) -> None:
    outcome = lists.import_files("ftm", [ZALA], "zala")
    snapshot = outcome.snapshot
    records = zala_lines()
    assert outcome.created and snapshot.id == "zala-0001"
    assert snapshot.entity_count == len(records) == 91
    assert snapshot.counts["Sanction"] == sum(r["schema"] == "Sanction" for r in records)
    assert snapshot.files[0]["name"] == ZALA.name and len(snapshot.sha256) == 64
    assert snapshot.importer_version and snapshot.imported_at
    assert lists.active("zala") == snapshot
    loaded = lists.active_lists()[0]
    assert set(loaded.entities) == {r["id"] for r in records}
    assert loaded.reference.version == "zala-0001"


def test_dangling_references_are_kept_and_reported(lists: ListStore) -> None:
    snapshot = lists.import_files("ftm", [ZALA], "zala").snapshot
    ids = {r["id"] for r in zala_lines()}
    referenced = {
        v
        for r in zala_lines()
        for prop, vals in r["properties"].items()
        if prop == "addressEntity"
        for v in vals
    }
    missing = referenced - ids
    assert missing and len(snapshot.warnings) >= len(missing)
    assert all(any(m in w for w in snapshot.warnings) for m in missing)


def test_reimporting_the_same_files_changes_nothing(lists: ListStore) -> None:
    first = lists.import_files("ftm", [ZALA], "zala").snapshot
    again = lists.import_files("ftm", [ZALA], "zala")
    assert not again.created and again.snapshot == first
    assert len(lists.snapshots("zala")) == 1


def test_files_an_older_importer_read_are_read_again(lists: ListStore) -> None:
    """A fixed importer must reach lists imported before the fix: the same files are not
    "unchanged" when the snapshot was written by another importer version."""
    first = lists.import_files("ftm", [ZALA], "zala").snapshot
    with lists.store.transaction() as session:
        row = session.get(SnapshotRow, first.id)
        assert row is not None
        row.importer_version = "0"
    again = lists.import_files("ftm", [ZALA], "zala")
    assert again.created and again.snapshot.id == "zala-0002"
    assert lists.active("zala") == again.snapshot
    assert not lists.import_files("ftm", [ZALA], "zala").created


def test_a_failed_import_leaves_the_active_snapshot(lists: ListStore, tmp_path: Path) -> None:
    first = lists.import_files("ftm", [ZALA], "zala").snapshot
    broken = tmp_path / "broken.ftm.json"
    broken.write_text(ZALA.read_text("utf-8")[:5000], "utf-8")  # cut mid-entity
    with pytest.raises(ListFormatError, match="invalid JSON"):
        lists.import_files("ftm", [broken], "zala")
    assert lists.active("zala") == first
    assert [s.id for s in lists.snapshots("zala")] == ["zala-0001"]


def test_a_crash_while_writing_leaves_nothing_half_written(
    lists: ListStore, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    first = lists.import_files("ftm", [ZALA], "zala").snapshot
    smaller = write_lines(tmp_path / "smaller.json", zala_lines()[:50])
    monkeypatch.setattr("diversion.lists.snapshots.BATCH", 10)

    def crash(done: int, total: int) -> None:
        if done >= 20:
            raise RuntimeError("power cut")

    with pytest.raises(RuntimeError):
        lists.import_files("ftm", [smaller], "zala", progress=crash)
    assert lists.active("zala") == first
    with lists.store.read() as session:
        assert session.scalar(select(func.count()).select_from(SnapshotRow)) == 1
        count = session.scalar(select(func.count()).select_from(EntityRow))
    assert count == 91


def test_diff_of_two_real_snapshots(lists: ListStore, tmp_path: Path) -> None:
    records = zala_lines()
    people = [r for r in records if r["schema"] == "Person"]
    dropped, added_later = people[0], people[1]
    old = [r for r in records if r["id"] != added_later["id"]]
    new = [r for r in records if r["id"] != dropped["id"]]
    changed = next(r for r in new if r["schema"] == "Company")
    changed_props = dict(changed["properties"])
    changed_props["alias"] = [*changed_props.get("alias", []), "ZALA TEST ALIAS"]
    new = [dict(r, properties=changed_props) if r is changed else r for r in new]
    lists.import_files("ftm", [write_lines(tmp_path / "old.json", old)], "zala")
    lists.import_files("ftm", [write_lines(tmp_path / "new.json", new)], "zala")
    result = lists.diff("zala")
    assert (result.old, result.new) == ("zala-0001", "zala-0002")
    assert [str(e.id) for e in result.added] == [added_later["id"]]
    assert [str(e.id) for e in result.removed] == [dropped["id"]]
    (change,) = result.changed
    assert change.entity_id == changed["id"]
    assert change.added == {"alias": ["ZALA TEST ALIAS"]} and change.removed == {}
    assert lists.diff("zala", "zala-0002", "zala-0001").added[0].id == dropped["id"]
    with pytest.raises(LookupError, match="first snapshot"):
        lists.diff("zala", None, "zala-0001")


def test_the_t1_stream_imports_whole(lists: ListStore) -> None:
    """The second real FtM file: seven entities, all properties kept."""
    t1 = SHARED / "lists" / "ftm" / "t1.entities.ftm.json"
    snapshot = lists.import_files("ftm", [t1], "t1").snapshot
    assert snapshot.counts == {"Organization": 2, "Person": 4, "Address": 1}
    entity = dict((e.id, e) for e in lists.entities(snapshot.id))["NK-2GdmHtZTeNXjNVrBGEXZNj"]
    names = entity.get("name")
    assert len(names) == 12
    assert "Общество с ограниченной ответственностью “Интер Тобако”" in names
    assert len(entity.get("registrationNumber")) == 1
    # Its address points outside this partial export: kept, and reported as a warning.
    (address,) = entity.get("addressEntity")
    assert address.startswith("addr-")
    assert any(address in warning for warning in snapshot.warnings)
