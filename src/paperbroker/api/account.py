"""getAccountInfo, resetAccount."""

from __future__ import annotations

from paperbroker.broker import Broker
from paperbroker.serialize import JsonResponse, account_json, respond


async def get_account_info(broker: Broker) -> JsonResponse:
    return respond(account_json(broker.account_summary()))


async def reset_account(broker: Broker) -> JsonResponse:
    return respond(account_json(broker.reset()))
