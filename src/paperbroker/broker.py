"""The service layer: each use case is one store transaction around pure engine steps."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from paperbroker.engine import account as accounting
from paperbroker.engine import orders
from paperbroker.engine.errors import OrderNotFound, QuoteNotFound, UnacceptableRequest
from paperbroker.engine.matching import evaluate
from paperbroker.engine.model import (
    Account,
    Execution,
    NewOrder,
    Order,
    OrderType,
    Position,
    Quote,
)
from paperbroker.engine.positions import apply_fill
from paperbroker.store.base import Ledger, Store

Clock = Callable[[], int]


def wall_clock_ms() -> int:
    return time.time_ns() // 1_000_000


@dataclass(frozen=True, slots=True)
class BrokerConfig:
    account_id: str = "paper"
    account_name: str = "Paper account"
    currency: str = "USD"
    starting_cash: float = 100_000.0
    commission_per_unit: float = 0.0


class Broker:
    """Places, modifies and cancels orders, and fills them as quotes arrive."""

    def __init__(
        self, store: Store, config: BrokerConfig | None = None, clock: Clock = wall_clock_ms
    ) -> None:
        self.store = store
        self.config = config or BrokerConfig()
        self.clock = clock
        with store.transaction() as ledger:
            if ledger.get_account() is None:
                ledger.put_account(
                    Account(
                        id=self.config.account_id,
                        name=self.config.account_name,
                        currency=self.config.currency,
                        starting_cash=self.config.starting_cash,
                    )
                )

    def place_order(self, new: NewOrder) -> Order:
        now = self.clock()
        with self.store.transaction() as ledger:
            order = orders.open_order(new, ledger.next_order_id(), now)
            quote = ledger.get_quote(order.symbol)
            if order.type is OrderType.Market and quote is None:
                order = orders.reject(order, f"No quote for {order.symbol}.", now)
            else:
                order = self._match(ledger, order, quote, now)
            ledger.add_order(order)
        return order

    def modify_order(
        self,
        order_id: str,
        qty: float | None = None,
        limit_price: float | None = None,
        stop_price: float | None = None,
    ) -> Order:
        now = self.clock()
        with self.store.transaction() as ledger:
            order = self._existing(ledger, order_id)
            order = orders.modify(order, now, qty=qty, limit_price=limit_price, stop_price=stop_price)
            order = self._match(ledger, order, ledger.get_quote(order.symbol), now)
            ledger.update_order(order)
        return order

    def cancel_order(self, order_id: str) -> Order:
        now = self.clock()
        with self.store.transaction() as ledger:
            order = orders.cancel(self._existing(ledger, order_id), now)
            ledger.update_order(order)
        return order

    def set_quote(self, symbol: str, bid: float, ask: float, last: float | None = None) -> Quote:
        if bid > ask:
            raise UnacceptableRequest(f"The bid ({bid}) is above the ask ({ask}).")
        quote = Quote(symbol, bid, ask, (bid + ask) / 2 if last is None else last, self.clock())
        with self.store.transaction() as ledger:
            self._apply_quote(ledger, quote)
        return quote

    def set_quotes(self, quotes: Sequence[Quote]) -> None:
        """Apply several quotes at once (one tick of a simulated market) in one transaction."""
        with self.store.transaction() as ledger:
            for quote in quotes:
                self._apply_quote(ledger, quote)

    def get_order(self, order_id: str) -> Order:
        with self.store.transaction() as ledger:
            return self._existing(ledger, order_id)

    def list_orders(self) -> list[Order]:
        with self.store.transaction() as ledger:
            return ledger.list_orders()

    def list_positions(self) -> list[Position]:
        with self.store.transaction() as ledger:
            return ledger.list_positions()

    def list_executions(self, symbol: str) -> list[Execution]:
        with self.store.transaction() as ledger:
            return ledger.list_executions(symbol)

    def get_quotes(self, symbols: Sequence[str]) -> list[Quote]:
        with self.store.transaction() as ledger:
            found = ledger.list_quotes(symbols)
        missing = [symbol for symbol in dict.fromkeys(symbols) if symbol not in found]
        if missing:
            raise QuoteNotFound(missing)
        return [found[symbol] for symbol in symbols]

    def current_quotes(self, symbols: Sequence[str]) -> dict[str, Quote]:
        with self.store.transaction() as ledger:
            return ledger.list_quotes(symbols)

    def account_summary(self) -> accounting.AccountSummary:
        with self.store.transaction() as ledger:
            account = ledger.get_account()
            assert account is not None, "the account is created with the broker"
            positions = ledger.list_positions()
            quotes = ledger.list_quotes(position.symbol for position in positions)
        return accounting.mark_to_market(account, positions, quotes)

    @staticmethod
    def _existing(ledger: Ledger, order_id: str) -> Order:
        order = ledger.get_order(order_id)
        if order is None:
            raise OrderNotFound(order_id)
        return order

    def _apply_quote(self, ledger: Ledger, quote: Quote) -> None:
        ledger.put_quote(quote)
        for order in ledger.orders_waiting_on(quote):
            matched = self._match(ledger, order, quote, quote.time)
            if matched != order:
                ledger.update_order(matched)

    def _match(self, ledger: Ledger, order: Order, quote: Quote | None, now: int) -> Order:
        """Fill the order if the quote allows it, booking the execution, the position and the account."""
        order, price = evaluate(order, quote)
        if price is None:
            return order
        order, execution = orders.fill(order, price, now, self.config.commission_per_unit)
        position, realized = apply_fill(
            ledger.get_position(order.symbol), order.symbol, order.side, execution.qty, price
        )
        ledger.put_position(order.symbol, position)
        ledger.add_execution(execution)
        account = ledger.get_account()
        assert account is not None, "the account is created with the broker"
        ledger.put_account(accounting.book_fill(account, execution, realized))
        return order
