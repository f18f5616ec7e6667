"""List importers by format name. Each module turns one official format into FtM entities."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
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
    module: str
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
    "registry-csv": Format(
        "diversion.network.registry_csv", "read_registry_csv", "registry",
        "a company registry: entities.csv and, optionally, relations.csv (docs/network.md)",
    ),
    "csv": Format(
        "user_csv", "read_user_csv", "user",
        "a CSV with id, schema, name, aliases, country, identifiers, address, program, reason, "
        "listed_at",
    ),
}  # fmt: skip


def importer(fmt: str) -> Importer:
    try:
        spec = FORMATS[fmt]
    except KeyError:
        raise ValueError(f"unknown list format {fmt!r}; known: {', '.join(FORMATS)}") from None
    name = spec.module if "." in spec.module else f"diversion.lists.importers.{spec.module}"
    module = import_module(name)
    loaded: Importer = getattr(module, spec.function)
    return loaded


def default_list_name(fmt: str) -> str:
    return FORMATS[fmt].default_list


__all__ = [
    "FORMATS",
    "IMPORTER_VERSION",
    "Format",
    "Importer",
    "ListFormatError",
    "Parsed",
    "default_list_name",
    "importer",
]
