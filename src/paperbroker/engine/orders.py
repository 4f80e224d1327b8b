"""An order's life: opened, filled, rejected, modified, canceled. Each step returns a new Order."""

from __future__ import annotations

from dataclasses import replace
from enum import Enum
from typing import TypeVar

from paperbroker.engine.brackets import Protection, check_protection, protection_of, protection_of_order
from paperbroker.engine.errors import UnacceptableRequest
from paperbroker.engine.model import (
    KEEP,
    Execution,
    Keep,
    NewOrder,
    Order,
    OrderChanges,
    OrderStatus,
    OrderType,
    StopType,
)
from paperbroker.engine.numbers import CONTEXT, Money, Price
from paperbroker.engine.transitions import OrderEvent, transition

T = TypeVar("T")
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


def open_order(new: NewOrder, order_id: str, now: int, expires_at: int | None = None) -> Order:
    """A new order starts Working; matching decides at once whether it fills."""
    check_prices(new.type, new.limit_price, new.stop_price)
    if new.qty <= 0:
        raise UnacceptableRequest("The quantity must be positive.")
    protection = protection_of(
        new.take_profit, new.stop_loss, new.guaranteed_stop, new.trailing_stop_pips, new.stop_type
    )
    check_protection(new.side, protection)
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
        stop_loss=new.stop_loss if protection.stop_type is not StopType.GuaranteedStop else None,
        stop_type=protection.stop_type if protection.has_stop else new.stop_type,
        duration=new.duration,
        guaranteed_stop=protection.stop_loss if protection.stop_type is StopType.GuaranteedStop else None,
        trailing_stop_pips=protection.trailing_pips,
        custom_fields=new.custom_fields,
        expires_at=expires_at,
    )


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


IDENTITY = {"id": "id", "symbol": "symbol", "type": "type", "side": "side"}


def check_identity(order: Order, sent: tuple[tuple[str, object], ...]) -> None:
    """The identity fields a client sends with the whole order must be the order's own."""
    for name, value in sent:
        own = getattr(order, IDENTITY[name])
        if value != own:
            shown = own.name if isinstance(own, Enum) else own
            raise UnacceptableRequest(
                f"The order's {name} is {shown}; a modification cannot change it (sent: {value})."
            )


def _kept(change: T | Keep | None, current: T | None) -> T | None:
    return current if isinstance(change, Keep) else change


def modify(order: Order, changes: OrderChanges, now: int, expires_at: int | Keep | None = KEEP) -> Order:
    """Change what a pending order asks for; the caller re-matches a working one against the market and
    rewrites its brackets from the result."""
    status = transition(order, OrderEvent.Modify)
    check_identity(order, changes.identity)
    if changes.is_empty:
        raise UnacceptableRequest("Nothing to modify: give qty, prices, brackets, duration or customFields.")
    qty, limit_price, stop_price = changes.qty, changes.limit_price, changes.stop_price
    if limit_price is not None and order.type not in _NEEDS_LIMIT:
        raise UnacceptableRequest(f"A {order.type.name} order has no limit price.")
    if stop_price is not None and order.type not in _NEEDS_STOP:
        raise UnacceptableRequest(f"A {order.type.name} order has no stop price.")
    if stop_price is not None and stop_price != order.stop_price and order.triggered:
        raise UnacceptableRequest(f"Order {order.id} has already been triggered; its stop price is spent.")
    if qty is not None and qty <= 0:
        raise UnacceptableRequest("The quantity must be positive.")
    current = protection_of_order(order)
    guaranteed = current.stop_loss if current.stop_type is StopType.GuaranteedStop else None
    plain_stop = None if current.stop_type is StopType.GuaranteedStop else current.stop_loss
    protection = protection_of(
        _kept(changes.take_profit, current.take_profit),
        _kept(changes.stop_loss, plain_stop),
        _kept(changes.guaranteed_stop, guaranteed),
        _kept(changes.trailing_stop_pips, current.trailing_pips),
        changes.stop_type if changes.stop_type is not None else _stop_type_kept(changes, current),
    )
    check_protection(order.side, protection)
    guaranteed_stop = protection.stop_loss if protection.stop_type is StopType.GuaranteedStop else None
    return replace(
        order,
        status=status,
        qty=order.qty if qty is None else qty,
        limit_price=order.limit_price if limit_price is None else limit_price,
        stop_price=order.stop_price if stop_price is None else stop_price,
        take_profit=protection.take_profit,
        stop_loss=None if guaranteed_stop is not None else protection.stop_loss,
        guaranteed_stop=guaranteed_stop,
        trailing_stop_pips=protection.trailing_pips,
        stop_type=protection.stop_type if protection.has_stop else None,
        duration=order.duration if changes.duration is None else changes.duration,
        custom_fields=order.custom_fields if changes.custom_fields is None else changes.custom_fields,
        expires_at=_kept(expires_at, order.expires_at),
        update_time=now,
    )


def _stop_type_kept(changes: OrderChanges, current: Protection) -> StopType | None:
    """A stop kind the client did not name stays, unless the change removes what it needs."""
    if current.stop_type is StopType.TrailingStop and changes.trailing_stop_pips is None:
        return None
    if current.stop_type is StopType.GuaranteedStop and changes.guaranteed_stop is None:
        return None
    return current.stop_type if current.has_stop else None
