"""Domain objects to the contract's JSON shapes (TradingView field names, optional fields omitted)."""

from __future__ import annotations

from typing import Any

from paperbroker.engine.account import AccountSummary
from paperbroker.engine.model import Execution, Order, OrderStatus, Position, Quote

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
        "qty": order.qty,
        "status": int(order.status),
        "filledQty": order.filled_qty,
        "updateTime": order.update_time,
    }
    optional = (
        ("avgPrice", order.avg_price),
        ("limitPrice", order.limit_price),
        ("stopPrice", order.stop_price),
        ("takeProfit", order.take_profit),
        ("stopLoss", order.stop_loss),
        ("stopType", None if order.stop_type is None else int(order.stop_type)),
        ("parentId", order.parent_id),
        ("parentType", None if order.parent_type is None else int(order.parent_type)),
    )
    for key, value in optional:
        if value is not None:
            data[key] = value
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
        "qty": abs(position.qty),
        "side": int(position.side),
        "avgPrice": position.avg_price,
    }


def execution_json(execution: Execution) -> Json:
    return {
        "symbol": execution.symbol,
        "price": execution.price,
        "qty": execution.qty,
        "side": int(execution.side),
        "time": execution.time,
        "commission": execution.commission,
        "netAmount": execution.net_amount,
    }


def account_json(summary: AccountSummary) -> Json:
    account = summary.account
    return {
        "id": account.id,
        "name": account.name,
        "currency": account.currency,
        "balance": summary.balance,
        "equity": summary.equity,
        "realizedPnl": account.realized_pnl,
        "unrealizedPnl": summary.unrealized_pnl,
    }


def quote_json(quote: Quote) -> Json:
    return {
        "symbol": quote.symbol,
        "bid": quote.bid,
        "ask": quote.ask,
        "last": quote.last,
        "time": quote.time,
    }
