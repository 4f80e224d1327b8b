"""Where the windows are counted, so that every worker sees the same count: one atomic statement a request.

- memory (`:memory:`, the stateful mock): a dict; one process is all there is.
- SQLite: a small file of its own beside the database (`<db>.limits`), WAL and `synchronous = OFF`. Counts
  are not worth an fsync, and the main file's writers (`BEGIN IMMEDIATE`, fsynced) must not queue behind
  every read request. Losing the last counts in a power cut forgives a few requests.
- PostgreSQL: an UNLOGGED table in the store's schema (no WAL, emptied after a crash, which is fine),
  one `INSERT ... ON CONFLICT DO UPDATE ... RETURNING` a request.

Counting runs on the event loop, as the handlers' own store calls do: a SQLite hit takes about 15 µs (p50) and
a hop through `asyncio.to_thread` about 57 µs on its own; a PostgreSQL hit is one round trip (about 150 µs
on loopback), which a thread would double (measured under load on the 2-core development machine).

Both SQL statements apply `quota.count`: a window that has ended restarts at now, else the count goes up
(capped at limit + 1). A counter that cannot count (the database is down) lets the request through and logs:
the broker behind it fails on its own, with its own errors, and a limiter must not invent outages.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from typing import TYPE_CHECKING, Protocol

from paperbroker.ratelimit.quota import Policy, Usage, count

if TYPE_CHECKING:
    import psycopg

log = logging.getLogger(__name__)

TABLE = "rate_limits"


class WindowCounter(Protocol):
    policy: Policy

    def hit(self, key: str, now: int) -> Usage | None:
        """Count one request of `key` at `now` (ms); None when the count could not be taken."""

    def prune(self, now: int) -> None:
        """Forget windows that ended before `now`, so keys seen once do not pile up."""

    def close(self) -> None: ...


class MemoryCounter:
    def __init__(self, policy: Policy) -> None:
        self.policy = policy
        self._windows: dict[str, Usage] = {}
        self._lock = threading.Lock()

    def hit(self, key: str, now: int) -> Usage:
        with self._lock:
            usage = self._windows[key] = count(self.policy, self._windows.get(key), now)
            return usage

    def prune(self, now: int) -> None:
        with self._lock:
            ended = [
                key for key, usage in self._windows.items() if usage.start + self.policy.window_ms <= now
            ]
            for key in ended:
                del self._windows[key]

    def close(self) -> None:
        self._windows.clear()


def _upsert(greatest: str) -> str:
    return f"""
INSERT INTO {TABLE} (key, start, used) VALUES (%(key)s, %(now)s, 1)
ON CONFLICT (key) DO UPDATE SET
    start = CASE WHEN {TABLE}.start + %(window)s <= %(now)s THEN %(now)s ELSE {TABLE}.start END,
    used = CASE WHEN {TABLE}.start + %(window)s <= %(now)s THEN 1
                ELSE {greatest}({TABLE}.used + 1, %(cap)s) END
RETURNING start, used
"""


_PRUNE = f"DELETE FROM {TABLE} WHERE start + %(window)s <= %(now)s"


def _numbered(statement: str) -> str:
    """SQLite binds a tuple (key, now, window, cap) by number faster than a dict by name."""
    for number, name in enumerate(("key", "now", "window", "cap"), start=1):
        statement = statement.replace(f"%({name})s", f"?{number}")
    return statement


_SQLITE_HIT = _numbered(_upsert("min"))
_SQLITE_PRUNE = _numbered(_PRUNE)
_POSTGRES_HIT = _upsert("LEAST")


class SQLiteCounter:
    """`<db>.limits`, shared by the processes serving one SQLite store."""

    def __init__(self, path: str, policy: Policy) -> None:
        self.policy = policy
        self.path = path
        self._window_ms = policy.window_ms
        self._cap = policy.limit + 1
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(path, timeout=5.0, isolation_level=None, check_same_thread=False)
        self._conn.execute("PRAGMA journal_mode = WAL")
        self._conn.execute("PRAGMA synchronous = OFF")
        self._conn.execute(
            f"CREATE TABLE IF NOT EXISTS {TABLE} "
            "(key TEXT PRIMARY KEY, start INTEGER NOT NULL, used INTEGER NOT NULL) WITHOUT ROWID"
        )

    def hit(self, key: str, now: int) -> Usage | None:
        try:
            with self._lock:
                row = self._conn.execute(_SQLITE_HIT, (key, now, self._window_ms, self._cap)).fetchone()
        except sqlite3.Error as error:
            log.warning("rate limit not counted (%s): %s", self.path, error)
            return None
        return Usage(*row)

    def prune(self, now: int) -> None:
        try:
            with self._lock:
                self._conn.execute(_SQLITE_PRUNE, (None, now, self._window_ms))
        except sqlite3.Error as error:
            log.warning("rate limits not pruned (%s): %s", self.path, error)

    def close(self) -> None:
        self._conn.close()


_POSTGRES_SCHEMA_LOCK = 0x70627231  # "pbr1", beside the store's own advisory lock keys


class PostgresCounter:
    """An UNLOGGED table in the schema the URL's search path names; one connection a process, reopened
    after a failure."""

    def __init__(self, url: str, policy: Policy) -> None:
        self.policy = policy
        self.url = url
        self._lock = threading.Lock()
        self._conn: psycopg.Connection[tuple[int, int]] | None = None
        self._connect()

    def _connect(self) -> psycopg.Connection[tuple[int, int]]:
        import psycopg  # loaded only when used, like the store's

        conn: psycopg.Connection[tuple[int, int]] = psycopg.connect(self.url, autocommit=True)
        with conn.transaction():  # workers starting together must not race on CREATE ... IF NOT EXISTS
            conn.execute(
                "SELECT pg_advisory_xact_lock(%s, hashtext(current_schema()))", (_POSTGRES_SCHEMA_LOCK,)
            )
            conn.execute(
                f"CREATE UNLOGGED TABLE IF NOT EXISTS {TABLE} "
                "(key TEXT PRIMARY KEY, start BIGINT NOT NULL, used INTEGER NOT NULL)"
            )
        self._conn = conn
        return conn

    def _params(self, key: str, now: int) -> dict[str, object]:
        return {"key": key, "now": now, "window": self.policy.window_ms, "cap": self.policy.limit + 1}

    def hit(self, key: str, now: int) -> Usage | None:
        import psycopg

        try:
            with self._lock:
                conn = self._conn if self._conn is not None and not self._conn.closed else self._connect()
                row = conn.execute(_POSTGRES_HIT, self._params(key, now), prepare=True).fetchone()
        except psycopg.Error as error:
            log.warning("rate limit not counted: %s", error)
            self._discard()
            return None
        assert row is not None
        return Usage(row[0], row[1])

    def prune(self, now: int) -> None:
        import psycopg

        try:
            with self._lock:
                conn = self._conn if self._conn is not None and not self._conn.closed else self._connect()
                conn.execute(_PRUNE, {"now": now, "window": self.policy.window_ms})
        except psycopg.Error as error:
            log.warning("rate limits not pruned: %s", error)
            self._discard()

    def _discard(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
            self._conn = None

    def close(self) -> None:
        self._discard()
