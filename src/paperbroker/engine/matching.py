"""When an order fills: TradingView's order types matched against a bid/ask quote."""

from __future__ import annotations

from dataclasses import replace

from paperbroker.engine.model import Order, OrderType, Quote, Side, StopType
from paperbroker.engine.numbers import Price


def stop_reached(side: Side, stop_price: Price, quote: Quote) -> bool:
    """A buy stop triggers when the ask rises to it, a sell stop when the bid falls to it."""
    return quote.ask >= stop_price if side is Side.Buy else quote.bid <= stop_price


def limit_marketable(side: Side, limit_price: Price, quote: Quote) -> bool:
    """A buy limit can fill once the ask is at or below it, a sell limit once the bid is at or above it."""
    return quote.ask <= limit_price if side is Side.Buy else quote.bid >= limit_price


def evaluate(order: Order, quote: Quote | None) -> tuple[Order, Price | None]:
    """Match a working order against a quote.

    Returns the order (marked triggered if the quote reached its stop) and the price it fills at now,
    or None if it keeps working. Fills happen at the quote, which is the limit or better; a guaranteed
    stop fills exactly at its stop price, however far the market ran through it.
    """
    if quote is None:
        return order, None
    if order.type in (OrderType.Stop, OrderType.StopLimit) and not order.triggered:
        assert order.stop_price is not None
        if not stop_reached(order.side, order.stop_price, quote):
            return order, None
        order = replace(order, triggered=True)
    if order.type is OrderType.Stop and order.stop_type is StopType.GuaranteedStop:
        return order, order.stop_price
    if order.type in (OrderType.Market, OrderType.Stop):
        return order, quote.price_to(order.side)
    assert order.limit_price is not None
    if limit_marketable(order.side, order.limit_price, quote):
        return order, quote.price_to(order.side)
    return order, None
