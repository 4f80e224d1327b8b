"""An order's life: opened, filled, rejected, modified, canceled. Each step returns a new Order."""

from __future__ import annotations

from dataclasses import replace

from paperbroker.engine.errors import InvalidTransition, UnacceptableRequest
from paperbroker.engine.model import Execution, NewOrder, Order, OrderStatus, OrderType

_NEEDS_LIMIT = frozenset({OrderType.Limit, OrderType.StopLimit})
_NEEDS_STOP = frozenset({OrderType.Stop, OrderType.StopLimit})


def check_prices(order_type: OrderType, limit_price: float | None, stop_price: float | None) -> None:
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
    if new.take_profit is not None or new.stop_loss is not None:
        raise UnacceptableRequest("Bracket orders (takeProfit, stopLoss) are not supported.")
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
        stop_type=new.stop_type,
        duration=new.duration,
    )


def fill(order: Order, price: float, now: int, commission_per_unit: float) -> tuple[Order, Execution]:
    """Fill the whole remaining quantity at one price."""
    if order.status is not OrderStatus.Working:
        raise InvalidTransition(f"Order {order.id} is {order.status.name}; only a Working order can fill.")
    qty = order.qty - order.filled_qty
    execution = Execution(
        order_id=order.id,
        symbol=order.symbol,
        side=order.side,
        qty=qty,
        price=price,
        time=now,
        commission=qty * commission_per_unit,
    )
    filled = replace(order, status=OrderStatus.Filled, filled_qty=order.qty, avg_price=price, update_time=now)
    return filled, execution


def reject(order: Order, reason: str, now: int) -> Order:
    return replace(order, status=OrderStatus.Rejected, message=reason, update_time=now)


def cancel(order: Order, now: int) -> Order:
    if order.status is not OrderStatus.Working:
        raise InvalidTransition(
            f"Order {order.id} is {order.status.name}; only a Working order can be canceled."
        )
    return replace(order, status=OrderStatus.Canceled, update_time=now)


def modify(
    order: Order,
    now: int,
    qty: float | None = None,
    limit_price: float | None = None,
    stop_price: float | None = None,
) -> Order:
    """Change what a working order asks for; the caller re-matches it against the market."""
    if order.status is not OrderStatus.Working:
        raise InvalidTransition(
            f"Order {order.id} is {order.status.name}; only a Working order can be modified."
        )
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
        qty=order.qty if qty is None else qty,
        limit_price=order.limit_price if limit_price is None else limit_price,
        stop_price=order.stop_price if stop_price is None else stop_price,
        update_time=now,
    )
