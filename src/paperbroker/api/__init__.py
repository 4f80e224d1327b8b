"""Thin handlers named after the spec's operationIds: parse, call the broker, serialise."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from paperbroker.api import account, events, instruments, market, orders, portfolio
from paperbroker.broker import Broker
from paperbroker.events.feed import EventFeed

HANDLERS: dict[str, Callable[..., Any]] = {
    "placeOrder": orders.place_order,
    "previewOrder": orders.preview_order,
    "cancelOrders": orders.cancel_orders,
    "getOrdersHistory": orders.get_orders_history,
    "closePosition": portfolio.close_position,
    "reversePosition": portfolio.reverse_position,
    "editPositionBrackets": portfolio.edit_position_brackets,
    "symbolInfo": instruments.symbol_info,
    "getSymbols": instruments.get_symbols,
    "resetAccount": account.reset_account,
    "modifyOrder": orders.modify_order,
    "cancelOrder": orders.cancel_order,
    "getOrder": orders.get_order,
    "getOrders": orders.get_orders,
    "getPositions": portfolio.get_positions,
    "getExecutions": portfolio.get_executions,
    "getAccountInfo": account.get_account_info,
    "getQuotes": market.get_quotes,
    "setQuote": market.set_quote,
    "getBars": market.get_bars,
}


def bind_handlers(broker: Broker, feed: EventFeed | None = None) -> dict[str, Callable[..., Any]]:
    """Each handler takes the broker first (streamEvents: the worker's event feed); Connexion sees only the
    request parameters."""
    if feed is None:
        feed = EventFeed(broker.store, retention=100_000, heartbeat=15.0)
    bound: dict[str, Callable[..., Any]] = {
        operation_id: partial(handler, broker) for operation_id, handler in HANDLERS.items()
    }
    return bound | {"streamEvents": partial(events.stream_events, feed)}
