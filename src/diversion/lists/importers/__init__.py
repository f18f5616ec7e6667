"""List importers by format name. Each module turns one official format into FtM entities.

These are the formats of sanctions and other lists. A part above the lists with a format of its
own (a company registry, `diversion.network.registry_csv`) hands its importer to
`ListStore.import_files(read=...)`; it is not registered here."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from diversion.lazy import lazy_exports

if TYPE_CHECKING:
    from diversion.lists.importers.base import (
        IMPORTER_VERSION,
        Importer,
        ListFormatError,
        Parsed,
    )
else:  # FORMATS names the formats for the CLI's help without followthemoney
    __getattr__ = lazy_exports(
        __name__,
        {name: "base" for name in ("IMPORTER_VERSION", "Importer", "ListFormatError", "Parsed")},
    )


@dataclass(frozen=True)
class Format:
    module: str  # in this package
    function: str
    default_list: str
    takes: str  # what the user passes, for help texts


FORMATS: dict[str, Format] = {
    "ofac-csv": Format(
        "ofac_csv", "read_ofac_csv", "ofac-sdn",
        "the folder of OFAC's legacy CSV set, or its files (sdn.csv or cons_prim.csv required)",
    ),
    "ofac-xml": Format(
        "ofac_xml", "read_ofac_xml", "ofac-sdn", "SDN_ADVANCED.xml (or CONS_ADVANCED.xml)"
    ),
    "csl": Format(
        "csl", "read_csl", "us-csl",
        "the trade.gov Consolidated Screening List CSV (legacy or current columns), "
        "or the BIS Denied Persons List text file",
    ),
    "un-xml": Format(
        "un_xml", "read_un_xml", "un-sc", "the UN Security Council consolidated list XML"
    ),
    "eu-xml": Format(
        "eu_xml", "read_eu_xml", "eu-fsf", "the EU Financial Sanctions Files XML (v1.1)"
    ),
    "uk": Format("uk", "read_uk", "uk-sanctions", "the UK Sanctions List (FCDO)"),
    "ftm": Format("ftm", "read_ftm", "ftm", "FollowTheMoney entities, one JSON object per line"),
    "csv": Format(
        "user_csv", "read_user_csv", "user",
        "a CSV with id, schema, name, aliases, country, identifiers, address, program, reason, "
        "listed_at",
    ),
    "mapped-csv": Format(
        "mapped_csv", "read_mapped_csv", "mapped",
        "a CSV of its own shape and its mapping (--mapping NAME or FILE.yml; docs/lists.md)",
    ),
}  # fmt: skip


def _module(spec: Format) -> ModuleType:
    """The format's module, imported when first used: the CLI's help needs only the names."""
    return import_module(f"diversion.lists.importers.{spec.module}")


def list_format(fmt: str) -> Format:
    try:
        return FORMATS[fmt]
    except KeyError:
        raise ValueError(f"unknown list format {fmt!r}; known: {', '.join(FORMATS)}") from None


def importer(fmt: str) -> Importer:
    spec = list_format(fmt)
    loaded: Importer = getattr(_module(spec), spec.function)
    return loaded


def default_list_name(fmt: str) -> str:
    """The format's default list name; an importer that tells sources apart in the files
    (SDN or consolidated, CSL or DPL) names its own in `Parsed.list_name`."""
    return list_format(fmt).default_list


def parts(fmt: str, paths: Sequence[Path]) -> list[list[Path]]:
    """How the paths a user gave split into separately read parts: one per file for formats
    whose files are each a whole list, one per set for OFAC's CSV (SDN and consolidated), the
    paths as given for formats that read them together. The module's `parts` decides."""
    split: Callable[[Sequence[Path]], list[list[Path]]] | None = getattr(
        _module(list_format(fmt)), "parts", None
    )
    return split(paths) if split is not None else [list(paths)]


__all__ = [
    "FORMATS",
    "IMPORTER_VERSION",
    "Format",
    "Importer",
    "ListFormatError",
    "Parsed",
    "default_list_name",
    "importer",
    "list_format",
    "parts",
]
