"""Property tests: whatever the sequence of orders and quotes, the books stay consistent."""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal
from itertools import count
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from paperbroker.broker import BracketChanges, Broker, BrokerConfig
from paperbroker.engine.errors import BrokerError
from paperbroker.engine.model import NewOrder, OrderChanges, OrderStatus, OrderType, ParentType, Side
from paperbroker.engine.numbers import CONTEXT, ZERO
from paperbroker.engine.positions import mark_price
from paperbroker.store.base import Store
from paperbroker.store.sqlite import SQLiteStore
from tests.store.books import AVERAGE_ROUNDING

SYMBOLS = ("AAA", "BBB")
prices = st.decimals(min_value=50, max_value=150, places=2)
quantities = st.decimals(min_value=Decimal("0.001"), max_value=50, places=3)


@st.composite
def new_orders(draw: st.DrawFn) -> NewOrder:
    order_type = draw(st.sampled_from(OrderType))
    limit = draw(prices) if order_type in (OrderType.Limit, OrderType.StopLimit) else None
    stop = draw(prices) if order_type in (OrderType.Stop, OrderType.StopLimit) else None
    side = draw(st.sampled_from(Side))
    take_profit, stop_loss = draw(st.one_of(st.just((None, None)), st.tuples(prices, prices)))
    if take_profit is not None and stop_loss is not None:
        if take_profit == stop_loss:
            take_profit, stop_loss = None, None
        elif (take_profit < stop_loss) == (side is Side.Buy):
            take_profit, stop_loss = stop_loss, take_profit  # on the profitable side of the stop
    symbol = draw(st.sampled_from(SYMBOLS))
    return NewOrder(symbol, order_type, side, draw(quantities), limit, stop, take_profit, stop_loss)


@st.composite
def quotes(draw: st.DrawFn) -> tuple[str, Decimal, Decimal]:
    bid = draw(prices)
    return draw(st.sampled_from(SYMBOLS)), bid, bid + draw(st.decimals(min_value=0, max_value=1, places=2))


actions = st.one_of(
    st.tuples(st.just("place"), new_orders()),
    st.tuples(st.just("quote"), quotes()),
    st.tuples(st.just("cancel"), st.integers(1, 30)),
    st.tuples(st.just("modify"), st.integers(1, 30), quantities),
    st.tuples(st.just("protect"), st.sampled_from(SYMBOLS), prices, prices, st.booleans()),
    st.tuples(st.just("close"), st.sampled_from(SYMBOLS)),
    st.tuples(st.just("reverse"), st.sampled_from(SYMBOLS)),
    st.tuples(st.just("cancel_all"), st.sampled_from(SYMBOLS), st.sampled_from([None, *Side])),
)


def run_steps(store: Store, steps: list[tuple[Any, ...]]) -> tuple[Broker, list[str]]:
    """Replay the steps on a broker over the store; returns it and the ids of the orders placed."""
    ticks = count(1)
    broker = Broker(store, BrokerConfig(commission_per_unit=Decimal("0.01")), clock=lambda: next(ticks))
    for symbol in SYMBOLS:
        broker.set_quote(symbol, Decimal(100), Decimal("100.1"))
    placed: list[str] = []
    for step in steps:
        try:
            if step[0] == "place":
                placed.append(broker.place_order(step[1]).id)
            elif step[0] == "quote":
                broker.set_quote(*step[1])
            elif step[0] == "cancel":
                broker.cancel_order(str(step[1]))
            elif step[0] == "modify":
                broker.modify_order(str(step[1]), OrderChanges(qty=step[2]))
            elif step[0] == "protect":
                _, symbol, take_profit, stop, trailing = step
                if trailing:
                    broker.edit_position_brackets(
                        symbol, BracketChanges(take_profit, trailing_stop_pips=stop)
                    )
                else:
                    broker.edit_position_brackets(symbol, BracketChanges(take_profit, stop))
            elif step[0] == "close":
                broker.close_position(step[1])
            elif step[0] == "reverse":
                broker.reverse_position(step[1])
            else:
                broker.cancel_orders(step[1], step[2])
        except BrokerError:
            pass  # unknown ids and final orders are refused; the books must still agree
    return broker, placed


@settings(max_examples=150, deadline=None)
@given(st.lists(actions, min_size=1, max_size=40))
def test_books_agree_with_the_executions(steps: list[tuple[Any, ...]]) -> None:
    broker, _ = run_steps(SQLiteStore(":memory:"), steps)

    executions = [e for symbol in SYMBOLS for e in broker.list_executions(symbol)]
    positions = {p.symbol: p for p in broker.list_positions()}

    # Position qty is the signed sum of the fills, exactly: a position that nets to zero is gone.
    signed: defaultdict[str, Decimal] = defaultdict(Decimal)
    for execution in executions:
        fill = execution.qty if execution.side is Side.Buy else execution.qty.copy_negate()
        signed[execution.symbol] = CONTEXT.add(signed[execution.symbol], fill)
    for symbol in SYMBOLS:
        held = positions[symbol].qty if symbol in positions else ZERO
        assert held == signed[symbol]

    # An order's brackets fill only once they are its position's (after it filled). A position has at
    # most one pending take-profit and one pending stop-loss, on the other side and for its whole size;
    # a flat symbol has none.
    every = broker.list_orders()
    assert all((order.parent_id is None) == (order.parent_type is None) for order in every)
    assert not [o for o in every if o.parent_type is ParentType.Order and o.status is OrderStatus.Filled]
    for symbol in SYMBOLS:
        legs = [o for o in every if o.parent_type is ParentType.Position and o.parent_id == symbol]
        pending = [leg for leg in legs if not leg.is_final]
        if symbol not in positions:
            assert pending == []
            continue
        position = positions[symbol]
        assert len({leg.type for leg in pending}) == len(pending)
        assert all(leg.side is not position.side and leg.qty == position.qty.copy_abs() for leg in pending)

    # No order is filled twice, and every filled order has exactly its one execution.
    fills = Counter(execution.order_id for execution in executions)
    assert all(n == 1 for n in fills.values())
    for order in broker.list_orders():
        assert (order.status is OrderStatus.Filled) == (order.id in fills)
        if order.status is OrderStatus.Filled:
            assert order.filled_qty == order.qty

    # Realized + unrealized P&L equals the cash the fills moved plus what the positions are worth now
    # (to the rounding of the average price, a quotient); commissions are exact.
    quotes_now = broker.current_quotes(SYMBOLS)
    recomputed = commissions = ZERO
    for e in executions:
        recomputed = CONTEXT.add(recomputed, CONTEXT.add(e.net_amount, e.commission))
        commissions = CONTEXT.add(commissions, e.commission)
    for position in positions.values():
        quote = quotes_now[position.symbol]
        worth = CONTEXT.multiply(position.qty, mark_price(position, quote.bid, quote.ask))
        recomputed = CONTEXT.add(recomputed, worth)
    summary = broker.account_summary()
    pnl = CONTEXT.add(summary.account.realized_pnl, summary.unrealized_pnl)
    assert abs(CONTEXT.subtract(pnl, recomputed)) <= AVERAGE_ROUNDING
    assert summary.account.commissions == commissions
    worth = CONTEXT.subtract(CONTEXT.add(summary.account.starting_cash, recomputed), commissions)
    assert abs(CONTEXT.subtract(summary.equity, worth)) <= AVERAGE_ROUNDING
