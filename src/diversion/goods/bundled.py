"""The control lists screening applies: the bundled ones, and any a user added to the home."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from diversion.goods.concordance import Concordance, bundled_concordance
from diversion.goods.control_list import (
    LIST_SUFFIXES,
    ControlList,
    ControlListErrors,
    load_chpl,
    load_control_list,
)
from diversion.goods.lookup import ControlLists
from diversion.reference import package_file

# Lists that ship with the package and apply by default; the example list does not apply.
BUNDLED = ("drones.yml", "kz_military_goods.yml")
EXAMPLE = "examples/example_national.yml"
# The folder of a home that holds the lists a user added (`diversion goods add`).
USER_DIR = "control-lists"


def bundled_file(name: str) -> Path:
    return package_file("diversion.goods", f"data/{name}")


@lru_cache(maxsize=1)
def bundled_lists() -> tuple[ControlList, ...]:
    return (load_chpl(), *(load_control_list(bundled_file(name)) for name in BUNDLED))


def list_files(folder: Path) -> list[Path]:
    """The list files in a folder (a sidecar alone is not a list)."""
    if not folder.is_dir():
        return []
    return sorted(
        path
        for path in folder.iterdir()
        if path.is_file()
        and path.suffix.lower() in LIST_SUFFIXES
        and not path.name.endswith(".meta.yml")
    )


def load_control_lists(
    user_dir: Path | None = None,
    extra: Iterable[Path] = (),
    chpl: ControlList | None = None,
    concordance: Concordance | None = None,
) -> ControlLists:
    """The bundled lists (with `chpl` in place of the bundled CHPL if given), then every list
    in `user_dir` and the `extra` files. A broken user list stops loading with all its faults:
    screening must not silently run without a list the user added."""
    lists = list(bundled_lists())
    if chpl is not None:
        lists[0] = chpl
    paths = [*(list_files(user_dir) if user_dir else []), *extra]
    errors = []
    for path in paths:
        try:
            lists.append(load_control_list(path))
        except ControlListErrors as exc:
            errors.extend(exc.errors)
    if errors:
        raise ControlListErrors(errors)
    return ControlLists(tuple(lists), concordance or bundled_concordance())
