"""Property tests: whatever the sequence of orders and quotes, the books stay consistent."""

from __future__ import annotations

from collections import Counter, defaultdict
from itertools import count
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from paperbroker.broker import Broker, BrokerConfig
from paperbroker.engine.errors import BrokerError
from paperbroker.engine.model import NewOrder, OrderStatus, OrderType, Side
from paperbroker.engine.positions import mark_price
from paperbroker.store.base import Store
from paperbroker.store.sqlite import SQLiteStore

SYMBOLS = ("AAA", "BBB")
prices = st.floats(min_value=50, max_value=150, allow_nan=False).map(lambda p: round(p, 2))
quantities = st.integers(min_value=1, max_value=50).map(float)


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
def quotes(draw: st.DrawFn) -> tuple[str, float, float]:
    bid = draw(prices)
    return draw(st.sampled_from(SYMBOLS)), bid, round(bid + draw(st.floats(0, 1)), 2)


actions = st.one_of(
    st.tuples(st.just("place"), new_orders()),
    st.tuples(st.just("quote"), quotes()),
    st.tuples(st.just("cancel"), st.integers(1, 30)),
    st.tuples(st.just("modify"), st.integers(1, 30), quantities),
)


def run_steps(store: Store, steps: list[tuple[Any, ...]]) -> tuple[Broker, list[str]]:
    """Replay the steps on a broker over the store; returns it and the ids of the orders placed."""
    ticks = count(1)
    broker = Broker(store, BrokerConfig(commission_per_unit=0.01), clock=lambda: next(ticks))
    for symbol in SYMBOLS:
        broker.set_quote(symbol, 100.0, 100.1)
    placed: list[str] = []
    for step in steps:
        try:
            if step[0] == "place":
                placed.append(broker.place_order(step[1]).id)
            elif step[0] == "quote":
                broker.set_quote(*step[1])
            elif step[0] == "cancel":
                broker.cancel_order(str(step[1]))
            else:
                broker.modify_order(str(step[1]), qty=step[2])
        except BrokerError:
            pass  # unknown ids and final orders are refused; the books must still agree
    return broker, placed


@settings(max_examples=150, deadline=None)
@given(st.lists(actions, min_size=1, max_size=40))
def test_books_agree_with_the_executions(steps: list[tuple[Any, ...]]) -> None:
    broker, _ = run_steps(SQLiteStore(":memory:"), steps)

    executions = [e for symbol in SYMBOLS for e in broker.list_executions(symbol)]
    positions = {p.symbol: p for p in broker.list_positions()}

    # Position qty is the signed sum of the fills.
    signed: defaultdict[str, float] = defaultdict(float)
    for execution in executions:
        signed[execution.symbol] += execution.side * execution.qty
    for symbol in SYMBOLS:
        held = positions[symbol].qty if symbol in positions else 0.0
        assert held == pytest.approx(signed[symbol], abs=1e-6)

    # A bracket fills only after its parent, and never together with the other leg.
    by_id = {order.id: order for order in broker.list_orders()}
    for order in by_id.values():
        if order.parent_id is not None and order.status is OrderStatus.Filled:
            assert by_id[order.parent_id].status is OrderStatus.Filled
            legs = [o for o in by_id.values() if o.parent_id == order.parent_id]
            assert sum(leg.status is OrderStatus.Filled for leg in legs) == 1

    # No order is filled twice, and every filled order has exactly its one execution.
    fills = Counter(execution.order_id for execution in executions)
    assert all(n == 1 for n in fills.values())
    for order in broker.list_orders():
        assert (order.status is OrderStatus.Filled) == (order.id in fills)
        if order.status is OrderStatus.Filled:
            assert order.filled_qty == order.qty

    # Realized + unrealized P&L equals the cash the fills moved plus what the positions are worth now.
    quotes_now = broker.current_quotes(SYMBOLS)
    recomputed = sum(-e.side * e.price * e.qty for e in executions)
    for position in positions.values():
        quote = quotes_now[position.symbol]
        recomputed += position.qty * mark_price(position, quote.bid, quote.ask)
    summary = broker.account_summary()
    assert summary.account.realized_pnl + summary.unrealized_pnl == pytest.approx(recomputed, abs=1e-6)
    assert summary.account.commissions == pytest.approx(sum(e.commission for e in executions))
    assert summary.equity == pytest.approx(
        summary.account.starting_cash + recomputed - summary.account.commissions, abs=1e-6
    )
