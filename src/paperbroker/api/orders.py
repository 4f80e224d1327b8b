"""placeOrder, modifyOrder, cancelOrder, getOrder, getOrders.

Bodies arrive parsed and validated against the contract (paperbroker.validation); handlers only map them.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from paperbroker.api.serialize import JsonResponse, order_json, respond
from paperbroker.broker import Broker
from paperbroker.engine.model import Duration, NewOrder, OrderType, Side, StopType
from paperbroker.engine.numbers import to_decimal


def _number(value: Any) -> Decimal | None:
    return None if value is None else to_decimal(value)


def new_order(body: Mapping[str, Any]) -> NewOrder:
    """A PreOrder in the engine's terms. The request validator has checked it against the contract."""
    duration, stop_type = body.get("duration"), body.get("stopType")
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
        duration=None if duration is None else Duration(duration["type"], duration.get("datetime")),
    )


async def place_order(broker: Broker, body: dict[str, Any]) -> JsonResponse:
    order = broker.place_order(new_order(body))
    return respond({"orderId": order.id}, 201)


async def modify_order(broker: Broker, order_id: str, body: dict[str, Any]) -> JsonResponse:
    order = broker.modify_order(
        order_id,
        qty=_number(body.get("qty")),
        limit_price=_number(body.get("limitPrice")),
        stop_price=_number(body.get("stopPrice")),
    )
    return respond(order_json(order))


async def cancel_order(broker: Broker, order_id: str) -> JsonResponse:
    return respond(order_json(broker.cancel_order(order_id)))


async def get_order(broker: Broker, order_id: str) -> JsonResponse:
    return respond(order_json(broker.get_order(order_id)))


async def get_orders(broker: Broker) -> JsonResponse:
    return respond([order_json(order) for order in broker.list_orders()])
