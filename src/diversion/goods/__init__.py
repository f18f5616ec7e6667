"""Goods: HS and TN VED codes, and control lists as data."""

from diversion.goods.control_list import ControlList, ControlListEntry, load_chpl
from diversion.goods.hs import HsCodeError, parse_hs_code

__all__ = ["ControlList", "ControlListEntry", "HsCodeError", "load_chpl", "parse_hs_code"]
