"""Sign-in with a user name and password, with failed attempts limited per user name and per
client: the API's /auth/token and the web's sign-in page share one limiter.

The counts are kept in the store (`login_limits`), so they hold across the server's processes
and restarts. An attempt takes its place in the count *before* the password is checked, by one
conditional UPDATE per key that only succeeds below the limit: however many attempts arrive at
once, no more than the limit are ever checked. A correct password gives its place back, so
signing in successfully never uses up the limit.

The limit per client is higher than per user name: a client address may be an office behind
one NAT, and someone failing for a name that does not exist should not lock the whole office
out (their own name is locked after LOGIN_ATTEMPTS).
"""

from __future__ import annotations

import time

from sqlalchemy import case, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from diversion.cases.users import User, Users
from diversion.store import Store
from diversion.store.models import LoginLimitRow

LOGIN_ATTEMPTS = 5  # failed sign-ins per user name ...
CLIENT_ATTEMPTS = 30  # ... or per client address ...
LOGIN_WINDOW = 300.0  # ... in this many seconds from the first; then refused until it passes


class TooManyLogins(Exception):
    """Too many failed sign-ins for this user name or client just now."""


class LoginLimiter:
    """Failed sign-ins by key (`user:NAME`, `client:ADDRESS`) in a fixed window that starts
    at the first failure, counted in the store."""

    def __init__(
        self,
        store: Store,
        attempts: int = LOGIN_ATTEMPTS,
        client_attempts: int = CLIENT_ATTEMPTS,
        window: float = LOGIN_WINDOW,
    ) -> None:
        self.store = store
        self.attempts, self.client_attempts, self.window = attempts, client_attempts, window

    def limits(self, client: str, username: str) -> list[tuple[str, int]]:
        # in this order everywhere: two attempts never wait for each other's keys crosswise
        return [
            (f"user:{username}"[:200], self.attempts),
            (f"client:{client}"[:200], self.client_attempts),
        ]

    def sign_in(self, users: Users, client: str, username: str, password: str) -> User | None:
        """The user if the password is theirs, None if not; TooManyLogins when blocked."""
        keys = self.limits(client, username)
        self.reserve(keys)
        user = users.check_password(username, password)
        if user is not None:
            self.release([key for key, _ in keys])
        return user

    def reserve(self, keys: list[tuple[str, int]]) -> None:
        """Count one failure against every key, or none (TooManyLogins) if one is at its limit."""
        now = time.time()
        cutoff = now - self.window
        with self.store.transaction() as session:
            for key, limit in keys:
                _insert_missing(session, key, now)
                expired = LoginLimitRow.window_start <= cutoff
                counted = session.execute(
                    update(LoginLimitRow)
                    .where(LoginLimitRow.key == key)
                    .where(expired | (LoginLimitRow.failures < limit))
                    .values(
                        failures=case((expired, 1), else_=LoginLimitRow.failures + 1),
                        window_start=case((expired, now), else_=LoginLimitRow.window_start),
                    )
                    .execution_options(synchronize_session=False)
                )
                if counted.rowcount != 1:  # type: ignore[attr-defined]
                    raise TooManyLogins()  # the transaction rolls back: nothing counted
            _prune(session, cutoff, [key for key, _ in keys])

    def release(self, keys: list[str]) -> None:
        with self.store.transaction() as session:
            session.execute(
                update(LoginLimitRow)
                .where(LoginLimitRow.key.in_(keys), LoginLimitRow.failures > 0)
                .values(failures=LoginLimitRow.failures - 1)
                .execution_options(synchronize_session=False)
            )

    def failures(self, key: str) -> int:
        """Failures counted for a key in its current window (for `diversion` and the tests)."""
        with self.store.read() as session:
            row = session.get(LoginLimitRow, key)
            if row is None or row.window_start <= time.time() - self.window:
                return 0
            return row.failures


def _insert_missing(session: Session, key: str, now: float) -> None:
    """The key's row, if it has none yet (a write first: on SQLite it takes the lock)."""
    values = {"key": key, "window_start": now, "failures": 0}
    if session.get_bind().dialect.name == "postgresql":
        session.execute(postgresql.insert(LoginLimitRow).values(values).on_conflict_do_nothing())
    else:
        session.execute(sqlite.insert(LoginLimitRow).values(values).on_conflict_do_nothing())


def _prune(session: Session, cutoff: float, keep: list[str]) -> None:
    """Forget windows that have passed; on PostgreSQL only rows nobody holds (SKIP LOCKED), so
    the clean-up never waits for, or deadlocks with, another sign-in."""
    stale = select(LoginLimitRow.key).where(
        LoginLimitRow.window_start <= cutoff, LoginLimitRow.key.not_in(keep)
    )
    if session.get_bind().dialect.name == "postgresql":
        stale = stale.limit(100).with_for_update(skip_locked=True)
    session.execute(
        delete(LoginLimitRow)
        .where(LoginLimitRow.key.in_(stale.scalar_subquery()))
        .execution_options(synchronize_session=False)
    )
