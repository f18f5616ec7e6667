"""Debian's headless Chromium for the tests that check pages in a real browser.

`make test` runs `python -m tests.browser install` (Debian's `chromium` package, only when no
browser is found). Outside CI, a machine without one skips those tests with a loud message; in
CI (or with DIVERSION_REQUIRE_BROWSER=1) they fail instead.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from tests.debian import apt_install

REQUIRE_VAR = "DIVERSION_REQUIRE_BROWSER"
NAMES = ("chromium", "chromium-browser")
DEBIAN_PACKAGE = "chromium"
# No background traffic, and every host name fails to resolve: a page that needs the network
# shows it by not rendering.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND",
)


class BrowserError(RuntimeError):
    pass


def required() -> bool:
    return bool(os.environ.get("CI")) or os.environ.get(REQUIRE_VAR, "") not in ("", "0")


def find() -> str | None:
    return next((found for name in NAMES if (found := shutil.which(name))), None)


def install() -> str:
    found = find()
    if found:
        return found
    failure = apt_install(DEBIAN_PACKAGE)
    if failure is not None:
        raise BrowserError(f"no chromium, and {failure}")
    found = find()
    if not found:
        raise BrowserError(f"installed {DEBIAN_PACKAGE!r} but found no chromium")
    return found


def rendered_dom(page: Path, budget_ms: int = 15000) -> str:
    """The page's DOM after its scripts ran, from a headless Chromium with no network."""
    browser = find()
    if browser is None:
        raise BrowserError("no chromium (`make test` installs Debian's package)")
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [browser, *FLAGS, f"--user-data-dir={profile}",
             f"--virtual-time-budget={budget_ms}", "--dump-dom", page.resolve().as_uri()],
            capture_output=True, text=True, timeout=180, check=False,
        )  # fmt: skip
    if done.returncode != 0 or "<html" not in done.stdout:
        raise BrowserError(f"chromium failed ({done.returncode}): {done.stderr[-500:]}")
    return done.stdout


def main(argv: list[str]) -> int:
    if argv[:1] != ["install"]:
        print("usage: python -m tests.browser install", file=sys.stderr)
        return 2
    try:
        print(f"chromium: {install()}")
    except BrowserError as exc:
        print(f"warning: {exc}", file=sys.stderr)
        return 1 if required() else 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))


def wait_until(page: Any, expression: str, timeout: float = 30.0) -> None:
    """Wait until a JavaScript expression is true in the page. Playwright's `wait_for_function`
    evaluates its predicate with `eval` inside the page, which the app's Content Security
    Policy (no 'unsafe-eval') rightly refuses; `page.evaluate` runs from outside the page."""
    import time

    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {timeout:.0f} s: {expression}")
        page.wait_for_timeout(100)
