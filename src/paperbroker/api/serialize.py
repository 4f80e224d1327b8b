"""Domain objects to the contract's JSON shapes (TradingView field names, optional fields omitted).

The engine's Decimals leave as floats (`to_float`): the contract's numbers are JSON numbers, and orjson
writes floats natively where a Decimal would take a fallback call per value.
"""

from __future__ import annotations

from typing import Any

from paperbroker.engine.account import AccountSummary
from paperbroker.engine.model import Execution, Order, OrderStatus, Position, Quote
from paperbroker.engine.numbers import to_float

Json = dict[str, Any]
JsonResponse = tuple[Any, int, dict[str, str]]

_JSON = {"Content-Type": "application/json"}


def respond(body: Any, status: int = 200) -> JsonResponse:
    """Name the content type: every operation also documents application/problem+json for its errors."""
    return body, status, _JSON


def order_json(order: Order) -> Json:
    data: Json = {
        "id": order.id,
        "symbol": order.symbol,
        "type": int(order.type),
        "side": int(order.side),
        "qty": to_float(order.qty),
        "status": int(order.status),
        "filledQty": to_float(order.filled_qty),
        "updateTime": order.update_time,
    }
    prices = (
        ("avgPrice", order.avg_price),
        ("limitPrice", order.limit_price),
        ("stopPrice", order.stop_price),
        ("takeProfit", order.take_profit),
        ("stopLoss", order.stop_loss),
    )
    for key, price in prices:
        if price is not None:
            data[key] = to_float(price)
    if order.stop_type is not None:
        data["stopType"] = int(order.stop_type)
    if order.parent_id is not None:
        data["parentId"] = order.parent_id
    if order.parent_type is not None:
        data["parentType"] = int(order.parent_type)
    if order.duration is not None:
        duration: Json = {"type": order.duration.type}
        if order.duration.datetime is not None:
            duration["datetime"] = order.duration.datetime
        data["duration"] = duration
    if order.message is not None:
        kind = "error" if order.status is OrderStatus.Rejected else "information"
        data["message"] = {"text": order.message, "type": kind}
    return data


def position_json(position: Position) -> Json:
    return {
        "id": position.symbol,
        "symbol": position.symbol,
        "qty": to_float(position.qty.copy_abs()),
        "side": int(position.side),
        "avgPrice": to_float(position.avg_price),
    }


def execution_json(execution: Execution) -> Json:
    return {
        "symbol": execution.symbol,
        "price": to_float(execution.price),
        "qty": to_float(execution.qty),
        "side": int(execution.side),
        "time": execution.time,
        "commission": to_float(execution.commission),
        "netAmount": to_float(execution.net_amount),
    }


def account_json(summary: AccountSummary) -> Json:
    account = summary.account
    return {
        "id": account.id,
        "name": account.name,
        "currency": account.currency,
        "balance": to_float(summary.balance),
        "equity": to_float(summary.equity),
        "realizedPnl": to_float(account.realized_pnl),
        "unrealizedPnl": to_float(summary.unrealized_pnl),
    }


def quote_json(quote: Quote) -> Json:
    return {
        "symbol": quote.symbol,
        "bid": to_float(quote.bid),
        "ask": to_float(quote.ask),
        "last": to_float(quote.last),
        "time": quote.time,
    }
