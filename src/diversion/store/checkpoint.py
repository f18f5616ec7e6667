"""Signed checkpoints of the audit log: its head (number and hash) signed with an Ed25519 key
kept outside the store, written to a file kept outside the database.

The hash chain alone proves only that the log agrees with itself: whoever can write to the
database can rewrite every entry, recompute every hash and move the head, and the chain still
verifies. A checkpoint taken before that no longer matches: the rewritten chain has another
hash at the checkpoint's entry (or too few entries), and the signature cannot be remade
without the private key. So a checkpoint anchors everything up to its entry, as long as the
key and the checkpoint files live where the database's writers cannot reach them (another
machine, write-once storage).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from diversion.store.engine import Store
from diversion.store.models import AuditHeadRow, AuditRow

if TYPE_CHECKING:  # cryptography is imported where it is used: commands start fast
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )

FORMAT = "diversion-audit-checkpoint/1"


class CheckpointError(ValueError):
    """A key or checkpoint file that cannot be used; the message says which and why."""


@dataclass(frozen=True)
class Checkpoint:
    """The log's head at one moment, signed: `seq` entries, the last one's `hash`."""

    format: str
    seq: int
    hash: str
    entry_at: str  # the time the last entry was written ("" for an empty log)
    made_at: str
    key_id: str  # the fingerprint of the public key that signed it
    public_key: str  # that key, raw, in base64
    signature: str = ""

    def signed_body(self) -> bytes:
        body = {k: v for k, v in asdict(self).items() if k != "signature"}
        return json.dumps(body, sort_keys=True, separators=(",", ":")).encode("utf-8")

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2) + "\n"


def fingerprint(public_raw: bytes) -> str:
    return "sha256:" + hashlib.sha256(public_raw).hexdigest()


def _raw(public: Ed25519PublicKey) -> bytes:
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    return public.public_bytes(Encoding.Raw, PublicFormat.Raw)


def _exclusive_write(path: Path, data: bytes, mode: int) -> None:
    """Write a new file with this mode; an existing one is never overwritten."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    except FileExistsError:
        raise CheckpointError(f"{path} exists; it is not overwritten") from None
    except OSError as exc:
        raise CheckpointError(f"cannot write {path}: {exc.strerror}") from None
    with os.fdopen(descriptor, "wb") as out:
        out.write(data)


def generate_key(private_path: Path) -> tuple[Path, str]:
    """A new Ed25519 key: the private key to `private_path` (PEM, mode 0600) and the public
    key beside it (`.pub`); returns the public key's path and fingerprint."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import (
        Encoding,
        NoEncryption,
        PrivateFormat,
        PublicFormat,
    )

    public_path = private_path.with_name(private_path.name + ".pub")
    if public_path.exists():
        raise CheckpointError(f"{public_path} exists; it is not overwritten")
    key = Ed25519PrivateKey.generate()
    private_pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    public_pem = key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    _exclusive_write(private_path, private_pem, 0o600)
    _exclusive_write(public_path, public_pem, 0o644)
    return public_path, fingerprint(_raw(key.public_key()))


def load_private_key(path: Path) -> Ed25519PrivateKey:
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    try:
        key = load_pem_private_key(path.read_bytes(), password=None)
    except OSError as exc:
        raise CheckpointError(f"cannot read the key {path}: {exc.strerror}") from None
    except (ValueError, TypeError) as exc:
        raise CheckpointError(f"{path} is not an unencrypted PEM private key: {exc}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise CheckpointError(f"{path} is not an Ed25519 key (`audit keygen` makes one)")
    return key


def load_public_key(path: Path) -> bytes:
    """The raw public key of a PEM file (`.pub` of `audit keygen`, or one a private key's)."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import (
        Ed25519PrivateKey,
        Ed25519PublicKey,
    )
    from cryptography.hazmat.primitives.serialization import (
        load_pem_private_key,
        load_pem_public_key,
    )

    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CheckpointError(f"cannot read the public key {path}: {exc.strerror}") from None
    try:
        public: Any = load_pem_public_key(data)
    except (ValueError, TypeError):
        try:
            private = load_pem_private_key(data, password=None)
        except (ValueError, TypeError):
            raise CheckpointError(f"{path} is not a PEM public key") from None
        public = private.public_key() if isinstance(private, Ed25519PrivateKey) else None
    if not isinstance(public, Ed25519PublicKey):
        raise CheckpointError(f"{path} is not an Ed25519 public key")
    return _raw(public)


def head(store: Store) -> tuple[int, str, str]:
    """The log's last entry: its number, hash and time (0, 64 zeros, "" when empty)."""
    with store.read() as session:
        row = session.execute(select(AuditHeadRow).where(AuditHeadRow.id == 1)).scalar_one()
        at = session.scalar(select(AuditRow.at).where(AuditRow.seq == row.seq)) or ""
        return row.seq, row.hash, at


def make(store: Store, key: Ed25519PrivateKey) -> Checkpoint:
    """A signed checkpoint of the log's head now. The caller verifies the chain first: a
    checkpoint of a broken chain would anchor the break."""
    seq, digest, at = head(store)
    public = _raw(key.public_key())
    unsigned = Checkpoint(
        FORMAT,
        seq,
        digest,
        at,
        datetime.now(UTC).isoformat(timespec="seconds"),
        fingerprint(public),
        base64.b64encode(public).decode("ascii"),
    )
    signature = key.sign(unsigned.signed_body())
    return Checkpoint(**{**asdict(unsigned), "signature": base64.b64encode(signature).decode()})


def write(checkpoint: Checkpoint, path: Path) -> None:
    _exclusive_write(path, checkpoint.to_json().encode("utf-8"), 0o644)


def read(path: Path) -> Checkpoint:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CheckpointError(f"cannot read the checkpoint {path}: {exc.strerror}") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise CheckpointError(f"{path} is not a checkpoint (not JSON: {exc})") from None
    fields = set(Checkpoint.__dataclass_fields__)
    if not isinstance(data, dict) or set(data) != fields or data.get("format") != FORMAT:
        raise CheckpointError(f"{path} is not a {FORMAT} file")
    if not isinstance(data["seq"], int) or isinstance(data["seq"], bool) or data["seq"] < 0:
        raise CheckpointError(f"{path}: seq is not an entry number")
    if not all(isinstance(data[k], str) for k in fields - {"seq"}):
        raise CheckpointError(f"{path}: a field is not text")
    return Checkpoint(**data)


def check(store: Store, checkpoint: Checkpoint, trusted: bytes | None = None) -> list[str]:
    """What is wrong with the log against this checkpoint: a bad signature, a key other than
    the trusted one, or a chain that no longer holds the checkpoint's entry with its hash.
    Empty when the log still extends what was signed."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    problems: list[str] = []
    try:
        public_raw = base64.b64decode(checkpoint.public_key, validate=True)
        public = Ed25519PublicKey.from_public_bytes(public_raw)
        public.verify(base64.b64decode(checkpoint.signature, validate=True),
                      checkpoint.signed_body())  # fmt: skip
    except (ValueError, InvalidSignature):
        return ["the checkpoint's signature does not verify: the file was altered"]
    if fingerprint(public_raw) != checkpoint.key_id:
        problems.append("the checkpoint's key id is not its key's fingerprint")
    if trusted is not None and public_raw != trusted:
        problems.append(
            f"signed by {checkpoint.key_id}, not by the public key given ({fingerprint(trusted)})"
        )
    if checkpoint.seq == 0:
        return problems  # an empty log: every log extends it
    with store.read() as session:
        found = session.scalar(select(AuditRow.hash).where(AuditRow.seq == checkpoint.seq))
        last = session.execute(select(AuditHeadRow.seq).where(AuditHeadRow.id == 1)).scalar_one()
    if found is None:
        problems.append(
            f"entry {checkpoint.seq} (signed {checkpoint.made_at}) is gone: the log now ends "
            f"at entry {last}"
        )
    elif found != checkpoint.hash:
        problems.append(
            f"entry {checkpoint.seq} has another hash than when it was signed "
            f"({checkpoint.made_at}): the log up to it was rewritten"
        )
    return problems
