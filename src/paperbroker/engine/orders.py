"""An order's life: opened, filled, rejected, modified, canceled. Each step returns a new Order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from paperbroker.engine.errors import UnacceptableRequest
from paperbroker.engine.model import (
    Execution,
    NewOrder,
    Order,
    OrderStatus,
    OrderType,
    ParentType,
    Side,
    StopType,
)
from paperbroker.engine.numbers import CONTEXT, Money, Price, Quantity
from paperbroker.engine.transitions import OrderEvent, transition

_NEEDS_LIMIT = frozenset({OrderType.Limit, OrderType.StopLimit})
_NEEDS_STOP = frozenset({OrderType.Stop, OrderType.StopLimit})


def check_prices(order_type: OrderType, limit_price: Price | None, stop_price: Price | None) -> None:
    """Each order type carries exactly the prices it uses."""
    name = order_type.name
    if order_type in _NEEDS_LIMIT and limit_price is None:
        raise UnacceptableRequest(f"A {name} order needs a limit price.")
    if order_type not in _NEEDS_LIMIT and limit_price is not None:
        raise UnacceptableRequest(f"A {name} order has no limit price.")
    if order_type in _NEEDS_STOP and stop_price is None:
        raise UnacceptableRequest(f"A {name} order needs a stop price.")
    if order_type not in _NEEDS_STOP and stop_price is not None:
        raise UnacceptableRequest(f"A {name} order has no stop price.")


def open_order(new: NewOrder, order_id: str, now: int) -> Order:
    """A new order starts Working; matching decides at once whether it fills."""
    check_prices(new.type, new.limit_price, new.stop_price)
    if new.qty <= 0:
        raise UnacceptableRequest("The quantity must be positive.")
    check_brackets(new)
    return Order(
        id=order_id,
        symbol=new.symbol,
        type=new.type,
        side=new.side,
        qty=new.qty,
        status=OrderStatus.Working,
        update_time=now,
        limit_price=new.limit_price,
        stop_price=new.stop_price,
        take_profit=new.take_profit,
        stop_loss=new.stop_loss,
        stop_type=new.stop_type,
        duration=new.duration,
    )


def check_brackets(new: NewOrder) -> None:
    """A take-profit lies on the profitable side of the stop-loss; trailing stops are not simulated."""
    if new.stop_type is StopType.TrailingStop:
        raise UnacceptableRequest("Trailing stops are not supported.")
    if new.take_profit is None or new.stop_loss is None:
        return
    if new.side is Side.Buy and new.take_profit <= new.stop_loss:
        raise UnacceptableRequest("A buy's takeProfit must be above its stopLoss.")
    if new.side is Side.Sell and new.take_profit >= new.stop_loss:
        raise UnacceptableRequest("A sell's takeProfit must be below its stopLoss.")


def brackets(parent: Order, next_id: Callable[[], str], now: int) -> list[Order]:
    """The exit orders of a parent with takeProfit / stopLoss: Inactive until the parent fills.

    The take-profit is a limit and the stop-loss a stop, both on the other side for the parent's quantity;
    when one fills, the other is canceled.
    """
    if parent.take_profit is None and parent.stop_loss is None:
        return []
    exits = []
    exit_template = Order(
        id="",
        symbol=parent.symbol,
        type=OrderType.Limit,
        side=Side(-parent.side),
        qty=parent.qty,
        status=OrderStatus.Inactive,
        update_time=now,
        parent_id=parent.id,
        parent_type=ParentType.Order,
    )
    if parent.take_profit is not None:
        exits.append(replace(exit_template, id=next_id(), limit_price=parent.take_profit))
    if parent.stop_loss is not None:
        stop_type = parent.stop_type or StopType.StopLoss
        stop = replace(exit_template, id=next_id(), type=OrderType.Stop, stop_price=parent.stop_loss)
        exits.append(replace(stop, stop_type=stop_type))
    return exits


def activate(bracket: Order, now: int) -> Order:
    """The parent filled: the bracket starts working."""
    return replace(bracket, status=transition(bracket, OrderEvent.Activate), update_time=now)


def fill(order: Order, price: Price, now: int, commission_per_unit: Money) -> tuple[Order, Execution]:
    """Fill the whole remaining quantity at one price."""
    status = transition(order, OrderEvent.Fill)
    qty = CONTEXT.subtract(order.qty, order.filled_qty)
    execution = Execution(
        order_id=order.id,
        symbol=order.symbol,
        side=order.side,
        qty=qty,
        price=price,
        time=now,
        commission=CONTEXT.multiply(qty, commission_per_unit),
    )
    filled = replace(order, status=status, filled_qty=order.qty, avg_price=price, update_time=now)
    return filled, execution


def reject(order: Order, reason: str, now: int) -> Order:
    """The broker refuses a new order it cannot execute; the reason is shown to the trader."""
    return replace(order, status=transition(order, OrderEvent.Reject), message=reason, update_time=now)


def cancel(order: Order, now: int) -> Order:
    """The trader withdraws a pending order; the broker also cancels a bracket leg no longer needed."""
    return replace(order, status=transition(order, OrderEvent.Cancel), update_time=now)


def modify(
    order: Order,
    now: int,
    qty: Quantity | None = None,
    limit_price: Price | None = None,
    stop_price: Price | None = None,
) -> Order:
    """Change what a pending order asks for; the caller re-matches a working one against the market."""
    status = transition(order, OrderEvent.Modify)
    if qty is None and limit_price is None and stop_price is None:
        raise UnacceptableRequest("Nothing to modify: give qty, limitPrice or stopPrice.")
    if limit_price is not None and order.type not in _NEEDS_LIMIT:
        raise UnacceptableRequest(f"A {order.type.name} order has no limit price.")
    if stop_price is not None and order.type not in _NEEDS_STOP:
        raise UnacceptableRequest(f"A {order.type.name} order has no stop price.")
    if stop_price is not None and order.triggered:
        raise UnacceptableRequest(f"Order {order.id} has already been triggered; its stop price is spent.")
    if qty is not None and qty <= 0:
        raise UnacceptableRequest("The quantity must be positive.")
    return replace(
        order,
        status=status,
        qty=order.qty if qty is None else qty,
        limit_price=order.limit_price if limit_price is None else limit_price,
        stop_price=order.stop_price if stop_price is None else stop_price,
        update_time=now,
    )
