"""A real `diversion serve` on loopback for the load benchmarks (api.py, load.py): the CLI run
in a home, a free port, and the server started and waited for until `/readyz` says ok."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

EXE = Path(sys.executable).with_name("diversion")


def cli(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([str(EXE), *args], env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"diversion {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def serve(env: dict[str, str]) -> tuple[subprocess.Popen[str], str]:
    """`diversion serve` in the environment's home, once its lists are loaded: (process, URL)."""
    port = free_port()
    server = subprocess.Popen(
        [str(EXE), "serve", "--port", str(port)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    while True:
        if server.poll() is not None:
            raise SystemExit("diversion serve stopped")
        try:
            with urllib.request.urlopen(f"{base}/readyz", timeout=600) as response:
                if json.load(response)["status"] == "ok":
                    return server, base
        except OSError:
            time.sleep(0.5)
