from decimal import Decimal

import pytest

from paperbroker.engine import orders
from paperbroker.engine.errors import InvalidTransition, UnacceptableRequest
from paperbroker.engine.model import NewOrder, OrderChanges, OrderStatus, OrderType, Side, StopType


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


def test_crossed_brackets_are_refused() -> None:
    one, nine = Decimal(1), Decimal(9)
    crossed = NewOrder("AAPL", OrderType.Market, Side.Sell, one, take_profit=nine, stop_loss=Decimal(8))
    with pytest.raises(UnacceptableRequest, match="below its stopLoss"):
        orders.open_order(crossed, "1", 0)


def test_a_trailing_stop_needs_its_distance() -> None:
    trailing = NewOrder(
        "AAPL", OrderType.Market, Side.Buy, Decimal(1), stop_loss=Decimal(9), stop_type=StopType.TrailingStop
    )
    with pytest.raises(UnacceptableRequest, match="needs trailingStopPips"):
        orders.open_order(trailing, "1", 0)


def test_a_guaranteed_stop_is_the_orders_guaranteed_stop_price() -> None:
    new = NewOrder("AAPL", OrderType.Market, Side.Buy, Decimal(1), guaranteed_stop=Decimal(90))
    order = orders.open_order(new, "1", 0)
    assert (order.stop_type, order.guaranteed_stop, order.stop_loss) == (
        StopType.GuaranteedStop,
        Decimal(90),
        None,
    )


def test_modify_checks_identity_fields_against_the_order() -> None:
    order = orders.open_order(limit_buy(), "1", 0)
    same = OrderChanges(qty=Decimal(5), identity=(("id", "1"), ("symbol", "AAPL"), ("side", Side.Buy)))
    assert orders.modify(order, same, now=1).qty == Decimal(5)
    with pytest.raises(
        UnacceptableRequest, match="The order's symbol is AAPL; a modification cannot change it"
    ):
        orders.modify(order, OrderChanges(qty=Decimal(5), identity=(("symbol", "MSFT"),)), now=1)
    with pytest.raises(UnacceptableRequest, match="The order's side is Buy"):
        orders.modify(order, OrderChanges(qty=Decimal(5), identity=(("side", Side.Sell),)), now=1)


def test_modify_sets_and_removes_brackets() -> None:
    order = orders.open_order(limit_buy(), "1", 0)
    protected = orders.modify(order, OrderChanges(take_profit=Decimal(120), stop_loss=Decimal(90)), now=1)
    assert (protected.take_profit, protected.stop_loss) == (Decimal(120), Decimal(90))
    unprotected = orders.modify(protected, OrderChanges(take_profit=None), now=2)
    assert (unprotected.take_profit, unprotected.stop_loss) == (None, Decimal(90))


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
    modified = orders.modify(order, OrderChanges(qty=Decimal(20)), now=2)
    assert (modified.qty, modified.limit_price, modified.update_time) == (Decimal(20), Decimal(100), 2)


def test_modify_refuses_a_price_the_type_does_not_use_and_final_orders() -> None:
    order = orders.open_order(limit_buy(), "1", 0)
    with pytest.raises(UnacceptableRequest, match="has no stop price"):
        orders.modify(order, OrderChanges(stop_price=Decimal(5)), now=1)
    with pytest.raises(InvalidTransition):
        orders.modify(orders.cancel(order, 1), OrderChanges(qty=Decimal(1)), now=2)
