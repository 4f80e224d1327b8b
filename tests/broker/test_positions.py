"""Position use cases as properties: trailing stops, cancelOrders and reset, over random market paths."""

from __future__ import annotations

from decimal import Decimal
from itertools import count

from hypothesis import given, settings
from hypothesis import strategies as st

from paperbroker.broker import BracketChanges, Broker, BrokerConfig
from paperbroker.engine.model import NewOrder, OrderStatus, OrderType, ParentType, Side, StopType
from paperbroker.store.sqlite import SQLiteStore

bids = st.lists(st.integers(9_000, 11_000).map(lambda cents: Decimal(cents) / 100), min_size=1, max_size=30)


def broker_with_long(side: Side = Side.Buy) -> Broker:
    ticks = count(1)
    broker = Broker(SQLiteStore(":memory:"), BrokerConfig(), clock=lambda: next(ticks))
    broker.set_quote("AAPL", Decimal(100), Decimal("100.01"))
    broker.place_order(NewOrder("AAPL", OrderType.Market, side, Decimal(10)))
    return broker


def trailing_stop(broker: Broker) -> list[Decimal]:
    legs = broker.list_orders([OrderStatus.Working], "AAPL")
    return [leg.stop_price for leg in legs if leg.stop_type is StopType.TrailingStop and leg.stop_price]


@settings(max_examples=80, deadline=None)
@given(bids, st.sampled_from([Side.Buy, Side.Sell]))
def test_a_trailing_stop_never_loosens(path: list[Decimal], side: Side) -> None:
    broker = broker_with_long(side)
    broker.edit_position_brackets("AAPL", BracketChanges(trailing_stop_pips=Decimal(300)))
    [previous] = trailing_stop(broker)
    for bid in path:
        broker.set_quote("AAPL", bid, bid + Decimal("0.01"))
        now = trailing_stop(broker)
        if not now:
            break  # it triggered and closed the position
        tighter = now[0] >= previous if side is Side.Buy else now[0] <= previous
        assert tighter
        previous = now[0]


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(["AAPL", "MSFT"]), st.sampled_from(Side), st.integers(1, 5)), max_size=12
    ),
    st.sampled_from(["AAPL", "MSFT"]),
    st.sampled_from([None, Side.Buy, Side.Sell]),
)
def test_after_cancel_orders_no_working_order_matches_the_filter(
    orders: list[tuple[str, Side, int]], symbol: str, side: Side | None
) -> None:
    broker = Broker(SQLiteStore(":memory:"))
    for order_symbol, order_side, offset in orders:
        limit = Decimal(100 - offset) if order_side is Side.Buy else Decimal(100 + offset)
        take_profit = limit + (10 if order_side is Side.Buy else -10)
        broker.place_order(
            NewOrder(order_symbol, OrderType.Limit, order_side, Decimal(1), limit, take_profit=take_profit)
        )
    canceled = broker.cancel_orders(symbol, side)
    assert all(order.status is OrderStatus.Canceled for order in canceled)
    pending = broker.list_orders([OrderStatus.Working, OrderStatus.Inactive], symbol)
    assert [order for order in pending if side is None or order.side is side] == []


@settings(max_examples=40, deadline=None)
@given(bids)
def test_reset_leaves_the_starting_state(path: list[Decimal]) -> None:
    broker = broker_with_long()
    broker.edit_position_brackets("AAPL", BracketChanges(Decimal(105), Decimal(95)))
    for bid in path:
        broker.set_quote("AAPL", bid, bid + Decimal("0.01"))
    summary = broker.reset()
    assert broker.list_orders() == []
    assert broker.list_positions() == []
    assert broker.list_executions("AAPL") == []
    assert (summary.balance, summary.equity) == (Decimal(100_000), Decimal(100_000))
    assert broker.account_summary().account.realized_pnl == 0


def test_position_brackets_are_the_positions_children() -> None:
    broker = broker_with_long()
    broker.edit_position_brackets("AAPL", BracketChanges(Decimal(105), Decimal(95)))
    legs = broker.list_orders([OrderStatus.Working], "AAPL")
    assert {(leg.parent_id, leg.parent_type, leg.qty) for leg in legs} == {
        ("AAPL", ParentType.Position, Decimal(10))
    }
