"""Do the books agree with the executions? Checked after concurrent writers are done."""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal

from paperbroker.broker import Broker
from paperbroker.engine.model import OrderStatus, Position
from paperbroker.engine.numbers import CONTEXT, ZERO
from paperbroker.engine.positions import apply_fill

AVERAGE_ROUNDING = Decimal("1e-30")
"""How far two sums of realized P&L may differ: an average price is a quotient rounded at the 50th digit,
so P&L realized against it, summed in another order, may differ there. Quantities and commissions are
exact and compared exactly."""


def assert_books_agree(
    broker: Broker, symbols: tuple[str, ...], placed_ids: list[str], exact: bool = True
) -> None:
    """Every order id unique and stored once; every filled order one execution; positions and the account
    equal a replay of the executions in the order they were booked (a lost update would break this), exactly.

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

    realized = ZERO
    replayed: dict[str, Position] = {}
    for symbol in symbols:
        position: Position | None = None
        for execution in broker.list_executions(symbol):
            position, gain = apply_fill(position, symbol, execution.side, execution.qty, execution.price)
            realized = CONTEXT.add(realized, gain)
        if position is not None:
            replayed[symbol] = position
    held = {position.symbol: position for position in broker.list_positions()}
    assert held.keys() == replayed.keys()
    signed: defaultdict[str, Decimal] = defaultdict(Decimal)
    for execution in executions:
        fill = execution.qty if execution.side > 0 else execution.qty.copy_negate()
        signed[execution.symbol] = CONTEXT.add(signed[execution.symbol], fill)
    for symbol, position in held.items():
        assert position.qty == signed[symbol]
        assert position == replayed[symbol]
    account = broker.account_summary().account
    assert abs(CONTEXT.subtract(account.realized_pnl, realized)) <= AVERAGE_ROUNDING
    commissions = ZERO
    for execution in executions:
        commissions = CONTEXT.add(commissions, execution.commission)
    assert account.commissions == commissions
