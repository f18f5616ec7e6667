import json
from pathlib import Path

import pytest

from diversion.lists import ListFormatError
from diversion.lists.bundled import load_ftm_file as load_ftm_list
from tests.lists_fixture import ENTITIES, write_list


def test_loads_entities_and_sanctions(tmp_path: Path) -> None:
    listing = load_ftm_list(write_list(tmp_path))
    assert {e.id for e in listing.parties()} == {"t-elem", "t-vostok", "t-person"}
    (sanction,) = listing.sanctions["t-elem"]
    assert sanction.get("program") == ["TEST-1"]
    assert listing.reference.id == "test-list" and len(listing.reference.sha256) == 64


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"id": "x", "schema": "Spaceship", "properties": {}}, "unknown schema 'Spaceship'"),
        (
            {"id": "x", "schema": "Company", "properties": {"colour": ["red"]}},
            "no property 'colour'",
        ),
        ({"id": "x", "schema": "Company", "properties": {"name": "Alfa"}}, "list of strings"),
        ({"schema": "Company", "properties": {}}, "needs an object with an id"),
        (
            {"id": "s", "schema": "Sanction", "properties": {"entity": ["ghost"]}},
            "unknown entity ghost",
        ),
    ],
)
def test_bad_entities_are_errors_with_their_line(
    tmp_path: Path, bad: dict[str, object], message: str
) -> None:
    path = write_list(tmp_path, [*ENTITIES, bad])
    with pytest.raises(ListFormatError, match=message) as info:
        load_ftm_list(path)
    if "unknown entity" not in message:
        assert f"{path}: line 5:" in str(info.value)


def test_duplicate_ids_and_bad_json(tmp_path: Path) -> None:
    with pytest.raises(ListFormatError, match=r"already given at list\.ftm\.jsonl:1"):
        load_ftm_list(write_list(tmp_path, [*ENTITIES, ENTITIES[0]]))
    path = write_list(tmp_path)
    with path.open("a", encoding="utf-8") as handle:
        handle.write("{oops\n")
    with pytest.raises(ListFormatError, match="line 5: invalid JSON"):
        load_ftm_list(path)
    assert json.loads(path.read_text(encoding="utf-8").splitlines()[0])["id"] == "t-elem"
