"""Domain objects to the contract's JSON shapes (TradingView field names, optional fields omitted).

Shared by the handlers (responses) and the event recorder (stream payloads), so both speak one shape;
it sits beside them, not in api/, because the broker's recorder must not import the handlers.

The engine's Decimals leave as floats (`to_float`): the contract's numbers are JSON numbers, and orjson
writes floats natively where a Decimal would take a fallback call per value.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import orjson

from paperbroker.engine.account import AccountSummary
from paperbroker.engine.bars import Bar
from paperbroker.engine.brackets import Protection
from paperbroker.engine.instruments import Instrument
from paperbroker.engine.model import Execution, Order, OrderStatus, Position, Quote, StopType
from paperbroker.engine.numbers import Money, to_float
from paperbroker.engine.preview import Preview

CURRENCY_SIGNS = {"USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "CHF": "Fr", "CNY": "¥", "INR": "₹"}
"""TradingView's AccountMetainfo.currencySign; a currency not listed is shown by its code."""

Json = dict[str, Any]
JsonResponse = tuple[Any, int, dict[str, str]]

_JSON = {"Content-Type": "application/json"}


def respond(body: Any, status: int = 200) -> JsonResponse:
    """Name the content type: every operation also documents application/problem+json for its errors."""
    return body, status, _JSON


def json_array(elements: Iterable[bytes]) -> orjson.Fragment:
    """A JSON array of JSON texts written earlier (the stored orders' bodies), which the app's jsonifier
    (orjson) sends as they are; response validation still parses and checks every one."""
    return orjson.Fragment(b"[" + b",".join(elements) + b"]")


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
        ("guaranteedStop", order.guaranteed_stop),
        ("trailingStopPips", order.trailing_stop_pips),
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
    if order.custom_fields is not None:
        data["customFields"] = json.loads(order.custom_fields)
    if order.message is not None:
        kind = "error" if order.status is OrderStatus.Rejected else "information"
        data["message"] = {"text": order.message, "type": kind}
    return data


def position_json(position: Position, protection: Protection | None = None) -> Json:
    data: Json = {
        "id": position.symbol,
        "symbol": position.symbol,
        "qty": to_float(position.qty.copy_abs()),
        "side": int(position.side),
        "avgPrice": to_float(position.avg_price),
    }
    if protection is not None:
        if protection.take_profit is not None:
            data["takeProfit"] = to_float(protection.take_profit)
        if protection.stop_loss is not None:
            key = "guaranteedStop" if protection.stop_type is StopType.GuaranteedStop else "stopLoss"
            data[key] = to_float(protection.stop_loss)
        if protection.trailing_pips is not None:
            data["trailingStopPips"] = to_float(protection.trailing_pips)
    return data


def position_update_json(symbol: str, position: Position | None, previous: Position | None) -> Json:
    """TradingView's positionUpdate: the position as it is now, with qty 0 (and its last side and average
    price) when it went flat. Brackets travel as `order` events of their legs."""
    shown = position if position is not None else previous
    assert shown is not None, "a position that neither was nor is has no update"
    return {
        "id": symbol,
        "symbol": symbol,
        "qty": 0.0 if position is None else to_float(position.qty.copy_abs()),
        "side": int(shown.side),
        "avgPrice": to_float(shown.avg_price),
    }


def position_pl_json(position: Position, pl: Money) -> Json:
    """TradingView's plUpdate: an open position's unrealized P&L at the current quote."""
    return {"id": position.symbol, "symbol": position.symbol, "pl": to_float(pl)}


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
    """AccountMetainfo with the account's money (getAccountInfo)."""
    account = summary.account
    return {
        **account_meta_json(summary),
        "balance": to_float(summary.balance),
        "equity": to_float(summary.equity),
        "realizedPnl": to_float(account.realized_pnl),
        "unrealizedPnl": to_float(summary.unrealized_pnl),
    }


def account_meta_json(summary: AccountSummary) -> Json:
    """TradingView's AccountMetainfo: what the account picker shows."""
    account = summary.account
    return {
        "id": account.id,
        "name": account.name,
        "currency": account.currency,
        "currencySign": CURRENCY_SIGNS.get(account.currency, account.currency),
    }


def quote_json(quote: Quote) -> Json:
    return {
        "symbol": quote.symbol,
        "bid": to_float(quote.bid),
        "ask": to_float(quote.ask),
        "last": to_float(quote.last),
        "time": quote.time,
    }


def instrument_json(instrument: Instrument) -> Json:
    qty = {
        "min": to_float(instrument.qty_min),
        "max": to_float(instrument.qty_max),
        "step": to_float(instrument.qty_step),
        "default": to_float(instrument.qty_default),
    }
    return {
        "symbol": instrument.symbol,
        "description": instrument.description,
        "type": instrument.type,
        "currency": instrument.currency,
        "qty": qty,
        "minTick": to_float(instrument.min_tick),
        "pipSize": to_float(instrument.pip_size),
        "pipValue": to_float(instrument.pip_value),
        "marginRate": to_float(instrument.margin_rate),
        "allowedDurations": list(instrument.durations),
    }


def preview_json(preview: Preview, confirm_id: str | None) -> Json:
    rows = [{"title": row.title, "value": row.value} for row in preview.rows]
    data: Json = {"sections": [{"header": preview.header, "rows": rows}]}
    if confirm_id is not None:
        data["confirmId"] = confirm_id
    if preview.warnings:
        data["warnings"] = list(preview.warnings)
    if preview.errors:
        data["errors"] = list(preview.errors)
    return data


def bar_json(bar: Bar) -> Json:
    return {
        "time": bar.time,
        "open": to_float(bar.open),
        "high": to_float(bar.high),
        "low": to_float(bar.low),
        "close": to_float(bar.close),
        "ticks": bar.ticks,
    }
