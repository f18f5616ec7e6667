"""Each source in its own list: default names from the files, refusals that keep the store as
it was (another source's list, a shrinking snapshot), several files or folders in one import.
All on the real list files in tests/data/lists."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from diversion.home import Home
from diversion.lists import ListFormatError
from diversion.lists.importers.csl import read_csl
from diversion.lists.snapshots import ImportRefused, ListStore, Shrink
from diversion.store import open_store
from diversion.store.models import SnapshotRow
from tests.conftest import SHARED

LISTS = SHARED / "lists"
SDN = LISTS / "ofac-sdn-2021"
CONS = LISTS / "ofac-consolidated"
CSL_LEGACY = LISTS / "us-csl" / "csl-legacy-format-fragment.csv"
CSL_CURRENT = LISTS / "us-csl" / "csl-current-format-fragment.csv"
DPL = LISTS / "us-csl" / "bis-denied-persons.txt"
UN = LISTS / "un" / "UN_consolidated.xml"


@pytest.fixture
def lists(tmp_path: Path) -> ListStore:
    return ListStore(open_store(Home(tmp_path / "home")))


def active(lists: ListStore) -> dict[str, str]:
    return {name: s.id for name, s, _ in lists.lists() if s is not None}


def snapshot_count(lists: ListStore) -> int:
    with lists.store.read() as session:
        return int(session.scalar(select(func.count()).select_from(SnapshotRow)) or 0)


def one_un_entry(tmp_path: Path) -> Path:
    """The real UN file cut down to its first individual: a valid, one-entity UN list."""
    text = UN.read_text("utf-8")
    end = text.index("</INDIVIDUAL>") + len("</INDIVIDUAL>")
    path = tmp_path / "one.xml"
    path.write_text(text[:end] + "</INDIVIDUALS><ENTITIES/></CONSOLIDATED_LIST>\n", "utf-8")
    return path


def test_sdn_then_consolidated_keeps_both_active(lists: ListStore) -> None:
    sdn = lists.import_files("ofac-csv", [SDN]).snapshot
    cons = lists.import_files("ofac-csv", [CONS / "cons_prim.csv", CONS / "cons_alt.csv"]).snapshot
    assert (sdn.id, cons.id) == ("ofac-sdn-0001", "ofac-cons-0001")
    assert cons.source == "OFAC Consolidated (non-SDN)" and cons.counts["Organization"] == 363
    assert active(lists) == {"ofac-sdn": "ofac-sdn-0001", "ofac-cons": "ofac-cons-0001"}
    screened = {s.reference.id for s in lists.active_lists()}
    assert screened == {"ofac-sdn", "ofac-cons"}


def test_dpl_after_csl_does_not_deactivate_the_csl(lists: ListStore) -> None:
    csl = lists.import_files("csl", [CSL_LEGACY]).snapshot
    dpl = lists.import_files("csl", [DPL]).snapshot
    assert (csl.list_name, dpl.list_name) == ("us-csl", "bis-dpl")
    assert dpl.source == "BIS Denied Persons List" and dpl.counts["LegalEntity"] == 541
    assert active(lists) == {"us-csl": "us-csl-0001", "bis-dpl": "bis-dpl-0001"}


def test_another_sources_files_are_refused_unless_replace(lists: ListStore) -> None:
    lists.import_files("ofac-csv", [SDN])
    with pytest.raises(ImportRefused) as refused:
        lists.import_files("ofac-csv", [CONS], "ofac-sdn")
    message = str(refused.value)
    assert "OFAC Consolidated (non-SDN)" in message and "OFAC SDN (ofac-sdn-0001)" in message
    assert "--replace" in message
    assert active(lists) == {"ofac-sdn": "ofac-sdn-0001"} and snapshot_count(lists) == 1
    replaced = lists.import_files("ofac-csv", [CONS], "ofac-sdn", replace=True).snapshot
    assert replaced.id == "ofac-sdn-0002" and replaced.source == "OFAC Consolidated (non-SDN)"


def test_the_same_source_from_another_format_continues_the_list(lists: ListStore) -> None:
    """The SDN from the CSV and the SDN from the advanced XML are one source: no refusal for
    the source, only for the shrink (our XML fixture holds a handful of the SDN's parties)."""
    fixture = Path(__file__).parent / "lists" / "fixtures" / "ofac" / "SDN_ADVANCED.xml"
    lists.import_files("ofac-csv", [SDN])
    with pytest.raises(ImportRefused, match="lack") as refused:
        lists.import_files("ofac-xml", [fixture])
    assert "OFAC Consolidated" not in str(refused.value)
    xml = lists.import_files("ofac-xml", [fixture], allow_shrink=True).snapshot
    assert (xml.id, xml.format, xml.source) == ("ofac-sdn-0002", "ofac-xml", "OFAC SDN")


def test_several_folders_make_one_snapshot_per_source(lists: ListStore) -> None:
    outcomes = lists.import_all("ofac-csv", [SDN, CONS])
    assert [(o.snapshot.id, o.created) for o in outcomes] == [
        ("ofac-sdn-0001", True), ("ofac-cons-0001", True),
    ]  # fmt: skip
    assert {f["name"] for f in outcomes[1].snapshot.files} == {
        "cons_prim.csv", "cons_add.csv", "cons_alt.csv", "cons_comments.csv",
    }  # fmt: skip
    again = lists.import_all("ofac-csv", [SDN, CONS])
    assert [o.created for o in again] == [False, False] and snapshot_count(lists) == 2


def test_parts_of_one_source_make_one_snapshot(lists: ListStore) -> None:
    outcomes = lists.import_all("csl", [CSL_LEGACY, CSL_CURRENT, DPL])
    assert [o.snapshot.list_name for o in outcomes] == ["us-csl", "bis-dpl"]
    csl = outcomes[0].snapshot
    assert sorted(f["name"] for f in csl.files) == sorted([CSL_LEGACY.name, CSL_CURRENT.name])
    legacy, current = read_csl([CSL_LEGACY]), read_csl([CSL_CURRENT])
    ids = {str(e.id) for e in legacy.entities} | {str(e.id) for e in current.entities}
    assert csl.entity_count == len(ids)  # both fragments whole; a shared address kept once
    assert csl.counts["Sanction"] == 115 + 13


def test_one_list_name_for_several_sources_is_refused(lists: ListStore) -> None:
    with pytest.raises(ImportRefused, match="several sources"):
        lists.import_all("ofac-csv", [SDN, CONS], "ofac")
    assert snapshot_count(lists) == 0


def test_a_bad_file_among_several_imports_nothing(lists: ListStore, tmp_path: Path) -> None:
    broken = tmp_path / "cons_prim.csv"
    broken.write_bytes((CONS / "cons_prim.csv").read_bytes()[:5000])  # cut mid-record
    with pytest.raises(ListFormatError, match=r"cons_prim\.csv"):
        lists.import_all("ofac-csv", [SDN, broken])
    assert snapshot_count(lists) == 0 and active(lists) == {}


def test_a_shrinking_snapshot_is_refused_unless_confirmed(lists: ListStore, tmp_path: Path) -> None:
    full = lists.import_files("un-xml", [UN]).snapshot
    one = one_un_entry(tmp_path)
    with pytest.raises(ImportRefused) as refused:
        lists.import_files("un-xml", [one])
    message = str(refused.value)
    assert "un-sc" in message and f"of the {full.entity_count:,}" in message
    assert "--allow-shrink" in message
    asked: list[list[Shrink]] = []

    def say_no(shrinks: list[Shrink]) -> bool:
        asked.append(shrinks)
        return False

    with pytest.raises(ImportRefused):
        lists.import_files("un-xml", [one], confirm=say_no)
    assert active(lists) == {"un-sc": full.id} and snapshot_count(lists) == 1
    confirmed = lists.import_files("un-xml", [one], confirm=lambda s: True).snapshot
    assert confirmed.counts["Person"] == 1 and confirmed.counts["Sanction"] == 1
    (shrink,) = asked[0]
    assert (shrink.list_name, shrink.active.id) == ("un-sc", full.id)
    assert shrink.dropped == full.entity_count - confirmed.entity_count
    restored = lists.import_files("un-xml", [UN]).snapshot  # growing needs no confirmation
    allowed = lists.import_files("un-xml", [one], allow_shrink=True).snapshot
    assert (restored.id, allowed.id) == ("un-sc-0003", "un-sc-0004")


FIXTURES = Path(__file__).parent / "lists" / "fixtures"


@pytest.mark.parametrize(
    ("fmt", "path", "list_name"),
    [
        ("un-xml", UN, "un-sc"),
        ("csl", DPL, "bis-dpl"),
        ("csl", CSL_LEGACY, "us-csl"),
        ("ofac-xml", FIXTURES / "ofac" / "SDN_ADVANCED.xml", "ofac-sdn"),
        ("eu-xml", FIXTURES / "eu" / "fsf_v1.1.xml", "eu-fsf"),
        ("uk", FIXTURES / "uk" / "UK-Sanctions-List.xml", "uk-sanctions"),
    ],
)
def test_every_listed_entity_is_a_target_with_topics(fmt: str, path: Path, list_name: str) -> None:
    """The entity a Sanction names is the listed one: `target` and the list's topics; the
    others (addresses, sanctions, links) are not targets."""
    from diversion.lists.importers import default_list_name, importer

    parsed = importer(fmt)([path])
    assert (parsed.list_name or default_list_name(fmt)) == list_name
    listed = {t for e in parsed.entities if e.schema.name == "Sanction" for t in e.get("entity")}
    assert listed
    for entity in parsed.entities:
        assert bool(entity.context.get("target")) is (entity.id in listed), entity.id
        if entity.id in listed:
            assert entity.get("topics"), entity.id


def test_csl_topics_follow_the_source_list() -> None:
    """OFAC's lists in the CSL are sanctions, BIS's Entity List export control, the DPL and
    State's ITAR debarments debarments, as OpenSanctions tags them (data/topics.yml)."""
    csl = read_csl([CSL_LEGACY])
    entities = {str(e.id): e for e in csl.entities}
    by_source: dict[str, set[str]] = {}
    for sanction in (e for e in csl.entities if e.schema.name == "Sanction"):
        (target,) = sanction.get("entity")
        code = str(sanction.first("authority")).split("(")[1].split(")")[0]
        by_source.setdefault(code, set()).update(entities[target].get("topics"))
    assert by_source["SDN"] >= {"sanction"} and by_source["SSI"] >= {"sanction"}
    assert by_source["EL"] >= {"export.control"} and "debarment" in by_source["DTC"]
    assert by_source["DPL"] >= {"export.control", "debarment"}
    dpl = read_csl([DPL])
    parties = [e for e in dpl.entities if e.schema.name == "LegalEntity"]
    assert len(parties) == 541
    assert all(sorted(e.get("topics")) == ["debarment", "export.control"] for e in parties)
