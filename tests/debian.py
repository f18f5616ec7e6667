"""Installing a Debian package for the test set-up (PostgreSQL, chromium): as root, or with
`sudo -n`; any failure says which command failed and how it ended."""

from __future__ import annotations

import os
import shutil
import subprocess


def apt_install(package: str) -> str | None:
    """Install `package` with apt-get; None when done, else why it could not be."""
    if shutil.which("apt-get") is None:
        return "no apt-get to install it"
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (
        [*sudo, "apt-get", "update", "-q"],
        [*sudo, "apt-get", "install", "-y", "-q", "--no-install-recommends", package],
    ):
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
            return f"`{' '.join(command)}` failed: {' / '.join(tail)}"
    return None
