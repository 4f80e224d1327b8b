"""getPositions, getExecutions, closePosition, reversePosition, editPositionBrackets."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from paperbroker.api.conditional import EXECUTIONS, POSITIONS, conditional_read
from paperbroker.api.orders import _nullable
from paperbroker.broker import BracketChanges, Broker
from paperbroker.engine.numbers import to_decimal
from paperbroker.serialize import JsonResponse, execution_json, order_json, position_json, respond


async def get_positions(broker: Broker) -> JsonResponse | Response:
    return conditional_read(
        broker,
        POSITIONS,
        lambda: [
            position_json(position, protection) for position, protection in broker.protected_positions()
        ],
    )


async def get_executions(broker: Broker, symbol: str) -> JsonResponse | Response:
    return conditional_read(
        broker,
        EXECUTIONS,
        lambda: [execution_json(execution) for execution in broker.list_executions(symbol)],
    )


async def close_position(
    broker: Broker, position_id: str, body: dict[str, Any] | None = None
) -> JsonResponse:
    amount = (body or {}).get("amount")
    order = broker.close_position(position_id, None if amount is None else to_decimal(amount))
    return respond(order_json(order), 201)


async def reverse_position(broker: Broker, position_id: str) -> JsonResponse:
    return respond(order_json(broker.reverse_position(position_id)), 201)


async def edit_position_brackets(broker: Broker, position_id: str, body: dict[str, Any]) -> JsonResponse:
    changes = BracketChanges(
        take_profit=_nullable(body, "takeProfit"),
        stop_loss=_nullable(body, "stopLoss"),
        guaranteed_stop=_nullable(body, "guaranteedStop"),
        trailing_stop_pips=_nullable(body, "trailingStopPips"),
    )
    position, protection = broker.edit_position_brackets(position_id, changes)
    return respond(position_json(position, protection))
