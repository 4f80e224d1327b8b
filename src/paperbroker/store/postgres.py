"""The store for scaling out: PostgreSQL, shared by every worker process on every machine.

Concurrency: every transaction first takes transaction-level advisory locks, so the transactions of one
account run one at a time across all processes while different accounts' run in parallel. An account's
transaction takes the schema's market lock shared, then its account's lock exclusively; a market
transaction (a quote, which may fill any account's orders; expiry; pruning) takes the market lock
exclusively, so it runs alone, as SQLite's `BEGIN IMMEDIATE` makes every transaction run. The broker reads a
position or the account and writes it back in the same transaction (and may create a position row that did
not exist), so row locks alone would not prevent lost updates; locks taken before the first read do, need
no retry loop and cannot deadlock (always market, then account). Under READ COMMITTED every statement after
the locks sees whatever the previous holder committed. The locks also make the `events` outbox's ids commit
in increasing order among what one account sees, its own and the market's (a sequence alone would not: a
transaction holding id 7 may commit after one holding id 8): a reader of one account that has seen id N
never sees a smaller id of it appear later. Across accounts that does not hold; the feed reads per account.

Amounts are TEXT columns (exact decimals, see store.sql); the one-row `schema_version` table records what
the tables hold, so a schema the float version wrote is refused at start instead of misread.
"""

from __future__ import annotations

import collections
import contextlib
import functools
import hashlib
import re
import threading
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import sql
from psycopg_pool import ConnectionPool

from paperbroker.engine.model import Order, Quote
from paperbroker.store.base import DEFAULT_ACCOUNT, NewEvent
from paperbroker.store.groupcommit import GroupCommit
from paperbroker.store.pgpipeline import Pipeline, PipelinedConnection, Rows, run_alone
from paperbroker.store.sql import (
    ADD_EVENT,
    ORDER_COLUMNS,
    QUOTE,
    SCHEMA_VERSION,
    SQLLedger,
    check_schema_version,
    fill_order_bodies,
    first_event_id,
    order_from,
    quote_from,
)

# Advisory locks are per database; the first key says what is locked, the second which schema.
_TRANSACTION_LOCK = 0x70627478  # "pbtx": the market lock (accounts' transactions take it shared)
_TICKER_LOCK = 0x7062746B  # "pbtk"
_SCHEMA_INIT_LOCK = 0x70626931  # "pbi1"

SCHEMA = """
CREATE SEQUENCE IF NOT EXISTS order_ids;
CREATE TABLE IF NOT EXISTS orders (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id TEXT NOT NULL,
    id TEXT NOT NULL UNIQUE,
    symbol TEXT NOT NULL,
    type SMALLINT NOT NULL,
    side SMALLINT NOT NULL,
    qty TEXT NOT NULL,
    status SMALLINT NOT NULL,
    update_time BIGINT NOT NULL,
    filled_qty TEXT NOT NULL,
    avg_price TEXT,
    limit_price TEXT,
    stop_price TEXT,
    take_profit TEXT,
    stop_loss TEXT,
    stop_type SMALLINT,
    duration_type TEXT,
    duration_datetime BIGINT,
    parent_id TEXT,
    parent_type SMALLINT,
    message TEXT,
    triggered SMALLINT NOT NULL,
    trigger_kind SMALLINT,
    trigger_price DOUBLE PRECISION,
    guaranteed_stop TEXT,
    trailing_stop_pips TEXT,
    custom_fields TEXT,
    expires_at BIGINT,
    body BYTEA
);
CREATE INDEX IF NOT EXISTS orders_waiting
    ON orders (symbol, side, trigger_kind, trigger_price) WHERE status = 6;
CREATE INDEX IF NOT EXISTS orders_by_account ON orders (account_id, seq);
CREATE INDEX IF NOT EXISTS orders_by_parent
    ON orders (account_id, parent_id, seq) WHERE parent_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS orders_expiring ON orders (expires_at) WHERE status = 6 AND expires_at IS NOT NULL;
-- an account's due orders, which every request of the account looks for: without it the planner takes
-- orders_pending for `account_id = ?` and reads every working order of the account on each request
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
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id TEXT NOT NULL,
    order_id TEXT NOT NULL,
    symbol TEXT NOT NULL,
    side SMALLINT NOT NULL,
    qty TEXT NOT NULL,
    price TEXT NOT NULL,
    time BIGINT NOT NULL,
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
    symbol TEXT PRIMARY KEY,
    bid TEXT NOT NULL,
    ask TEXT NOT NULL,
    last TEXT NOT NULL,
    time BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS bars (
    symbol TEXT NOT NULL,
    time BIGINT NOT NULL,
    open TEXT NOT NULL,
    high TEXT NOT NULL,
    low TEXT NOT NULL,
    close TEXT NOT NULL,
    ticks BIGINT NOT NULL,
    PRIMARY KEY (symbol, time)
);
CREATE TABLE IF NOT EXISTS events (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id TEXT,
    kind TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_by_account ON events (account_id, kind, id);
CREATE TABLE IF NOT EXISTS schema_version (
    one BOOLEAN PRIMARY KEY DEFAULT TRUE CHECK (one), version INTEGER NOT NULL
);
"""


# One index range per (side, trigger kind), as in the SQLite store: a quote reads only the orders it can fill,
# of every account (the market's ledger) or of one.
def _waiting(branch: str) -> str:
    return f"""
SELECT {ORDER_COLUMNS} FROM (
    {branch} AND side = 1 AND trigger_kind = 1 AND trigger_price >= %(ask)s
    UNION ALL
    {branch} AND side = 1 AND trigger_kind = 2 AND trigger_price <= %(ask)s
    UNION ALL
    {branch} AND side = -1 AND trigger_kind = 1 AND trigger_price <= %(bid)s
    UNION ALL
    {branch} AND side = -1 AND trigger_kind = 2 AND trigger_price >= %(bid)s
) AS waiting
ORDER BY seq
"""


_BRANCH = f"SELECT seq, {ORDER_COLUMNS} FROM orders WHERE status = 6 AND symbol = %(symbol)s"
_WAITING = _waiting(_BRANCH)
_WAITING_OF_ACCOUNT = _waiting(f"{_BRANCH} AND account_id = %(account)s")

_COMMIT_MODE = "set_config('synchronous_commit', ?, true)"
"""Whether the transaction's COMMIT waits for its WAL flush ('on') or not ('off', under group commit), set in
the lock's statement: no statement of its own."""
_LOCK_MARKET = f"SELECT pg_advisory_xact_lock(?, ?), {_COMMIT_MODE}"
_LOCK_ACCOUNT = f"""
WITH market AS MATERIALIZED (SELECT pg_advisory_xact_lock_shared(?, ?))
SELECT pg_advisory_xact_lock(?), {_COMMIT_MODE} FROM market
"""
"""The market lock shared, then the account's: one statement, in that order (the account's lock is taken
as the outer query reads the materialized CTE's row, so after it), the order that keeps them deadlock-free."""
_FLUSH_WAL = (
    "SELECT pg_logical_emit_message(true, 'paperbroker', ''), set_config('synchronous_commit', 'on', true)"
)
"""A transaction of its own (autocommit) whose COMMIT waits for its flush: it writes WAL (a transactional
logical-decoding message, which any role may emit; a transaction that only took an id would commit without
waiting), whatever the session's `synchronous_commit`. The WAL is sequential, so every commit before it is
flushed with it."""
_BEGIN_SNAPSHOT = "BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY"
_FIRST_EXPIRY = (
    "SELECT min(expires_at) FROM orders WHERE account_id = ? AND status = 6 AND expires_at IS NOT NULL"
)
"""The account's earliest expiry among its working orders: the first entry of orders_expiring_by_account."""


@contextmanager
def _pipelined(conn: PipelinedConnection, begin: str, spin_us: int) -> Iterator[Pipeline]:
    """One transaction in pipeline mode (store.pgpipeline): statements go to the server without waiting for
    their results; the client waits only when a read needs its rows (a flush request) and at the end (a
    sync), so a transaction costs a round trip per read it waits for, plus one for its last writes and
    COMMIT, whatever the number of writes (the orders, events, executions, positions and account rows it
    changes).

    A failed statement fails the block at the next read or at the end; on any failure the transaction is
    rolled back before the connection goes back to the pool.
    """
    pipeline = Pipeline(conn, spin_us)
    try:
        pipeline.execute(begin)
        yield pipeline
        pipeline.execute("COMMIT")
        pipeline.sync()
    except BaseException:
        pipeline.abort()
        if conn.info.transaction_status in _OPEN:
            with contextlib.suppress(psycopg.Error):
                run_alone(conn, "ROLLBACK")
        raise


_OPEN = (psycopg.pq.TransactionStatus.INTRANS, psycopg.pq.TransactionStatus.INERROR)

_SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


@functools.lru_cache(maxsize=4096)
def _account_key(schema: str, account_id: str) -> int:
    """The account's lock: a signed 64-bit key (pg_advisory_lock(bigint), a space apart from the two-integer
    keys). Two accounts whose keys collide merely take turns."""
    return int.from_bytes(
        hashlib.blake2b(f"{schema}/{account_id}".encode(), digest_size=8).digest(), signed=True
    )


def _schema_key(schema: str) -> int:
    """The schema's crc32 as the signed 32-bit integer that pg_advisory_lock(int, int) takes."""
    value = zlib.crc32(schema.encode())
    return value - 2**32 if value >= 2**31 else value


_ADD_EVENTS = (
    "INSERT INTO events (account_id, kind, data) SELECT account_id, kind, data"
    " FROM unnest(?::text[], ?::text[], ?::text[]) WITH ORDINALITY AS e(account_id, kind, data, n)"
    " ORDER BY n"
)
"""Many outbox rows in one statement; ORDER BY hands them to the INSERT, which numbers them, in order."""

ID_BLOCK = 64
_ID_BLOCK = "SELECT nextval('order_ids') FROM generate_series(1, ?)"


class OrderIds:
    """Order ids from the `order_ids` sequence, taken a block at a time: a placeOrder then usually waits
    for no round trip of its own to name its order. Each process draws its own blocks, so ids stay unique
    and increase within a process; across processes they interleave (as a sequence's values already do
    against commit order), and a process that stops leaves the rest of its block unused, as a sequence
    with `CACHE` does."""

    def __init__(self, block: int = ID_BLOCK) -> None:
        self._block = block
        self._free: collections.deque[int] = collections.deque()
        self._lock = threading.Lock()

    def next(self, pipeline: Pipeline) -> str:
        with self._lock:
            if not self._free:
                drawn = pipeline.execute(_ID_BLOCK, (self._block,)).fetchall()
                self._free.extend(int(value) for (value,) in drawn)
            return str(self._free.popleft())


class PostgresLedger(SQLLedger):
    """Every statement on the transaction's pipeline, each read's rows its own (`pgpipeline.Rows`).

    Reads sent with the locks (`PostgresStore.transaction`) come back with them: the quote the transaction
    said it reads (the market lock, held shared or exclusively, keeps any other transaction from changing
    it meanwhile, and this one's own `put_quote` drops it), and the account's earliest expiry, which spares
    the broker's search for due orders a round trip whenever none is due (nearly always). That answer holds
    until this transaction writes an order."""

    def __init__(
        self,
        pipeline: Pipeline,
        account_id: str | None,
        ids: OrderIds,
        quotes_sent: dict[str, Rows] | None = None,
        first_expiry: Rows | None = None,
    ) -> None:
        super().__init__(account_id)
        self._pipeline = pipeline
        self._ids = ids
        self._quotes_sent = {} if quotes_sent is None else quotes_sent
        self._first_expiry = first_expiry

    def on_account(self, account_id: str | None) -> PostgresLedger:
        return PostgresLedger(self._pipeline, account_id, self._ids, self._quotes_sent)

    def get_quote(self, symbol: str) -> Quote | None:
        sent = self._quotes_sent.pop(symbol, None)
        if sent is None:
            return super().get_quote(symbol)
        row = sent.fetchone()
        return None if row is None else quote_from(row)

    def put_quote(self, quote: Quote) -> None:
        self._quotes_sent.pop(quote.symbol, None)
        super().put_quote(quote)

    def orders_expiring(self, now: int) -> list[Order]:
        sent, self._first_expiry = self._first_expiry, None
        if sent is not None:
            (first,) = sent.fetchone() or (None,)
            if first is None or first > now:
                return []
        return super().orders_expiring(now)

    def add_order(self, order: Order) -> None:
        self._first_expiry = None
        super().add_order(order)

    def update_order(self, order: Order) -> None:
        self._first_expiry = None
        super().update_order(order)

    def clear_trading(self) -> None:
        self._first_expiry = None
        super().clear_trading()

    def _execute(self, query: str, params: Sequence[Any] = ()) -> Rows:
        return self._pipeline.execute(query, params)

    def next_order_id(self) -> str:
        return self._ids.next(self._pipeline)

    def add_events(self, events: Sequence[NewEvent]) -> None:
        if len(events) == 1:  # a resting order's one event: the plain INSERT is the cheaper statement
            self._pipeline.execute(ADD_EVENT, events[0])
        elif events:
            self._pipeline.execute(_ADD_EVENTS, [list(column) for column in zip(*events, strict=True)])

    def orders_waiting_on(self, quote: Quote) -> list[Order]:
        prices = {"symbol": quote.symbol, "bid": float(quote.bid), "ask": float(quote.ask)}
        if self._account is None:
            rows = self._pipeline.execute(_WAITING, prices)
        else:
            rows = self._pipeline.execute(_WAITING_OF_ACCOUNT, {**prices, "account": self._account})
        return [order_from(row) for row in rows.fetchall()]


class PostgresStore:
    """A small connection pool per process; an advisory lock per transaction serializes all processes.

    `dsn` is a libpq URL or key=value string. `schema`, when given, is created if missing and put first on
    the search path (tests isolate themselves this way); otherwise the DSN's search path applies (`public`,
    or `?options=-csearch_path%3Dname` in a URL, for a schema that exists). `spin_us`: how long a
    transaction's wait for the server spins before it blocks (`pgpipeline`); 0, the default, never spins.
    """

    def __init__(
        self,
        dsn: str,
        schema: str | None = None,
        max_connections: int = 4,
        timeout: float = 30.0,
        spin_us: int = 0,
    ) -> None:
        if schema is not None and not _SCHEMA_NAME.match(schema):
            raise ValueError(f"schema names are lower-case identifiers: {schema!r}")
        self.dsn = dsn
        self.schema = schema
        self.spin_us = spin_us
        # psycopg prepares nothing on these connections: the store's statements are prepared by its pipelines
        # (store.pgpipeline), which a DEALLOCATE ALL from psycopg's own cache upkeep would unprepare
        self.connect_kwargs: dict[str, Any] = {"autocommit": True, "prepare_threshold": None}
        if schema is not None:
            self.connect_kwargs["options"] = f"-c search_path={schema}"
        self.schema_name = self._create_schema()
        self.lock_key = _schema_key(self.schema_name)
        self._ids = OrderIds()
        self._group: GroupCommit | None = None
        self._group_lock = threading.Lock()
        self._pool: ConnectionPool[PipelinedConnection] = ConnectionPool(
            dsn,
            connection_class=PipelinedConnection,
            min_size=1,
            max_size=max_connections,
            kwargs=self.connect_kwargs,
            timeout=timeout,
            open=True,
            name="paperbroker",
        )

    def connect(self) -> psycopg.Connection[Any]:
        """A connection of its own, outside the pool (for session-level locks), on the store's schema."""
        return psycopg.connect(self.dsn, **self.connect_kwargs)

    def _create_schema(self) -> str:
        """Idempotent, and serialized: concurrent `CREATE TABLE IF NOT EXISTS` can collide in the catalog, and
        `CREATE INDEX IF NOT EXISTS` locks its table even when the index exists, so the DDL also waits for the
        transaction lock (else it deadlocks with a transaction that locks the tables the other way round)."""
        with self.connect() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s, 0)", (_SCHEMA_INIT_LOCK,))
            if self.schema is not None:
                conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(self.schema)))
            row = conn.execute("SELECT current_schema()").fetchone()
            if row is None or row[0] is None:
                raise RuntimeError("the search path names no existing schema: create it or pass schema=")
            name = str(row[0])
            conn.execute("SELECT pg_advisory_xact_lock(%s, %s)", (_TRANSACTION_LOCK, _schema_key(name)))
            tables = {
                table
                for (table,) in conn.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
                    " AND tablename IN ('orders', 'schema_version', 'events')"
                )
            }
            version = None
            if "schema_version" in tables:
                found = conn.execute("SELECT version FROM schema_version").fetchone()
                version = None if found is None else int(found[0])
            if check_schema_version(f"PostgreSQL schema {name!r}", version, "orders" in tables):
                conn.execute("ALTER TABLE orders ADD COLUMN body BYTEA")
                fill_order_bodies(conn, "%s")
                conn.execute("UPDATE schema_version SET version = %s", (SCHEMA_VERSION,))
            conn.execute(SCHEMA)
            if "events" not in tables:
                start = sql.SQL("ALTER TABLE events ALTER COLUMN id RESTART WITH {}")
                conn.execute(start.format(sql.Literal(first_event_id())))
            stamp = "INSERT INTO schema_version (version) VALUES (%s) ON CONFLICT (one) DO NOTHING"
            conn.execute(stamp, (SCHEMA_VERSION,))
            return name

    @contextmanager
    def transaction(
        self, account_id: str | None = DEFAULT_ACCOUNT, reads_quote: str | None = None
    ) -> Iterator[PostgresLedger]:
        """An account's transaction excludes only that account's; the market's excludes all (see the module's
        docstring). A ledger bound to an account must not write another's: it does not hold that lock.

        Pipelined (see `_pipelined`): BEGIN, the locks, and after them the reads every account's transaction
        starts with (`PostgresLedger`), are one round trip, which the ledger waits for before it is handed
        out, so whatever its user does next (the broker reads its clock) happens while the locks are held."""
        group = self._group
        with self._pool.connection() as conn, _pipelined(conn, "BEGIN", self.spin_us) as pipeline:
            mode = "on" if group is None else "off"
            first_expiry = None
            if account_id is None:
                locked = pipeline.execute(_LOCK_MARKET, (_TRANSACTION_LOCK, self.lock_key, mode))
            else:
                key = _account_key(self.schema_name, account_id)
                locked = pipeline.execute(_LOCK_ACCOUNT, (_TRANSACTION_LOCK, self.lock_key, key, mode))
                first_expiry = pipeline.execute(_FIRST_EXPIRY, (account_id,))
            quotes_sent = (
                {} if reads_quote is None else {reads_quote: pipeline.execute(QUOTE, (reads_quote,))}
            )
            locked.fetchone()
            yield PostgresLedger(pipeline, account_id, self._ids, quotes_sent, first_expiry)
        if group is not None:
            group.count_commit()

    @contextmanager
    def snapshot(self, account_id: str | None = DEFAULT_ACCOUNT) -> Iterator[PostgresLedger]:
        """REPEATABLE READ, READ ONLY and without the advisory lock: reads never queue behind writes."""
        with self._pool.connection() as conn, _pipelined(conn, _BEGIN_SNAPSHOT, self.spin_us) as pipeline:
            yield PostgresLedger(pipeline, account_id, self._ids)

    def ticker_lock(self) -> SessionLock:
        return SessionLock(self)

    def group_commits(self) -> GroupCommit:
        """From now on a transaction commits with `synchronous_commit = off`: its COMMIT returns, and its
        locks are released, once the commit record is in the server's WAL buffers, before the flush (the
        advisory locks are otherwise held while the disk syncs, so one account's transactions could not
        be quicker than its fsyncs). Whoever answers for one awaits `GroupCommit.durable` first, which
        runs one synchronous commit (`_flush_wal`) for all the commits made before it began."""
        with self._group_lock:
            if self._group is None:
                self._group = GroupCommit(self._flush_wal)
            return self._group

    def _flush_wal(self) -> None:
        with self._pool.connection() as conn:
            run_alone(conn, _FLUSH_WAL)

    def close(self) -> None:
        self._pool.close()


class SessionLock:
    """A session-level advisory lock on a connection of its own: held until released or the process dies.

    `acquire` never waits, and may be called again and again: a lost connection (a restarted server) is
    noticed there, and the lock taken anew if nobody else took it meanwhile.
    """

    def __init__(self, store: PostgresStore, key: int = _TICKER_LOCK) -> None:
        self._store = store
        self._key = key
        self._conn: psycopg.Connection[Any] | None = None
        self.held = False

    def acquire(self) -> bool:
        try:
            if self._conn is None or self._conn.closed:
                self._conn = self._store.connect()
                self.held = False
            if self.held:
                self._conn.execute("SELECT 1")
                return True
            row = self._conn.execute(
                "SELECT pg_try_advisory_lock(%s, %s)", (self._key, self._store.lock_key)
            ).fetchone()
            self.held = bool(row and row[0])
        except psycopg.OperationalError:
            self.release()
        return self.held

    def release(self) -> None:
        """Unlock before closing: the server ends a closed session a moment later, and until then another
        process asking for the lock would be refused."""
        if self._conn is not None:
            if self.held and not self._conn.closed:
                with contextlib.suppress(psycopg.Error):
                    self._conn.execute("SELECT pg_advisory_unlock(%s, %s)", (self._key, self._store.lock_key))
            self._conn.close()
            self._conn = None
        self.held = False
