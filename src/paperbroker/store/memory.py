"""The store behind `:memory:` (the stateful mock, `serve --db :memory:`): plain dicts in one process, kept
for as long as it runs and no longer.

It behaves as the SQL stores do (tests/store/test_behaviour.py runs on all three; the broker's property
test compares its books with SQLite's) at a fraction of their cost: a statement through sqlite3 spends
microseconds binding arguments and building rows where a dict look-up takes nanoseconds, and a fill is
seventeen of them.

A transaction is atomic through an undo log: every change appends how to reverse itself, and a transaction
that fails (and every snapshot, as SQLite's ROLLBACK would) reverses its changes, the newest first. One lock
serializes transactions and snapshots, as the SQLite store's one connection does.

The indexes mirror the SQL ones, so what a request polls costs what its rows cost, not the history: an
account's pending orders and its final ones sorted by (update_time, seq) (orders_pending, orders_final),
the working orders by symbol (orders_waiting), those with an expiry (orders_expiring), and who holds each
symbol (positions_by_symbol).
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final

import orjson

from paperbroker.engine.bars import Bar
from paperbroker.engine.model import (
    FINAL_STATUSES,
    Account,
    Execution,
    Order,
    OrderStatus,
    ParentType,
    Position,
    Quote,
    Side,
    StopType,
    TriggerKind,
)
from paperbroker.store.base import (
    DEFAULT_ACCOUNT,
    HistoryPosition,
    ListedOrder,
    NewEvent,
    OwnedEvent,
    StoredEvent,
    TickerLock,
)
from paperbroker.store.groupcommit import GroupCommit
from paperbroker.store.locks import AlwaysHeld
from paperbroker.store.sql import first_event_id, order_body, order_from, order_row

_PENDING = frozenset({OrderStatus.Inactive, OrderStatus.Placing, OrderStatus.Working})

Undo = list[Callable[[], object]]
"""How to reverse each change of a transaction, the oldest first."""


def _kept(data: bytes) -> bytes:
    """A copy of orjson's output the size of its contents: the bytes orjson returns keep its whole write
    buffer (about 4 KB, whatever the length), which a store of many bodies would hold on to."""
    return bytes(memoryview(data))


_Stored = tuple[str, int, bytes, bytes, Order | None, int, str]
"""An order as the orders table keeps it: (account, its place in the store's sequence, its contract JSON,
its packed row, the Order, its status, its symbol), read through `_order` and the indexes below.

A final order never changes again and is mostly history, so it is kept packed, as its SQL row in JSON
(about 180 bytes where the Order with its Decimals takes 775), and built again when read. Its tuple then
holds only strings, bytes, ints and None, which the garbage collector stops tracking: a store of many orders
adds nothing to each full collection (an object per order did, and the collections' pauses grew with the
store). For the same reason a final order is built without order_from's cache, whose Orders each
collection would visit, and a poll lists it from its body, status and symbol without building it.
Executions are kept as such tuples too."""
_ACCOUNT: Final = 0
_SEQ: Final = 1
_BODY: Final = 2
_ROW: Final = 3
_ORDER: Final = 4
_STATUS: Final = 5
_SYMBOL: Final = 6
_build_order = order_from.__wrapped__


def _stored(account: str, seq: int, order: Order) -> _Stored:
    body, status = _kept(order_body(order)), int(order.status)
    if order.status in FINAL_STATUSES:
        return (account, seq, body, _kept(orjson.dumps(order_row(order))), None, status, order.symbol)
    return (account, seq, body, b"", order, status, order.symbol)


def _order(stored: _Stored) -> Order:
    order = stored[_ORDER]
    return order if order is not None else _build_order(tuple(orjson.loads(stored[_ROW])))


_PackedExecution = tuple[str, str, int, Decimal, Decimal, int, Decimal]
"""An Execution's fields, its side as the integer: atoms only, untracked as a final order's tuple is."""


def _packed(execution: Execution) -> _PackedExecution:
    e = execution
    return (e.order_id, e.symbol, int(e.side), e.qty, e.price, e.time, e.commission)


def _unpacked(packed: _PackedExecution) -> Execution:
    order_id, symbol, side, qty, price, time, commission = packed
    return Execution(order_id, symbol, Side(side), qty, price, time, commission)


@dataclass(slots=True)
class _Preview:
    order_key: str
    expires_at: int
    used: bool


@dataclass(slots=True)
class _Book:
    """One account's trading rows (what `clear_trading` deletes)."""

    orders: dict[str, _Stored] = field(default_factory=dict)
    """By id, in the order they were added: seq order."""
    pending: set[str] = field(default_factory=set)
    final: list[tuple[int, int, str]] = field(default_factory=list)
    """(update_time, seq, id) of the final orders, sorted: the orders_final index."""
    children: dict[tuple[str, ParentType | None], set[str]] = field(default_factory=dict)
    """Ids of the bracket orders of each (parent id, parent type): the orders_by_parent index."""
    executions: dict[str, list[_PackedExecution]] = field(default_factory=dict)
    positions: dict[str, Position] = field(default_factory=dict)
    previews: dict[str, _Preview] = field(default_factory=dict)


_NO_BOOK = _Book()
"""What an account without rows (and the market's ledger) reads: nothing. Never written."""


@dataclass(slots=True)
class _Tables:
    books: dict[str, _Book] = field(default_factory=dict)
    owners: dict[str, str] = field(default_factory=dict)
    working: dict[str, dict[str, _Stored]] = field(default_factory=dict)
    """Working orders of every account by symbol, then id."""
    expiring: dict[str, _Stored] = field(default_factory=dict)
    """Working orders that have an expiry, by id."""
    holders: dict[str, set[str]] = field(default_factory=dict)
    """The accounts with an open position in a symbol."""
    accounts: dict[str, Account] = field(default_factory=dict)
    quotes: dict[str, Quote] = field(default_factory=dict)
    bars: dict[str, dict[int, Bar]] = field(default_factory=dict)
    bar_times: dict[str, list[int]] = field(default_factory=dict)
    events: list[tuple[int, str | None, str, str]] = field(default_factory=list)
    newest: dict[tuple[str | None, str], int] = field(default_factory=dict)
    last_event_id: int = field(default_factory=first_event_id)
    last_order_id: int = 0
    last_seq: int = 0

    def reindex(self, old: _Stored | None, new: _Stored | None, new_order: Order | None = None) -> None:
        """Move an order's index entries from how it was to how it is (None: absent); reversed by swapping.
        `new_order` is `new`'s order, when the caller has it at hand (a final one is otherwise rebuilt)."""
        if old is not None:
            book, order = self.books[old[_ACCOUNT]], _order(old)
            status = order.status
            if order.parent_id is not None:
                book.children[(order.parent_id, order.parent_type)].discard(order.id)
            if status in _PENDING:
                book.pending.discard(order.id)
            elif status in FINAL_STATUSES:
                key = (order.update_time, old[_SEQ], order.id)
                del book.final[bisect.bisect_left(book.final, key)]
            if status is OrderStatus.Working:
                del self.working[order.symbol][order.id]
                self.expiring.pop(order.id, None)
        if new is not None:
            book, order = self.books[new[_ACCOUNT]], new_order or _order(new)
            status = order.status
            if order.parent_id is not None:
                book.children.setdefault((order.parent_id, order.parent_type), set()).add(order.id)
            if status in _PENDING:
                book.pending.add(order.id)
            elif status in FINAL_STATUSES:
                bisect.insort(book.final, (order.update_time, new[_SEQ], order.id))
            if status is OrderStatus.Working:
                self.working.setdefault(order.symbol, {})[order.id] = new
                if order.expires_at is not None:
                    self.expiring[order.id] = new


def _by_seq(stored: Iterable[_Stored]) -> list[Order]:
    return [_order(s) for s in sorted(stored, key=lambda s: s[_SEQ])]


def _may_fill(order: Order, bid: float, ask: float) -> bool:
    """The SQL stores' orders_waiting range, on the same floats: a superset of what the engine fills."""
    trigger = order.trigger
    if trigger is None:
        return False
    kind, price = trigger
    level = float(price)
    if order.side is Side.Buy:
        return level >= ask if kind is TriggerKind.Limit else level <= ask
    return level <= bid if kind is TriggerKind.Limit else level >= bid


class MemoryLedger:
    """One transaction over the tables; every write appends its reversal to `undo`."""

    def __init__(self, tables: _Tables, account_id: str | None, undo: Undo) -> None:
        self._t = tables
        self._account = account_id
        self._undo = undo

    @property
    def account_id(self) -> str | None:
        return self._account

    def on_account(self, account_id: str | None) -> MemoryLedger:
        return MemoryLedger(self._t, account_id, self._undo)

    def _book(self) -> _Book:
        return _NO_BOOK if self._account is None else self._t.books.get(self._account, _NO_BOOK)

    def _writable_book(self) -> _Book:
        """The account's book, made on its first row; the market's ledger has no account to write rows of."""
        account = self._account
        if account is None:
            raise ValueError("the market's ledger holds no account's rows")
        book = self._t.books.get(account)
        if book is None:
            book = self._t.books[account] = _Book()
            self._undo.append(lambda: self._t.books.pop(account, None))
        return book

    def owner_of(self, order_id: str) -> str | None:
        return self._t.owners.get(order_id)

    def accounts_holding(self, symbols: Collection[str]) -> list[str]:
        held: set[str] = set()
        for symbol in symbols:
            held |= self._t.holders.get(symbol, set())
        return sorted(held)

    def next_order_id(self) -> str:
        self._t.last_order_id += 1

        def undo() -> None:
            self._t.last_order_id -= 1

        self._undo.append(undo)
        return str(self._t.last_order_id)

    def add_order(self, order: Order) -> None:
        book = self._writable_book()
        if order.id in self._t.owners:
            raise ValueError(f"order {order.id} exists: ids are unique across the store")
        assert self._account is not None
        self._t.last_seq += 1
        self._write(book, None, _stored(self._account, self._t.last_seq, order), order)

    def update_order(self, order: Order) -> None:
        book = self._book()
        old = book.orders.get(order.id)
        if old is not None:  # another account's order, or none: nothing to update, as in SQL
            self._write(book, old, _stored(old[_ACCOUNT], old[_SEQ], order), order)

    def _write(self, book: _Book, old: _Stored | None, new: _Stored, order: Order) -> None:
        tables, order_id = self._t, order.id
        book.orders[order_id] = new
        tables.owners[order_id] = new[_ACCOUNT]
        tables.reindex(old, new, order)

        def undo() -> None:
            tables.reindex(new, old)
            if old is None:
                del book.orders[order_id]
                del tables.owners[order_id]
            else:
                book.orders[order_id] = old

        self._undo.append(undo)

    def get_order(self, order_id: str) -> Order | None:
        stored = self._book().orders.get(order_id)
        return None if stored is None else _order(stored)

    def list_orders(
        self, statuses: Collection[OrderStatus] | None = None, symbol: str | None = None
    ) -> list[Order]:
        book = self._book()
        if statuses is not None and _PENDING.issuperset(statuses):
            candidates = _by_seq(book.orders[order_id] for order_id in book.pending)
        else:
            candidates = [_order(stored) for stored in book.orders.values()]
        return [
            order
            for order in candidates
            if (statuses is None or order.status in statuses) and (symbol is None or order.symbol == symbol)
        ]

    def _newest_final(self, limit: int, before: int | None = None) -> list[tuple[str, _Stored]]:
        """(id, row) of the final orders before position `before` of book.final (None: all), the newest
        first."""
        book = self._book()
        end = len(book.final) if before is None else before
        keys = book.final[max(end - limit, 0) : end] if limit > 0 else []
        return [(order_id, book.orders[order_id]) for _, _, order_id in reversed(keys)]

    def final_orders(self, limit: int) -> list[Order]:
        return [_order(stored) for _, stored in self._newest_final(limit)]

    def current_orders(self, recent: int) -> list[ListedOrder]:
        book = self._book()
        polled = [(order_id, book.orders[order_id]) for order_id in book.pending]
        polled += self._newest_final(recent)
        polled.sort(key=lambda entry: entry[1][_SEQ])
        return [ListedOrder(order_id, s[_STATUS], s[_SYMBOL], s[_BODY]) for order_id, s in polled]

    def final_orders_page(
        self, limit: int, after: HistoryPosition | None = None
    ) -> tuple[list[Order], HistoryPosition | None]:
        before = None if after is None else bisect.bisect_left(self._book().final, tuple(after))
        rows = self._newest_final(limit + 1, before)
        page = rows[:limit]
        orders = [_order(stored) for _, stored in page]
        if len(rows) <= limit:
            return orders, None
        return orders, HistoryPosition(orders[-1].update_time, page[-1][1][_SEQ])

    def _of_account(self, stored: Iterable[_Stored]) -> Iterable[_Stored]:
        """Every account's on the market's ledger, else this ledger's account's."""
        account = self._account
        return stored if account is None else (s for s in stored if s[_ACCOUNT] == account)

    def orders_expiring(self, now: int) -> list[Order]:
        due = [
            (order.expires_at, stored[_SEQ], order)
            for stored in self._of_account(self._t.expiring.values())
            if (order := _order(stored)).expires_at is not None and order.expires_at <= now
        ]
        due.sort(key=lambda entry: entry[:2])
        return [order for _, _, order in due]

    def trailing_stops(self, symbol: str) -> list[Order]:
        working = self._t.working.get(symbol, {}).values()
        return _by_seq(s for s in self._of_account(working) if _order(s).stop_type is StopType.TrailingStop)

    def orders_waiting_on(self, quote: Quote) -> list[Order]:
        bid, ask = float(quote.bid), float(quote.ask)
        working = self._t.working.get(quote.symbol, {}).values()
        return _by_seq(s for s in self._of_account(working) if _may_fill(_order(s), bid, ask))

    def children_of(self, parent_id: str, parent_type: ParentType = ParentType.Order) -> list[Order]:
        book = self._book()
        return _by_seq(book.orders[order_id] for order_id in book.children.get((parent_id, parent_type), ()))

    def add_preview(self, confirm_id: str, order_key: str, expires_at: int, now: int) -> None:
        book = self._writable_book()
        before = book.previews
        book.previews = {key: p for key, p in before.items() if p.expires_at >= now}
        book.previews[confirm_id] = _Preview(order_key, expires_at, False)

        def undo() -> None:
            book.previews = before

        self._undo.append(undo)

    def use_preview(self, confirm_id: str) -> tuple[str, int, bool] | None:
        preview = self._book().previews.get(confirm_id)
        if preview is None:
            return None
        used = preview.used
        preview.used = True

        def undo() -> None:
            preview.used = used

        self._undo.append(undo)
        return preview.order_key, preview.expires_at, used

    def clear_trading(self) -> None:
        book = self._book()
        if book is _NO_BOOK:
            return
        for symbol in list(book.positions):
            self.put_position(symbol, None)
        orders, executions, previews = book.orders, book.executions, book.previews
        tables = self._t
        for order_id, stored in orders.items():
            tables.reindex(stored, None)
            del tables.owners[order_id]
        book.orders, book.executions, book.previews = {}, {}, {}

        def undo() -> None:
            book.orders, book.executions, book.previews = orders, executions, previews
            for order_id, stored in orders.items():
                tables.owners[order_id] = stored[_ACCOUNT]
                tables.reindex(None, stored)

        self._undo.append(undo)

    def add_execution(self, execution: Execution) -> None:
        executions = self._writable_book().executions.setdefault(execution.symbol, [])
        executions.append(_packed(execution))
        self._undo.append(executions.pop)

    def list_executions(self, symbol: str) -> list[Execution]:
        return [_unpacked(packed) for packed in self._book().executions.get(symbol, ())]

    def get_position(self, symbol: str) -> Position | None:
        return self._book().positions.get(symbol)

    def put_position(self, symbol: str, position: Position | None) -> None:
        book = self._writable_book()
        assert self._account is not None
        account, tables = self._account, self._t
        old = book.positions.get(symbol)

        def hold(held: Position | None) -> None:
            """The account holds `held` of the symbol (None: nothing), in its book and in `holders`."""
            if held is None:
                book.positions.pop(symbol, None)
                tables.holders.get(symbol, set()).discard(account)
            else:
                book.positions[symbol] = held
                tables.holders.setdefault(symbol, set()).add(account)

        hold(position)
        self._undo.append(lambda: hold(old))

    def list_positions(self) -> list[Position]:
        positions = self._book().positions
        return [positions[symbol] for symbol in sorted(positions)]

    def get_account(self) -> Account | None:
        return None if self._account is None else self._t.accounts.get(self._account)

    def put_account(self, account: Account) -> None:
        if account.id != self._account:
            raise ValueError(f"a ledger of account {self._account!r} cannot write account {account.id!r}")
        self._put(self._t.accounts, account.id, account)

    def _put(self, table: dict[str, Account] | dict[str, Quote], key: str, value: Account | Quote) -> None:
        old = table.get(key)
        table[key] = value  # type: ignore[assignment]

        def undo() -> None:
            if old is None:
                del table[key]
            else:
                table[key] = old  # type: ignore[assignment]

        self._undo.append(undo)

    def get_quote(self, symbol: str) -> Quote | None:
        return self._t.quotes.get(symbol)

    def put_quote(self, quote: Quote) -> None:
        self._put(self._t.quotes, quote.symbol, quote)

    def list_quotes(self, symbols: Iterable[str]) -> dict[str, Quote]:
        quotes = self._t.quotes
        return {symbol: quotes[symbol] for symbol in symbols if symbol in quotes}

    def quoted_symbols(self) -> list[str]:
        return sorted(self._t.quotes)

    def minute_bar(self, symbol: str, time: int) -> Bar | None:
        return self._t.bars.get(symbol, {}).get(time)

    def put_minute_bar(self, symbol: str, bar: Bar) -> None:
        bars = self._t.bars.setdefault(symbol, {})
        times = self._t.bar_times.setdefault(symbol, [])
        old = bars.get(bar.time)
        bars[bar.time] = bar
        if old is None:
            bisect.insort(times, bar.time)

        def undo() -> None:
            if old is None:
                del bars[bar.time]
                del times[bisect.bisect_left(times, bar.time)]
            else:
                bars[bar.time] = old

        self._undo.append(undo)

    def minute_bars(self, symbol: str, start: int | None, end: int | None, limit: int) -> list[Bar]:
        times = self._t.bar_times.get(symbol, [])
        low = 0 if start is None else bisect.bisect_left(times, start)
        high = len(times) if end is None else bisect.bisect_left(times, end)
        if limit <= 0 or low >= high:
            return []
        chosen = (
            times[low : min(low + limit, high)] if start is not None else times[max(high - limit, low) : high]
        )
        bars = self._t.bars[symbol]
        return [bars[time] for time in chosen]

    def add_event(self, kind: str, data: str) -> None:
        self.add_events(((self._account, kind, data),))

    def add_events(self, events: Sequence[NewEvent]) -> None:
        if not events:
            return
        tables = self._t
        first, count = tables.last_event_id, len(events)
        replaced = {(account, kind): tables.newest.get((account, kind)) for account, kind, _ in events}
        for account, kind, data in events:
            tables.last_event_id += 1
            tables.events.append((tables.last_event_id, account, kind, data))
            tables.newest[(account, kind)] = tables.last_event_id

        def undo() -> None:
            del tables.events[-count:]
            tables.last_event_id = first
            for key, newest in replaced.items():
                if newest is None:
                    del tables.newest[key]
                else:
                    tables.newest[key] = newest

        self._undo.append(undo)

    def _events_after(self, after: int) -> Iterator[tuple[int, str | None, str, str]]:
        events = self._t.events
        start = bisect.bisect_right(events, after, key=lambda event: event[0])
        return (events[i] for i in range(start, len(events)))

    def events_after(self, after: int, limit: int) -> list[StoredEvent]:
        seen: list[StoredEvent] = []
        if limit <= 0:
            return seen
        for event_id, account, kind, data in self._events_after(after):
            if account is None or account == self._account:
                seen.append((event_id, kind, data))
                if len(seen) == limit:
                    break
        return seen

    def all_events_after(self, after: int, limit: int) -> list[OwnedEvent]:
        rows: list[OwnedEvent] = []
        for event_id, account, kind, data in self._events_after(after):
            if len(rows) >= limit:
                break
            rows.append((event_id, kind, data, account))
        return rows

    def event_bounds(self) -> tuple[int, int] | None:
        events = self._t.events
        return (events[0][0], events[-1][0]) if events else None

    def newest_event(self, kinds: Collection[str]) -> int | None:
        events, newest = self._t.events, self._t.newest
        owners = (None,) if self._account is None else (None, self._account)
        found = [newest[(owner, kind)] for kind in kinds for owner in owners if (owner, kind) in newest]
        best = max(found, default=None)
        return best if best is not None and events and best >= events[0][0] else None

    def prune_events(self, keep: int) -> None:
        events = self._t.events
        dropped = events[: max(len(events) - max(keep, 1), 0)]
        if not dropped:
            return
        del events[: len(dropped)]

        def undo() -> None:
            events[:0] = dropped

        self._undo.append(undo)


def _roll_back(undo: Undo) -> None:
    while undo:
        undo.pop()()


class MemoryStore:
    """The tables and the lock every transaction and snapshot holds."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._tables = _Tables()

    @contextmanager
    def transaction(
        self, account_id: str | None = DEFAULT_ACCOUNT, reads_quote: str | None = None
    ) -> Iterator[MemoryLedger]:
        with self._lock:
            undo: Undo = []
            try:
                yield MemoryLedger(self._tables, account_id, undo)
            except BaseException:
                _roll_back(undo)
                raise
            # Committed: drop the reversals now. Each refers to the ledger, which holds the list, and a
            # cycle left for the garbage collector costs a young collection every few requests.
            undo.clear()

    @contextmanager
    def snapshot(self, account_id: str | None = DEFAULT_ACCOUNT) -> Iterator[MemoryLedger]:
        with self._lock:
            undo: Undo = []
            try:
                yield MemoryLedger(self._tables, account_id, undo)
            finally:
                _roll_back(undo)

    def ticker_lock(self) -> TickerLock:
        return AlwaysHeld()

    def group_commits(self) -> GroupCommit | None:
        return None

    def close(self) -> None:
        with self._lock:
            self._tables = _Tables()
