"""The storage interface the broker service is written against.

A `Store` hands out `Ledger`s, each one transaction: everything done through a ledger commits together
or not at all, so a failed request leaves no half-written order behind.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from contextlib import AbstractContextManager
from typing import Protocol

from paperbroker.engine.bars import Bar
from paperbroker.engine.model import Account, Execution, Order, OrderStatus, ParentType, Position, Quote

StoredEvent = tuple[int, str, str]
"""An outbox row: (id, kind, JSON payload)."""


class IncompatibleDatabase(RuntimeError):
    """The database was written by another version of paperbroker's schema; opening it would misread it.

    Raised when a store opens, with a message that names the database and what to do.
    """


class Ledger(Protocol):
    def next_order_id(self) -> str: ...

    def add_order(self, order: Order) -> None: ...

    def update_order(self, order: Order) -> None: ...

    def get_order(self, order_id: str) -> Order | None: ...

    def list_orders(
        self, statuses: Collection[OrderStatus] | None = None, symbol: str | None = None
    ) -> list[Order]:
        """Orders oldest first; only those with one of `statuses` and of `symbol` when given."""
        ...

    def final_orders(self, limit: int) -> list[Order]:
        """Filled, Canceled and Rejected orders, the most recently changed first, at most `limit`."""
        ...

    def orders_expiring(self, now: int) -> list[Order]:
        """Working orders whose duration ends at or before `now`, oldest first."""
        ...

    def trailing_stops(self, symbol: str) -> list[Order]:
        """Working trailing stops of the symbol, oldest first: each quote may move their stop price."""
        ...

    def orders_waiting_on(self, quote: Quote) -> list[Order]:
        """Working orders of the quote's symbol whose trigger the quote may have reached, oldest first.

        A superset is allowed (the engine decides fills); orders far from the market must not be read.
        """
        ...

    def children_of(self, parent_id: str, parent_type: ParentType = ParentType.Order) -> list[Order]:
        """The bracket orders (take-profit, stop-loss) of an order, or of a position, oldest first."""
        ...

    def add_preview(self, confirm_id: str, order_key: str, expires_at: int, now: int) -> None:
        """Remember a preview's confirmId (and forget those expired before `now`)."""
        ...

    def use_preview(self, confirm_id: str) -> tuple[str, int, bool] | None:
        """The preview's order key, expiry and whether it was used before; marks it used. None: unknown."""
        ...

    def clear_trading(self) -> None:
        """Delete every order, execution, position and preview (the account, quotes and bars stay)."""
        ...

    def add_execution(self, execution: Execution) -> None: ...

    def list_executions(self, symbol: str) -> list[Execution]: ...

    def get_position(self, symbol: str) -> Position | None: ...

    def put_position(self, symbol: str, position: Position | None) -> None:
        """Store the position, or delete it when None (flat)."""
        ...

    def list_positions(self) -> list[Position]: ...

    def get_account(self) -> Account | None: ...

    def put_account(self, account: Account) -> None: ...

    def get_quote(self, symbol: str) -> Quote | None: ...

    def put_quote(self, quote: Quote) -> None: ...

    def list_quotes(self, symbols: Iterable[str]) -> dict[str, Quote]: ...

    def quoted_symbols(self) -> list[str]:
        """Every symbol that has a quote, in order."""
        ...

    def minute_bar(self, symbol: str, time: int) -> Bar | None:
        """The symbol's 1-minute bar starting at `time`, if a quote made one."""
        ...

    def put_minute_bar(self, symbol: str, bar: Bar) -> None:
        """Store the symbol's 1-minute bar, replacing the one of the same minute."""
        ...

    def minute_bars(self, symbol: str, start: int | None, end: int | None, limit: int) -> list[Bar]:
        """The symbol's 1-minute bars starting in [`start`, `end`) (None: unbounded), oldest first, at most
        `limit`: the first ones when `start` is given, else the latest ones."""
        ...

    def add_event(self, kind: str, data: str) -> None:
        """Append to the outbox (`events`): committed with the change it reports, or not at all."""
        ...

    def events_after(self, after: int, limit: int) -> list[StoredEvent]:
        """Outbox rows (id, kind, JSON payload) with ids above `after`, oldest first, at most `limit`."""
        ...

    def event_bounds(self) -> tuple[int, int] | None:
        """The oldest and newest ids the outbox holds; None when it is empty."""
        ...

    def newest_event(self, kinds: Collection[str]) -> int | None:
        """The newest outbox id among events of these kinds (one index probe per kind); None when the
        outbox holds none of them (empty, or pruned past them)."""
        ...

    def prune_events(self, keep: int) -> None:
        """Delete all but the newest `keep` events."""
        ...


class TickerLock(Protocol):
    """Held by at most one process per store: the one that ticks the simulated market."""

    def acquire(self) -> bool:
        """Take the lock if free, without waiting; True while this process holds it. Safe to repeat."""
        ...

    def release(self) -> None: ...


class Store(Protocol):
    def transaction(self) -> AbstractContextManager[Ledger]:
        """A read-write transaction: commits on success, rolls back on any exception."""
        ...

    def snapshot(self) -> AbstractContextManager[Ledger]:
        """A consistent read-only view; it does not wait for, or hold up, other processes' writes."""
        ...

    def ticker_lock(self) -> TickerLock:
        """A new lock that processes sharing this store contend for, so the market ticks once."""
        ...

    def close(self) -> None: ...
