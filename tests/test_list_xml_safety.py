"""Hostile and broken XML is refused with a clear error, and the active snapshot stays."""

from __future__ import annotations

from pathlib import Path

import pytest

from diversion.home import Home
from diversion.lists import ListFormatError
from diversion.lists.importers.xml import parse_xml
from diversion.lists.snapshots import ListStore
from diversion.store import open_store
from tests.conftest import SHARED

UN = SHARED / "lists" / "un" / "UN_consolidated.xml"

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>&lol3;</FIRST_NAME></INDIVIDUAL>
</INDIVIDUALS></CONSOLIDATED_LIST>
"""
EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE foo [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><FIRST_NAME>&xxe;</FIRST_NAME></INDIVIDUAL>
</INDIVIDUALS></CONSOLIDATED_LIST>
"""
EXTERNAL_DTD = """<?xml version="1.0"?>
<!DOCTYPE foo SYSTEM "http://127.0.0.1:9/evil.dtd">
<CONSOLIDATED_LIST/>
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        (BILLION_LAUGHS, "refused: the XML declares entities"),
        (EXTERNAL_ENTITY, "refused: the XML declares entities"),
        ("<a><b></a>", "malformed XML: mismatched tag"),
        ("<a><b>", "malformed XML: no element found"),
        ("", "malformed XML"),
    ],
)
def test_parse_xml_refuses(tmp_path: Path, text: str, reason: str) -> None:
    with pytest.raises(ListFormatError) as info:
        parse_xml(write(tmp_path, "x.xml", text))
    assert reason in str(info.value)


def test_external_dtd_is_never_fetched(tmp_path: Path) -> None:
    root = parse_xml(write(tmp_path, "x.xml", EXTERNAL_DTD))
    assert root.tag == "CONSOLIDATED_LIST"  # parsed without loading the DTD


def test_truncated_xml_names_line_and_column(tmp_path: Path) -> None:
    cut = UN.read_text("utf-8")[:100_000]
    with pytest.raises(ListFormatError) as info:
        parse_xml(write(tmp_path, "cut.xml", cut))
    assert info.value.where.startswith("line ") and ", column " in info.value.where


@pytest.mark.parametrize(
    "text", [BILLION_LAUGHS, EXTERNAL_ENTITY, "<CONSOLIDATED_LIST><INDIVIDUALS>", "not xml at all"]
)
def test_bad_files_leave_the_active_snapshot(tmp_path: Path, text: str) -> None:
    lists = ListStore(open_store(Home(tmp_path / "home")))
    first = lists.import_files("un-xml", [UN], "un").snapshot
    with pytest.raises(ListFormatError):
        lists.import_files("un-xml", [write(tmp_path, "bad.xml", text)], "un")
    assert lists.active("un") == first
    assert [s.id for s in lists.snapshots("un")] == [first.id]
