"""The people who work cases, and their roles. Passwords and tokens sign in to the web, the
API and the CLI's commands that record who acted."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from diversion.cases.workflow import workflow
from diversion.store import Store, audit
from diversion.store.models import ApiTokenRow, UserRow

HASHER = PasswordHasher()  # argon2id with the library's current parameters (hashes nothing yet)
MIN_PASSWORD = 12


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

    def admin_can_sign_in(self) -> bool:
        """Whether an enabled admin has a password: until one has, the store is being set up
        and the CLI manages users without a credential."""
        with self.store.read() as session:
            found = session.scalar(
                select(UserRow.username)
                .where(UserRow.role == "admin", UserRow.password_hash.is_not(None))
                .where(UserRow.disabled.is_(False))
                .limit(1)
            )
            return found is not None

    def set_password(self, username: str, password: str, actor: str = audit.SYSTEM) -> None:
        if len(password) < MIN_PASSWORD:
            raise ValueError(f"a password has at least {MIN_PASSWORD} characters")
        with self.store.transaction() as session:
            audit.lock(session)
            row = session.get(UserRow, username)
            if row is None:
                raise ValueError(f"no user {username!r}")
            row.password_hash = HASHER.hash(password)
            audit.append(session, actor, "user", username, {"password": "set"})

    def check_password(self, username: str, password: str) -> User | None:
        """The user, if the password is theirs; None otherwise (same time either way)."""
        with self.store.read() as session:
            row = session.get(UserRow, username)
            stored = row.password_hash if row is not None and not row.disabled else None
        try:
            HASHER.verify(stored or _dummy_hash(), password)
        except (VerificationError, InvalidHashError):
            return None
        if row is None or stored is None:
            return None
        return User(row.username, row.display_name, row.role, row.disabled)

    def create_token(self, username: str, label: str, actor: str = audit.SYSTEM) -> str:
        """A new bearer token for the user; shown once, kept only as its SHA-256."""
        token = "dvn_" + secrets.token_urlsafe(32)
        with self.store.transaction() as session:
            audit.lock(session)
            if session.get(UserRow, username) is None:
                raise ValueError(f"no user {username!r}")
            session.add(
                ApiTokenRow(
                    token_sha256=token_digest(token),
                    username=username,
                    label=label,
                    created_at=datetime.now(UTC),
                    revoked_at=None,
                )
            )
            audit.append(session, actor, "user", username, {"token": label})
        return token

    def revoke_token(self, token: str) -> None:
        with self.store.transaction() as session:
            row = session.get(ApiTokenRow, token_digest(token))
            if row is not None and row.revoked_at is None:
                row.revoked_at = datetime.now(UTC)

    def for_token(self, token: str) -> User | None:
        with self.store.read() as session:
            found = session.get(ApiTokenRow, token_digest(token))
            if found is None or found.revoked_at is not None:
                return None
            row = session.get(UserRow, found.username)
            if row is None or row.disabled:
                return None
            return User(row.username, row.display_name, row.role, row.disabled)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@cache
def _dummy_hash() -> str:
    """What an unknown user's password is checked against, so that a sign-in takes as long
    either way. Made at the first sign-in, not at import: argon2 is slow on purpose (about a
    quarter of a second here), and every command would pay it."""
    return HASHER.hash("not anybody's password")
