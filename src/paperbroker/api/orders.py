"""placeOrder, previewOrder, modifyOrder, cancelOrder, cancelOrders, getOrder, getOrders, getOrdersHistory.

Bodies arrive parsed and validated against the contract (paperbroker.validation); handlers only map them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import connexion
from starlette.responses import Response

from paperbroker.api import pages
from paperbroker.api.conditional import ORDERS, conditional_read
from paperbroker.broker import Broker
from paperbroker.engine.model import (
    KEEP,
    Duration,
    Keep,
    NewOrder,
    OrderChanges,
    OrderStatus,
    OrderType,
    Side,
    StopType,
)
from paperbroker.engine.numbers import to_decimal
from paperbroker.serialize import Json, JsonResponse, json_array, order_json, preview_json, respond
from paperbroker.store.base import HistoryPosition

IDENTITY_FIELDS = {"id": str, "symbol": str, "type": OrderType, "side": Side}


def _number(value: Any) -> Decimal | None:
    return None if value is None else to_decimal(value)


def _nullable(body: Mapping[str, Any], name: str) -> Decimal | Keep | None:
    """Left out: KEEP; null: None (remove); a number: that number."""
    return KEEP if name not in body else _number(body[name])


def _duration(value: Any) -> Duration | None:
    return None if value is None else Duration(value["type"], value.get("datetime"))


def custom_fields_text(value: Any) -> str | None:
    """Custom field values as canonical JSON text: stored as sent, compared by content."""
    return None if value is None else json.dumps(value, sort_keys=True, separators=(",", ":"))


def new_order(body: Mapping[str, Any]) -> NewOrder:
    """A PreOrder in the engine's terms. The request validator has checked it against the contract."""
    stop_type = body.get("stopType")
    return NewOrder(
        symbol=body["symbol"],
        type=OrderType(body["type"]),
        side=Side(body["side"]),
        qty=to_decimal(body["qty"]),
        limit_price=_number(body.get("limitPrice")),
        stop_price=_number(body.get("stopPrice")),
        take_profit=_number(body.get("takeProfit")),
        stop_loss=_number(body.get("stopLoss")),
        stop_type=None if stop_type is None else StopType(stop_type),
        duration=_duration(body.get("duration")),
        guaranteed_stop=_number(body.get("guaranteedStop")),
        trailing_stop_pips=_number(body.get("trailingStopPips")),
        custom_fields=custom_fields_text(body.get("customFields")),
    )


def order_changes(body: Mapping[str, Any]) -> OrderChanges:
    """A ModifiedOrder in the engine's terms: the whole order or only the fields to change."""
    stop_type = body.get("stopType")
    identity = tuple((name, kind(body[name])) for name, kind in IDENTITY_FIELDS.items() if name in body)
    return OrderChanges(
        qty=_number(body.get("qty")),
        limit_price=_number(body.get("limitPrice")),
        stop_price=_number(body.get("stopPrice")),
        take_profit=_nullable(body, "takeProfit"),
        stop_loss=_nullable(body, "stopLoss"),
        guaranteed_stop=_nullable(body, "guaranteedStop"),
        trailing_stop_pips=_nullable(body, "trailingStopPips"),
        stop_type=None if stop_type is None else StopType(stop_type),
        duration=_duration(body.get("duration")),
        custom_fields=custom_fields_text(body.get("customFields")),
        identity=identity,
    )


async def place_order(broker: Broker, body: dict[str, Any], confirm_id: str | None = None) -> JsonResponse:
    order = broker.place_order(new_order(body), confirm_id)
    return respond({"orderId": order.id}, 201)


async def preview_order(broker: Broker, body: dict[str, Any]) -> JsonResponse:
    preview, confirm_id = broker.preview_order(new_order(body))
    return respond(preview_json(preview, confirm_id))


async def modify_order(broker: Broker, order_id: str, body: dict[str, Any]) -> JsonResponse:
    return respond(order_json(broker.modify_order(order_id, order_changes(body))))


async def cancel_order(broker: Broker, order_id: str) -> JsonResponse:
    return respond(order_json(broker.cancel_order(order_id)))


async def cancel_orders(broker: Broker, body: dict[str, Any]) -> JsonResponse:
    side = body.get("side")
    canceled = broker.cancel_orders(
        symbol=body.get("symbol"),
        side=None if side is None else Side(side),
        order_ids=body.get("orderIds", ()),
    )
    return respond([order_json(order) for order in canceled])


async def get_order(broker: Broker, order_id: str) -> JsonResponse | Response:
    return conditional_read(broker, ORDERS, lambda: order_json(broker.get_order(order_id)))


async def get_orders(
    broker: Broker, status: list[int] | None = None, symbol: str | None = None
) -> JsonResponse | Response:
    """The pending orders and the recent final ones (Broker.current_orders): what a terminal polls."""
    statuses = None if status is None else [OrderStatus(value) for value in status]
    return conditional_read(
        broker, ORDERS, lambda: json_array([order.body for order in broker.current_orders(statuses, symbol)])
    )


async def get_orders_history(
    broker: Broker, limit: int = 100, cursor: str | None = None
) -> JsonResponse | Response:
    """One page of final orders; the next one, when there is one, is announced in a Link header."""
    after = None if cursor is None else pages.decode(broker.account_id, cursor)
    following: list[HistoryPosition] = []

    def read() -> list[Json]:
        orders, next_position = broker.history_page(limit, after)
        following.extend(() if next_position is None else (next_position,))
        return [order_json(order) for order in orders]

    answer = conditional_read(broker, ORDERS, read)
    if isinstance(answer, Response) or not following:
        return answer
    body, status_code, headers = answer
    link = pages.next_link(connexion.context.scope, pages.encode(broker.account_id, following[0]))
    return body, status_code, {**headers, "Link": link}
