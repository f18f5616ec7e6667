"""Goods: HS and TN VED codes, the HS 2017/2022 concordance, and control lists as data."""

from diversion.goods.bundled import bundled_lists, list_files, load_control_lists
from diversion.goods.concordance import Concordance, Correlation, load_concordance
from diversion.goods.control_list import (
    ControlList,
    ControlListEntry,
    ControlListError,
    ControlListErrors,
    load_chpl,
    load_control_list,
    read_control_list,
)
from diversion.goods.hs import (
    GoodsCode,
    HsCodeError,
    chapter,
    heading,
    hs6,
    parse_code_prefix,
    parse_hs_code,
)
from diversion.goods.lookup import ControlLists, Hit

__all__ = [
    "Concordance",
    "ControlList",
    "ControlListEntry",
    "ControlListError",
    "ControlListErrors",
    "ControlLists",
    "Correlation",
    "GoodsCode",
    "Hit",
    "HsCodeError",
    "bundled_lists",
    "chapter",
    "heading",
    "hs6",
    "list_files",
    "load_chpl",
    "load_concordance",
    "load_control_list",
    "load_control_lists",
    "parse_code_prefix",
    "parse_hs_code",
    "read_control_list",
]
