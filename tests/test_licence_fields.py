"""The licence fields are declared once (licences.model.FIELDS): the model, the CSV columns,
the JSON, the store's columns and the API schema are read from them, and a test fails if the
store's table (which sits below the licences and cannot import them) or the docs drift."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

from diversion.api.schemas import LicenceOut
from diversion.home import Home
from diversion.licences import LicenceStore
from diversion.licences.csv_format import COLUMNS
from diversion.licences.model import AMOUNT, FIELDS, Licence
from diversion.licences.register import demo_register
from diversion.store import open_store
from diversion.store.engine import default_url
from diversion.store.models import LicenceRow

ROOT = Path(__file__).resolve().parent.parent
BOOKKEEPING = {"quantity_used_milli", "value_used_milli", "source", "created_at", "updated_at"}


def test_the_model_has_exactly_the_declared_fields() -> None:
    assert {f.name for f in dataclasses.fields(Licence)} == {f.name for f in FIELDS}
    assert len({f.name for f in FIELDS}) == len(FIELDS)


def test_the_csv_columns_are_the_fields_but_the_goods_description_in_the_docs_order() -> None:
    assert tuple(f.name for f in FIELDS if f.name != "goods_description") == COLUMNS
    header = next(
        line for line in (ROOT / "docs" / "licences.md").read_text().splitlines()
        if line.startswith("licence_no,")
    )  # fmt: skip
    assert tuple(header.split(",")) == COLUMNS


def test_the_store_table_holds_every_field_and_only_bookkeeping_besides() -> None:
    columns = {column.name for column in LicenceRow.__table__.columns}
    fields = {f.store_column for f in FIELDS}
    assert fields <= columns, fields - columns
    assert columns - fields == BOOKKEEPING
    assert {f.store_column for f in FIELDS if f.kind == AMOUNT} == {
        "quantity_limit_milli",
        "value_limit_milli",
    }


def test_a_licence_goes_through_the_store_and_back_unchanged(tmp_path: Path) -> None:
    home = Home(tmp_path / "home")
    store = open_store(home, default_url(home))
    demo = [state.licence for state in demo_register().licences.values()]
    limited = dataclasses.replace(
        demo[0], quantity_limit=Decimal("12.345"), goods_description="FPGA boards"
    )
    for licence in [limited, *demo[1:]]:
        assert Licence.from_store(_Row(licence.store_values())) == licence
        LicenceStore(store).add(licence)
    stored = {state.licence.licence_no: state.licence for state in LicenceStore(store).licences()}
    assert stored == {licence.licence_no: licence for licence in [limited, *demo[1:]]}


class _Row:
    def __init__(self, values: dict[str, object]) -> None:
        self.__dict__.update(values)


def test_the_json_and_the_api_schema_follow_the_fields() -> None:
    state = next(iter(demo_register().licences.values()))
    body = state.to_dict()
    declared = [f.name for f in FIELDS]
    assert list(body)[: len(declared)] == declared
    assert list(LicenceOut.model_fields) == list(body)
    assert LicenceOut.model_validate(body).model_dump() == body
    described = {name: info.description for name, info in LicenceOut.model_fields.items()}
    assert described["goods"] == next(f.description for f in FIELDS if f.name == "goods")
