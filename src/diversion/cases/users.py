"""The people who work cases, and their roles. Passwords are for the web and API sign-in;
the CLI names the acting user with `--as`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select

from diversion.cases import audit
from diversion.cases.workflow import workflow
from diversion.store import Store
from diversion.store.models import UserRow


@dataclass(frozen=True)
class User:
    username: str
    display_name: str
    role: str
    disabled: bool


class Users:
    def __init__(self, store: Store) -> None:
        self.store = store

    def add(
        self, username: str, role: str, display_name: str | None = None, actor: str = "system"
    ) -> User:
        if role not in workflow().roles:
            raise ValueError(f"role must be one of {', '.join(workflow().roles)}")
        if (
            not username
            or len(username) > 60
            or not username.replace("-", "").replace(".", "").replace("_", "").isalnum()
        ):
            raise ValueError("a username is 1 to 60 letters, digits, '.', '-' or '_'")
        with self.store.transaction() as session:
            audit.lock(session)
            if session.get(UserRow, username) is not None:
                raise ValueError(f"user {username!r} exists")
            row = UserRow(
                username=username,
                display_name=display_name or username,
                role=role,
                password_hash=None,
                created_at=datetime.now(UTC),
                disabled=False,
            )
            session.add(row)
            audit.append(session, actor, "user", username, {"added": username, "role": role})
        return User(username, row.display_name, role, False)

    def get(self, username: str) -> User | None:
        with self.store.read() as session:
            row = session.get(UserRow, username)
            return (
                None
                if row is None
                else User(row.username, row.display_name, row.role, row.disabled)
            )

    def all(self) -> list[User]:
        with self.store.read() as session:
            return [
                User(r.username, r.display_name, r.role, r.disabled)
                for r in session.scalars(select(UserRow).order_by(UserRow.username))
            ]
