import pytest

from paperbroker.engine import orders
from paperbroker.engine.errors import InvalidTransition, UnacceptableRequest
from paperbroker.engine.model import NewOrder, OrderStatus, OrderType, Side, StopType


def limit_buy() -> NewOrder:
    return NewOrder("AAPL", OrderType.Limit, Side.Buy, 10, limit_price=100)


def test_a_new_order_starts_working() -> None:
    order = orders.open_order(limit_buy(), "7", now=5)
    assert (order.id, order.status, order.update_time, order.filled_qty) == ("7", OrderStatus.Working, 5, 0)


@pytest.mark.parametrize(
    ("order_type", "limit", "stop", "reason"),
    [
        (OrderType.Limit, None, None, "needs a limit price"),
        (OrderType.Limit, 1.0, 2.0, "has no stop price"),
        (OrderType.Market, 1.0, None, "has no limit price"),
        (OrderType.Stop, None, None, "needs a stop price"),
        (OrderType.StopLimit, 1.0, None, "needs a stop price"),
    ],
)
def test_each_order_type_carries_exactly_its_prices(
    order_type: OrderType, limit: float | None, stop: float | None, reason: str
) -> None:
    with pytest.raises(UnacceptableRequest, match=reason):
        orders.open_order(NewOrder("AAPL", order_type, Side.Buy, 1, limit, stop), "1", 0)


def test_brackets_are_inactive_exits_on_the_other_side() -> None:
    new = NewOrder("AAPL", OrderType.Limit, Side.Buy, 10, limit_price=100, take_profit=110, stop_loss=95)
    parent = orders.open_order(new, "1", 0)
    ids = iter(["2", "3"])
    take_profit, stop_loss = orders.brackets(parent, lambda: next(ids), now=0)
    assert (take_profit.type, take_profit.side, take_profit.limit_price) == (OrderType.Limit, Side.Sell, 110)
    assert (stop_loss.type, stop_loss.side, stop_loss.stop_price) == (OrderType.Stop, Side.Sell, 95)
    assert {take_profit.status, stop_loss.status} == {OrderStatus.Inactive}
    assert take_profit.parent_id == stop_loss.parent_id == "1"
    assert orders.activate(take_profit, now=1).status is OrderStatus.Working


def test_trailing_stops_and_crossed_brackets_are_refused() -> None:
    with pytest.raises(UnacceptableRequest, match="Trailing"):
        orders.open_order(
            NewOrder("AAPL", OrderType.Market, Side.Buy, 1, stop_loss=9, stop_type=StopType.TrailingStop),
            "1",
            0,
        )
    with pytest.raises(UnacceptableRequest, match="below its stopLoss"):
        orders.open_order(
            NewOrder("AAPL", OrderType.Market, Side.Sell, 1, take_profit=9, stop_loss=8), "1", 0
        )


def test_fill_records_the_whole_quantity_at_one_price_with_commission() -> None:
    order = orders.open_order(limit_buy(), "1", 0)
    filled, execution = orders.fill(order, 99.5, now=9, commission_per_unit=0.01)
    assert (filled.status, filled.filled_qty, filled.avg_price) == (OrderStatus.Filled, 10, 99.5)
    assert (execution.qty, execution.price, execution.time) == (10, 99.5, 9)
    assert execution.commission == pytest.approx(0.1)
    assert execution.net_amount == pytest.approx(-995.1)


def test_a_filled_order_cannot_fill_again() -> None:
    filled, _ = orders.fill(orders.open_order(limit_buy(), "1", 0), 99, 1, 0)
    with pytest.raises(InvalidTransition):
        orders.fill(filled, 99, 2, 0)


def test_cancel_moves_working_to_canceled_and_refuses_final_orders() -> None:
    canceled = orders.cancel(orders.open_order(limit_buy(), "1", 0), now=3)
    assert canceled.status is OrderStatus.Canceled
    with pytest.raises(InvalidTransition, match="only a Working or Inactive order can be canceled"):
        orders.cancel(canceled, now=4)


def test_modify_changes_only_what_is_given() -> None:
    order = orders.open_order(limit_buy(), "1", 0)
    modified = orders.modify(order, now=2, qty=20)
    assert (modified.qty, modified.limit_price, modified.update_time) == (20, 100, 2)


def test_modify_refuses_a_price_the_type_does_not_use_and_final_orders() -> None:
    order = orders.open_order(limit_buy(), "1", 0)
    with pytest.raises(UnacceptableRequest, match="has no stop price"):
        orders.modify(order, now=1, stop_price=5)
    with pytest.raises(InvalidTransition):
        orders.modify(orders.cancel(order, 1), now=2, qty=1)
