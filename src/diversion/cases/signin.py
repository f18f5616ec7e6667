"""Sign-in with a user name and password, with failed attempts limited per user name and per
client: the API's /auth/token and the web's sign-in page share one limiter."""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque

from diversion.cases.users import User, Users

LOGIN_ATTEMPTS = 5  # failed sign-ins per user name or client ...
LOGIN_WINDOW = 300.0  # ... in this many seconds; then refused until the window passes


class TooManyLogins(Exception):
    """Too many failed sign-ins for this user name or client just now."""


class LoginLimiter:
    """Failed logins by key (user name, client address) in a sliding window."""

    def __init__(self, attempts: int = LOGIN_ATTEMPTS, window: float = LOGIN_WINDOW) -> None:
        self.attempts, self.window = attempts, window
        self.failures: dict[str, deque[float]] = defaultdict(deque)
        self.lock = threading.Lock()

    def blocked(self, *keys: str) -> bool:
        now = time.monotonic()
        with self.lock:
            for key in keys:
                times = self.failures[key]
                while times and now - times[0] > self.window:
                    times.popleft()
                if len(times) >= self.attempts:
                    return True
        return False

    def failed(self, *keys: str) -> None:
        with self.lock:
            for key in keys:
                self.failures[key].append(time.monotonic())

    def sign_in(self, users: Users, client: str, username: str, password: str) -> User | None:
        """The user if the password is theirs, None if not; TooManyLogins when blocked."""
        keys = (f"user:{username}", f"client:{client}")
        if self.blocked(*keys):
            raise TooManyLogins()
        user = users.check_password(username, password)
        if user is None:
            self.failed(*keys)
        return user
