"""A throwaway PostgreSQL server for the test suite, so that store tests run on both backends.

`make test` runs `python -m tests.pg install` (Debian's `postgresql` package, only when no
server binaries are found) and then `python -m tests.pg run -- pytest ...`: that starts a
private cluster in a temporary directory, listening on a free loopback port with a random
password, sets DIVERSION_TEST_PG_URL for the command, and removes the cluster afterwards.
Run as root, the server runs as the `postgres` user (PostgreSQL refuses to run as root).

When pytest runs without DIVERSION_TEST_PG_URL, the `pg_server` fixture starts a cluster the
same way. If none can be started, PostgreSQL tests skip with a loud message, unless CI or
DIVERSION_REQUIRE_PG=1 is set: then they fail.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tests.debian import apt_install

URL_VAR = "DIVERSION_TEST_PG_URL"
REQUIRE_VAR = "DIVERSION_REQUIRE_PG"
UNAVAILABLE_VAR = "DIVERSION_TEST_PG_UNAVAILABLE"  # why `run` could not start one
DEBIAN_PACKAGE = "postgresql"
USER = "diversion"


class ServerError(RuntimeError):
    """No PostgreSQL server could be installed or started; the message says why."""


def required() -> bool:
    """In CI, a missing PostgreSQL is a failure, never a skip."""
    return bool(os.environ.get("CI")) or os.environ.get(REQUIRE_VAR, "") not in ("", "0")


def find_bindir() -> Path | None:
    """The directory of `initdb`, `pg_ctl` and `postgres`: on PATH, else Debian's newest."""
    on_path = [shutil.which(name) for name in ("initdb", "pg_ctl", "postgres")]
    if all(on_path):
        bindirs = {Path(str(found)).resolve().parent for found in on_path}
        if len(bindirs) == 1:
            return bindirs.pop()
    debian = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    for bindir in reversed(debian):
        if all((bindir / name).is_file() for name in ("initdb", "pg_ctl", "postgres")):
            return bindir
    return None


def install() -> Path:
    """The server binaries, installing Debian's package first if there are none."""
    found = find_bindir()
    if found is not None:
        return found
    failure = apt_install(DEBIAN_PACKAGE)
    if failure is not None:
        raise ServerError(f"no PostgreSQL binaries (initdb, pg_ctl, postgres), and {failure}")
    found = find_bindir()
    if found is None:
        raise ServerError(f"installed {DEBIAN_PACKAGE!r} but found no server binaries")
    return found


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _server_user() -> str | None:
    """Who runs the server: us, or (as root) `postgres`, else `nobody`."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    raise ServerError("running as root, and there is no `postgres` or `nobody` user")


@dataclass
class Server:
    root: Path
    bindir: Path
    port: int
    password: str
    run_as: str | None

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def url(self) -> str:
        """SQLAlchemy URL of the maintenance database (psycopg 3 driver)."""
        return f"postgresql+psycopg://{USER}:{self.password}@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        prefix = ["runuser", "-u", self.run_as, "--"] if self.run_as else []
        return subprocess.run(
            [*prefix, *args], capture_output=True, text=True, check=False, timeout=120
        )

    def start(self) -> None:
        pwfile = self.root / "pwfile"
        pwfile.write_text(self.password + "\n", encoding="utf-8")
        if self.run_as:
            entry = pwd.getpwnam(self.run_as)
            for path in (self.root, pwfile):
                os.chown(path, entry.pw_uid, entry.pw_gid)
        self.root.chmod(0o700)
        done = self._run(
            str(self.bindir / "initdb"), "-D", str(self.data), "-U", USER, f"--pwfile={pwfile}",
            "--auth-local=scram-sha-256", "--auth-host=scram-sha-256", "-E", "UTF8",
            "--locale=C.UTF-8", "--no-sync",
        )  # fmt: skip
        pwfile.unlink()
        if done.returncode != 0:
            raise ServerError(f"initdb failed: {done.stderr.strip() or done.stdout.strip()}")
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.root} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        done = self._run(
            str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "log"),
            "-o", options, "-w", "-t", "60", "start",
        )  # fmt: skip
        if done.returncode != 0:
            log = self.root / "log"
            tail = log.read_text(errors="replace").strip().splitlines()[-5:] if log.exists() else []
            raise ServerError(f"pg_ctl start failed: {done.stderr.strip()} {' / '.join(tail)}")

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "stop")
        shutil.rmtree(self.root, ignore_errors=True)


def start() -> Server:
    """A new private cluster, started; ServerError says why not."""
    bindir = find_bindir()
    if bindir is None:
        raise ServerError(
            "no PostgreSQL binaries (initdb, pg_ctl, postgres); `make pg` installs Debian's "
            f"{DEBIAN_PACKAGE!r} package"
        )
    run_as = _server_user()
    last: ServerError | None = None
    for _ in range(3):  # a free port can be taken between probing and binding it
        root = Path(tempfile.mkdtemp(prefix="diversion-pg-"))
        server = Server(root, bindir, _free_port(), secrets.token_urlsafe(18), run_as)
        try:
            server.start()
        except (ServerError, OSError, subprocess.TimeoutExpired) as exc:
            server.stop()
            last = exc if isinstance(exc, ServerError) else ServerError(str(exc))
            continue
        return server
    assert last is not None
    raise last


def _usage() -> int:
    print("usage: python -m tests.pg install | run -- COMMAND...", file=sys.stderr)
    return 2


def main(argv: list[str]) -> int:
    if argv[:1] == ["install"]:
        try:
            print(f"PostgreSQL binaries: {install()}")
        except ServerError as exc:
            if required():
                print(f"error: cannot install PostgreSQL: {exc}", file=sys.stderr)
                return 1
            print(f"WARNING: cannot install PostgreSQL ({exc}); its tests will skip")
        return 0
    if argv[:2] != ["run", "--"] or len(argv) < 3:
        return _usage()
    command = argv[2:]
    if os.environ.get(URL_VAR):
        return subprocess.run(command, check=False).returncode
    try:
        server = start()
    except ServerError as exc:
        if required():
            print(f"error: cannot start PostgreSQL for the tests: {exc}", file=sys.stderr)
            return 1
        banner = "!" * 78
        print(f"{banner}\nWARNING: no PostgreSQL for the tests: {exc}\n{banner}", file=sys.stderr)
        env = {**os.environ, UNAVAILABLE_VAR: str(exc)}
        return subprocess.run(command, env=env, check=False).returncode
    print(f"PostgreSQL {server.bindir.parent.name} for the tests on 127.0.0.1:{server.port}")
    try:
        return subprocess.run(
            command, env={**os.environ, URL_VAR: server.url}, check=False
        ).returncode
    finally:
        server.stop()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
