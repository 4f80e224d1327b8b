"""API keys: `pbk_<key id>_<secret>`, shown once, stored only as the key id, a salt and a salted digest.

The key id (16 hex digits) finds the stored row without a scan and names the key in `accounts list` and
`revoke`, and in rate limiting, without revealing the secret. The secret carries 256 random bits, so one
salted SHA-256 is enough: slow password hashes exist for guessable secrets, and one would cost every
request milliseconds.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

KEY_FORMAT = re.compile(r"pbk_(?P<key_id>[0-9a-f]{16})_(?P<secret>[A-Za-z0-9_-]{32,128})")
"""A key as sent in `Authorization: Bearer <key>`."""


@dataclass(frozen=True, slots=True)
class StoredKey:
    """What the directory keeps of a key: never the secret."""

    key_id: str
    user_id: str
    salt: str
    digest: str
    created_at: int
    revoked_at: int | None = None


def new_key() -> str:
    return f"pbk_{secrets.token_hex(8)}_{secrets.token_urlsafe(32)}"


def parse(key: str) -> tuple[str, str] | None:
    """The key id and secret of a well-formed key; None for anything else."""
    matched = KEY_FORMAT.fullmatch(key)
    return None if matched is None else (matched["key_id"], matched["secret"])


def digest(salt: str, secret: str) -> str:
    return hashlib.sha256(f"{salt}:{secret}".encode()).hexdigest()


def stored(key: str, user_id: str, now: int) -> StoredKey:
    """The row to keep for a key just issued to `user_id`."""
    parsed = parse(key)
    if parsed is None:
        raise ValueError("an API key looks like pbk_<16 hex digits>_<32 to 128 of A-Z a-z 0-9 _ ->")
    key_id, secret = parsed
    salt = secrets.token_hex(16)
    return StoredKey(key_id, user_id, salt, digest(salt, secret), now)


def matches(row: StoredKey, secret: str) -> bool:
    """Whether `secret` is the key's, compared in constant time."""
    return row.revoked_at is None and hmac.compare_digest(row.digest, digest(row.salt, secret))
