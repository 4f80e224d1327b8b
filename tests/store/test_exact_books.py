"""Each store keeps amounts exactly: a position read back equals the exact sum of its executions, and the
average the engine computed, on SQLite and on PostgreSQL alike."""

from __future__ import annotations

from decimal import Decimal

import pytest

from paperbroker.broker import Broker
from paperbroker.engine.model import NewOrder, OrderType, Position, Side
from paperbroker.engine.numbers import CONTEXT, ZERO
from paperbroker.store.base import Store


def trade(store: Store, price: str, fills: list[tuple[Side, str]]) -> Broker:
    broker = Broker(store)
    broker.set_quote("X", Decimal(price), Decimal(price))
    for side, qty in fills:
        broker.place_order(NewOrder("X", OrderType.Market, side, Decimal(qty)))
    return broker


def executed(broker: Broker) -> Decimal:
    total = ZERO
    for execution in broker.list_executions("X"):
        qty = execution.qty if execution.side is Side.Buy else execution.qty.copy_negate()
        total = CONTEXT.add(total, qty)
    return total


@pytest.mark.parametrize(
    ("price", "fills", "expected"),
    [
        ("1e-9", [(Side.Buy, "20"), (Side.Buy, "5")], Position("X", Decimal(25), Decimal("1e-9"))),
        ("10", [(Side.Buy, "1e9"), (Side.Sell, "999999999.5")], Position("X", Decimal("0.5"), Decimal(10))),
        ("10", [(Side.Buy, "0.1"), (Side.Buy, "0.2"), (Side.Sell, "0.3")], None),
    ],
    ids=["average-at-the-smallest-price", "half-of-1e9", "nets-to-zero"],
)
def test_positions_read_back_equal_the_exact_sum_of_their_executions(
    store: Store, price: str, fills: list[tuple[Side, str]], expected: Position | None
) -> None:
    broker = trade(store, price, fills)
    assert broker.list_positions() == ([] if expected is None else [expected])
    assert executed(broker) == (ZERO if expected is None else expected.qty)
    assert broker.account_summary().account.realized_pnl == 0
