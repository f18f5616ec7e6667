"""The repository stands alone: a clean clone with nothing beside it passes the tests."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import ROOT, SHARED

TESTS = ROOT / "tests"
# A path built out of the clone: `ROOT.parent`, `parents[2].parent`, "../shared" and the like.
OUTSIDE = re.compile(r"""\.parent\s*/\s*["']shared["']|\.\./shared|parents\[\d\]\.parent""")


def test_tests_read_real_files_from_inside_the_clone() -> None:
    assert SHARED.is_relative_to(ROOT)
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted(TESTS.rglob("*.py"))
        if path != Path(__file__)
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if OUTSIDE.search(line.split("#")[0])
    ]
    assert offenders == []


def test_every_copied_file_has_its_source_in_the_readme() -> None:
    readme = (SHARED / "README.md").read_text(encoding="utf-8")
    cited = set(re.findall(r"^\| `([^`]+)`", readme, flags=re.MULTILINE))
    cited |= set(re.findall(r"`([^`]+)`", readme))
    ours = {"README.md", "demo_expected.csv"}
    uncited = []
    for path in sorted(p for p in SHARED.rglob("*") if p.is_file()):
        relative = path.relative_to(SHARED).as_posix()
        if relative in ours:
            continue
        # a file is cited by its own path or by a folder holding it
        parents = {parent.as_posix() + "/" for parent in Path(relative).parents}
        if relative not in cited and not parents & cited:
            uncited.append(relative)
    assert uncited == []
