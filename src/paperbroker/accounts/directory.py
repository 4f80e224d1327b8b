"""Who may trade which accounts: users, the accounts each holds, and their API keys.

Kept in the trading store's database (the SQLite file, or the PostgreSQL schema the URL names) in tables of
its own, beside the trading tables but read through this interface only. The trading state of an account
(cash, orders, positions) is the broker's; the directory knows only who owns it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from paperbroker.accounts.keys import StoredKey
from paperbroker.store.beside import Beside, connect_beside

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    id TEXT PRIMARY KEY, admin INTEGER NOT NULL, created_at BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS account_owners (
    account_id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users (id), created_at BIGINT NOT NULL
);
CREATE INDEX IF NOT EXISTS account_owners_by_user ON account_owners (user_id, created_at);
CREATE TABLE IF NOT EXISTS api_keys (
    key_id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    salt TEXT NOT NULL,
    digest TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT
);
"""


@dataclass(frozen=True, slots=True)
class User:
    id: str
    admin: bool
    created_at: int


class Directory(Protocol):
    def add_user(self, user: User) -> None: ...

    def get_user(self, user_id: str) -> User | None: ...

    def users(self) -> list[User]: ...

    def add_account(self, account_id: str, user_id: str, now: int) -> None: ...

    def owner_of(self, account_id: str) -> str | None: ...

    def accounts_of(self, user_id: str) -> list[str]:
        """The user's account ids, oldest first: the first is the one a request acts on by default."""
        ...

    def add_key(self, key: StoredKey) -> None: ...

    def get_key(self, key_id: str) -> StoredKey | None: ...

    def keys_of(self, user_id: str) -> list[StoredKey]: ...

    def revoke_key(self, key_id: str, now: int) -> bool:
        """Whether a key that was not revoked yet now is."""
        ...

    def close(self) -> None: ...


class SQLDirectory:
    """The directory in the store's database (paperbroker.store.beside)."""

    def __init__(self, db: Beside) -> None:
        self._db = db
        db.create(SCHEMA)

    def _run(self, query: str, params: Sequence[Any] = ()) -> list[Any]:
        return self._db.rows(query, params)

    def _count(self, query: str, params: Sequence[Any]) -> int:
        return int(self._db.execute(query, params).rowcount)

    def add_user(self, user: User) -> None:
        self._run(
            "INSERT INTO users (id, admin, created_at) VALUES (?, ?, ?)",
            (user.id, int(user.admin), user.created_at),
        )

    def get_user(self, user_id: str) -> User | None:
        rows = self._run("SELECT id, admin, created_at FROM users WHERE id = ?", (user_id,))
        return None if not rows else User(rows[0][0], bool(rows[0][1]), int(rows[0][2]))

    def users(self) -> list[User]:
        rows = self._run("SELECT id, admin, created_at FROM users ORDER BY created_at, id")
        return [User(row[0], bool(row[1]), int(row[2])) for row in rows]

    def add_account(self, account_id: str, user_id: str, now: int) -> None:
        self._run(
            "INSERT INTO account_owners (account_id, user_id, created_at) VALUES (?, ?, ?)",
            (account_id, user_id, now),
        )

    def owner_of(self, account_id: str) -> str | None:
        rows = self._run("SELECT user_id FROM account_owners WHERE account_id = ?", (account_id,))
        return None if not rows else str(rows[0][0])

    def accounts_of(self, user_id: str) -> list[str]:
        rows = self._run(
            "SELECT account_id FROM account_owners WHERE user_id = ? ORDER BY created_at, account_id",
            (user_id,),
        )
        return [str(row[0]) for row in rows]

    def add_key(self, key: StoredKey) -> None:
        self._run(
            "INSERT INTO api_keys (key_id, user_id, salt, digest, created_at) VALUES (?, ?, ?, ?, ?)",
            (key.key_id, key.user_id, key.salt, key.digest, key.created_at),
        )

    def get_key(self, key_id: str) -> StoredKey | None:
        rows = self._run(
            "SELECT key_id, user_id, salt, digest, created_at, revoked_at FROM api_keys WHERE key_id = ?",
            (key_id,),
        )
        return None if not rows else _key(rows[0])

    def keys_of(self, user_id: str) -> list[StoredKey]:
        rows = self._run(
            "SELECT key_id, user_id, salt, digest, created_at, revoked_at FROM api_keys"
            " WHERE user_id = ? ORDER BY created_at, key_id",
            (user_id,),
        )
        return [_key(row) for row in rows]

    def revoke_key(self, key_id: str, now: int) -> bool:
        return (
            self._count(
                "UPDATE api_keys SET revoked_at = ? WHERE key_id = ? AND revoked_at IS NULL", (now, key_id)
            )
            == 1
        )

    def close(self) -> None:
        self._db.close()


def _key(row: Sequence[Any]) -> StoredKey:
    key_id, user_id, salt, digest, created_at, revoked_at = row
    return StoredKey(
        key_id, user_id, salt, digest, int(created_at), None if revoked_at is None else int(revoked_at)
    )


def open_directory(url: str) -> Directory:
    """The directory in the database `url` names, as the store does (`:memory:`: this process only)."""
    return SQLDirectory(connect_beside(url))
