"""A small FtM list written by the tests, independent of the demo data."""

from __future__ import annotations

import json
from pathlib import Path

ENTITIES: list[dict[str, object]] = [
    {
        "id": "t-elem",
        "schema": "Company",
        "properties": {
            "name": ["ТОО «Элем Групп»"],
            "alias": ["ELEM GROUP LLP"],
            "country": ["kz"],
            "registrationNumber": ["220440012302"],
        },
    },
    {
        "id": "t-vostok",
        "schema": "Company",
        "properties": {
            "name": ["АО «Восток Прибор»"],
            "innCode": ["7701234567"],
            "country": ["ru"],
        },
    },
    {
        "id": "t-person",
        "schema": "Person",
        "properties": {"name": ["Шавкат Мирзаев"], "country": ["uz"]},
    },
    {
        "id": "t-sanction",
        "schema": "Sanction",
        "properties": {
            "entity": ["t-elem"],
            "authority": ["Test Authority"],
            "program": ["TEST-1"],
        },
    },
]


def write_list(folder: Path, entities: list[dict[str, object]] | None = None) -> Path:
    path = folder / "list.ftm.jsonl"
    path.write_text(
        "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in entities or ENTITIES),
        encoding="utf-8",
    )
    (folder / "list.ftm.jsonl.meta.yml").write_text(
        "id: test-list\nversion: '1'\ntitle: t\nsource: tests\nlicence: none\n", encoding="utf-8"
    )
    return path
