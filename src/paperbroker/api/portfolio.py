"""getPositions, getExecutions."""

from __future__ import annotations

from paperbroker.api.serialize import JsonResponse, execution_json, position_json, respond
from paperbroker.broker import Broker


async def get_positions(broker: Broker) -> JsonResponse:
    return respond([position_json(position) for position in broker.list_positions()])


async def get_executions(broker: Broker, symbol: str) -> JsonResponse:
    return respond([execution_json(execution) for execution in broker.list_executions(symbol)])
