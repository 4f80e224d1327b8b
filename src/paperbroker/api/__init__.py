"""Thin handlers named after the spec's operationIds: parse, call the broker, serialise."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from paperbroker.api import account, instruments, market, orders, portfolio
from paperbroker.broker import Broker

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
}


def bind_handlers(broker: Broker) -> dict[str, Callable[..., Any]]:
    """Each handler takes the broker first; Connexion sees only the request parameters."""
    return {operation_id: partial(handler, broker) for operation_id, handler in HANDLERS.items()}
