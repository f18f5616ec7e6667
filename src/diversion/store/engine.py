"""Opening the store: the database URL, its pragmas, and migrating it to the current schema.

A database URL may hold a password (`postgresql+psycopg://user:secret@host/db`). It is never
printed: messages show `display_url`, and an error from opening the store has the password
taken out of its text (`StoreError`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

from diversion.home import URL_VAR as URL_VAR
from diversion.home import Home

MIGRATIONS = Path(__file__).parent / "migrations"
HIDDEN = "***"
_USERINFO = re.compile(r"(?<=://)[^/\s]*@")  # user:password@ up to the host, in any URL


class StoreError(Exception):
    """The store cannot be opened; the message names the database without its password."""


def _userinfo(url: str) -> str:
    """What stands between `//` and the last `@`: the user and password, if any."""
    head, at, _ = url.rpartition("@")
    return head.split("//", 1)[-1] if at else ""


def display_url(url: str) -> str:
    """The URL with its password shown as ***, fit to print; of one that does not parse, all
    between `//` and the host is hidden."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        userinfo = _userinfo(url)
        return url.replace(userinfo + "@", f"{HIDDEN}@", 1) if userinfo else url


def redact(message: str, url: str) -> str:
    """A message (an exception's text, say) with the URL's password taken out, as written in
    the URL, decoded and encoded, and with the user and password of any URL in it hidden."""
    secrets = {url: display_url(url)}
    try:
        password = make_url(url).password
    except (ArgumentError, ValueError):  # not parsed: the user and password, and the latter
        userinfo = _userinfo(url)
        password = userinfo.partition(":")[2]
        if userinfo:
            secrets[userinfo] = HIDDEN
    if password:
        text = str(password)
        for form in (text, quote(text, safe=""), unquote(text)):
            secrets[form] = HIDDEN
    for secret in sorted(secrets, key=len, reverse=True):  # the whole URL before its parts
        message = message.replace(secret, secrets[secret])
    return _USERINFO.sub(lambda m: m.group(0) if HIDDEN in m.group(0) else f"{HIDDEN}@", message)


def default_url(home: Home) -> str:
    return f"sqlite:///{home.path('diversion.sqlite')}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


@dataclass
class Store:
    engine: Engine
    url: str = field(repr=False)  # it may hold a password; print display_url(store.url)

    def __post_init__(self) -> None:
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One transaction: everything in it is written, or nothing is."""
        with self._sessions() as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._sessions() as session:
            yield session

    def migrate(self) -> None:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        with self.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")


def open_store(home: Home, url: str | None = None) -> Store:
    """The store of a home, migrated to the current schema (`url` or $DIVERSION_DB_URL wins).
    StoreError, without the password, if it cannot be opened."""
    url = url or os.environ.get(URL_VAR) or default_url(home)
    try:
        engine = create_engine(url)
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _sqlite_pragmas)
        store = Store(engine, url)
        store.migrate()
    except Exception as exc:  # a bad URL, an unreachable server, a wrong password, ...
        reason = redact(str(exc), url)
        # `from None`: the chained exception's text could hold the password
        raise StoreError(f"cannot open the store {display_url(url)}: {reason}") from None
    return store
