"""The service layer: each use case is one store transaction around pure engine steps."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from paperbroker.engine import account as accounting
from paperbroker.engine import orders
from paperbroker.engine.errors import OrderNotFound, QuoteNotFound, UnacceptableRequest
from paperbroker.engine.matching import evaluate
from paperbroker.engine.model import (
    Account,
    Execution,
    NewOrder,
    Order,
    OrderStatus,
    OrderType,
    Position,
    Quote,
)
from paperbroker.engine.numbers import CONTEXT, Money, Price, Quantity, to_decimal
from paperbroker.engine.positions import apply_fill
from paperbroker.store.base import Ledger, Store

Clock = Callable[[], int]


def wall_clock_ms() -> int:
    return time.time_ns() // 1_000_000


@dataclass(frozen=True, slots=True)
class BrokerConfig:
    """The account the broker opens and what a fill costs; amounts may be given as floats (settings)."""

    account_id: str
    account_name: str
    currency: str
    starting_cash: Money
    commission_per_unit: Money

    def __init__(
        self,
        account_id: str = "paper",
        account_name: str = "Paper account",
        currency: str = "USD",
        starting_cash: Money | float = Decimal(100_000),
        commission_per_unit: Money | float = Decimal(0),
    ) -> None:
        for name, value in (
            ("account_id", account_id),
            ("account_name", account_name),
            ("currency", currency),
            ("starting_cash", to_decimal(starting_cash)),
            ("commission_per_unit", to_decimal(commission_per_unit)),
        ):
            object.__setattr__(self, name, value)


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
                ledger.add_order(order)
                return order
            ledger.add_order(order)
            for bracket in orders.brackets(order, ledger.next_order_id, now):
                ledger.add_order(bracket)
            order = self._match(ledger, order, quote, now)
        return order

    def modify_order(
        self,
        order_id: str,
        qty: Quantity | None = None,
        limit_price: Price | None = None,
        stop_price: Price | None = None,
    ) -> Order:
        now = self.clock()
        with self.store.transaction() as ledger:
            order = self._existing(ledger, order_id)
            order = orders.modify(order, now, qty=qty, limit_price=limit_price, stop_price=stop_price)
            ledger.update_order(order)
            if qty is not None:
                for bracket in ledger.children_of(order.id):
                    if bracket.status is OrderStatus.Inactive:
                        ledger.update_order(replace(bracket, qty=qty, update_time=now))
            order = self._match(ledger, order, ledger.get_quote(order.symbol), now)
        return order

    def cancel_order(self, order_id: str) -> Order:
        now = self.clock()
        with self.store.transaction() as ledger:
            order = orders.cancel(self._existing(ledger, order_id), now)
            ledger.update_order(order)
            for bracket in ledger.children_of(order.id):
                if bracket.status is OrderStatus.Inactive:
                    ledger.update_order(orders.cancel(bracket, now))
        return order

    def set_quote(self, symbol: str, bid: Price, ask: Price, last: Price | None = None) -> Quote:
        if bid > ask:
            raise UnacceptableRequest(f"The bid ({bid}) is above the ask ({ask}).")
        if last is None:
            last = CONTEXT.divide(CONTEXT.add(bid, ask), 2)
        quote = Quote(symbol, bid, ask, last, self.clock())
        with self.store.transaction() as ledger:
            self._apply_quote(ledger, quote)
        return quote

    def set_quotes(self, quotes: Sequence[Quote]) -> None:
        """Apply several quotes at once (one tick of a simulated market) in one transaction."""
        with self.store.transaction() as ledger:
            for quote in quotes:
                self._apply_quote(ledger, quote)

    def get_order(self, order_id: str) -> Order:
        with self.store.snapshot() as ledger:
            return self._existing(ledger, order_id)

    def list_orders(self) -> list[Order]:
        with self.store.snapshot() as ledger:
            return ledger.list_orders()

    def list_positions(self) -> list[Position]:
        with self.store.snapshot() as ledger:
            return ledger.list_positions()

    def list_executions(self, symbol: str) -> list[Execution]:
        with self.store.snapshot() as ledger:
            return ledger.list_executions(symbol)

    def get_quotes(self, symbols: Sequence[str]) -> list[Quote]:
        with self.store.snapshot() as ledger:
            found = ledger.list_quotes(symbols)
        missing = [symbol for symbol in dict.fromkeys(symbols) if symbol not in found]
        if missing:
            raise QuoteNotFound(missing)
        return [found[symbol] for symbol in symbols]

    def current_quotes(self, symbols: Sequence[str]) -> dict[str, Quote]:
        with self.store.snapshot() as ledger:
            return ledger.list_quotes(symbols)

    def account_summary(self) -> accounting.AccountSummary:
        with self.store.snapshot() as ledger:
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
        for candidate in ledger.orders_waiting_on(quote):
            # A fill earlier in this loop may have canceled a candidate (the other leg of a bracket).
            order = ledger.get_order(candidate.id)
            if order is not None:
                self._match(ledger, order, quote, quote.time)

    def _match(self, ledger: Ledger, order: Order, quote: Quote | None, now: int) -> Order:
        """Fill a working order if the quote allows it, booking the execution, position and account.

        The order is already in the ledger; what matching changes (a trigger, a fill) is written back,
        and a fill sets its brackets working or cancels the other leg of its own bracket.
        """
        if order.status is not OrderStatus.Working:
            return order
        matched, price = evaluate(order, quote)
        if price is None:
            if matched != order:
                ledger.update_order(matched)
            return matched
        filled, execution = orders.fill(matched, price, now, self.config.commission_per_unit)
        position, realized = apply_fill(
            ledger.get_position(filled.symbol), filled.symbol, filled.side, execution.qty, price
        )
        ledger.put_position(filled.symbol, position)
        ledger.add_execution(execution)
        account = ledger.get_account()
        assert account is not None, "the account is created with the broker"
        ledger.put_account(accounting.book_fill(account, execution, realized))
        ledger.update_order(filled)
        self._after_fill(ledger, filled, quote, now)
        return filled

    def _after_fill(self, ledger: Ledger, filled: Order, quote: Quote | None, now: int) -> None:
        for leg in ledger.children_of(filled.id):
            bracket = ledger.get_order(leg.id)  # the first leg's fill may have canceled this one
            if bracket is not None and bracket.status is OrderStatus.Inactive:
                working = orders.activate(bracket, now)
                ledger.update_order(working)
                self._match(ledger, working, quote, now)
        if filled.parent_id is not None:
            for other_leg in ledger.children_of(filled.parent_id):
                current = ledger.get_order(other_leg.id)
                if current is not None and current.id != filled.id and not current.is_final:
                    ledger.update_order(orders.cancel(current, now))
