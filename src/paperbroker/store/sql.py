"""What the SQL stores share: the orders table's columns, row conversions and every query that SQLite
and PostgreSQL answer alike. Queries use `?` placeholders; each store runs them its own way.

Prices, quantities and money are stored as decimal text (`str(Decimal)`) and read back exactly; only an
order's `trigger_price` is a float, because it feeds nothing but the waiting-orders index range, which may
return a superset (float rounding is monotonic, so no order the quote reaches is left out) while the engine
decides fills on the exact prices.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Collection, Iterable, Sequence
from decimal import Decimal
from typing import Any, Protocol

import orjson

from paperbroker.engine.bars import Bar
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
from paperbroker.serialize import order_json
from paperbroker.store.base import (
    HistoryPosition,
    IncompatibleDatabase,
    ListedOrder,
    NewEvent,
    OwnedEvent,
    StoredEvent,
)

SCHEMA_VERSION = 5
"""What the stores' tables hold: 5 keeps each order's contract JSON beside its columns (`orders.body`, what
getOrders lists); 4 holds many accounts (`account_id` on every trading table and on events);
3 added the `events` outbox, for one account; 2 kept amounts as exact decimal text without it (never
released); 1 (never numbered) kept floats. Older versions are refused rather than migrated: a version-3
position's primary key is its symbol alone, so moving it to (account, symbol) means rebuilding tables,
and one start-up is not where a broker should risk that on a user's only copy. A version-4 database is
upgraded in place when it opens: one added column, filled from the rows it sits beside (`fill_order_bodies`).

A table added with CREATE TABLE IF NOT EXISTS keeps the version (the `bars` table did): a version-3
database gains it when it opens, and an older paperbroker of version 3 reads such a database as before."""

BAR_COLUMNS = "time, open, high, low, close, ticks"
"""A 1-minute bar's columns (with `symbol`, the `bars` table; its primary key is (symbol, time))."""


def first_event_id() -> int:
    """Where a new store's outbox ids begin: its creation time in microseconds.

    A client resumes by naming the last id it got. Were every store to count from 1, a store replaced by a
    new one (a restarted in-memory mock, a deleted file, a fresh PostgreSQL schema) would reuse ids, and a
    client would resume in someone else's history; starting at the creation time, the old ids lie below the
    new store's first, and the client gets a `resync`.
    """
    return time.time_ns() // 1_000


ORDER_COLUMNS = (
    "id, symbol, type, side, qty, status, update_time, filled_qty, avg_price, limit_price, stop_price,"
    " take_profit, stop_loss, stop_type, duration_type, duration_datetime, parent_id, parent_type, message,"
    " triggered, trigger_kind, trigger_price, guaranteed_stop, trailing_stop_pips, custom_fields, expires_at"
)
_ORDER_COLUMN_COUNT = ORDER_COLUMNS.count(",") + 1
UPGRADABLE_VERSION = 4
"""The one older version opened in place: it lacks only `orders.body`."""
FINAL = "(1, 2, 5)"
"""Canceled, Filled, Rejected: OrderStatus values of final orders, for SQL."""
PENDING = "(3, 4, 6)"
"""Inactive, Placing, Working: the orders that may still change, for SQL (the partial index orders_pending).
A query of pending statuses repeats this term word for word: SQLite uses a partial index only when the
query's WHERE holds the index's condition as written."""
_PENDING_STATUSES = frozenset({OrderStatus.Inactive, OrderStatus.Placing, OrderStatus.Working})

_LISTED = "id, status, symbol, body"
CURRENT_ORDERS = f"""SELECT {_LISTED} FROM (
    SELECT seq, {_LISTED} FROM orders WHERE account_id = ? AND status IN {PENDING}
    UNION ALL
    SELECT * FROM (
        SELECT seq, {_LISTED} FROM orders WHERE account_id = ? AND status IN {FINAL}
         ORDER BY update_time DESC, seq DESC LIMIT ?) AS recent
) AS polled ORDER BY seq"""
"""What a terminal polls (getOrders): the pending orders (orders_pending) and the `recent` newest final ones
(orders_final, read newest first and stopped at the limit): two index ranges leading with account_id, so
its cost follows the working orders and the window, never the account's whole history. It reads each
order's stored JSON, not its 26 columns: a quarter of the time, and nothing to convert."""

FINAL_PAGE = (
    f"SELECT seq, {ORDER_COLUMNS} FROM orders WHERE account_id = ? AND status IN {FINAL}"
    " ORDER BY update_time DESC, seq DESC LIMIT ?"
)
FINAL_PAGE_AFTER = (
    f"SELECT seq, {ORDER_COLUMNS} FROM orders WHERE account_id = ? AND status IN {FINAL}"
    " AND (update_time, seq) < (?, ?) ORDER BY update_time DESC, seq DESC LIMIT ?"
)
"""A page of history after a position (keyset pagination on orders_final): one range of the index from the
position on, whatever page it is. A final order never changes again, so its position is fixed: a walk
sees each one once, and orders finalized during the walk sort before its position, never into it."""


def check_schema_version(database: str, version: int | None, has_tables: bool) -> bool:
    """Refuse a database this code would misread: one the float schema wrote (tables, but no version),
    or one of another version. A new database (no tables) and a current one pass; True: an upgradable
    one (UPGRADABLE_VERSION) passes, to be upgraded by the caller in the same transaction."""
    if version is None and has_tables:
        raise IncompatibleDatabase(
            f"{database} was written by an older paperbroker (float columns); move it away to start afresh"
        )
    if version == UPGRADABLE_VERSION:
        return True
    if version is not None and version != SCHEMA_VERSION:
        raise IncompatibleDatabase(
            f"{database} has schema version {version}; this paperbroker reads version {SCHEMA_VERSION}"
        )
    return False


_MISSING_BODIES = (
    f"SELECT seq, {ORDER_COLUMNS} FROM orders WHERE seq > ? AND body IS NULL ORDER BY seq LIMIT 5000"
)
_FILL_BODY = "UPDATE orders SET body = ? WHERE seq = ?"


def fill_order_bodies(connection: Any, placeholder: str = "?") -> None:
    """Write the JSON body of every order that has none (a version-4 database's, or rows loaded in bulk),
    5,000 at a time, on a DB-API `connection` (sqlite3's, or psycopg's with placeholder `%s`)."""
    select = _MISSING_BODIES.replace("?", placeholder)
    update = _FILL_BODY.replace("?", placeholder)
    after = 0
    while rows := connection.execute(select, (after,)).fetchall():
        bodies = [(order_body(order_from(tuple(row[1:]))), int(row[0])) for row in rows]
        connection.cursor().executemany(update, bodies)
        after = int(rows[-1][0])


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def order_body(order: Order) -> bytes:
    """The order's contract JSON, as getOrders lists it (serialize.order_json, written by orjson)."""
    return orjson.dumps(order_json(order))


def order_row(order: Order) -> tuple[Any, ...]:
    trigger = order.trigger
    return (
        order.id,
        order.symbol,
        int(order.type),
        int(order.side),
        str(order.qty),
        int(order.status),
        order.update_time,
        str(order.filled_qty),
        _text(order.avg_price),
        _text(order.limit_price),
        _text(order.stop_price),
        _text(order.take_profit),
        _text(order.stop_loss),
        None if order.stop_type is None else int(order.stop_type),
        None if order.duration is None else order.duration.type,
        None if order.duration is None else order.duration.datetime,
        order.parent_id,
        None if order.parent_type is None else int(order.parent_type),
        order.message,
        int(order.triggered),
        None if trigger is None else int(trigger[0]),
        None if trigger is None else float(trigger[1]),
        _text(order.guaranteed_stop),
        _text(order.trailing_stop_pips),
        order.custom_fields,
        order.expires_at,
    )


# Enum members by stored value: a dict look-up is a tenth of the cost of calling the enum, per column per row.
_ORDER_TYPES = dict(OrderType._value2member_map_)
_SIDES = dict(Side._value2member_map_)
_STATUSES = dict(OrderStatus._value2member_map_)


@functools.lru_cache(maxsize=16_384)
def order_from(row: tuple[Any, ...]) -> Order:
    """The Order a row of ORDER_COLUMNS holds.

    A row is the whole of an immutable Order, so the one built from an equal row is reused: most reads
    (a terminal polling its orders, a tick reading the waiting ones) see orders that have not changed
    since the last read. Building one costs ~2.5 µs; reusing it ~0.15 µs. At most 16,384 are kept (~10 MB).
    """
    (oid, symbol, type_, side, qty, status, update_time, filled_qty, avg_price, limit_price, stop_price,
     take_profit, stop_loss, stop_type, duration_type, duration_datetime, parent_id, parent_type, message,
     triggered, _kind, _price, guaranteed_stop, trailing_stop_pips, custom_fields,
     expires_at) = row  # fmt: skip
    return Order(
        id=oid,
        symbol=symbol,
        type=_ORDER_TYPES[type_],
        side=_SIDES[side],
        qty=Decimal(qty),
        status=_STATUSES[status],
        update_time=update_time,
        filled_qty=Decimal(filled_qty),
        avg_price=_decimal(avg_price),
        limit_price=_decimal(limit_price),
        stop_price=_decimal(stop_price),
        take_profit=_decimal(take_profit),
        stop_loss=_decimal(stop_loss),
        stop_type=None if stop_type is None else StopType(stop_type),
        duration=None if duration_type is None else Duration(duration_type, duration_datetime),
        parent_id=parent_id,
        parent_type=None if parent_type is None else ParentType(parent_type),
        message=message,
        triggered=bool(triggered),
        guaranteed_stop=_decimal(guaranteed_stop),
        trailing_stop_pips=_decimal(trailing_stop_pips),
        custom_fields=custom_fields,
        expires_at=expires_at,
    )


class Cursor(Protocol):
    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...


ADD_EVENT = "INSERT INTO events (account_id, kind, data) VALUES (?, ?, ?)"
NEWEST_EVENT = "SELECT max(id) FROM events WHERE account_id = ? AND kind = ?"
"""Answered from the index events_by_account (account_id, kind, id) in both stores: one search, not a scan."""
NEWEST_MARKET_EVENT = "SELECT max(id) FROM events WHERE account_id IS NULL AND kind = ?"
"""The same index's search among the market's events (quotes), which every account sees."""

_UPDATE_ORDER = ", ".join(f"{column.strip()} = ?" for column in [*ORDER_COLUMNS.split(",")[1:], "body"])


QUOTE = "SELECT symbol, bid, ask, last, time FROM quotes WHERE symbol = ?"

_THE_ACCOUNTS_ORDER = "id = ? AND (account_id = ?) IS TRUE"
"""One order by id, if it is the account's. The account test is written so that no index can serve it:
as `account_id = ?`, PostgreSQL's generic plan for a statement prepared while the table was small could
reach the row through orders_by_account (account_id, seq) as cheaply as through the id, and then read the
account's whole history on every fill and cancel."""


class SQLLedger:
    """The Ledger methods whose SQL is the same on every store; subclasses run it and add the rest.

    Every query of an account's rows names `account_id = ?`: on the market's ledger (None) it matches none.
    """

    def __init__(self, account_id: str | None) -> None:
        self._account = account_id

    @property
    def account_id(self) -> str | None:
        return self._account

    def _execute(self, query: str, params: Sequence[Any] = ()) -> Cursor:
        raise NotImplementedError

    def _of_account(self) -> tuple[str, tuple[Any, ...]]:
        """A condition keeping this ledger's account's rows; none on the market's ledger (every account's)."""
        return ("", ()) if self._account is None else (" AND account_id = ?", (self._account,))

    def owner_of(self, order_id: str) -> str | None:
        row = self._execute("SELECT account_id FROM orders WHERE id = ?", (order_id,)).fetchone()
        return None if row is None else str(row[0])

    def accounts_holding(self, symbols: Collection[str]) -> list[str]:
        wanted = list(dict.fromkeys(symbols))
        if not wanted:
            return []
        query = (
            f"SELECT DISTINCT account_id FROM positions WHERE symbol IN ({', '.join('?' * len(wanted))})"
            " ORDER BY account_id"
        )
        return [str(row[0]) for row in self._execute(query, wanted).fetchall()]

    def add_order(self, order: Order) -> None:
        self._execute(
            f"INSERT INTO orders (account_id, {ORDER_COLUMNS}, body)"
            f" VALUES ({', '.join('?' * (_ORDER_COLUMN_COUNT + 2))})",
            (self._account, *order_row(order), order_body(order)),
        )

    def update_order(self, order: Order) -> None:
        row = order_row(order)
        self._execute(
            f"UPDATE orders SET {_UPDATE_ORDER} WHERE {_THE_ACCOUNTS_ORDER}",
            (*row[1:], order_body(order), row[0], self._account),
        )

    def get_order(self, order_id: str) -> Order | None:
        row = self._execute(
            f"SELECT {ORDER_COLUMNS} FROM orders WHERE {_THE_ACCOUNTS_ORDER}", (order_id, self._account)
        ).fetchone()
        return None if row is None else order_from(row)

    def list_orders(
        self, statuses: Collection[OrderStatus] | None = None, symbol: str | None = None
    ) -> list[Order]:
        conditions = ["account_id = ?"]
        params: list[Any] = [self._account]
        if statuses is not None and _PENDING_STATUSES.issuperset(statuses):
            conditions.append(
                f"status IN {PENDING}"
            )  # the partial index orders_pending, not the account's all
        if statuses is not None:
            conditions.append(f"status IN ({', '.join('?' * len(statuses))})")
            params += [int(status) for status in statuses]
        if symbol is not None:
            conditions.append("symbol = ?")
            params.append(symbol)
        where = " AND ".join(conditions)
        rows = self._execute(
            f"SELECT {ORDER_COLUMNS} FROM orders WHERE {where} ORDER BY seq", params
        ).fetchall()
        return [order_from(row) for row in rows]

    def final_orders(self, limit: int) -> list[Order]:
        query = (
            f"SELECT {ORDER_COLUMNS} FROM orders WHERE account_id = ? AND status IN {FINAL}"
            " ORDER BY update_time DESC, seq DESC LIMIT ?"
        )
        return [order_from(row) for row in self._execute(query, (self._account, limit)).fetchall()]

    def current_orders(self, recent: int) -> list[ListedOrder]:
        rows = self._execute(CURRENT_ORDERS, (self._account, self._account, recent)).fetchall()
        return [
            ListedOrder(oid, status, symbol, self._rendered(oid) if body is None else bytes(body))
            for oid, status, symbol, body in rows
        ]

    def _rendered(self, order_id: str) -> bytes:
        """The body of a row written without one (loaded in bulk by other means): made from its columns."""
        order = self.get_order(order_id)
        assert order is not None, "a listed order is there"
        return order_body(order)

    def final_orders_page(
        self, limit: int, after: HistoryPosition | None = None
    ) -> tuple[list[Order], HistoryPosition | None]:
        if after is None:
            rows = self._execute(FINAL_PAGE, (self._account, limit + 1)).fetchall()
        else:
            rows = self._execute(FINAL_PAGE_AFTER, (self._account, *after, limit + 1)).fetchall()
        page = [order_from(tuple(row[1:])) for row in rows[:limit]]
        if len(rows) <= limit:
            return page, None
        return page, HistoryPosition(page[-1].update_time, int(rows[limit - 1][0]))

    def orders_expiring(self, now: int) -> list[Order]:
        """In the order the expiry index holds them: ordered by seq alone, PostgreSQL's generic plan (made
        while the table was small) reads every working order of the account through orders_pending."""
        condition, params = self._of_account()
        query = (
            f"SELECT {ORDER_COLUMNS} FROM orders"
            f" WHERE status = 6 AND expires_at IS NOT NULL AND expires_at <= ?{condition}"
            " ORDER BY expires_at, seq"
        )
        return [order_from(row) for row in self._execute(query, (now, *params)).fetchall()]

    def trailing_stops(self, symbol: str) -> list[Order]:
        condition, params = self._of_account()
        query = (
            f"SELECT {ORDER_COLUMNS} FROM orders"
            f" WHERE status = 6 AND stop_type = 1 AND symbol = ?{condition} ORDER BY seq"
        )
        return [order_from(row) for row in self._execute(query, (symbol, *params)).fetchall()]

    def children_of(self, parent_id: str, parent_type: ParentType = ParentType.Order) -> list[Order]:
        """A position's brackets name its symbol as their parent: the account is what tells them apart."""
        query = (
            f"SELECT {ORDER_COLUMNS} FROM orders"
            " WHERE account_id = ? AND parent_id = ? AND parent_type = ? ORDER BY seq"
        )
        params = (self._account, parent_id, int(parent_type))
        return [order_from(row) for row in self._execute(query, params).fetchall()]

    def add_preview(self, confirm_id: str, order_key: str, expires_at: int, now: int) -> None:
        self._execute("DELETE FROM previews WHERE account_id = ? AND expires_at < ?", (self._account, now))
        self._execute(
            "INSERT INTO previews (account_id, confirm_id, order_key, expires_at, used)"
            " VALUES (?, ?, ?, ?, 0)",
            (self._account, confirm_id, order_key, expires_at),
        )

    def use_preview(self, confirm_id: str) -> tuple[str, int, bool] | None:
        row = self._execute(
            "SELECT order_key, expires_at, used FROM previews WHERE confirm_id = ? AND account_id = ?",
            (confirm_id, self._account),
        ).fetchone()
        if row is None:
            return None
        self._execute("UPDATE previews SET used = 1 WHERE confirm_id = ?", (confirm_id,))
        return str(row[0]), int(row[1]), bool(row[2])

    def clear_trading(self) -> None:
        for table in ("orders", "executions", "positions", "previews"):
            self._execute(f"DELETE FROM {table} WHERE account_id = ?", (self._account,))

    def add_execution(self, execution: Execution) -> None:
        self._execute(
            "INSERT INTO executions (account_id, order_id, symbol, side, qty, price, time, commission)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                self._account,
                execution.order_id,
                execution.symbol,
                int(execution.side),
                str(execution.qty),
                str(execution.price),
                execution.time,
                str(execution.commission),
            ),
        )

    def list_executions(self, symbol: str) -> list[Execution]:
        rows = self._execute(
            "SELECT order_id, symbol, side, qty, price, time, commission FROM executions"
            " WHERE account_id = ? AND symbol = ? ORDER BY seq",
            (self._account, symbol),
        ).fetchall()
        return [
            Execution(oid, sym, _SIDES[side], Decimal(qty), Decimal(price), t, Decimal(c))
            for oid, sym, side, qty, price, t, c in rows
        ]

    def get_position(self, symbol: str) -> Position | None:
        row = self._execute(
            "SELECT qty, avg_price FROM positions WHERE account_id = ? AND symbol = ?",
            (self._account, symbol),
        ).fetchone()
        return None if row is None else Position(symbol, Decimal(row[0]), Decimal(row[1]))

    def put_position(self, symbol: str, position: Position | None) -> None:
        if position is None:
            self._execute(
                "DELETE FROM positions WHERE account_id = ? AND symbol = ?", (self._account, symbol)
            )
            return
        self._execute(
            "INSERT INTO positions (account_id, symbol, qty, avg_price) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (account_id, symbol)"
            " DO UPDATE SET qty = excluded.qty, avg_price = excluded.avg_price",
            (self._account, symbol, str(position.qty), str(position.avg_price)),
        )

    def list_positions(self) -> list[Position]:
        rows = self._execute(
            "SELECT symbol, qty, avg_price FROM positions WHERE account_id = ? ORDER BY symbol",
            (self._account,),
        ).fetchall()
        return [Position(symbol, Decimal(qty), Decimal(avg)) for symbol, qty, avg in rows]

    def get_account(self) -> Account | None:
        row = self._execute(
            "SELECT id, name, currency, starting_cash, realized_pnl, commissions FROM account WHERE id = ?",
            (self._account,),
        ).fetchone()
        if row is None:
            return None
        account_id, name, currency, starting_cash, realized_pnl, commissions = row
        return Account(
            account_id, name, currency, Decimal(starting_cash), Decimal(realized_pnl), Decimal(commissions)
        )

    def put_account(self, account: Account) -> None:
        if account.id != self._account:
            raise ValueError(f"a ledger of account {self._account!r} cannot write account {account.id!r}")
        self._execute(
            "INSERT INTO account (id, name, currency, starting_cash, realized_pnl, commissions)"
            " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET name = excluded.name,"
            " currency = excluded.currency, starting_cash = excluded.starting_cash,"
            " realized_pnl = excluded.realized_pnl, commissions = excluded.commissions",
            (
                account.id,
                account.name,
                account.currency,
                str(account.starting_cash),
                str(account.realized_pnl),
                str(account.commissions),
            ),
        )

    def get_quote(self, symbol: str) -> Quote | None:
        row = self._execute(QUOTE, (symbol,)).fetchone()
        return None if row is None else quote_from(row)

    def put_quote(self, quote: Quote) -> None:
        self._execute(
            "INSERT INTO quotes (symbol, bid, ask, last, time) VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (symbol) DO UPDATE SET bid = excluded.bid, ask = excluded.ask,"
            " last = excluded.last, time = excluded.time",
            (quote.symbol, str(quote.bid), str(quote.ask), str(quote.last), quote.time),
        )

    def minute_bar(self, symbol: str, time: int) -> Bar | None:
        row = self._execute(
            f"SELECT {BAR_COLUMNS} FROM bars WHERE symbol = ? AND time = ?", (symbol, time)
        ).fetchone()
        return None if row is None else _bar(row)

    def put_minute_bar(self, symbol: str, bar: Bar) -> None:
        self._execute(
            f"INSERT INTO bars (symbol, {BAR_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (symbol, time) DO UPDATE SET open = excluded.open, high = excluded.high,"
            " low = excluded.low, close = excluded.close, ticks = excluded.ticks",
            (symbol, bar.time, str(bar.open), str(bar.high), str(bar.low), str(bar.close), bar.ticks),
        )

    def minute_bars(self, symbol: str, start: int | None, end: int | None, limit: int) -> list[Bar]:
        conditions = ["symbol = ?"]
        params: list[Any] = [symbol]
        if start is not None:
            conditions.append("time >= ?")
            params.append(start)
        if end is not None:
            conditions.append("time < ?")
            params.append(end)
        order = "ASC" if start is not None else "DESC"
        query = (
            f"SELECT {BAR_COLUMNS} FROM bars WHERE {' AND '.join(conditions)} ORDER BY time {order} LIMIT ?"
        )
        bars = [_bar(row) for row in self._execute(query, (*params, limit)).fetchall()]
        return bars if start is not None else bars[::-1]

    def add_event(self, kind: str, data: str) -> None:
        self.add_events(((self._account, kind, data),))

    def add_events(self, events: Sequence[NewEvent]) -> None:
        raise NotImplementedError  # each store has its own statement for many rows

    def events_after(self, after: int, limit: int) -> list[StoredEvent]:
        query = (
            "SELECT id, kind, data FROM events WHERE id > ? AND (account_id = ? OR account_id IS NULL)"
            " ORDER BY id LIMIT ?"
        )
        rows = self._execute(query, (after, self._account, limit)).fetchall()
        return [(int(i), str(k), str(d)) for i, k, d in rows]

    def all_events_after(self, after: int, limit: int) -> list[OwnedEvent]:
        query = "SELECT id, kind, data, account_id FROM events WHERE id > ? ORDER BY id LIMIT ?"
        rows = self._execute(query, (after, limit)).fetchall()
        return [(int(i), str(k), str(d), None if a is None else str(a)) for i, k, d, a in rows]

    def event_bounds(self) -> tuple[int, int] | None:
        row = self._execute("SELECT min(id), max(id) FROM events").fetchone()
        return None if row is None or row[0] is None else (int(row[0]), int(row[1]))

    def newest_event(self, kinds: Collection[str]) -> int | None:
        newest = None
        for kind in kinds:  # probes of events_by_account; an IN list would scan the kinds' ranges
            probes: list[tuple[str, tuple[str, ...]]] = [(NEWEST_MARKET_EVENT, (kind,))]
            if self._account is not None:
                probes.append((NEWEST_EVENT, (self._account, kind)))
            for query, params in probes:
                row = self._execute(query, params).fetchone()
                if row is not None and row[0] is not None and (newest is None or int(row[0]) > newest):
                    newest = int(row[0])
        return newest

    def prune_events(self, keep: int) -> None:
        self._execute(
            "DELETE FROM events WHERE id < (SELECT id FROM events ORDER BY id DESC LIMIT 1 OFFSET ?)",
            (keep - 1,),
        )

    def quoted_symbols(self) -> list[str]:
        return [row[0] for row in self._execute("SELECT symbol FROM quotes ORDER BY symbol").fetchall()]

    def list_quotes(self, symbols: Iterable[str]) -> dict[str, Quote]:
        wanted = list(dict.fromkeys(symbols))
        if not wanted:
            return {}
        marks = ", ".join("?" * len(wanted))
        query = f"SELECT symbol, bid, ask, last, time FROM quotes WHERE symbol IN ({marks})"
        return {row[0]: quote_from(row) for row in self._execute(query, wanted).fetchall()}


def _bar(row: tuple[Any, ...]) -> Bar:
    time, open_, high, low, close, ticks = row
    return Bar(int(time), Decimal(open_), Decimal(high), Decimal(low), Decimal(close), int(ticks))


def quote_from(row: tuple[Any, ...]) -> Quote:
    symbol, bid, ask, last, time = row
    return Quote(symbol, Decimal(bid), Decimal(ask), Decimal(last), time)
