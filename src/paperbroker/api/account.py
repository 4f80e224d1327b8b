"""getAccountInfo, resetAccount."""

from __future__ import annotations

from starlette.responses import Response

from paperbroker.api.conditional import ACCOUNT, conditional_read
from paperbroker.broker import Broker
from paperbroker.serialize import JsonResponse, account_json, respond


async def get_account_info(broker: Broker) -> JsonResponse | Response:
    return conditional_read(broker, ACCOUNT, lambda: account_json(broker.account_summary()))


async def reset_account(broker: Broker) -> JsonResponse:
    return respond(account_json(broker.reset()))
