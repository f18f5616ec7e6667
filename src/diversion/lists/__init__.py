"""Sanctions and export-control lists as FollowTheMoney entities, in versioned snapshots."""

from typing import TYPE_CHECKING

from diversion.lazy import lazy_exports

if TYPE_CHECKING:
    from diversion.lists.bundled import demo_list
    from diversion.lists.importers import ListFormatError
    from diversion.lists.model import SanctionsList
else:  # the format and source names are had without followthemoney
    __getattr__ = lazy_exports(
        __name__,
        {"demo_list": "bundled", "ListFormatError": "importers", "SanctionsList": "model"},
    )

__all__ = ["ListFormatError", "SanctionsList", "demo_list"]
