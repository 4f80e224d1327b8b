"""The embedded default store: one SQLite file (or `:memory:`), safe across threads and processes.

The `events` outbox takes AUTOINCREMENT so an id is never reused once pruned: a client's Last-Event-ID
always means the same event. `BEGIN IMMEDIATE` serializes writers, so ids commit in increasing order.

Amounts are TEXT columns (exact decimals, see store.sql); the schema's version is the file's
`PRAGMA user_version`, so a file the float schema wrote is refused at open instead of misread.

`PRAGMA synchronous = FULL`: a commit is fsynced to the WAL before the request that made it is answered, so
an acknowledged order survives a power loss, not only a crash of the process (NORMAL, WAL's usual choice,
may lose the last commits then). A service switches its store to group commit (`group_commits`, see
store/groupcommit.py): the same guarantee with one fsync for the commits of many requests.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from paperbroker.engine.model import Order, Quote
from paperbroker.store.base import DEFAULT_ACCOUNT, NewEvent, TickerLock
from paperbroker.store.groupcommit import GroupCommit, LogFile
from paperbroker.store.locks import AlwaysHeld, FileLock
from paperbroker.store.sql import (
    ADD_EVENT,
    ORDER_COLUMNS,
    SCHEMA_VERSION,
    SQLLedger,
    check_schema_version,
    fill_order_bodies,
    first_event_id,
    order_from,
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS orders (
    seq INTEGER PRIMARY KEY,
    account_id TEXT NOT NULL,
    id TEXT NOT NULL UNIQUE,
    symbol TEXT NOT NULL,
    type INTEGER NOT NULL,
    side INTEGER NOT NULL,
    qty TEXT NOT NULL,
    status INTEGER NOT NULL,
    update_time INTEGER NOT NULL,
    filled_qty TEXT NOT NULL,
    avg_price TEXT,
    limit_price TEXT,
    stop_price TEXT,
    take_profit TEXT,
    stop_loss TEXT,
    stop_type INTEGER,
    duration_type TEXT,
    duration_datetime INTEGER,
    parent_id TEXT,
    parent_type INTEGER,
    message TEXT,
    triggered INTEGER NOT NULL,
    trigger_kind INTEGER,
    trigger_price REAL,
    guaranteed_stop TEXT,
    trailing_stop_pips TEXT,
    custom_fields TEXT,
    expires_at BIGINT,
    body BLOB
);
CREATE INDEX IF NOT EXISTS orders_waiting
    ON orders (symbol, side, trigger_kind, trigger_price) WHERE status = 6;
CREATE INDEX IF NOT EXISTS orders_by_account ON orders (account_id, seq);
CREATE INDEX IF NOT EXISTS orders_by_parent
    ON orders (account_id, parent_id, seq) WHERE parent_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS orders_expiring ON orders (expires_at) WHERE status = 6 AND expires_at IS NOT NULL;
-- an account's due orders, which every request looks for: without ANALYZE statistics SQLite otherwise
-- takes orders_by_account for `account_id = ?` and reads the account's whole history on each request
CREATE INDEX IF NOT EXISTS orders_expiring_by_account
    ON orders (account_id, expires_at) WHERE status = 6 AND expires_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS orders_trailing ON orders (symbol, seq) WHERE status = 6 AND stop_type = 1;
CREATE INDEX IF NOT EXISTS orders_final
    ON orders (account_id, update_time, seq) WHERE status IN (1, 2, 5);
CREATE INDEX IF NOT EXISTS orders_pending ON orders (account_id, seq) WHERE status IN (3, 4, 6);
CREATE TABLE IF NOT EXISTS previews (
    confirm_id TEXT PRIMARY KEY,
    account_id TEXT NOT NULL,
    order_key TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    used INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS previews_by_expiry ON previews (account_id, expires_at);
CREATE TABLE IF NOT EXISTS executions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    account_id TEXT NOT NULL,
    order_id TEXT NOT NULL,
    symbol TEXT NOT NULL,
    side INTEGER NOT NULL,
    qty TEXT NOT NULL,
    price TEXT NOT NULL,
    time INTEGER NOT NULL,
    commission TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS executions_by_symbol ON executions (account_id, symbol, seq);
CREATE TABLE IF NOT EXISTS positions (
    account_id TEXT NOT NULL,
    symbol TEXT NOT NULL,
    qty TEXT NOT NULL,
    avg_price TEXT NOT NULL,
    PRIMARY KEY (account_id, symbol)
);
CREATE INDEX IF NOT EXISTS positions_by_symbol ON positions (symbol, account_id);
CREATE TABLE IF NOT EXISTS account (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    currency TEXT NOT NULL,
    starting_cash TEXT NOT NULL,
    realized_pnl TEXT NOT NULL,
    commissions TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS quotes (
    symbol TEXT PRIMARY KEY, bid TEXT NOT NULL, ask TEXT NOT NULL, last TEXT NOT NULL, time INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS bars (
    symbol TEXT NOT NULL,
    time BIGINT NOT NULL,
    open TEXT NOT NULL,
    high TEXT NOT NULL,
    low TEXT NOT NULL,
    close TEXT NOT NULL,
    ticks INTEGER NOT NULL,
    PRIMARY KEY (symbol, time)
);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT, account_id TEXT, kind TEXT NOT NULL, data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_by_account ON events (account_id, kind, id);
"""

# One index range per (side, trigger kind): a quote reads only the orders it can fill, of every account.
# (Written as one OR, SQLite searched the index on `symbol` alone and tested every working order of it.)
_CANDIDATES = """(
    SELECT seq FROM orders INDEXED BY orders_waiting
     WHERE status = 6 AND symbol = :symbol AND side = 1 AND trigger_kind = 1 AND trigger_price >= :ask
    UNION ALL
    SELECT seq FROM orders INDEXED BY orders_waiting
     WHERE status = 6 AND symbol = :symbol AND side = 1 AND trigger_kind = 2 AND trigger_price <= :ask
    UNION ALL
    SELECT seq FROM orders INDEXED BY orders_waiting
     WHERE status = 6 AND symbol = :symbol AND side = -1 AND trigger_kind = 1 AND trigger_price <= :bid
    UNION ALL
    SELECT seq FROM orders INDEXED BY orders_waiting
     WHERE status = 6 AND symbol = :symbol AND side = -1 AND trigger_kind = 2 AND trigger_price >= :bid)"""
_WAITING = f"SELECT {ORDER_COLUMNS} FROM orders WHERE seq IN {_CANDIDATES} ORDER BY seq"
_WAITING_OF_ACCOUNT = (
    f"SELECT {ORDER_COLUMNS} FROM orders WHERE seq IN {_CANDIDATES} AND account_id = :account ORDER BY seq"
)


class SQLiteLedger(SQLLedger):
    def __init__(self, conn: sqlite3.Connection, account_id: str | None) -> None:
        super().__init__(account_id)
        self._conn = conn

    def on_account(self, account_id: str | None) -> SQLiteLedger:
        return SQLiteLedger(self._conn, account_id)

    def _execute(self, query: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        return self._conn.execute(query, params)

    def next_order_id(self) -> str:
        row = self._conn.execute(
            "INSERT INTO counters (name, value) VALUES ('order', 1)"
            " ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value"
        ).fetchone()
        return str(row[0])

    def add_events(self, events: Sequence[NewEvent]) -> None:
        self._conn.executemany(ADD_EVENT, events)  # one statement, stepped once a row

    def orders_waiting_on(self, quote: Quote) -> list[Order]:
        prices = {"symbol": quote.symbol, "bid": float(quote.bid), "ask": float(quote.ask)}
        if self._account is None:
            rows = self._conn.execute(_WAITING, prices)
        else:
            rows = self._conn.execute(_WAITING_OF_ACCOUNT, {**prices, "account": self._account})
        return [order_from(row) for row in rows.fetchall()]


class SQLiteStore:
    """One connection per process, serialized by a lock; `BEGIN IMMEDIATE` serializes processes."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30.0)
        if self.path != ":memory:":
            self._conn.execute("PRAGMA journal_mode = WAL")
        self._conn.execute("PRAGMA synchronous = FULL")
        self._group: GroupCommit | None = None
        self.log: LogFile | None = None
        """The write-ahead log that group commit syncs, once `group_commits` was called."""
        self._create_schema()

    def group_commits(self) -> GroupCommit | None:
        """From now on commits do not wait for their fsync: whoever answers for one awaits
        `GroupCommit.durable` first. None for a database without a file (nothing to make durable)."""
        if self.path == ":memory:" or self.path.startswith("file:"):
            return None
        with self._lock:
            if self._group is None:
                self.log = LogFile(f"{self.path}-wal")
                self._group = self.log.group_commit()
                self._conn.execute("PRAGMA synchronous = NORMAL")
            return self._group

    def _create_schema(self) -> None:
        """Create what is missing and stamp the version, in one write transaction (workers start together)."""
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            version = self._conn.execute("PRAGMA user_version").fetchone()[0]
            orders = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'orders'"
            upgrade = check_schema_version(
                self.path, version or None, self._conn.execute(orders).fetchone()[0] > 0
            )
            if upgrade:
                self._conn.execute("ALTER TABLE orders ADD COLUMN body BLOB")
                fill_order_bodies(self._conn)
            for statement in SCHEMA.split(";"):
                self._conn.execute(statement)
            self._conn.execute(
                "INSERT INTO sqlite_sequence (name, seq) SELECT 'events', ?"
                " WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'events')",
                (first_event_id(),),
            )
            self._conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except BaseException:
            self._conn.execute("ROLLBACK")
            self._conn.close()
            raise
        self._conn.execute("COMMIT")

    @contextmanager
    def transaction(
        self, account_id: str | None = DEFAULT_ACCOUNT, reads_quote: str | None = None
    ) -> Iterator[SQLiteLedger]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            changes = self._conn.total_changes
            try:
                yield SQLiteLedger(self._conn, account_id)
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")
            if self._group is not None and self._conn.total_changes != changes:
                self._group.count_commit()  # one that wrote nothing (the clock's expiry check) has no fsync

    @contextmanager
    def snapshot(self, account_id: str | None = DEFAULT_ACCOUNT) -> Iterator[SQLiteLedger]:
        """A deferred transaction: under WAL it reads a snapshot without taking the write lock."""
        with self._lock:
            self._conn.execute("BEGIN")
            try:
                yield SQLiteLedger(self._conn, account_id)
            finally:
                self._conn.execute("ROLLBACK")

    def ticker_lock(self) -> TickerLock:
        """A file lock beside the database file; a private (in-memory) database has one ticker."""
        if self.path == ":memory:" or self.path.startswith("file:"):
            return AlwaysHeld()
        return FileLock(f"{self.path}.ticker.lock")

    def close(self) -> None:
        with self._lock:
            self._conn.close()
            if self._group is not None:
                self._group.close()
