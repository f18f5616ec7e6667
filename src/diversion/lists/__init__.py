"""Sanctions and export-control lists as FollowTheMoney entities."""

from diversion.lists.ftm import ListFileError, SanctionsList, demo_list, load_ftm_list

__all__ = ["ListFileError", "SanctionsList", "demo_list", "load_ftm_list"]
