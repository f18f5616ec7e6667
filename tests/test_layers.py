"""Layers point down: a part imports only the parts below it (DESIGN.md, docs/development.md).

Every `import` and `from ... import` in src/diversion is read, at module level, under
TYPE_CHECKING and inside functions alike (an import put in a function to dodge a cycle is still
the dependency), and so are string imports (`import_module("diversion....")`). An import of a
part from a part below it fails, unless it is listed in KNOWN_UPWARD with the part of issue 20
that removes it; a listed exception that is gone fails too, so the list only shrinks.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import diversion

SRC = Path(diversion.__file__).resolve().parent

# Bottom to top. A part may import the parts of the layers below its own; parts that share a
# layer may not import each other. Follows DESIGN.md's data flow: reference data and the store
# at the bottom, the lists, goods, licences and registry feed the matching and the screening,
# whose decisions the cases keep; the front ends on top. Where the design's table names no
# order between two parts the code decides: declarations read HS codes (goods below them), and
# the network reads licences' parties (licences below the network).
LAYERS: list[tuple[str, ...]] = [
    ("reference", "home", "csv_output", "lazy", "files", "folding", "i18n"),  # no parts below
    ("store",),  # database, migrations and the audit log
    ("countries",),
    ("goods",),
    ("declarations",),
    ("rules",),
    ("lists",),
    ("matching",),
    ("licences",),
    ("network",),
    ("screening",),
    ("cases",),
    ("flows",),
    ("selectivity",),  # not written yet: its place is kept
    ("service",),  # what a front end asks of a home, done once (screening, re-screening)
    ("web",),  # the pages; the API mounts them and shares their session cookie
    ("api",),
    ("cli",),
]

PLACED = frozenset(part for layer in LAYERS for part in layer)

# Trade statistics are a branch of their own: reference data in, findings out. Above the
# screening in the order for the front ends' sake, but they use none of it.
BRANCHES: dict[str, frozenset[str]] = {
    "flows": frozenset({"lists", "matching", "licences", "network", "screening", "cases"}),
}

# Upward imports that remain, each with the part of issue 20 that removes it. Keys are
# (importing module, imported module). Empty is the goal.
KNOWN_UPWARD: dict[tuple[str, str], str] = {}

# The one module allowed a string import it cannot spell out: PEP 562 exports, which import
# only from the package that calls it (`lazy_exports(__name__, ...)`).
DYNAMIC_IMPORTERS = frozenset({"diversion.lazy"})


def rank(part: str) -> int:
    for level, parts in enumerate(LAYERS):
        if part in parts:
            return level
    raise KeyError(part)


@dataclass(frozen=True)
class Import:
    module: str  # the importing module, dotted
    target: str  # the imported module, dotted ("" when a string import cannot be read)
    line: int
    how: str  # "import" or "string"

    def __str__(self) -> str:
        return f"{self.module}:{self.line} imports {self.target or '<a computed name>'}"


def module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _string_target(call: ast.Call) -> str | None:
    """The module a call to import_module or __import__ names, as far as it is written out:
    the literal, or the literal start of an f-string; "" if none of it is; None if the call
    is no import."""
    func = call.func
    name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
    if name not in ("import_module", "__import__") or not call.args:
        return None
    arg = call.args[0]
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return arg.value
    if isinstance(arg, ast.JoinedStr) and arg.values:
        first = arg.values[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            return first.value.rstrip(".")
    return ""


def imports_of(source: str, module: str, is_package: bool = False) -> Iterator[Import]:
    """Every import of a diversion module in one module's source, wherever it stands."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(module, alias.name, node.lineno, "import")
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            yield Import(module, target, node.lineno, "import")
            for alias in node.names:  # `from diversion import cases`: a name may be a module
                yield Import(module, f"{target}.{alias.name}", node.lineno, "import")
        elif isinstance(node, ast.Call):
            named = _string_target(node)
            if named is not None:
                yield Import(module, named, node.lineno, "string")


def part_of(module: str) -> str | None:
    """The part a diversion module belongs to (`diversion.cases.workflow` -> `cases`)."""
    names = module.split(".")
    if names[0] != "diversion" or len(names) < 2:
        return None
    return names[1]


def problems(imports: list[Import]) -> list[str]:
    """What breaks the layering: an upward import, a branch reaching over, a string import of
    another part, or one whose module cannot be read."""
    found: list[str] = []
    for imp in imports:
        source = part_of(imp.module)
        if imp.how == "string" and not imp.target.startswith("diversion"):
            if imp.target == "" and imp.module not in DYNAMIC_IMPORTERS:
                found.append(f"{imp}: a string import whose module cannot be read")
            continue
        target = part_of(imp.target)
        if source is None or target not in PLACED or source == target:
            continue  # `from diversion import __version__` is no part; every part is placed
        if imp.how == "string":
            found.append(f"{imp}: a string import of another part; import it by name")
            continue
        if target in BRANCHES.get(source, ()):
            found.append(f"{imp}: {source} is a branch of its own and uses no {target}")
        elif rank(target) >= rank(source) and (imp.module, imp.target) not in KNOWN_UPWARD:
            where = "is below" if rank(target) > rank(source) else "shares a layer with"
            found.append(f"{imp}: {source} {where} {target}")
    return found


def all_imports() -> list[Import]:
    found: list[Import] = []
    for path in sorted(SRC.rglob("*.py")):
        module = module_name(path, SRC)
        text = path.read_text(encoding="utf-8")
        found.extend(imports_of(text, module, path.name == "__init__.py"))
    return found


def test_every_part_has_a_layer() -> None:
    parts = {p.stem for p in SRC.glob("*.py") if p.stem != "__init__"}
    parts |= {p.parent.name for p in SRC.glob("*/__init__.py")}
    assert parts - PLACED == set(), "put each new part in LAYERS"
    for branch, barred in BRANCHES.items():
        assert {branch, *barred} <= PLACED


def test_no_part_imports_a_part_above_it() -> None:
    assert problems(all_imports()) == []


def test_known_upward_imports_are_still_there() -> None:
    """An exception that was fixed leaves the list, so it cannot come back unnoticed."""
    present = {(imp.module, imp.target) for imp in all_imports()}
    assert [key for key in KNOWN_UPWARD if key not in present] == []


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        ("diversion.lists.snapshots", "from diversion.cases import audit", "lists is below cases"),
        (
            "diversion.screening.checks",
            "def f():\n    import diversion.cases.workflow\n",
            "screening is below cases",
        ),
        (
            "diversion.flows.report",
            "from diversion.screening.output import x",
            "flows is a branch of its own",
        ),
        (
            "diversion.web.deps",
            "if TYPE_CHECKING:\n    from diversion.api import app\n",
            "web is below api",
        ),
        (
            "diversion.lists.importers",
            "import_module('diversion.network.registry_csv')",
            "a string import of another part",
        ),
        ("diversion.lists.importers", "importlib.import_module(name)", "cannot be read"),
        ("diversion.store.audit", "from ..cases import workflow", "store is below cases"),
        ("diversion.lists.snapshots", "from diversion import cases", "lists is below cases"),
    ],
)
def test_the_checker_finds_each_kind_of_upward_import(
    module: str, source: str, expected: str
) -> None:
    found = problems(list(imports_of(source, module)))
    assert found and all(expected in problem for problem in found), found


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("diversion.cases.workflow", "from diversion.screening.records import keep"),
        ("diversion.lists.importers", "import_module(f'diversion.lists.importers.{name}')"),
        ("diversion.cli.groups", "from . import lists"),
        ("diversion.lists.snapshots", "from diversion.store import audit"),
        ("diversion.lazy", "import_module(f'{package}.{module}')"),
    ],
)
def test_the_checker_lets_downward_imports_pass(module: str, source: str) -> None:
    assert problems(list(imports_of(source, module, is_package=module.endswith("importers")))) == []
