"""The people who work cases, and their roles. Passwords and tokens sign in to the web, the
API and the CLI's commands that record who acted."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select

from diversion.cases.workflow import workflow
from diversion.store import Store, audit
from diversion.store.models import ApiTokenRow, UserRow

HASHER = PasswordHasher()  # argon2id with the library's current parameters (hashes nothing yet)
MIN_PASSWORD = 12
# How long a token lasts: a web session is signed in for a working day; a token from
# POST /auth/token for a day; one from `diversion users token` for --days (90 unless told).
SESSION_LIFETIME = timedelta(hours=12)
LOGIN_TOKEN_LIFETIME = timedelta(hours=24)
API_TOKEN_DAYS = 90
MAX_TOKEN_DAYS = 366
API, SESSION = "api", "session"  # the kinds of token: a session's is only good as its cookie


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

    def create_token(
        self,
        username: str,
        label: str,
        actor: str = audit.SYSTEM,
        lifetime: timedelta = timedelta(days=API_TOKEN_DAYS),
        kind: str = API,
    ) -> str:
        """A new token for the user, good for `lifetime`; shown once, kept only as its
        SHA-256. A `session` token is the web's cookie and is refused as a bearer token."""
        if kind not in (API, SESSION):
            raise ValueError(f"a token is {API!r} or {SESSION!r}")
        if not timedelta(0) < lifetime <= timedelta(days=MAX_TOKEN_DAYS):
            raise ValueError(f"a token lasts from 1 to {MAX_TOKEN_DAYS} days")
        token = "dvn_" + secrets.token_urlsafe(32)
        now = datetime.now(UTC)
        with self.store.transaction() as session:
            audit.lock(session)
            if session.get(UserRow, username) is None:
                raise ValueError(f"no user {username!r}")
            session.add(
                ApiTokenRow(
                    token_sha256=token_digest(token),
                    username=username,
                    label=label,
                    created_at=now,
                    revoked_at=None,
                    kind=kind,
                    expires_at=now + lifetime,
                )
            )
            audit.append(
                session,
                actor,
                "user",
                username,
                {"token": label, "kind": kind, "expires": (now + lifetime).isoformat()},
            )
        return token

    def revoke_token(self, token: str) -> None:
        with self.store.transaction() as session:
            row = session.get(ApiTokenRow, token_digest(token))
            if row is not None and row.revoked_at is None:
                row.revoked_at = datetime.now(UTC)

    def revoke(self, username: str, label: str | None = None, actor: str = audit.SYSTEM) -> int:
        """Revoke the user's tokens and web sessions (only those labelled `label`, if given),
        in the audit log; how many were still good."""
        now = datetime.now(UTC)
        with self.store.transaction() as session:
            audit.lock(session)
            if session.get(UserRow, username) is None:
                raise ValueError(f"no user {username!r}")
            query = select(ApiTokenRow).where(
                ApiTokenRow.username == username, ApiTokenRow.revoked_at.is_(None)
            )
            if label is not None:
                query = query.where(ApiTokenRow.label == label)
            rows = [row for row in session.scalars(query) if not _expired(row, now)]
            for row in rows:
                row.revoked_at = now
            audit.append(session, actor, "user", username, {"revoked": len(rows), "label": label})
        return len(rows)

    def for_token(self, token: str, kind: str = API) -> User | None:
        """The user of a token of this kind that is neither revoked nor expired."""
        with self.store.read() as session:
            found = session.get(ApiTokenRow, token_digest(token))
            if (
                found is None
                or found.revoked_at is not None
                or found.kind != kind
                or _expired(found, datetime.now(UTC))
            ):
                return None
            row = session.get(UserRow, found.username)
            if row is None or row.disabled:
                return None
            return User(row.username, row.display_name, row.role, row.disabled)


def _expired(row: ApiTokenRow, now: datetime) -> bool:
    if row.expires_at is None:
        return True  # every token is made with an expiry: one without is not trusted
    expires = row.expires_at
    if expires.tzinfo is None:  # SQLite gives back the UTC time it was given, without a zone
        expires = expires.replace(tzinfo=UTC)
    return expires <= now


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@cache
def _dummy_hash() -> str:
    """What an unknown user's password is checked against, so that a sign-in takes as long
    either way. Made at the first sign-in, not at import: argon2 is slow on purpose (about a
    quarter of a second here), and every command would pay it."""
    return HASHER.hash("not anybody's password")
