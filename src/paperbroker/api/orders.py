"""placeOrder, modifyOrder, cancelOrder, getOrder, getOrders."""

from __future__ import annotations

from typing import Any

from paperbroker.api.serialize import JsonResponse, order_json, respond
from paperbroker.broker import Broker
from paperbroker.contract import models
from paperbroker.engine.model import Duration, NewOrder, OrderType, Side, StopType

PreOrder = models.PreOrder1 | models.PreOrder2 | models.PreOrder3 | models.PreOrder4


def new_order(pre: PreOrder) -> NewOrder:
    """A validated PreOrder in the engine's terms."""
    duration = None if pre.duration is None else Duration(pre.duration.type, pre.duration.datetime)
    return NewOrder(
        symbol=pre.symbol,
        type=OrderType(int(pre.type)),
        side=Side(int(pre.side)),
        qty=pre.qty,
        limit_price=pre.limitPrice,
        stop_price=pre.stopPrice,
        take_profit=pre.takeProfit,
        stop_loss=pre.stopLoss,
        stop_type=None if pre.stopType is None else StopType(int(pre.stopType)),
        duration=duration,
    )


async def place_order(broker: Broker, body: dict[str, Any]) -> JsonResponse:
    order = broker.place_order(new_order(models.PreOrder.model_validate(body).root))
    return respond({"orderId": order.id}, 201)


async def modify_order(broker: Broker, order_id: str, body: dict[str, Any]) -> JsonResponse:
    change = models.OrderModification.model_validate(body)
    order = broker.modify_order(
        order_id, qty=change.qty, limit_price=change.limitPrice, stop_price=change.stopPrice
    )
    return respond(order_json(order))


async def cancel_order(broker: Broker, order_id: str) -> JsonResponse:
    return respond(order_json(broker.cancel_order(order_id)))


async def get_order(broker: Broker, order_id: str) -> JsonResponse:
    return respond(order_json(broker.get_order(order_id)))


async def get_orders(broker: Broker) -> JsonResponse:
    return respond([order_json(order) for order in broker.list_orders()])
