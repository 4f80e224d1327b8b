"""The service layer: each use case is one store transaction around pure engine steps.

The broker loads what a use case needs, asks the engine (orders, brackets, durations, matching, positions,
instrument rules) and writes the result; it decides no rule itself. Every write transaction is `recording`:
its changes also land in the events outbox, in the same transaction (events/record.py).

A broker acts on one account (`config.account_id`, or the one `account(id)` names) of a store that holds
many: its transactions and snapshots are bound to that account, so another account's orders and positions
are as unknown to it as ids never issued. The market is everyone's: a quote (or the clock) acts through the
market's ledger on the working orders of every account, booking each fill to the account that owns it.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field, replace
from datetime import time as time_of_day
from decimal import Decimal

from paperbroker.engine import account as accounting
from paperbroker.engine import bars, brackets, durations, orders
from paperbroker.engine.bars import Bar
from paperbroker.engine.errors import (
    OrderNotFound,
    PositionNotFound,
    PreviewAlreadyUsed,
    QuoteNotFound,
    SymbolNotFound,
    UnacceptableRequest,
)
from paperbroker.engine.instruments import Catalog, Instrument
from paperbroker.engine.matching import evaluate
from paperbroker.engine.model import (
    KEEP,
    Account,
    Execution,
    Keep,
    NewOrder,
    Order,
    OrderChanges,
    OrderStatus,
    OrderType,
    ParentType,
    Position,
    Quote,
    Side,
    StopType,
)
from paperbroker.engine.numbers import CONTEXT, Money, Price, Quantity
from paperbroker.engine.positions import apply_fill
from paperbroker.engine.preview import Preview, order_key, preview
from paperbroker.events.record import RecordingLedger, recording
from paperbroker.store.base import DEFAULT_ACCOUNT, MARKET, HistoryPosition, Ledger, ListedOrder, Store

Clock = Callable[[], int]
PENDING = (OrderStatus.Working, OrderStatus.Inactive)
RECENT_FINAL = 100
"""How many of the most recently finalized orders getOrders lists beside the pending ones."""


def wall_clock_ms() -> int:
    return time.time_ns() // 1_000_000


@dataclass(frozen=True, slots=True)
class BrokerConfig:
    """The account the broker opens, what a fill costs, and the rules of its order desk."""

    account_id: str = DEFAULT_ACCOUNT
    account_name: str = "Paper account"
    currency: str = "USD"
    starting_cash: Money = Decimal(100_000)
    commission_per_unit: Money = Decimal(0)
    catalog: Catalog = field(default_factory=Catalog)
    session_close: time_of_day = durations.DEFAULT_SESSION_CLOSE
    preview_ttl_ms: int = 60_000
    require_preview: bool = False


@dataclass(frozen=True, slots=True)
class BracketChanges:
    """editPositionBrackets: KEEP leaves a bracket as it is, None removes it."""

    take_profit: Price | Keep | None = KEEP
    stop_loss: Price | Keep | None = KEEP
    guaranteed_stop: Price | Keep | None = KEEP
    trailing_stop_pips: Quantity | Keep | None = KEEP


def _kept(change: Decimal | Keep | None, current: Decimal | None) -> Decimal | None:
    return current if isinstance(change, Keep) else change


def _prices(**prices: Decimal | Keep | None) -> dict[str, Decimal | None]:
    """The prices an instrument's tick rule applies to (trailing distances are in pips, not prices)."""
    return {name: value for name, value in prices.items() if isinstance(value, Decimal)}


def _rules_input(new: NewOrder) -> tuple[dict[str, Decimal | None], str | None]:
    """A new order's prices and duration type, as an instrument's rules read them (check and problems)."""
    prices = _prices(
        limitPrice=new.limit_price,
        stopPrice=new.stop_price,
        takeProfit=new.take_profit,
        stopLoss=new.stop_loss,
        guaranteedStop=new.guaranteed_stop,
    )
    return prices, None if new.duration is None else new.duration.type


class Broker:
    """Places, modifies and cancels orders, fills them as quotes arrive, and manages positions."""

    def __init__(
        self, store: Store, config: BrokerConfig | None = None, clock: Clock = wall_clock_ms
    ) -> None:
        self.store = store
        self.config = config or BrokerConfig()
        self.clock = clock
        self.account_id = self.config.account_id
        self.open_account(self.config.account_id, self.config.account_name)

    # Accounts -----------------------------------------------------------------------------------------

    def account(self, account_id: str) -> Broker:
        """This broker (same store, config and clock) acting on another account; opens nothing."""
        view = object.__new__(type(self))
        view.store, view.config, view.clock, view.account_id = self.store, self.config, self.clock, account_id
        return view

    def open_account(self, account_id: str, name: str, starting_cash: Money | None = None) -> None:
        """Create the account, in the broker's currency, unless it exists (then it is left as it is)."""
        with recording(self.store, account_id) as ledger:
            if ledger.get_account() is None:
                cash = self.config.starting_cash if starting_cash is None else starting_cash
                ledger.put_account(Account(account_id, name, self.config.currency, cash))

    def account_exists(self, account_id: str) -> bool:
        with self.store.snapshot(account_id) as ledger:
            return ledger.get_account() is not None

    @contextmanager
    def _writing(
        self, account_id: str | Keep | None = KEEP, reads_quote: str | None = None
    ) -> Iterator[tuple[RecordingLedger, int]]:
        """A write transaction of this broker's account (or `account_id`; None: the market's), and its time
        read once the write lock is held: times then follow commit order, so an execution's time never
        precedes an earlier-committed one's, whichever worker wrote it. `reads_quote`: the symbol whose
        quote the transaction reads, a hint for the store (`Store.transaction`)."""
        bound = self.account_id if isinstance(account_id, Keep) else account_id
        with recording(self.store, bound, reads_quote) as ledger:
            yield ledger, self.clock()

    def _reading(self) -> AbstractContextManager[Ledger]:
        return self.store.snapshot(self.account_id)

    # Orders -------------------------------------------------------------------------------------------

    def place_order(self, new: NewOrder, confirm_id: str | None = None) -> Order:
        instrument = self._check_new_order(new)
        with self._writing(reads_quote=new.symbol) as (ledger, now):
            expires_at = durations.expires_at(new.duration, now, self.config.session_close)
            self._expire_due(ledger, now)
            self._confirm(ledger, new, confirm_id, now)
            return self._place(ledger, new, instrument, now, expires_at)

    def preview_order(self, new: NewOrder) -> tuple[Preview, str | None]:
        """The confirmation dialog's rows, and a confirmId when the order breaks no rule."""
        instrument = self.config.catalog.rules(new.symbol)
        with self._writing() as (ledger, now):
            problems = self._problems(new, instrument, now)
            quote = ledger.get_quote(new.symbol)
            summary = self._summary(ledger)
            result = preview(
                new,
                instrument,
                quote,
                summary.balance,
                summary.equity,
                self.config.commission_per_unit,
                self.config.currency,
                problems,
            )
            if not result.acceptable:
                return result, None
            confirm_id = secrets.token_hex(16)
            ledger.add_preview(confirm_id, order_key(new), now + self.config.preview_ttl_ms, now)
        return result, confirm_id

    def modify_order(self, order_id: str, changes: OrderChanges) -> Order:
        with self._writing() as (ledger, now):
            self._expire_due(ledger, now)
            order = self._existing(ledger, order_id)
            instrument = self.config.catalog.rules(order.symbol)
            instrument.check(
                changes.qty,
                _prices(
                    limitPrice=changes.limit_price,
                    stopPrice=changes.stop_price,
                    takeProfit=changes.take_profit,
                    stopLoss=changes.stop_loss,
                    guaranteedStop=changes.guaranteed_stop,
                ),
                None if changes.duration is None else changes.duration.type,
            )
            expires_at: int | Keep | None = KEEP
            if changes.duration is not None:
                expires_at = durations.expires_at(changes.duration, now, self.config.session_close)
            modified = orders.modify(order, changes, now, expires_at)
            ledger.update_order(modified)
            if modified.parent_type is None:
                legs = ledger.children_of(modified.id)
                template = brackets.order_legs_template(modified, now)
                protection = brackets.protection_of_order(modified)
                self._write_legs(
                    ledger, legs, brackets.reconcile(legs, protection, template, ledger.next_order_id, now)
                )
            return self._match(ledger, modified, ledger.get_quote(modified.symbol), now)

    def cancel_order(self, order_id: str) -> Order:
        with self._writing() as (ledger, now):
            return self._cancel(ledger, self._existing(ledger, order_id), now)[0]

    def cancel_orders(
        self, symbol: str | None = None, side: Side | None = None, order_ids: Sequence[str] = ()
    ) -> list[Order]:
        """Cancel every pending order of a symbol (and side), or the orders named; one transaction."""
        with self._writing() as (ledger, now):
            if order_ids:
                chosen = [self._existing(ledger, order_id) for order_id in dict.fromkeys(order_ids)]
            else:
                chosen = ledger.list_orders(PENDING, symbol)
            canceled: list[Order] = []
            for candidate in chosen:
                if side is not None and candidate.side is not side:
                    continue
                order = self._existing(ledger, candidate.id)  # canceling a parent may have canceled it
                if order.status in PENDING:
                    canceled += self._cancel(ledger, order, now)
        return canceled

    def expire_orders(self) -> list[Order]:
        """Cancel the working orders whose duration has ended; the clock task calls this every interval."""
        with self._writing(MARKET) as (ledger, now):
            return self._expire_due(ledger, now)

    def change_mark(self, kinds: Sequence[str]) -> str | None:
        """A token that moves with every change these event kinds report, read without the data they
        describe (api/conditional.py): the newest such event's id, each write's being higher. With none of
        them in the outbox, the oldest id it holds: a change since would be there, or its pruning would
        have moved that id. None when the outbox is empty."""
        with self._reading() as ledger:
            newest = ledger.newest_event(kinds)
            if newest is not None:
                return str(newest)
            bounds = ledger.event_bounds()
        return None if bounds is None else f"0.{bounds[0]}"

    def get_order(self, order_id: str) -> Order:
        with self._reading() as ledger:
            return self._existing(ledger, order_id)

    def list_orders(
        self, statuses: Sequence[OrderStatus] | None = None, symbol: str | None = None
    ) -> list[Order]:
        with self._reading() as ledger:
            return ledger.list_orders(statuses, symbol)

    def current_orders(
        self, statuses: Sequence[OrderStatus] | None = None, symbol: str | None = None
    ) -> list[ListedOrder]:
        """What a terminal polls (getOrders), oldest first: the pending orders and the RECENT_FINAL most
        recently finalized ones, narrowed to `statuses` and `symbol` when given, each as its stored JSON.

        The window is a count, not a time span: the answer changes only when an order does, so the ETag
        (which moves with order events) stays true; a time window would drop orders as the clock runs, with
        no event to say so. The filters narrow the same window, so a filtered list is the unfiltered one
        filtered: what TradingView's orders() shows (working orders and this session's fills and cancels).
        """
        with self._reading() as ledger:
            listed = ledger.current_orders(RECENT_FINAL)
        return [
            order
            for order in listed
            if (statuses is None or order.status in statuses) and (symbol is None or order.symbol == symbol)
        ]

    def orders_history(self, limit: int) -> list[Order]:
        with self._reading() as ledger:
            return ledger.final_orders(limit)

    def history_page(
        self, limit: int, after: HistoryPosition | None = None
    ) -> tuple[list[Order], HistoryPosition | None]:
        """A page of final orders, the most recently changed first, and where the next page begins."""
        with self._reading() as ledger:
            return ledger.final_orders_page(limit, after)

    # Positions ----------------------------------------------------------------------------------------

    def list_positions(self) -> list[Position]:
        with self._reading() as ledger:
            return ledger.list_positions()

    def protected_positions(self) -> list[tuple[Position, brackets.Protection]]:
        """Open positions, each with the protection its brackets give."""
        with self._reading() as ledger:
            return [
                (
                    position,
                    brackets.protection_of_legs(ledger.children_of(position.symbol, ParentType.Position)),
                )
                for position in ledger.list_positions()
            ]

    def close_position(self, symbol: str, amount: Quantity | None = None) -> Order:
        """A market order against the position, for all of it or `amount`."""
        with self._writing() as (ledger, now):
            self._expire_due(ledger, now)
            position = self._position(ledger, symbol)
            size = CONTEXT.copy_abs(position.qty)
            qty = size if amount is None else amount
            if qty > size:
                raise UnacceptableRequest(f"The amount {qty} is more than the position's {size}.")
            instrument = self.config.catalog.rules(symbol)
            problem = None if qty == size else instrument.quantity_problem(qty, "amount")
            if problem is not None:
                raise UnacceptableRequest(problem)
            closing = NewOrder(symbol, OrderType.Market, Side(-position.side), qty)
            return self._place(ledger, closing, instrument, now, None)

    def reverse_position(self, symbol: str) -> Order:
        """One market order for twice the position, on the other side; its brackets go first."""
        with self._writing() as (ledger, now):
            self._expire_due(ledger, now)
            position = self._position(ledger, symbol)
            qty = CONTEXT.multiply(CONTEXT.copy_abs(position.qty), 2)
            instrument = self.config.catalog.rules(symbol)
            instrument.check(qty, {})
            for leg in ledger.children_of(symbol, ParentType.Position):
                if not leg.is_final:
                    ledger.update_order(orders.cancel(leg, now))
            reversing = NewOrder(symbol, OrderType.Market, Side(-position.side), qty)
            return self._place(ledger, reversing, instrument, now, None)

    def edit_position_brackets(
        self, symbol: str, changes: BracketChanges
    ) -> tuple[Position, brackets.Protection]:
        instrument = self.config.catalog.rules(symbol)
        instrument.check(
            None,
            _prices(
                takeProfit=changes.take_profit,
                stopLoss=changes.stop_loss,
                guaranteedStop=changes.guaranteed_stop,
            ),
        )
        with self._writing() as (ledger, now):
            self._expire_due(ledger, now)
            position = self._position(ledger, symbol)
            legs = ledger.children_of(symbol, ParentType.Position)
            current = brackets.protection_of_legs(legs)
            guaranteed = current.stop_loss if current.stop_type is StopType.GuaranteedStop else None
            plain_stop = None if guaranteed is not None else current.stop_loss
            trailing_pips = _kept(changes.trailing_stop_pips, current.trailing_pips)
            wanted = brackets.protection_of(
                _kept(changes.take_profit, current.take_profit),
                _kept(changes.stop_loss, plain_stop),
                _kept(changes.guaranteed_stop, guaranteed),
                trailing_pips,
                None,
            )
            brackets.check_protection(position.side, wanted)
            brackets.check_against_market(position.side, wanted, ledger.get_quote(symbol))
            template = brackets.position_legs_template(position, now)
            written = brackets.reconcile(legs, wanted, template, ledger.next_order_id, now)
            quote = ledger.get_quote(symbol)
            reference = position.avg_price if quote is None else quote.price_to(Side(-position.side))
            written = [brackets.start_trailing(leg, reference, instrument.pip_size) for leg in written]
            self._write_legs(ledger, legs, written)
            for leg in written:
                self._match(ledger, leg, quote, now)  # a stop already through the market closes at once
            position = ledger.get_position(symbol) or position
            return position, self._protection(ledger, symbol)

    # Account and market -------------------------------------------------------------------------------

    def reset(self) -> accounting.AccountSummary:
        """Back to the starting state: no orders, executions, positions or previews; starting cash. Quotes
        and bars stay: they are the market's, not the account's."""
        with self._writing() as (ledger, _):
            account = ledger.get_account()
            ledger.clear_trading()
            if account is not None:
                ledger.put_account(Account(account.id, account.name, account.currency, account.starting_cash))
            return self._summary(ledger)

    def account_summary(self) -> accounting.AccountSummary:
        with self._reading() as ledger:
            return self._summary(ledger)

    def list_executions(self, symbol: str) -> list[Execution]:
        with self._reading() as ledger:
            return ledger.list_executions(symbol)

    def symbol_info(self, symbol: str) -> Instrument:
        with self.store.snapshot(MARKET) as ledger:
            quoted = ledger.get_quote(symbol) is not None
        instrument = self.config.catalog.listed(symbol, quoted)
        if instrument is None:
            raise SymbolNotFound(symbol)
        return instrument

    def symbols(self, search: str | None = None) -> list[Instrument]:
        with self.store.snapshot(MARKET) as ledger:
            quoted = ledger.quoted_symbols()
        listed = self.config.catalog.all_listed(quoted)
        if search is None:
            return listed
        text = search.casefold()
        return [i for i in listed if text in i.symbol.casefold() or text in i.description.casefold()]

    def set_quote(self, symbol: str, bid: Price, ask: Price, last: Price | None = None) -> Quote:
        if bid > ask:
            raise UnacceptableRequest(f"The bid ({bid}) is above the ask ({ask}).")
        if last is None:
            last = CONTEXT.divide(CONTEXT.add(bid, ask), 2)
        with self._writing(MARKET) as (ledger, now):
            quote = Quote(symbol, bid, ask, last, now)
            self._expire_due(ledger, now)
            self._apply_quote(ledger, quote)
        return quote

    def set_quotes(self, quotes: Sequence[Quote]) -> None:
        """Apply several quotes at once (one tick of a simulated market) in one transaction, each stamped
        with the transaction's time."""
        with self._writing(MARKET) as (ledger, now):
            self._expire_due(ledger, now)
            for quote in quotes:
                self._apply_quote(ledger, replace(quote, time=now))

    def get_quotes(self, symbols: Sequence[str]) -> list[Quote]:
        with self.store.snapshot(MARKET) as ledger:
            found = ledger.list_quotes(symbols)
        missing = [symbol for symbol in dict.fromkeys(symbols) if symbol not in found]
        if missing:
            raise QuoteNotFound(missing)
        return [found[symbol] for symbol in symbols]

    def current_quotes(self, symbols: Sequence[str]) -> dict[str, Quote]:
        with self.store.snapshot(MARKET) as ledger:
            return ledger.list_quotes(symbols)

    def price_bars(
        self, symbol: str, minutes: int, start: int | None = None, end: int | None = None, limit: int = 300
    ) -> list[Bar]:
        """getBars: bars of `minutes` starting in [`start`, `end`), the first `limit` from `start` or the
        latest before `end`; read from at most `limit` * `minutes` stored 1-minute bars."""
        first = None if start is None else bars.first_period_from(start, minutes)
        until = None if end is None else bars.first_period_from(end, minutes)
        with self.store.snapshot(MARKET) as ledger:
            minute_bars = ledger.minute_bars(symbol, first, until, limit * minutes)
        return bars.complete_bars(minute_bars, minutes, limit, first=start is not None)

    # Steps inside a transaction -----------------------------------------------------------------------

    def _summary(self, ledger: Ledger) -> accounting.AccountSummary:
        account = ledger.get_account()
        assert account is not None, "the account is created with the broker"
        positions = ledger.list_positions()
        quotes = ledger.list_quotes(position.symbol for position in positions)
        return accounting.mark_to_market(account, positions, quotes)

    def _check_new_order(self, new: NewOrder) -> Instrument:
        instrument = self.config.catalog.rules(new.symbol)
        instrument.check(
            new.qty,
            *_rules_input(new),
        )
        return instrument

    def _problems(self, new: NewOrder, instrument: Instrument, now: int) -> list[str]:
        """Every rule the order breaks, for a preview: the instrument's, then the order's own."""
        problems = instrument.problems(new.qty, *_rules_input(new))
        try:
            orders.open_order(
                new, "preview", now, durations.expires_at(new.duration, now, self.config.session_close)
            )
        except UnacceptableRequest as error:
            problems.append(str(error))
        return problems

    def _confirm(self, ledger: Ledger, new: NewOrder, confirm_id: str | None, now: int) -> None:
        """A confirmId names a fresh, unused preview of this very order; some brokers require one."""
        if confirm_id is None:
            if self.config.require_preview:
                raise UnacceptableRequest(
                    "This broker places previewed orders only: call previewOrder first."
                )
            return
        found = ledger.use_preview(confirm_id)
        if found is None:
            raise UnacceptableRequest(f"The confirmId {confirm_id} is unknown.")
        key, expires_at, used = found
        if used:
            raise PreviewAlreadyUsed(confirm_id)
        if now >= expires_at:
            raise UnacceptableRequest(f"The confirmId {confirm_id} has expired; preview the order again.")
        if key != order_key(new):
            raise UnacceptableRequest(f"The confirmId {confirm_id} was given for another order.")

    def _place(
        self, ledger: Ledger, new: NewOrder, instrument: Instrument, now: int, expires_at: int | None
    ) -> Order:
        order = orders.open_order(new, ledger.next_order_id(), now, expires_at)
        quote = ledger.get_quote(order.symbol)
        if order.type is OrderType.Market and quote is None:
            order = orders.reject(order, f"No quote for {order.symbol}.", now)
            ledger.add_order(order)
            return order
        ledger.add_order(order)
        template = brackets.order_legs_template(order, now)
        protection = brackets.protection_of_order(order)
        for leg in brackets.reconcile((), protection, template, ledger.next_order_id, now):
            ledger.add_order(leg)
        order = self._match(ledger, order, quote, now)
        if durations.is_immediate(order.duration) and order.status is OrderStatus.Working:
            assert order.duration is not None
            return self._cancel(ledger, order, now, f"{order.duration.type}: not filled at once.")[0]
        return order

    def _cancel(self, ledger: Ledger, order: Order, now: int, reason: str | None = None) -> list[Order]:
        """Cancel the order and its pending brackets; returns them all, the order first."""
        canceled = [replace(orders.cancel(order, now), message=reason or order.message)]
        canceled += [orders.cancel(leg, now) for leg in ledger.children_of(order.id) if leg.status in PENDING]
        for each in canceled:
            ledger.update_order(each)
        return canceled

    def _expire_due(self, ledger: Ledger, now: int) -> list[Order]:
        expired = []
        for order in ledger.orders_expiring(now):
            kind = order.duration.type if order.duration is not None else "duration"
            expired += self._cancel(
                self._owners(ledger, order), order, now, f"Expired: its {kind} duration ended."
            )
        return expired

    @staticmethod
    def _owners(ledger: Ledger, order: Order) -> Ledger:
        """The ledger of the order's account: the market's ledger reads every account's working orders."""
        if ledger.account_id is not None:
            return ledger
        owner = ledger.owner_of(order.id)
        assert owner is not None, "the order was just read"
        return ledger.on_account(owner)

    @staticmethod
    def _existing(ledger: Ledger, order_id: str) -> Order:
        order = ledger.get_order(order_id)
        if order is None:
            raise OrderNotFound(order_id)
        return order

    @staticmethod
    def _protection(ledger: Ledger, symbol: str) -> brackets.Protection:
        return brackets.protection_of_legs(ledger.children_of(symbol, ParentType.Position))

    @staticmethod
    def _position(ledger: Ledger, symbol: str) -> Position:
        position = ledger.get_position(symbol)
        if position is None:
            raise PositionNotFound(symbol)
        return position

    @staticmethod
    def _write_legs(ledger: Ledger, existing: Iterable[Order], written: Iterable[Order]) -> None:
        known = {leg.id for leg in existing}
        for leg in written:
            (ledger.update_order if leg.id in known else ledger.add_order)(leg)

    def _apply_quote(self, ledger: Ledger, quote: Quote) -> None:
        ledger.put_quote(quote)
        minute = bars.period_start(quote.time, 1)
        ledger.put_minute_bar(
            quote.symbol, bars.fold(ledger.minute_bar(quote.symbol, minute), quote.last, quote.time)
        )
        pip_size = self.config.catalog.rules(quote.symbol).pip_size
        for stop in ledger.trailing_stops(quote.symbol):
            trailed = brackets.trail(stop, quote, pip_size)
            if trailed != stop:
                self._owners(ledger, stop).update_order(replace(trailed, update_time=quote.time))
        for candidate in ledger.orders_waiting_on(quote):
            # A fill earlier in this loop may have canceled a candidate (the other leg of a bracket).
            owners = self._owners(ledger, candidate)
            order = owners.get_order(candidate.id)
            if order is not None:
                self._match(owners, order, quote, quote.time)

    def _match(self, ledger: Ledger, order: Order, quote: Quote | None, now: int) -> Order:
        """Fill a working order if the quote allows it, booking the execution, position and account.

        The order is already in the ledger; what matching changes (a trigger, a fill) is written back,
        and a fill moves the brackets of the order and of its position (see engine/brackets.py).
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
        self._after_fill(ledger, filled, position, quote, now)
        return filled

    def _after_fill(
        self, ledger: Ledger, filled: Order, position: Position | None, quote: Quote | None, now: int
    ) -> None:
        """The filled order's brackets become the position's (replacing those of the same role), and the
        position's brackets follow its new size, or go when it is flat or reversed."""
        pip_size = self.config.catalog.rules(filled.symbol).pip_size
        own = [leg for leg in ledger.children_of(filled.id) if leg.status is OrderStatus.Inactive]
        protects = position is not None and position.side is filled.side
        roles = {brackets.role(leg) for leg in own} if protects else set()
        for leg in ledger.children_of(filled.symbol, ParentType.Position):
            if leg.is_final:
                continue
            if brackets.role(leg) in roles:
                ledger.update_order(orders.cancel(leg, now))
            else:
                for changed in brackets.follow_position([leg], position, now):
                    ledger.update_order(changed)
        adopted = []
        for leg in own:
            if protects:
                assert position is not None
                fill_price = filled.avg_price or Decimal(0)
                working = brackets.start_trailing(brackets.adopt(leg, position, now), fill_price, pip_size)
                ledger.update_order(working)
                adopted.append(working)
            else:
                ledger.update_order(orders.cancel(leg, now))
        for leg in adopted:
            current = ledger.get_order(leg.id)  # the first leg's fill may have canceled this one
            if current is not None:
                self._match(ledger, current, quote, now)
