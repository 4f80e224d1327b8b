from decimal import Decimal

import pytest

from paperbroker.engine import orders
from paperbroker.engine.errors import InvalidTransition, UnacceptableRequest
from paperbroker.engine.model import NewOrder, OrderStatus, OrderType, Side, StopType


def limit_buy() -> NewOrder:
    return NewOrder("AAPL", OrderType.Limit, Side.Buy, Decimal(10), limit_price=Decimal(100))


def test_a_new_order_starts_working() -> None:
    order = orders.open_order(limit_buy(), "7", now=5)
    assert (order.id, order.status, order.update_time) == ("7", OrderStatus.Working, 5)
    assert order.filled_qty == 0


@pytest.mark.parametrize(
    ("order_type", "limit", "stop", "reason"),
    [
        (OrderType.Limit, None, None, "needs a limit price"),
        (OrderType.Limit, Decimal(1), Decimal(2), "has no stop price"),
        (OrderType.Market, Decimal(1), None, "has no limit price"),
        (OrderType.Stop, None, None, "needs a stop price"),
        (OrderType.StopLimit, Decimal(1), None, "needs a stop price"),
    ],
)
def test_each_order_type_carries_exactly_its_prices(
    order_type: OrderType, limit: Decimal | None, stop: Decimal | None, reason: str
) -> None:
    with pytest.raises(UnacceptableRequest, match=reason):
        orders.open_order(NewOrder("AAPL", order_type, Side.Buy, Decimal(1), limit, stop), "1", 0)


def test_brackets_are_inactive_exits_on_the_other_side() -> None:
    new = NewOrder(
        "AAPL", OrderType.Limit, Side.Buy, Decimal(10), limit_price=Decimal(100), take_profit=Decimal(110),
        stop_loss=Decimal(95),
    )  # fmt: skip
    parent = orders.open_order(new, "1", 0)
    ids = iter(["2", "3"])
    take_profit, stop_loss = orders.brackets(parent, lambda: next(ids), now=0)
    assert (take_profit.type, take_profit.side, take_profit.limit_price) == (
        OrderType.Limit,
        Side.Sell,
        Decimal(110),
    )
    assert (stop_loss.type, stop_loss.side, stop_loss.stop_price) == (OrderType.Stop, Side.Sell, Decimal(95))
    assert {take_profit.status, stop_loss.status} == {OrderStatus.Inactive}
    assert take_profit.parent_id == stop_loss.parent_id == "1"
    assert orders.activate(take_profit, now=1).status is OrderStatus.Working


def test_trailing_stops_and_crossed_brackets_are_refused() -> None:
    one, nine = Decimal(1), Decimal(9)
    trailing = NewOrder(
        "AAPL", OrderType.Market, Side.Buy, one, stop_loss=nine, stop_type=StopType.TrailingStop
    )
    with pytest.raises(UnacceptableRequest, match="Trailing"):
        orders.open_order(trailing, "1", 0)
    crossed = NewOrder("AAPL", OrderType.Market, Side.Sell, one, take_profit=nine, stop_loss=Decimal(8))
    with pytest.raises(UnacceptableRequest, match="below its stopLoss"):
        orders.open_order(crossed, "1", 0)


def test_fill_records_the_whole_quantity_at_one_price_with_commission() -> None:
    order = orders.open_order(limit_buy(), "1", 0)
    filled, execution = orders.fill(order, Decimal("99.5"), now=9, commission_per_unit=Decimal("0.01"))
    assert (filled.status, filled.filled_qty, filled.avg_price) == (
        OrderStatus.Filled,
        Decimal(10),
        Decimal("99.5"),
    )
    assert (execution.qty, execution.price, execution.time) == (Decimal(10), Decimal("99.5"), 9)
    assert execution.commission == Decimal("0.1")
    assert execution.net_amount == Decimal("-995.1")


def test_a_filled_order_cannot_fill_again() -> None:
    filled, _ = orders.fill(orders.open_order(limit_buy(), "1", 0), Decimal(99), 1, Decimal(0))
    with pytest.raises(InvalidTransition):
        orders.fill(filled, Decimal(99), 2, Decimal(0))


def test_cancel_moves_working_to_canceled_and_refuses_final_orders() -> None:
    canceled = orders.cancel(orders.open_order(limit_buy(), "1", 0), now=3)
    assert canceled.status is OrderStatus.Canceled
    with pytest.raises(InvalidTransition, match="only a Working or Inactive order can be canceled"):
        orders.cancel(canceled, now=4)


def test_modify_changes_only_what_is_given() -> None:
    order = orders.open_order(limit_buy(), "1", 0)
    modified = orders.modify(order, now=2, qty=Decimal(20))
    assert (modified.qty, modified.limit_price, modified.update_time) == (Decimal(20), Decimal(100), 2)


def test_modify_refuses_a_price_the_type_does_not_use_and_final_orders() -> None:
    order = orders.open_order(limit_buy(), "1", 0)
    with pytest.raises(UnacceptableRequest, match="has no stop price"):
        orders.modify(order, now=1, stop_price=Decimal(5))
    with pytest.raises(InvalidTransition):
        orders.modify(orders.cancel(order, 1), now=2, qty=Decimal(1))
