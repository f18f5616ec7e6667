"""Names a package exports, loaded from their module when first used (PEP 562).

A package whose `__init__` imported all its modules made every light module of it heavy: the
CLI needs a list of format names or a default to build its help, and paid for
followthemoney, the matching index or SQLAlchemy to get it. A package lists its exports here
instead; `from package import Name` still works, and imports the one module that defines it.
A name must not be that of a submodule: once the submodule is imported, the package attribute
is the module.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from importlib import import_module


def lazy_exports(package: str, exports: Mapping[str, str]) -> Callable[[str], object]:
    """A module `__getattr__` for `package`: `exports` maps each name to the submodule (relative
    to the package) that defines it."""

    def __getattr__(name: str) -> object:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(f"{package}.{module}"), name)
        setattr(sys.modules[package], name, value)  # found directly from now on
        return value

    return __getattr__
