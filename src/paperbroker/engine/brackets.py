"""Brackets: the take-profit and stop-loss orders that protect an order's fill, and then its position.

As in TradingView's broker model, an order's brackets (parentType 1) wait Inactive until it fills; then
they become the position's brackets (parentType 2, parentId = the position's id): Working, sized to the
whole position, replacing the position's bracket of the same role. Position brackets follow the position
(`follow_position`): resized when it grows or shrinks, canceled when it is flat or reversed, so when one
leg fills and the position goes flat, the other leg goes with it.

The stop-loss leg is a plain stop, a trailing stop (it keeps `trailing_stop_pips` behind the best price
since it started working, and never loosens) or a guaranteed stop (it fills exactly at its price).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from decimal import Decimal

from paperbroker.engine.errors import UnacceptableRequest
from paperbroker.engine.model import (
    Order,
    OrderStatus,
    OrderType,
    ParentType,
    Position,
    Quote,
    Side,
    StopType,
)
from paperbroker.engine.numbers import CONTEXT, Price, Quantity
from paperbroker.engine.transitions import OrderEvent, transition

LOWEST_PRICE = Decimal("0.000000001")
"""The contract's smallest price: a trailing stop further than the price itself rests there."""


@dataclass(frozen=True, slots=True)
class Protection:
    """What protects one side: a take-profit price, a stop-loss (price, kind, trailing distance)."""

    take_profit: Price | None = None
    stop_loss: Price | None = None
    """The stop price; a trailing stop may start without one (then its distance from the fill sets it)."""
    stop_type: StopType = StopType.StopLoss
    trailing_pips: Quantity | None = None

    @property
    def has_stop(self) -> bool:
        return self.stop_loss is not None or self.trailing_pips is not None

    @property
    def is_empty(self) -> bool:
        return self.take_profit is None and not self.has_stop


def protection_of(
    take_profit: Price | None,
    stop_loss: Price | None,
    guaranteed_stop: Price | None,
    trailing_pips: Quantity | None,
    stop_type: StopType | None,
) -> Protection:
    """TradingView's bracket fields as one Protection; the stop's kind follows the fields given."""
    if guaranteed_stop is not None and trailing_pips is not None:
        raise UnacceptableRequest("A stop-loss is either guaranteed or trailing, not both.")
    if guaranteed_stop is not None or stop_type is StopType.GuaranteedStop:
        price = guaranteed_stop if guaranteed_stop is not None else stop_loss
        if price is None:
            raise UnacceptableRequest("A guaranteed stop needs a price: guaranteedStop or stopLoss.")
        return Protection(take_profit, price, StopType.GuaranteedStop)
    if trailing_pips is not None or stop_type is StopType.TrailingStop:
        if trailing_pips is None:
            raise UnacceptableRequest("A trailing stop needs trailingStopPips.")
        return Protection(take_profit, stop_loss, StopType.TrailingStop, trailing_pips)
    return Protection(take_profit, stop_loss)


def check_protection(protected: Side, protection: Protection) -> None:
    """A take-profit lies on the profitable side of the stop-loss (above it for a long)."""
    take_profit, stop_loss = protection.take_profit, protection.stop_loss
    if take_profit is None or stop_loss is None:
        return
    if protected is Side.Buy and take_profit <= stop_loss:
        raise UnacceptableRequest("A long's takeProfit must be above its stopLoss.")
    if protected is Side.Sell and take_profit >= stop_loss:
        raise UnacceptableRequest("A short's takeProfit must be below its stopLoss.")


def check_against_market(protected: Side, protection: Protection, quote: Quote | None) -> None:
    """A position's brackets wait for the market: a take-profit beyond the price that would close it now,
    a stop-loss short of it. One already reached would fill at once; that is closing, not protecting."""
    if quote is None:
        return
    long = protected is Side.Buy
    closing = quote.price_to(Side(-protected))
    name, market = (
        ("long", f"the market (bid {closing})") if long else ("short", f"the market (ask {closing})")
    )
    take_profit, stop_loss = protection.take_profit, protection.stop_loss
    if take_profit is not None and (take_profit <= closing if long else take_profit >= closing):
        raise UnacceptableRequest(f"A {name}'s takeProfit must be {'above' if long else 'below'} {market}.")
    if stop_loss is not None and (stop_loss >= closing if long else stop_loss <= closing):
        raise UnacceptableRequest(f"A {name}'s stopLoss must be {'below' if long else 'above'} {market}.")


def protection_of_order(order: Order) -> Protection:
    """The protection an order asked for (its own bracket fields)."""
    if order.stop_type is StopType.GuaranteedStop:
        return Protection(
            order.take_profit, order.guaranteed_stop or order.stop_loss, StopType.GuaranteedStop
        )
    if order.stop_type is StopType.TrailingStop:
        return Protection(order.take_profit, order.stop_loss, StopType.TrailingStop, order.trailing_stop_pips)
    return Protection(order.take_profit, order.stop_loss)


def protection_of_legs(legs: Iterable[Order]) -> Protection:
    """The protection working or waiting legs give (a position's current brackets)."""
    take_profit = stop = None
    for leg in legs:
        if leg.is_final:
            continue
        if leg.type is OrderType.Limit:
            take_profit = leg.limit_price
        else:
            stop = leg
    if stop is None:
        return Protection(take_profit)
    kind = stop.stop_type or StopType.StopLoss
    return Protection(take_profit, stop.stop_price, kind, stop.trailing_stop_pips)


def _wanted_legs(template: Order, protection: Protection) -> dict[str, Order]:
    """The legs `protection` asks for, by role: 'tp' (a Limit) and 'sl' (a Stop)."""
    legs = {}
    if protection.take_profit is not None:
        legs["tp"] = replace(template, type=OrderType.Limit, limit_price=protection.take_profit)
    if protection.has_stop:
        legs["sl"] = replace(
            template,
            type=OrderType.Stop,
            stop_price=protection.stop_loss,
            stop_type=protection.stop_type,
            trailing_stop_pips=protection.trailing_pips,
        )
    return legs


def role(leg: Order) -> str:
    return "tp" if leg.type is OrderType.Limit else "sl"


def reconcile(
    existing: Iterable[Order],
    protection: Protection,
    template: Order,
    next_id: Callable[[], str],
    now: int,
) -> list[Order]:
    """The legs to write so that the pending legs in `existing` become `protection`: new legs, changed
    legs, and canceled legs (those no longer wanted). `template` gives the legs' common fields (symbol,
    side, qty, status, parent). A trailing stop asked for by distance alone keeps the price it reached."""
    wanted = _wanted_legs(template, protection)
    pending = {role(leg): leg for leg in existing if not leg.is_final}
    written: list[Order] = []
    for name, leg in pending.items():
        if name not in wanted:
            written.append(replace(leg, status=transition(leg, OrderEvent.Cancel), update_time=now))
    for name, leg in wanted.items():
        current = pending.get(name)
        if current is None:
            written.append(replace(leg, id=next_id(), update_time=now))
            continue
        changed = replace(
            current,
            qty=leg.qty,
            limit_price=leg.limit_price,
            stop_price=current.stop_price if leg.stop_price is None else leg.stop_price,
            stop_type=leg.stop_type,
            trailing_stop_pips=leg.trailing_stop_pips,
        )
        if changed != current:
            status = transition(current, OrderEvent.Modify)
            written.append(replace(changed, status=status, update_time=now))
    return written


def order_legs_template(parent: Order, now: int) -> Order:
    """What an order's brackets share: the other side, the parent's quantity, Inactive until it fills."""
    return Order(
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


def position_legs_template(position: Position, now: int) -> Order:
    """What a position's brackets share: the other side, the position's size, Working."""
    return Order(
        id="",
        symbol=position.symbol,
        type=OrderType.Limit,
        side=Side(-position.side),
        qty=CONTEXT.copy_abs(position.qty),
        status=OrderStatus.Working,
        update_time=now,
        parent_id=position.symbol,
        parent_type=ParentType.Position,
    )


def follow_position(legs: Iterable[Order], position: Position | None, now: int) -> list[Order]:
    """Position brackets after the position changed: resized to it, or canceled when it is flat or has
    turned to the side they do not protect. Returns the legs that changed."""
    changed = []
    for leg in legs:
        if leg.is_final:
            continue
        if position is None or leg.side is position.side:
            changed.append(replace(leg, status=transition(leg, OrderEvent.Cancel), update_time=now))
        elif leg.qty != CONTEXT.copy_abs(position.qty):
            status = transition(leg, OrderEvent.Modify)
            changed.append(replace(leg, qty=CONTEXT.copy_abs(position.qty), status=status, update_time=now))
    return changed


def adopt(leg: Order, position: Position, now: int) -> Order:
    """A filled order's bracket becomes its position's: Working, for the whole position."""
    status = transition(leg, OrderEvent.Activate)
    return replace(
        leg,
        status=status,
        qty=CONTEXT.copy_abs(position.qty),
        parent_id=position.symbol,
        parent_type=ParentType.Position,
        update_time=now,
    )


def start_trailing(leg: Order, reference: Price, pip_size: Price) -> Order:
    """A trailing stop without a price starts `trailing_stop_pips` from `reference` (fill or market)."""
    if leg.stop_type is not StopType.TrailingStop or leg.stop_price is not None:
        return leg
    assert leg.trailing_stop_pips is not None
    distance = CONTEXT.multiply(leg.trailing_stop_pips, pip_size)
    start = (
        CONTEXT.subtract(reference, distance) if leg.side is Side.Sell else CONTEXT.add(reference, distance)
    )
    return replace(leg, stop_price=max(start, LOWEST_PRICE))


def trail(leg: Order, quote: Quote, pip_size: Price) -> Order:
    """A trailing stop after a quote: `trailing_stop_pips` behind the best price, never looser.

    A sell stop (protecting a long) rises with the bid; a buy stop (protecting a short) falls with the ask.
    """
    if leg.stop_type is not StopType.TrailingStop or leg.trailing_stop_pips is None:
        return leg
    distance = CONTEXT.multiply(leg.trailing_stop_pips, pip_size)
    if leg.stop_price is None:
        return start_trailing(leg, quote.price_to(Side(-leg.side)), pip_size)
    if leg.side is Side.Sell:
        tighter = max(leg.stop_price, CONTEXT.subtract(quote.bid, distance))
    else:
        tighter = min(leg.stop_price, CONTEXT.add(quote.ask, distance))
    return leg if tighter == leg.stop_price else replace(leg, stop_price=tighter)
