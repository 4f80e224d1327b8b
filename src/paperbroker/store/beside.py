"""One connection to the store's database for tables kept beside the trading ones (users and keys,
Idempotency-Key records): each a small table read and written through a few statements, not through a
Ledger.

The same URL the store takes: a `postgresql://` URL (its schema on the search path), else a SQLite path
(`:memory:` is this process's own). Statements are written with `?` placeholders for both. One connection
per worker, shared by its threads under a lock; commits are durable (SQLite `synchronous = FULL`).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from paperbroker.store import POSTGRES_SCHEMES


class Beside:
    def __init__(self, connection: Any, *, postgres: bool) -> None:
        self._conn = connection
        self.postgres = postgres
        self._placeholder = "%s" if postgres else "?"
        self._begin = "BEGIN" if postgres else "BEGIN IMMEDIATE"
        self._lock = threading.Lock()

    def create(self, schema: str) -> None:
        """Run `;`-separated CREATE ... IF NOT EXISTS statements (written for PostgreSQL: BYTEA is SQLite's
        BLOB)."""
        with self._lock:
            for statement in filter(str.strip, schema.split(";")):
                self._conn.execute(statement if self.postgres else statement.replace("BYTEA", "BLOB"))

    def execute(self, query: str, params: Sequence[Any] = ()) -> Any:
        """One statement on its own (autocommit); the cursor it leaves (for its rowcount)."""
        with self._lock:
            return self._conn.execute(query.replace("?", self._placeholder), params)

    def rows(self, query: str, params: Sequence[Any] = ()) -> list[Any]:
        """One statement on its own, and the rows it returns (none for a write), read under the lock."""
        with self._lock:
            cursor = self._conn.execute(query.replace("?", self._placeholder), params)
            return list(cursor.fetchall()) if cursor.description is not None else []

    @contextmanager
    def transaction(self) -> Iterator[Statements]:
        """Statements that commit together, the writer's lock taken first (`execute(query, params)` on
        what it yields, with `?` placeholders)."""
        with self._lock:
            self._conn.execute(self._begin)
            try:
                yield Statements(self._conn, self._placeholder)
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            self._conn.close()


class Statements:
    """Statements of one transaction, written with `?` placeholders."""

    def __init__(self, connection: Any, placeholder: str) -> None:
        self._conn = connection
        self._placeholder = placeholder

    def execute(self, query: str, params: Sequence[Any] = ()) -> Any:
        return self._conn.execute(query.replace("?", self._placeholder), params)


def connect_beside(url: str) -> Beside:
    if url.startswith(POSTGRES_SCHEMES):
        import psycopg

        return Beside(psycopg.connect(url, autocommit=True), postgres=True)
    connection = sqlite3.connect(url, isolation_level=None, check_same_thread=False, timeout=30.0)
    connection.execute("PRAGMA busy_timeout = 30000")
    connection.execute("PRAGMA synchronous = FULL")
    return Beside(connection, postgres=False)
