"""`diversion serve` as a real process: the first start creates the demo accounts (passwords
printed once) and fills the queue with the demo declarations; the API answers on its port."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

EXE = Path(sys.executable).with_name("diversion")


def _port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_serve_starts_with_demo_accounts_and_a_queue(tmp_path: Path) -> None:
    port = _port()
    env = {**os.environ, "COLUMNS": "200", "DIVERSION_HOME": str(tmp_path / "home")}
    server = subprocess.Popen(
        [str(EXE), "serve", "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        lines: list[str] = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = server.stdout.readline() if server.stdout else ""
            lines.append(line)
            if "Diversion API on" in line:
                break
        output = "".join(lines)
        accounts = dict(re.findall(r"Demo account (\S+) \(\w+\), password: (\S+)", output))
        assert set(accounts) == {"demo-analyst", "demo-supervisor"}
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=2) as response:
                    assert json.load(response)["status"] == "ok"
                break
            except OSError:
                time.sleep(0.2)
        form = urllib.parse.urlencode(
            {"username": "demo-analyst", "password": accounts["demo-analyst"]}
        ).encode()
        with urllib.request.urlopen(f"{base}/auth/token", data=form, timeout=10) as response:
            token = json.load(response)["access_token"]
        request = urllib.request.Request(
            f"{base}/cases", headers={"Authorization": f"Bearer {token}"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            queue = json.load(response)
        assert len(queue) >= 10 and {c["corridor"] for c in queue} == {"yellow", "red"}
    finally:
        server.terminate()
        server.wait(timeout=30)
