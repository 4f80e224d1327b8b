"""Idempotency keys' records: the first request's fingerprint, and once it is answered, its response.

Kept in the store's database (the SQLite file, or the PostgreSQL schema the URL names) in a table of its
own, so every worker sees every key. A record is claimed before the request runs and completed with the
response after; a claim that is never completed (the process died) lapses after `lease_ms`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from paperbroker.store.beside import Beside, Statements, connect_beside

SCHEMA = """
CREATE TABLE IF NOT EXISTS idempotency_keys (
    account_id TEXT NOT NULL,
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    lease_until BIGINT NOT NULL,
    status INTEGER,
    headers TEXT,
    body BYTEA,
    PRIMARY KEY (account_id, key)
);
CREATE INDEX IF NOT EXISTS idempotency_keys_by_age ON idempotency_keys (created_at);
"""


@dataclass(frozen=True, slots=True)
class Stored:
    """A completed request's response, replayed as it was first sent."""

    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


@dataclass(frozen=True, slots=True)
class Claimed:
    """The key is new (or its claim lapsed): this request runs, and completes the record."""


@dataclass(frozen=True, slots=True)
class InFlight:
    """The first request with the key is still running."""


@dataclass(frozen=True, slots=True)
class Mismatch:
    """The key was used for a request with another fingerprint."""


@dataclass(frozen=True, slots=True)
class Replay:
    response: Stored


Outcome = Claimed | InFlight | Mismatch | Replay


class Records(Protocol):
    def claim(
        self, account_id: str, key: str, fingerprint: str, now: int, lease_ms: int, ttl_ms: int
    ) -> Outcome:
        """Claim the key for a request, or say why it cannot run (and what to answer instead)."""
        ...

    def complete(self, account_id: str, key: str, response: Stored) -> None: ...

    def release(self, account_id: str, key: str) -> None:
        """Forget a claim whose request failed on the server's side: a retry runs it again."""
        ...

    def close(self) -> None: ...


def _encode_headers(headers: Sequence[tuple[bytes, bytes]]) -> str:
    return "\n".join(f"{name.decode('latin-1')}:{value.decode('latin-1')}" for name, value in headers)


def _decode_headers(text: str) -> list[tuple[bytes, bytes]]:
    pairs = (line.split(":", 1) for line in text.split("\n") if line)
    return [(name.encode("latin-1"), value.encode("latin-1")) for name, value in pairs]


class SQLRecords:
    """The records in the store's database (paperbroker.store.beside)."""

    def __init__(self, db: Beside) -> None:
        self._db = db
        db.create(SCHEMA)

    def claim(
        self, account_id: str, key: str, fingerprint: str, now: int, lease_ms: int, ttl_ms: int
    ) -> Outcome:
        with self._db.transaction() as transaction:
            return self._claim(transaction, account_id, key, fingerprint, now, lease_ms, ttl_ms)

    def _claim(
        self,
        transaction: Statements,
        account_id: str,
        key: str,
        fingerprint: str,
        now: int,
        lease_ms: int,
        ttl_ms: int,
    ) -> Outcome:
        transaction.execute("DELETE FROM idempotency_keys WHERE created_at < ?", (now - ttl_ms,))
        inserted = transaction.execute(
            "INSERT INTO idempotency_keys (account_id, key, fingerprint, created_at, lease_until)"
            " VALUES (?, ?, ?, ?, ?) ON CONFLICT (account_id, key) DO NOTHING",
            (account_id, key, fingerprint, now, now + lease_ms),
        ).rowcount
        if inserted == 1:
            return Claimed()
        row = transaction.execute(
            "SELECT fingerprint, lease_until, status, headers, body FROM idempotency_keys"
            " WHERE account_id = ? AND key = ?" + (" FOR UPDATE" if self._db.postgres else ""),
            (account_id, key),
        ).fetchone()
        stored_fingerprint, lease_until, status, headers, body = row
        if stored_fingerprint != fingerprint:
            return Mismatch()
        if status is not None:
            return Replay(Stored(int(status), _decode_headers(headers), bytes(body)))
        if int(lease_until) > now:
            return InFlight()
        transaction.execute(  # the first request's process died before answering: this one runs instead
            "UPDATE idempotency_keys SET lease_until = ? WHERE account_id = ? AND key = ?",
            (now + lease_ms, account_id, key),
        )
        return Claimed()

    def complete(self, account_id: str, key: str, response: Stored) -> None:
        self._db.execute(
            "UPDATE idempotency_keys SET status = ?, headers = ?, body = ? WHERE account_id = ? AND key = ?",
            (response.status, _encode_headers(response.headers), response.body, account_id, key),
        )

    def release(self, account_id: str, key: str) -> None:
        self._db.execute(
            "DELETE FROM idempotency_keys WHERE account_id = ? AND key = ? AND status IS NULL",
            (account_id, key),
        )

    def close(self) -> None:
        self._db.close()


def open_records(url: str) -> Records:
    """The records in the database `url` names, as the store does (`:memory:`: this process only)."""
    return SQLRecords(connect_beside(url))
