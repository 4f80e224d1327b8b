"""The embedded default store: one SQLite file (or `:memory:`), safe across threads and processes."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from paperbroker.engine.model import (
    Account,
    Duration,
    Execution,
    Order,
    OrderStatus,
    OrderType,
    ParentType,
    Position,
    Quote,
    Side,
    StopType,
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS orders (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    symbol TEXT NOT NULL,
    type INTEGER NOT NULL,
    side INTEGER NOT NULL,
    qty REAL NOT NULL,
    status INTEGER NOT NULL,
    update_time INTEGER NOT NULL,
    filled_qty REAL NOT NULL,
    avg_price REAL,
    limit_price REAL,
    stop_price REAL,
    take_profit REAL,
    stop_loss REAL,
    stop_type INTEGER,
    duration_type TEXT,
    duration_datetime INTEGER,
    parent_id TEXT,
    parent_type INTEGER,
    message TEXT,
    triggered INTEGER NOT NULL,
    trigger_kind INTEGER,
    trigger_price REAL
);
CREATE INDEX IF NOT EXISTS orders_waiting
    ON orders (symbol, side, trigger_kind, trigger_price) WHERE status = 6;
CREATE INDEX IF NOT EXISTS orders_by_parent ON orders (parent_id, seq) WHERE parent_id IS NOT NULL;
CREATE TABLE IF NOT EXISTS executions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id TEXT NOT NULL,
    symbol TEXT NOT NULL,
    side INTEGER NOT NULL,
    qty REAL NOT NULL,
    price REAL NOT NULL,
    time INTEGER NOT NULL,
    commission REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS executions_by_symbol ON executions (symbol, seq);
CREATE TABLE IF NOT EXISTS positions (symbol TEXT PRIMARY KEY, qty REAL NOT NULL, avg_price REAL NOT NULL);
CREATE TABLE IF NOT EXISTS account (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    currency TEXT NOT NULL,
    starting_cash REAL NOT NULL,
    realized_pnl REAL NOT NULL,
    commissions REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS quotes (
    symbol TEXT PRIMARY KEY, bid REAL NOT NULL, ask REAL NOT NULL, last REAL NOT NULL, time INTEGER NOT NULL
);
"""

_ORDER_COLUMNS = (
    "id, symbol, type, side, qty, status, update_time, filled_qty, avg_price, limit_price, stop_price,"
    " take_profit, stop_loss, stop_type, duration_type, duration_datetime, parent_id, parent_type, message,"
    " triggered, trigger_kind, trigger_price"
)

# One index range per (side, trigger kind): a quote reads only the orders it can fill. (Written as one OR,
# SQLite searched the index on `symbol` alone and tested every working order of the symbol.)
_WAITING = f"""
SELECT {_ORDER_COLUMNS} FROM orders WHERE seq IN (
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
     WHERE status = 6 AND symbol = :symbol AND side = -1 AND trigger_kind = 2 AND trigger_price >= :bid)
ORDER BY seq
"""


def _order_row(order: Order) -> tuple[Any, ...]:
    trigger = order.trigger
    return (
        order.id,
        order.symbol,
        int(order.type),
        int(order.side),
        order.qty,
        int(order.status),
        order.update_time,
        order.filled_qty,
        order.avg_price,
        order.limit_price,
        order.stop_price,
        order.take_profit,
        order.stop_loss,
        None if order.stop_type is None else int(order.stop_type),
        None if order.duration is None else order.duration.type,
        None if order.duration is None else order.duration.datetime,
        order.parent_id,
        None if order.parent_type is None else int(order.parent_type),
        order.message,
        int(order.triggered),
        None if trigger is None else int(trigger[0]),
        None if trigger is None else trigger[1],
    )


def _order_from(row: sqlite3.Row | tuple[Any, ...]) -> Order:
    (oid, symbol, type_, side, qty, status, update_time, filled_qty, avg_price, limit_price, stop_price,
     take_profit, stop_loss, stop_type, duration_type, duration_datetime, parent_id, parent_type, message,
     triggered, _kind, _price) = row  # fmt: skip
    return Order(
        id=oid,
        symbol=symbol,
        type=OrderType(type_),
        side=Side(side),
        qty=qty,
        status=OrderStatus(status),
        update_time=update_time,
        filled_qty=filled_qty,
        avg_price=avg_price,
        limit_price=limit_price,
        stop_price=stop_price,
        take_profit=take_profit,
        stop_loss=stop_loss,
        stop_type=None if stop_type is None else StopType(stop_type),
        duration=None if duration_type is None else Duration(duration_type, duration_datetime),
        parent_id=parent_id,
        parent_type=None if parent_type is None else ParentType(parent_type),
        message=message,
        triggered=bool(triggered),
    )


class SQLiteLedger:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def next_order_id(self) -> str:
        row = self._conn.execute(
            "INSERT INTO counters (name, value) VALUES ('order', 1)"
            " ON CONFLICT (name) DO UPDATE SET value = value + 1 RETURNING value"
        ).fetchone()
        return str(row[0])

    def add_order(self, order: Order) -> None:
        self._conn.execute(
            f"INSERT INTO orders ({_ORDER_COLUMNS}) VALUES ({', '.join('?' * 22)})", _order_row(order)
        )

    def update_order(self, order: Order) -> None:
        assignments = ", ".join(f"{column.strip()} = ?" for column in _ORDER_COLUMNS.split(",")[1:])
        row = _order_row(order)
        self._conn.execute(f"UPDATE orders SET {assignments} WHERE id = ?", (*row[1:], row[0]))

    def get_order(self, order_id: str) -> Order | None:
        row = self._conn.execute(f"SELECT {_ORDER_COLUMNS} FROM orders WHERE id = ?", (order_id,)).fetchone()
        return None if row is None else _order_from(row)

    def list_orders(self) -> list[Order]:
        rows = self._conn.execute(f"SELECT {_ORDER_COLUMNS} FROM orders ORDER BY seq").fetchall()
        return [_order_from(row) for row in rows]

    def orders_waiting_on(self, quote: Quote) -> list[Order]:
        rows = self._conn.execute(_WAITING, {"symbol": quote.symbol, "bid": quote.bid, "ask": quote.ask})
        return [_order_from(row) for row in rows.fetchall()]

    def children_of(self, parent_id: str) -> list[Order]:
        query = f"SELECT {_ORDER_COLUMNS} FROM orders WHERE parent_id = ? ORDER BY seq"
        return [_order_from(row) for row in self._conn.execute(query, (parent_id,)).fetchall()]

    def add_execution(self, execution: Execution) -> None:
        self._conn.execute(
            "INSERT INTO executions (order_id, symbol, side, qty, price, time, commission)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
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
        rows = self._conn.execute(
            "SELECT order_id, symbol, side, qty, price, time, commission FROM executions"
            " WHERE symbol = ? ORDER BY seq",
            (symbol,),
        ).fetchall()
        return [
            Execution(oid, sym, Side(side), qty, price, t, c) for oid, sym, side, qty, price, t, c in rows
        ]

    def get_position(self, symbol: str) -> Position | None:
        row = self._conn.execute(
            "SELECT qty, avg_price FROM positions WHERE symbol = ?", (symbol,)
        ).fetchone()
        return None if row is None else Position(symbol, row[0], row[1])

    def put_position(self, symbol: str, position: Position | None) -> None:
        if position is None:
            self._conn.execute("DELETE FROM positions WHERE symbol = ?", (symbol,))
            return
        self._conn.execute(
            "INSERT INTO positions (symbol, qty, avg_price) VALUES (?, ?, ?)"
            " ON CONFLICT (symbol) DO UPDATE SET qty = excluded.qty, avg_price = excluded.avg_price",
            (symbol, position.qty, position.avg_price),
        )

    def list_positions(self) -> list[Position]:
        rows = self._conn.execute("SELECT symbol, qty, avg_price FROM positions ORDER BY symbol").fetchall()
        return [Position(symbol, qty, avg) for symbol, qty, avg in rows]

    def get_account(self) -> Account | None:
        row = self._conn.execute(
            "SELECT id, name, currency, starting_cash, realized_pnl, commissions FROM account"
        ).fetchone()
        return None if row is None else Account(*row)

    def put_account(self, account: Account) -> None:
        self._conn.execute(
            "INSERT INTO account (id, name, currency, starting_cash, realized_pnl, commissions)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name,"
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
        row = self._conn.execute(
            "SELECT symbol, bid, ask, last, time FROM quotes WHERE symbol = ?", (symbol,)
        ).fetchone()
        return None if row is None else Quote(*row)

    def put_quote(self, quote: Quote) -> None:
        self._conn.execute(
            "INSERT INTO quotes (symbol, bid, ask, last, time) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (symbol) DO UPDATE SET bid = excluded.bid, ask = excluded.ask,"
            " last = excluded.last, time = excluded.time",
            (quote.symbol, quote.bid, quote.ask, quote.last, quote.time),
        )

    def list_quotes(self, symbols: Iterable[str]) -> dict[str, Quote]:
        wanted = list(dict.fromkeys(symbols))
        if not wanted:
            return {}
        marks = ", ".join("?" * len(wanted))
        query = f"SELECT symbol, bid, ask, last, time FROM quotes WHERE symbol IN ({marks})"
        rows = self._conn.execute(query, wanted).fetchall()
        return {row[0]: Quote(*row) for row in rows}


class SQLiteStore:
    """One connection per process, serialized by a lock; `BEGIN IMMEDIATE` serializes processes."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30.0)
        if self.path != ":memory:":
            self._conn.execute("PRAGMA journal_mode = WAL")
        self._conn.execute("PRAGMA synchronous = NORMAL")
        self._conn.executescript(SCHEMA)

    @contextmanager
    def transaction(self) -> Iterator[SQLiteLedger]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield SQLiteLedger(self._conn)
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    @contextmanager
    def snapshot(self) -> Iterator[SQLiteLedger]:
        """A deferred transaction: under WAL it reads a snapshot without taking the write lock."""
        with self._lock:
            self._conn.execute("BEGIN")
            try:
                yield SQLiteLedger(self._conn)
            finally:
                self._conn.execute("ROLLBACK")

    def close(self) -> None:
        with self._lock:
            self._conn.close()
