"""Who is acting, for the commands that record a user: proven by a password or an API token,
never taken from a name the caller declares. The four-eyes rule is only as good as this: with
a self-declared `--as`, one shell user could propose a release as one name and approve it as
another.

The password is read from $DIVERSION_PASSWORD or asked at the terminal (never echoed); a
token from --token-file or $DIVERSION_TOKEN. Both are checked by the store's users, as the
API checks them (`Users.check_password`, `Users.for_token`).
"""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from diversion.cli.common import fail, warn

if TYPE_CHECKING:
    from diversion.cases.users import User
    from diversion.store import Store

PASSWORD_VAR = "DIVERSION_PASSWORD"
TOKEN_VAR = "DIVERSION_TOKEN"
REFUSED = 2  # the exit code of a missing or wrong credential

UserOption = Annotated[
    str | None,
    typer.Option(
        "--user",
        help=f"Sign in as this user; the password from ${PASSWORD_VAR} or asked at the terminal.",
        show_default=False,
    ),
]
TokenFileOption = Annotated[
    Path | None,
    typer.Option(
        "--token-file",
        help=f"Sign in with the API token in this file (or set ${TOKEN_VAR}).",
        show_default=False,
    ),
]
DeclaredOption = Annotated[
    str | None,
    typer.Option(
        "--as",
        hidden=True,
        help="Refused: a self-declared name. Sign in with --user or a token.",
        show_default=False,
    ),
]


def _token(token_file: Path | None) -> str | None:
    if token_file is None:
        return os.environ.get(TOKEN_VAR, "").strip() or None
    try:
        mode = token_file.stat().st_mode
        token = token_file.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"--token-file: cannot read {token_file}: {exc}", REFUSED)
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        warn(f"{token_file} can be read by others than you: `chmod 600 {token_file}`")
    if not token:
        fail(f"--token-file: {token_file} is empty", REFUSED)
    return token


def _password(username: str) -> str:
    password = os.environ.get(PASSWORD_VAR)
    if password:
        return password
    if not sys.stdin.isatty():
        fail(f"--user {username}: no password (set ${PASSWORD_VAR} or run at a terminal)", REFUSED)
    entered: str = typer.prompt(f"Password of {username}", hide_input=True)
    return entered


def signed_in(
    store: Store,
    username: str | None,
    token_file: Path | None,
    declared: str | None = None,
) -> User:
    """The user a credential proves; exit 2 (nothing done) without one, with a wrong one, or
    with a self-declared `--as`."""
    from diversion.cases.users import Users

    if declared is not None:
        fail(
            f"--as {declared} is a name anyone can type, and is refused: sign in with "
            f"--user {declared} (password from ${PASSWORD_VAR} or the terminal), "
            f"--token-file FILE or ${TOKEN_VAR}",
            REFUSED,
        )
    users = Users(store)
    token = _token(token_file)
    if token is not None:
        user = users.for_token(token)
        if user is None:
            fail("the token is unknown, revoked, or its user disabled", REFUSED)
        if username is not None and username != user.username:
            fail(f"--user {username}, but the token is {user.username}'s", REFUSED)
        return user
    if username is None:
        fail(
            f"who is acting? Sign in with --user NAME (password from ${PASSWORD_VAR} or the "
            f"terminal), --token-file FILE or ${TOKEN_VAR}",
            REFUSED,
        )
    user = users.check_password(username, _password(username))
    if user is None:
        fail(f"--user {username}: wrong password, or no such user with a password", REFUSED)
    return user
