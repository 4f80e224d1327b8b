"""The event recorder: a Ledger that writes an outbox row beside each change it is asked to make.

The broker wraps every write transaction's ledger in one, so an event commits with the change that causes
it, or not at all: nothing lost, nothing doubled, and the engine and handlers know nothing of it. Payloads
are the very JSON the API answers with (paperbroker.serialize), written once, at the change.

After a transaction that wrote events commits, the process's listeners on that store (each worker's event
feed) are told at once, so a change made here reaches this worker's streams without waiting for the feed's
next poll; the poll still brings the changes other processes make.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Protocol

import orjson

from paperbroker.engine.account import mark_to_market
from paperbroker.engine.bars import Bar
from paperbroker.engine.model import Account, Execution, Order, OrderStatus, ParentType, Position, Quote
from paperbroker.engine.positions import unrealized_pnl
from paperbroker.serialize import (
    Json,
    account_json,
    execution_json,
    order_json,
    position_pl_json,
    position_update_json,
    quote_json,
)
from paperbroker.store.base import (
    DEFAULT_ACCOUNT,
    MARKET,
    HistoryPosition,
    Ledger,
    ListedOrder,
    NewEvent,
    OwnedEvent,
    Store,
    StoredEvent,
)

EVENT_KINDS = ("order", "execution", "position", "account", "pl", "quote", "resync")
"""What the outbox holds; the stream adds nothing but its own `resync` for a client it cannot resume."""


class CommitListener(Protocol):
    def committed(self) -> None:
        """Events were committed to the store; called in the committing thread, so it must not block."""


_listeners: weakref.WeakKeyDictionary[Store, weakref.WeakSet[CommitListener]] = weakref.WeakKeyDictionary()
_listeners_lock = threading.Lock()


def listen(store: Store, listener: CommitListener) -> None:
    """Tell `listener` of every recording transaction on `store` that commits events; held weakly."""
    with _listeners_lock:
        _listeners.setdefault(store, weakref.WeakSet()).add(listener)


def _tell_listeners(store: Store) -> None:
    with _listeners_lock:
        listeners = tuple(_listeners.get(store, ()))
    for listener in listeners:
        listener.committed()


class RecordingLedger:
    """Delegates every call to `inner`; the writing ones also append their event to the outbox.

    The `account` event is written once, by `finish`, when the transaction changed the account or quoted a
    symbol with an open position: equity and unrealized P&L move with either, and one event per transaction
    is what a terminal's P&L display needs. So is one `pl` event per open position whose quote or size
    changed (TradingView's plUpdate).

    Each event belongs to the account of the ledger that wrote it; a quote's is the market's. On the market's
    ledger, `on_account` hands out one recorder per account the transaction books to, and `finish` writes
    the `pl` and `account` events of each, and of every account holding a quoted symbol.

    Events wait in the root recorder's outbox, in the order of their changes, and `finish` writes them all
    in one statement (`Ledger.add_events`): a fill's six events cost one statement, not six. Nothing reads
    the outbox inside the transaction that writes it.
    """

    def __init__(self, inner: Ledger, root: RecordingLedger | None = None) -> None:
        self._inner = inner
        self._parent = root
        """The root recorder; None on the root itself (a reference to itself would make every transaction a
        cycle for the garbage collector to find)."""
        self._accounts: dict[str | None, RecordingLedger] = {}
        self._account_changed = False
        self._quoted: set[str] = set()
        self._positions: dict[str, Position | None] = {}
        self._booked: Account | None = None
        """The account as this transaction last wrote it: its `account` event needs no read."""
        self._outbox: list[NewEvent] = []

    @property
    def _root(self) -> RecordingLedger:
        return self._parent or self

    @property
    def recorded(self) -> bool:
        """Whether the transaction has events to write (or, after `finish`, wrote some)."""
        return bool(self._root._outbox)

    def _record(self, kind: str, payload: Json) -> None:
        self.add_event(kind, orjson.dumps(payload).decode())

    @property
    def account_id(self) -> str | None:
        return self._inner.account_id

    def on_account(self, account_id: str | None) -> RecordingLedger:
        root = self._root
        if account_id == root.account_id:
            return root
        if account_id == self.account_id:
            return self
        if account_id not in root._accounts:
            inner = self._inner.on_account(account_id)
            root._accounts[account_id] = RecordingLedger(inner, root)
        return root._accounts[account_id]

    def finish(self) -> None:
        """Write the transaction's `pl` and `account` events, if it has any; call once, before commit."""
        if self._inner.account_id is not None:
            self._finish_account()
        quoted = self._quoted
        holders = self._inner.accounts_holding(quoted) if quoted and self.account_id is None else []
        for account_id in dict.fromkeys([*self._accounts, *holders]):
            if account_id is None:
                continue
            booked = self.on_account(account_id)
            booked._quoted |= quoted
            booked._finish_account()
        if self._outbox:
            self._inner.add_events(self._outbox)

    def _finish_account(self) -> None:
        if not (self._account_changed or self._quoted or self._positions):
            return
        positions = self._inner.list_positions()
        moved = [p for p in positions if p.symbol in self._quoted or p.symbol in self._positions]
        if not self._account_changed and not moved:
            return
        quotes = self._inner.list_quotes(position.symbol for position in positions)
        for position in moved:
            quote = quotes.get(position.symbol)
            if quote is not None:
                self._record("pl", position_pl_json(position, unrealized_pnl(position, quote.bid, quote.ask)))
        account = self._booked or self._inner.get_account()
        if account is None:
            return
        self._record("account", account_json(mark_to_market(account, positions, quotes)))

    # Writes, each recorded

    def add_order(self, order: Order) -> None:
        self._inner.add_order(order)
        self._record("order", order_json(order))

    def update_order(self, order: Order) -> None:
        self._inner.update_order(order)
        self._record("order", order_json(order))

    def add_execution(self, execution: Execution) -> None:
        self._inner.add_execution(execution)
        self._record("execution", execution_json(execution))

    def put_position(self, symbol: str, position: Position | None) -> None:
        previous = self._positions[symbol] if symbol in self._positions else self._inner.get_position(symbol)
        self._inner.put_position(symbol, position)
        self._positions[symbol] = position
        if position is not None or previous is not None:
            self._record("position", position_update_json(symbol, position, previous))

    def put_account(self, account: Account) -> None:
        self._inner.put_account(account)
        self._account_changed = True
        self._booked = account

    def put_quote(self, quote: Quote) -> None:
        """The quote's event is the market's, whichever account's ledger wrote the quote."""
        self._inner.put_quote(quote)
        self._quoted.add(quote.symbol)
        self._root._outbox.append((MARKET, "quote", orjson.dumps(quote_json(quote)).decode()))

    def clear_trading(self) -> None:
        """Orders, executions and positions vanish without events of their own: a client starts over."""
        self._inner.clear_trading()
        self._positions.clear()
        self._record("resync", {"reason": "reset"})

    # Everything else, as the inner ledger does it

    def next_order_id(self) -> str:
        return self._inner.next_order_id()

    def owner_of(self, order_id: str) -> str | None:
        return self._inner.owner_of(order_id)

    def accounts_holding(self, symbols: Collection[str]) -> list[str]:
        return self._inner.accounts_holding(symbols)

    def get_order(self, order_id: str) -> Order | None:
        return self._inner.get_order(order_id)

    def list_orders(
        self, statuses: Collection[OrderStatus] | None = None, symbol: str | None = None
    ) -> list[Order]:
        return self._inner.list_orders(statuses, symbol)

    def final_orders(self, limit: int) -> list[Order]:
        return self._inner.final_orders(limit)

    def current_orders(self, recent: int) -> list[ListedOrder]:
        return self._inner.current_orders(recent)

    def final_orders_page(
        self, limit: int, after: HistoryPosition | None = None
    ) -> tuple[list[Order], HistoryPosition | None]:
        return self._inner.final_orders_page(limit, after)

    def orders_expiring(self, now: int) -> list[Order]:
        return self._inner.orders_expiring(now)

    def trailing_stops(self, symbol: str) -> list[Order]:
        return self._inner.trailing_stops(symbol)

    def orders_waiting_on(self, quote: Quote) -> list[Order]:
        return self._inner.orders_waiting_on(quote)

    def children_of(self, parent_id: str, parent_type: ParentType = ParentType.Order) -> list[Order]:
        return self._inner.children_of(parent_id, parent_type)

    def add_preview(self, confirm_id: str, order_key: str, expires_at: int, now: int) -> None:
        self._inner.add_preview(confirm_id, order_key, expires_at, now)

    def use_preview(self, confirm_id: str) -> tuple[str, int, bool] | None:
        return self._inner.use_preview(confirm_id)

    def list_executions(self, symbol: str) -> list[Execution]:
        return self._inner.list_executions(symbol)

    def get_position(self, symbol: str) -> Position | None:
        position = self._inner.get_position(symbol)
        self._positions[symbol] = position
        return position

    def list_positions(self) -> list[Position]:
        return self._inner.list_positions()

    def get_account(self) -> Account | None:
        return self._inner.get_account()

    def get_quote(self, symbol: str) -> Quote | None:
        return self._inner.get_quote(symbol)

    def list_quotes(self, symbols: Iterable[str]) -> dict[str, Quote]:
        return self._inner.list_quotes(symbols)

    def quoted_symbols(self) -> list[str]:
        return self._inner.quoted_symbols()

    def minute_bar(self, symbol: str, time: int) -> Bar | None:
        return self._inner.minute_bar(symbol, time)

    def put_minute_bar(self, symbol: str, bar: Bar) -> None:
        """Not an event: the quote event that made the bar carries its price."""
        self._inner.put_minute_bar(symbol, bar)

    def minute_bars(self, symbol: str, start: int | None, end: int | None, limit: int) -> list[Bar]:
        return self._inner.minute_bars(symbol, start, end, limit)

    def add_event(self, kind: str, data: str) -> None:
        self._root._outbox.append((self._inner.account_id, kind, data))

    def add_events(self, events: Sequence[NewEvent]) -> None:
        self._root._outbox.extend(events)

    def events_after(self, after: int, limit: int) -> list[StoredEvent]:
        return self._inner.events_after(after, limit)

    def all_events_after(self, after: int, limit: int) -> list[OwnedEvent]:
        return self._inner.all_events_after(after, limit)

    def event_bounds(self) -> tuple[int, int] | None:
        return self._inner.event_bounds()

    def newest_event(self, kinds: Collection[str]) -> int | None:
        return self._inner.newest_event(kinds)

    def prune_events(self, keep: int) -> None:
        self._inner.prune_events(keep)


@contextmanager
def recording(
    store: Store, account_id: str | None = DEFAULT_ACCOUNT, reads_quote: str | None = None
) -> Iterator[RecordingLedger]:
    """A write transaction of the account (None: the market's) whose changes are recorded as events in the
    same transaction; once it commits events, the store's listeners hear of it. `reads_quote`: see
    `Store.transaction`."""
    with store.transaction(account_id, reads_quote) as ledger:
        recorder = RecordingLedger(ledger)
        yield recorder
        recorder.finish()
    if recorder.recorded:
        _tell_listeners(store)
