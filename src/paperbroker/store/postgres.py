"""The store for scaling out: PostgreSQL, shared by every worker process on every machine.

Concurrency: every transaction first takes a transaction-level advisory lock of its schema, so transactions
run one at a time across all processes, exactly as SQLite's `BEGIN IMMEDIATE` makes them. The broker reads a
position or the account and writes it back in the same transaction (and may create a position row that did
not exist), so row locks alone would not prevent lost updates; one lock taken before the first read does,
needs no retry loop and cannot deadlock. Under READ COMMITTED every statement after the lock sees whatever
the previous holder committed.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg import sql
from psycopg_pool import ConnectionPool

from paperbroker.engine.model import Account, Execution, Order, Position, Quote, Side
from paperbroker.store.sqlite import _ORDER_COLUMNS, _order_from, _order_row

# Advisory locks are per database; the first key says what is locked, the second which schema.
_TRANSACTION_LOCK = 0x70627478  # "pbtx"
_TICKER_LOCK = 0x7062746B  # "pbtk"
_SCHEMA_INIT_LOCK = 0x70626931  # "pbi1"

SCHEMA = """
CREATE SEQUENCE IF NOT EXISTS order_ids;
CREATE TABLE IF NOT EXISTS orders (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    symbol TEXT NOT NULL,
    type SMALLINT NOT NULL,
    side SMALLINT NOT NULL,
    qty DOUBLE PRECISION NOT NULL,
    status SMALLINT NOT NULL,
    update_time BIGINT NOT NULL,
    filled_qty DOUBLE PRECISION NOT NULL,
    avg_price DOUBLE PRECISION,
    limit_price DOUBLE PRECISION,
    stop_price DOUBLE PRECISION,
    take_profit DOUBLE PRECISION,
    stop_loss DOUBLE PRECISION,
    stop_type SMALLINT,
    duration_type TEXT,
    duration_datetime BIGINT,
    parent_id TEXT,
    parent_type SMALLINT,
    message TEXT,
    triggered SMALLINT NOT NULL,
    trigger_kind SMALLINT,
    trigger_price DOUBLE PRECISION
);
CREATE INDEX IF NOT EXISTS orders_waiting
    ON orders (symbol, side, trigger_kind, trigger_price) WHERE status = 6;
CREATE INDEX IF NOT EXISTS orders_by_parent ON orders (parent_id, seq) WHERE parent_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS executions (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id TEXT NOT NULL,
    symbol TEXT NOT NULL,
    side SMALLINT NOT NULL,
    qty DOUBLE PRECISION NOT NULL,
    price DOUBLE PRECISION NOT NULL,
    time BIGINT NOT NULL,
    commission DOUBLE PRECISION NOT NULL
);
CREATE INDEX IF NOT EXISTS executions_by_symbol ON executions (symbol, seq);
CREATE TABLE IF NOT EXISTS positions (
    symbol TEXT PRIMARY KEY, qty DOUBLE PRECISION NOT NULL, avg_price DOUBLE PRECISION NOT NULL
);
CREATE TABLE IF NOT EXISTS account (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    currency TEXT NOT NULL,
    starting_cash DOUBLE PRECISION NOT NULL,
    realized_pnl DOUBLE PRECISION NOT NULL,
    commissions DOUBLE PRECISION NOT NULL
);
CREATE TABLE IF NOT EXISTS quotes (
    symbol TEXT PRIMARY KEY,
    bid DOUBLE PRECISION NOT NULL,
    ask DOUBLE PRECISION NOT NULL,
    last DOUBLE PRECISION NOT NULL,
    time BIGINT NOT NULL
);
"""

# One index range per (side, trigger kind), as in the SQLite store: a quote reads only the orders it can fill.
_BRANCH = f"SELECT seq, {_ORDER_COLUMNS} FROM orders WHERE status = 6 AND symbol = %(symbol)s"
_WAITING = f"""
SELECT {_ORDER_COLUMNS} FROM (
    {_BRANCH} AND side = 1 AND trigger_kind = 1 AND trigger_price >= %(ask)s
    UNION ALL
    {_BRANCH} AND side = 1 AND trigger_kind = 2 AND trigger_price <= %(ask)s
    UNION ALL
    {_BRANCH} AND side = -1 AND trigger_kind = 1 AND trigger_price <= %(bid)s
    UNION ALL
    {_BRANCH} AND side = -1 AND trigger_kind = 2 AND trigger_price >= %(bid)s
) AS waiting
ORDER BY seq
"""

_SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def _schema_key(schema: str) -> int:
    """The schema's crc32 as the signed 32-bit integer that pg_advisory_lock(int, int) takes."""
    value = zlib.crc32(schema.encode())
    return value - 2**32 if value >= 2**31 else value


class PostgresLedger:
    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self._conn = conn

    def _one(self, query: str, params: Any = None) -> tuple[Any, ...] | None:
        return self._conn.execute(query, params).fetchone()

    def _all(self, query: str, params: Any = None) -> list[tuple[Any, ...]]:
        return self._conn.execute(query, params).fetchall()

    def next_order_id(self) -> str:
        row = self._one("SELECT nextval('order_ids')")
        assert row is not None
        return str(row[0])

    def add_order(self, order: Order) -> None:
        marks = ", ".join(["%s"] * 22)
        self._conn.execute(f"INSERT INTO orders ({_ORDER_COLUMNS}) VALUES ({marks})", _order_row(order))

    def update_order(self, order: Order) -> None:
        assignments = ", ".join(f"{column.strip()} = %s" for column in _ORDER_COLUMNS.split(",")[1:])
        row = _order_row(order)
        self._conn.execute(f"UPDATE orders SET {assignments} WHERE id = %s", (*row[1:], row[0]))

    def get_order(self, order_id: str) -> Order | None:
        row = self._one(f"SELECT {_ORDER_COLUMNS} FROM orders WHERE id = %s", (order_id,))
        return None if row is None else _order_from(row)

    def list_orders(self) -> list[Order]:
        return [_order_from(row) for row in self._all(f"SELECT {_ORDER_COLUMNS} FROM orders ORDER BY seq")]

    def orders_waiting_on(self, quote: Quote) -> list[Order]:
        rows = self._all(_WAITING, {"symbol": quote.symbol, "bid": quote.bid, "ask": quote.ask})
        return [_order_from(row) for row in rows]

    def children_of(self, parent_id: str) -> list[Order]:
        query = f"SELECT {_ORDER_COLUMNS} FROM orders WHERE parent_id = %s ORDER BY seq"
        return [_order_from(row) for row in self._all(query, (parent_id,))]

    def add_execution(self, execution: Execution) -> None:
        self._conn.execute(
            "INSERT INTO executions (order_id, symbol, side, qty, price, time, commission)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s)",
            (
                execution.order_id,
                execution.symbol,
                int(execution.side),
                execution.qty,
                execution.price,
                execution.time,
                execution.commission,
            ),
        )

    def list_executions(self, symbol: str) -> list[Execution]:
        rows = self._all(
            "SELECT order_id, symbol, side, qty, price, time, commission FROM executions"
            " WHERE symbol = %s ORDER BY seq",
            (symbol,),
        )
        return [
            Execution(oid, sym, Side(side), qty, price, t, c) for oid, sym, side, qty, price, t, c in rows
        ]

    def get_position(self, symbol: str) -> Position | None:
        row = self._one("SELECT qty, avg_price FROM positions WHERE symbol = %s", (symbol,))
        return None if row is None else Position(symbol, row[0], row[1])

    def put_position(self, symbol: str, position: Position | None) -> None:
        if position is None:
            self._conn.execute("DELETE FROM positions WHERE symbol = %s", (symbol,))
            return
        self._conn.execute(
            "INSERT INTO positions (symbol, qty, avg_price) VALUES (%s, %s, %s)"
            " ON CONFLICT (symbol) DO UPDATE SET qty = excluded.qty, avg_price = excluded.avg_price",
            (symbol, position.qty, position.avg_price),
        )

    def list_positions(self) -> list[Position]:
        rows = self._all("SELECT symbol, qty, avg_price FROM positions ORDER BY symbol")
        return [Position(symbol, qty, avg) for symbol, qty, avg in rows]

    def get_account(self) -> Account | None:
        row = self._one("SELECT id, name, currency, starting_cash, realized_pnl, commissions FROM account")
        return None if row is None else Account(*row)

    def put_account(self, account: Account) -> None:
        self._conn.execute(
            "INSERT INTO account (id, name, currency, starting_cash, realized_pnl, commissions)"
            " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (id) DO UPDATE SET name = excluded.name,"
            " currency = excluded.currency, starting_cash = excluded.starting_cash,"
            " realized_pnl = excluded.realized_pnl, commissions = excluded.commissions",
            (
                account.id,
                account.name,
                account.currency,
                account.starting_cash,
                account.realized_pnl,
                account.commissions,
            ),
        )

    def get_quote(self, symbol: str) -> Quote | None:
        row = self._one("SELECT symbol, bid, ask, last, time FROM quotes WHERE symbol = %s", (symbol,))
        return None if row is None else Quote(*row)

    def put_quote(self, quote: Quote) -> None:
        self._conn.execute(
            "INSERT INTO quotes (symbol, bid, ask, last, time) VALUES (%s, %s, %s, %s, %s)"
            " ON CONFLICT (symbol) DO UPDATE SET bid = excluded.bid, ask = excluded.ask,"
            " last = excluded.last, time = excluded.time",
            (quote.symbol, quote.bid, quote.ask, quote.last, quote.time),
        )

    def list_quotes(self, symbols: Iterable[str]) -> dict[str, Quote]:
        wanted = list(dict.fromkeys(symbols))
        if not wanted:
            return {}
        rows = self._all("SELECT symbol, bid, ask, last, time FROM quotes WHERE symbol = ANY(%s)", (wanted,))
        return {row[0]: Quote(*row) for row in rows}


class PostgresStore:
    """A small connection pool per process; an advisory lock per transaction serializes all processes.

    `dsn` is a libpq URL or key=value string. `schema`, when given, is created if missing and put first on
    the search path (tests isolate themselves this way); otherwise the DSN's search path applies (`public`,
    or `?options=-csearch_path%3Dname` in a URL, for a schema that exists).
    """

    def __init__(
        self, dsn: str, schema: str | None = None, max_connections: int = 4, timeout: float = 30.0
    ) -> None:
        if schema is not None and not _SCHEMA_NAME.match(schema):
            raise ValueError(f"schema names are lower-case identifiers: {schema!r}")
        self.dsn = dsn
        self.schema = schema
        self.connect_kwargs: dict[str, Any] = {"autocommit": True}
        if schema is not None:
            self.connect_kwargs["options"] = f"-c search_path={schema}"
        self.schema_name = self._create_schema()
        self.lock_key = _schema_key(self.schema_name)
        self._pool: ConnectionPool[psycopg.Connection[Any]] = ConnectionPool(
            dsn,
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
            conn.execute(SCHEMA)
            return name

    @contextmanager
    def transaction(self) -> Iterator[PostgresLedger]:
        with self._pool.connection() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s, %s)", (_TRANSACTION_LOCK, self.lock_key))
            yield PostgresLedger(conn)

    @contextmanager
    def snapshot(self) -> Iterator[PostgresLedger]:
        """REPEATABLE READ, READ ONLY and without the advisory lock: reads never queue behind writes."""
        with self._pool.connection() as conn, conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield PostgresLedger(conn)

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
        self.held = False
        if self._conn is not None:
            self._conn.close()
            self._conn = None
