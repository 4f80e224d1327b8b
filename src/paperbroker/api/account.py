"""getAccountInfo, resetAccount."""

from __future__ import annotations

from starlette.responses import Response

from paperbroker.api.auth import caller
from paperbroker.api.conditional import ACCOUNT, conditional_read
from paperbroker.broker import Broker
from paperbroker.serialize import JsonResponse, account_json, account_meta_json, respond


async def get_account_info(broker: Broker) -> JsonResponse | Response:
    return conditional_read(broker, ACCOUNT, lambda: account_json(broker.account_summary()))


async def get_accounts(broker: Broker) -> JsonResponse:
    """accountsMetainfo: the caller's accounts, the default (first) one first."""
    return respond(
        [account_meta_json(broker.account(account_id).account_summary()) for account_id in caller().accounts]
    )


async def reset_account(broker: Broker) -> JsonResponse:
    return respond(account_json(broker.reset()))
