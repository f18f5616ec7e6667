"""`diversion lists` as users run it, against a real SQLite store in a fresh home."""

from __future__ import annotations

import functools
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import SHARED, csv_text, row
from tests.test_cli import run

ZALA = SHARED / "lists" / "ftm" / "zala.entities.ftm.json"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


def lists(*args: str, home: Path) -> tuple[int, str, str]:
    result = run("lists", *args, "--home", str(home), cwd=home.parent)
    return result.returncode, result.stdout, result.stderr


def test_import_ls_show_export_roundtrip(home: Path, tmp_path: Path) -> None:
    code, out, err = lists("import", "ftm", str(ZALA), "--list", "zala", home=home)
    assert code == 0, err
    assert "Imported zala-0001" in out and "91 entities" in out
    code, out, _ = lists("ls", "--json", home=home)
    (listing,) = json.loads(out)
    assert listing["active"]["id"] == "zala-0001" and listing["active"]["counts"]["Person"] == 6
    person = next(
        json.loads(line) for line in ZALA.read_text("utf-8").splitlines() if '"Person"' in line
    )
    code, out, _ = lists("show", person["id"], home=home)
    assert code == 0 and person["properties"]["name"][0] in out
    exported = tmp_path / "export.ftm.json"
    code, _, err = lists("export", "zala", "--out", str(exported), home=home)
    assert code == 0, err
    original = {json.loads(x)["id"]: json.loads(x) for x in ZALA.read_text("utf-8").splitlines()}
    again = {json.loads(x)["id"]: json.loads(x) for x in exported.read_text("utf-8").splitlines()}
    assert set(again) == set(original)
    assert all(again[k]["properties"] == original[k]["properties"] for k in original)
    code, out, _ = lists("import", "ftm", str(exported), "--list", "zala-copy", home=home)
    assert code == 0 and "zala-copy-0001" in out


def test_failed_import_keeps_active_snapshot_and_exits_nonzero(home: Path, tmp_path: Path) -> None:
    assert lists("import", "ftm", str(ZALA), "--list", "zala", home=home)[0] == 0
    bad = tmp_path / "bad.json"
    bad.write_text('{"id": "x", "schema": "Nope"}\n', "utf-8")
    code, _, err = lists("import", "ftm", str(bad), "--list", "zala", home=home)
    assert code == 1
    assert "line 1: unknown schema 'Nope'" in err and "active snapshot zala-0001 unchanged" in err
    assert json.loads(lists("ls", "--json", home=home)[1])[0]["active"]["id"] == "zala-0001"
    code, _, err = lists("import", "pdf", str(bad), home=home)
    assert code == 2 and "unknown format 'pdf'" in err


def test_diff_json(home: Path, tmp_path: Path) -> None:
    lines = ZALA.read_text("utf-8").splitlines()
    first = tmp_path / "first.json"
    first.write_text("\n".join(lines[:-1]) + "\n", "utf-8")
    lists("import", "ftm", str(first), "--list", "zala", home=home)
    lists("import", "ftm", str(ZALA), "--list", "zala", home=home)
    code, out, _ = lists("diff", "zala", "--format", "json", home=home)
    result = json.loads(out)
    assert code == 0
    assert result["added"] == [json.loads(lines[-1])["id"]]
    assert result["removed"] == [] and result["changed"] == []


def test_screening_uses_the_active_snapshots(home: Path, tmp_path: Path) -> None:
    lists("import", "ftm", str(ZALA), "--list", "zala", home=home)
    company = next(
        json.loads(line) for line in ZALA.read_text("utf-8").splitlines() if '"Company"' in line
    )
    source = tmp_path / "in.csv"
    source.write_text(csv_text([row(consignee_name=company["properties"]["name"][0])]), "utf-8")
    out = tmp_path / "d.jsonl"
    result = run("screen", str(source), "--out", str(out), "--home", str(home), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "FICTIONAL demo" not in result.stderr
    (decision,) = [json.loads(x) for x in out.read_text("utf-8").splitlines()]
    hit = next(r for r in decision["reasons"] if r["code"] == "party.sanctioned")
    assert hit["evidence"]["entity_id"] == company["id"]
    assert hit["evidence"]["list_version"] == "zala-0001"
    assert {"id": "zala", "version": "zala-0001"}.items() <= next(
        ref for ref in decision["reference_data"] if ref["id"] == "zala"
    ).items()


def test_screening_without_lists_warns_about_the_demo_list(home: Path, tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text(csv_text([row()]), "utf-8")
    result = run("screen", str(source), "--home", str(home), cwd=tmp_path)
    assert result.returncode == 0
    assert "FICTIONAL demo" in result.stderr


@pytest.fixture
def mirror(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """A local HTTP server standing in for the publisher."""
    folder = tmp_path / "mirror"
    folder.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", folder
    finally:
        server.shutdown()


def test_fetch_from_a_local_server(home: Path, mirror: tuple[str, Path]) -> None:
    url, folder = mirror
    un_file = SHARED / "lists" / "un" / "UN_consolidated.xml"
    (folder / "consolidated.xml").write_bytes(un_file.read_bytes())
    code, out, err = lists("fetch", "un-sc", "--from", url, home=home)
    assert code == 0, err
    assert "Imported un-sc-0001" in out
    (saved,) = (home / "downloads" / "un-sc").rglob("consolidated.xml")
    assert saved.read_bytes() == un_file.read_bytes()


def test_fetch_failure_imports_nothing(home: Path, mirror: tuple[str, Path]) -> None:
    url, _ = mirror
    code, _, err = lists("fetch", "un-sc", "--from", url, home=home)
    assert code == 1 and "HTTP 404" in err and "nothing imported" in err
    assert not list((home / "downloads").rglob("*.xml"))
    assert json.loads(lists("ls", "--json", home=home)[1]) == []


OFAC_SDN = SHARED / "lists" / "ofac-sdn-2021"
OFAC_CONS = SHARED / "lists" / "ofac-consolidated"
UN_FILE = SHARED / "lists" / "un" / "UN_consolidated.xml"


def active_ids(home: Path) -> dict[str, str]:
    return {x["list"]: x["active"]["id"] for x in json.loads(lists("ls", "--json", home=home)[1])}


def test_two_sources_in_one_command_are_two_lists(home: Path) -> None:
    code, out, err = lists("import", "ofac-csv", str(OFAC_SDN), str(OFAC_CONS), home=home)
    assert code == 0, err
    assert "Imported ofac-sdn-0001 (OFAC SDN)" in out
    assert "Imported ofac-cons-0001 (OFAC Consolidated (non-SDN))" in out
    assert active_ids(home) == {"ofac-sdn": "ofac-sdn-0001", "ofac-cons": "ofac-cons-0001"}


def test_another_sources_list_is_refused_unless_replace(home: Path) -> None:
    assert lists("import", "un-xml", str(UN_FILE), home=home)[0] == 0
    code, _, err = lists("import", "ofac-csv", str(OFAC_CONS), "--list", "un-sc", home=home)
    assert code == 1
    assert "OFAC Consolidated (non-SDN)" in err and "UN Security Council" in err
    assert "un-sc: active snapshot un-sc-0001 unchanged" in err
    assert active_ids(home) == {"un-sc": "un-sc-0001"}
    code, out, err = lists(
        "import", "ofac-csv", str(OFAC_CONS), "--list", "un-sc", "--replace", home=home
    )
    assert code == 0, err
    assert "Imported un-sc-0002 (OFAC Consolidated (non-SDN))" in out


def test_a_shrinking_import_needs_allow_shrink(home: Path, tmp_path: Path) -> None:
    assert lists("import", "un-xml", str(UN_FILE), home=home)[0] == 0
    text = UN_FILE.read_text("utf-8")
    one = tmp_path / "one.xml"
    end = text.index("</INDIVIDUAL>") + len("</INDIVIDUAL>")
    one.write_text(text[:end] + "</INDIVIDUALS><ENTITIES/></CONSOLIDATED_LIST>\n", "utf-8")
    code, _, err = lists("import", "un-xml", str(one), home=home)  # stdin is no terminal here
    assert code == 1 and "--allow-shrink" in err
    assert "one.xml hold 3 entities and lack 2,746 of the 2,749 entities of" in err
    assert "nothing imported; every list's active snapshot is unchanged" in err
    assert active_ids(home) == {"un-sc": "un-sc-0001"}
    code, out, err = lists("import", "un-xml", str(one), "--allow-shrink", home=home)
    assert code == 0 and "Imported un-sc-0002" in out, err
