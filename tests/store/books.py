"""Do the books agree with the executions? Checked after concurrent writers are done."""

from __future__ import annotations

from collections import Counter, defaultdict

import pytest

from paperbroker.broker import Broker
from paperbroker.engine.model import OrderStatus, Position
from paperbroker.engine.positions import apply_fill


def assert_books_agree(
    broker: Broker, symbols: tuple[str, ...], placed_ids: list[str], exact: bool = True
) -> None:
    """Every order id unique and stored once; every filled order one execution; positions and the account
    equal a replay of the executions in the order they were booked (a lost update would break this).

    `exact`: the placed orders are all the orders there are (False when brackets added exit orders)."""
    orders = broker.list_orders()
    stored = [order.id for order in orders]
    assert len(placed_ids) == len(set(placed_ids)), "an order id was handed out twice"
    assert len(stored) == len(set(stored)), "an order id was stored twice"
    if exact:
        assert sorted(stored) == sorted(placed_ids)
    else:
        assert set(placed_ids) <= set(stored)

    executions = [e for symbol in symbols for e in broker.list_executions(symbol)]
    fills = Counter(execution.order_id for execution in executions)
    assert all(n == 1 for n in fills.values()), "an order filled twice"
    for order in orders:
        assert (order.status is OrderStatus.Filled) == (order.id in fills), order

    realized = 0.0
    replayed: dict[str, Position] = {}
    for symbol in symbols:
        position: Position | None = None
        for execution in broker.list_executions(symbol):
            position, gain = apply_fill(position, symbol, execution.side, execution.qty, execution.price)
            realized += gain
        if position is not None:
            replayed[symbol] = position
    held = {position.symbol: position for position in broker.list_positions()}
    assert held.keys() == replayed.keys()
    signed: defaultdict[str, float] = defaultdict(float)
    for execution in executions:
        signed[execution.symbol] += execution.side * execution.qty
    for symbol, position in held.items():
        assert position.qty == pytest.approx(signed[symbol], abs=1e-6)
        assert position.qty == pytest.approx(replayed[symbol].qty, abs=1e-6)
        assert position.avg_price == pytest.approx(replayed[symbol].avg_price, rel=1e-9)
    account = broker.account_summary().account
    assert account.realized_pnl == pytest.approx(realized, abs=1e-6)
    assert account.commissions == pytest.approx(sum(e.commission for e in executions), abs=1e-6)
