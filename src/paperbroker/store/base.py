"""The storage interface the broker service is written against.

A `Store` hands out `Ledger`s, each one transaction: everything done through a ledger commits together
or not at all, so a failed request leaves no half-written order behind.

A store holds many accounts. A ledger is bound to one (`account_id`): its orders, executions, positions,
previews, account row and events are that account's, and another account's rows are as absent as unknown
ones. A ledger bound to no account (`MARKET`) is the market's: quotes and bars (shared by every account),
events of no account (quotes), and the working orders of every account that a quote or the clock acts on
(`orders_waiting_on`, `trailing_stops`, `orders_expiring`), each booked through `on_account(owner_of(id))`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from contextlib import AbstractContextManager
from typing import NamedTuple, Protocol

from paperbroker.engine.bars import Bar
from paperbroker.engine.model import Account, Execution, Order, OrderStatus, ParentType, Position, Quote
from paperbroker.store.groupcommit import GroupCommit

StoredEvent = tuple[int, str, str]
"""An outbox row: (id, kind, JSON payload)."""

OwnedEvent = tuple[int, str, str, str | None]
"""An outbox row with its account: (id, kind, JSON payload, account id or None: the market's)."""

NewEvent = tuple[str | None, str, str]
"""An outbox row to write: (account id or None: the market's, kind, JSON payload)."""

DEFAULT_ACCOUNT = "paper"
"""The account a ledger is bound to when none is named: the one account of a single-account broker."""

MARKET: None = None
"""Bind a ledger to no account: the market's ledger."""


class IncompatibleDatabase(RuntimeError):
    """The database was written by another version of paperbroker's schema; opening it would misread it.

    Raised when a store opens, with a message that names the database and what to do.
    """


class HistoryPosition(NamedTuple):
    """Where a page of history ended: the last order's (update_time, seq), its key in orders_final."""

    update_time: int
    seq: int


class ListedOrder(NamedTuple):
    """An order as getOrders lists it: its contract JSON, which the store writes with every change of the
    order (so a poll reads one column, not an Order built from 26), and what the list is filtered by."""

    id: str
    status: int
    symbol: str
    body: bytes


class Ledger(Protocol):
    @property
    def account_id(self) -> str | None:
        """The account whose rows this ledger reads and writes; None: the market's ledger."""
        ...

    def on_account(self, account_id: str | None) -> Ledger:
        """This transaction, bound to another account (or to the market, with None)."""
        ...

    def owner_of(self, order_id: str) -> str | None:
        """The account an order belongs to, whichever account this ledger is bound to; None: unknown."""
        ...

    def accounts_holding(self, symbols: Collection[str]) -> list[str]:
        """Every account with an open position in one of `symbols` (their P&L moves with its quote)."""
        ...

    def next_order_id(self) -> str:
        """Unique across the store: every account's orders share one sequence."""
        ...

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

    def current_orders(self, recent: int) -> list[ListedOrder]:
        """The pending orders (Inactive, Placing, Working) and the `recent` most recently finalized ones,
        oldest first; the cost follows those, not the account's history."""
        ...

    def final_orders_page(
        self, limit: int, after: HistoryPosition | None = None
    ) -> tuple[list[Order], HistoryPosition | None]:
        """At most `limit` final orders, the most recently changed first, from just after `after`; and
        where the next page begins, or None when this one is the last."""
        ...

    def orders_expiring(self, now: int) -> list[Order]:
        """Working orders whose duration ends at or before `now`, the first to end first, then the oldest
        (every account's, on the market's ledger)."""
        ...

    def trailing_stops(self, symbol: str) -> list[Order]:
        """Working trailing stops of the symbol, oldest first: each quote may move their stop price (every
        account's, on the market's ledger)."""
        ...

    def orders_waiting_on(self, quote: Quote) -> list[Order]:
        """Working orders of the quote's symbol whose trigger the quote may have reached, oldest first
        (every account's, on the market's ledger).

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
        """Delete the account's orders, executions, positions and previews (its row, quotes and bars stay)."""
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
        """Append to the outbox (`events`), as this ledger's account's (None: the market's): committed with
        the change it reports, or not at all."""
        ...

    def add_events(self, events: Sequence[NewEvent]) -> None:
        """Append these rows to the outbox in their order, each as its own account's, in one statement: the
        event recorder writes a transaction's events together, one round of work instead of one a change."""
        ...

    def events_after(self, after: int, limit: int) -> list[StoredEvent]:
        """Outbox rows (id, kind, JSON payload) with ids above `after` that this ledger's account sees (its
        own and the market's), oldest first, at most `limit`."""
        ...

    def all_events_after(self, after: int, limit: int) -> list[OwnedEvent]:
        """Every account's outbox rows with ids above `after`, with their account, oldest first, at most
        `limit`: what one feed fans out to the streams of all accounts."""
        ...

    def event_bounds(self) -> tuple[int, int] | None:
        """The oldest and newest ids the outbox holds (of every account); None when it is empty."""
        ...

    def newest_event(self, kinds: Collection[str]) -> int | None:
        """The newest outbox id among events of these kinds that this ledger's account sees (an index probe
        per kind for its own, one for the market's); None when the outbox holds none of them (or was pruned
        past them)."""
        ...

    def prune_events(self, keep: int) -> None:
        """Delete all but the newest `keep` events (of every account)."""
        ...


class TickerLock(Protocol):
    """Held by at most one process per store: the one that ticks the simulated market."""

    def acquire(self) -> bool:
        """Take the lock if free, without waiting; True while this process holds it. Safe to repeat."""
        ...

    def release(self) -> None: ...


class Store(Protocol):
    def transaction(
        self, account_id: str | None = DEFAULT_ACCOUNT, reads_quote: str | None = None
    ) -> AbstractContextManager[Ledger]:
        """A read-write transaction bound to the account (None: the market's): commits on success, rolls back
        on any exception. `reads_quote` is a hint: the transaction goes on to read that symbol's quote. A
        store whose reads are round trips reads it together with taking its locks; the others ignore it."""
        ...

    def snapshot(self, account_id: str | None = DEFAULT_ACCOUNT) -> AbstractContextManager[Ledger]:
        """A consistent read-only view bound to the account; it does not wait for, or hold up, other
        processes' writes."""
        ...

    def ticker_lock(self) -> TickerLock:
        """A new lock that processes sharing this store contend for, so the market ticks once."""
        ...

    def group_commits(self) -> GroupCommit | None:
        """Commits stop waiting for the disk; `GroupCommit.durable` waits for many at once (a service awaits
        it before answering). None: every commit is durable when it returns."""
        ...

    def close(self) -> None: ...
