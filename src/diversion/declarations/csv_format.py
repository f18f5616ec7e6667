"""The CSV form: one row per goods item, declaration-level fields repeated on each row.

Rows that share a `declaration_id` are one declaration. A declaration with any invalid row is
not screened; every problem is reported with its line and column. The file's encoding and
delimiter are sniffed (csv_table); in a `;`- or tab-separated file the numbers may have a
decimal comma, as Excel writes them there.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from pydantic import ValidationError

from diversion.declarations import fields
from diversion.declarations.csv_table import CsvTable, Row
from diversion.declarations.csv_table import header_errors as check_header
from diversion.declarations.errors import FILE, InputError, pydantic_errors
from diversion.declarations.model import Declaration

# (column, path in the nested record, required)
DECLARATION_COLUMNS: tuple[tuple[str, tuple[str, ...], bool], ...] = (
    ("declaration_id", ("declaration_id",), True),
    ("declared_at", ("declared_at",), True),
    ("procedure", ("procedure",), True),
    ("exporter_name", ("exporter", "name"), True),
    ("exporter_country", ("exporter", "country"), True),
    ("exporter_id", ("exporter", "id"), False),
    ("exporter_address", ("exporter", "address"), False),
    ("consignee_name", ("consignee", "name"), True),
    ("consignee_country", ("consignee", "country"), True),
    ("consignee_id", ("consignee", "id"), False),
    ("consignee_address", ("consignee", "address"), False),
    ("end_user_name", ("end_user", "name"), False),
    ("end_user_country", ("end_user", "country"), False),
    ("forwarder_name", ("forwarder", "name"), False),
    ("forwarder_country", ("forwarder", "country"), False),
    ("payer_name", ("payer", "name"), False),
    ("payer_country", ("payer", "country"), False),
    ("country_of_dispatch", ("country_of_dispatch",), True),
    ("country_of_destination", ("country_of_destination",), True),
)
ITEM_COLUMNS: tuple[tuple[str, bool], ...] = (
    ("item_no", True),
    ("hs_code", True),
    ("description", True),
    ("country_of_origin", True),
    ("manufacturer", False),
    ("quantity", True),
    ("unit", False),
    ("net_weight_kg", False),
    ("value", True),
    ("currency", True),
    ("licence_no", False),
)
COLUMNS = tuple(c for c, _, _ in DECLARATION_COLUMNS) + tuple(c for c, _ in ITEM_COLUMNS)
REQUIRED = {c for c, _, r in DECLARATION_COLUMNS if r} | {c for c, r in ITEM_COLUMNS if r}
_COLUMN_OF_PATH = {path: column for column, path, _ in DECLARATION_COLUMNS}
_OPTIONAL_PARTIES = ("end_user", "forwarder", "payer")
NUMBER_COLUMNS = ("quantity", "net_weight_kg", "value")


@dataclass
class _Group:
    """The rows of one declaration as read."""

    first_line: int
    header: dict[str, str | None]
    items: list[tuple[int, dict[str, str | None]]] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)


def _nest(group: _Group) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for column, path, _ in DECLARATION_COLUMNS:
        value = group.header.get(column)
        if value is None:
            continue
        target = record
        for key in path[:-1]:
            target = target.setdefault(key, {})
        target[path[-1]] = value
    record["items"] = [
        {c: row[c] for c, _ in ITEM_COLUMNS if row.get(c) is not None} for _, row in group.items
    ]
    return record


def _locate(group: _Group, loc: tuple[int | str, ...]) -> tuple[int, str]:
    """The line and column of a location in the nested record."""
    if loc and loc[0] == "items" and len(loc) >= 2 and isinstance(loc[1], int):
        line = group.items[loc[1]][0]
        return line, str(loc[2]) if len(loc) > 2 else "item_no"
    if loc and loc[0] == "items":
        return group.first_line, "item_no"
    parts = tuple(str(p) for p in loc)
    if parts in _COLUMN_OF_PATH:
        return group.first_line, _COLUMN_OF_PATH[parts]
    if parts and parts[0] in _OPTIONAL_PARTIES:
        return group.first_line, f"{parts[0]}_{parts[-1]}"
    return group.first_line, ".".join(parts) or FILE


def _named(row: Row, id_at: int) -> str | None:
    """The declaration a row that could not be read names in its id column, if any."""
    if id_at >= len(row.cells):
        return None
    cell = row.cells[id_at].strip()
    if row.problem is not None and not row.problem.startswith("row has"):
        cell = cell.strip('"').strip()  # a plain split: the cell may still be quoted
    return cell[: fields.MAX_TEXT] or None


def read_csv(table: CsvTable) -> tuple[list[Declaration], list[InputError], list[str]]:
    """Declarations, errors, and the ids of declarations rejected because of errors."""
    name = str(table.path)
    rows = table.rows()
    errors: list[InputError] = []
    first = next(rows, None)
    if first is None:
        return [], [InputError(name, 1, FILE, "file has no header row")], []
    if first.problem is not None:
        return [], [InputError(name, first.line, FILE, f"header: {first.problem}")], []
    header = [column.strip() for column in first.cells]
    header_errors = check_header(name, header, COLUMNS, REQUIRED)
    if header_errors:
        return [], header_errors, []

    groups: dict[str, _Group] = {}
    # rows that could not be read: the declaration they name is not screened without them
    # (a missing controlled item would turn it green); any cell that is a declaration's id
    # names it, as a shifted row may hold the id in another column
    unreadable: dict[str, int] = {}  # declaration id -> first line of such a row
    unread: list[tuple[InputError, set[str]]] = []
    id_at = header.index("declaration_id")
    for read in rows:
        if read.blank:
            continue  # a blank line is layout, not a row
        if read.problem is not None:
            error = InputError(name, read.line, FILE, read.problem, _named(read, id_at))
            unread.append((error, read.names()))
            continue
        row = {c: (v.strip() or None) for c, v in zip(header, read.cells, strict=True)}
        for column in NUMBER_COLUMNS:
            value = row.get(column)
            if value is not None:
                row[column] = table.number(value)
        declaration_id = row.get("declaration_id")
        if declaration_id is None:
            errors.append(
                InputError(name, read.line, "declaration_id", "required field is missing")
            )
            continue
        group = groups.get(declaration_id)
        head = {c: row.get(c) for c, _, _ in DECLARATION_COLUMNS}
        if group is None:
            group = groups[declaration_id] = _Group(first_line=read.line, header=head)
        else:
            for column, value in head.items():
                if value != group.header[column]:
                    group.errors.append(
                        InputError(
                            name,
                            read.line,
                            column,
                            f"{_short(value)} differs from {_short(group.header[column])} on "
                            f"line {group.first_line} of the same declaration",
                            declaration_id,
                        )
                    )
        group.items.append((read.line, row))
    for error, names in unread:
        # the declarations the row names: those whose id is in it, or else its id column's
        # (one error for each, so that each declaration's errors list it)
        named = sorted(names & groups.keys())
        if not named:
            errors.append(error)
            named = [error.declaration_id] if error.declaration_id else []
        else:
            errors.extend(replace(error, declaration_id=d) for d in named)
        for declaration_id in named:
            unreadable.setdefault(declaration_id, error.line)

    declarations: list[Declaration] = []
    rejected: list[str] = []
    for declaration_id, group in groups.items():
        try:
            declaration = Declaration.model_validate(_nest(group))
        except ValidationError as exc:
            for loc, reason in pydantic_errors(exc):
                line, column = _locate(group, loc)
                group.errors.append(InputError(name, line, column, reason, declaration_id))
        if group.errors:
            errors.extend(sorted(group.errors, key=lambda e: (e.line, e.field)))
            rejected.append(declaration_id)
        elif declaration_id in unreadable:
            rejected.append(declaration_id)
        else:
            declarations.append(declaration)
    # a declaration whose every row was unreadable is rejected too, by the id its rows name
    rejected += [d for d in unreadable if d not in groups]
    errors.sort(key=lambda e: e.line)
    if not declarations and not errors:
        errors.append(InputError(name, 2, FILE, "file has a header but no declarations"))
    return declarations, errors, rejected


def _short(value: str | None) -> str:
    """A cell as quoted in a reason, cut short."""
    return repr(value if value is None or len(value) <= 60 else value[:60] + "…")
