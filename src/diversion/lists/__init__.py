"""Sanctions and export-control lists as FollowTheMoney entities, in versioned snapshots."""

from diversion.lists.bundled import demo_list
from diversion.lists.importers import ListFormatError
from diversion.lists.model import SanctionsList

__all__ = ["ListFormatError", "SanctionsList", "demo_list"]
