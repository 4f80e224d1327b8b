"""symbolInfo, getSymbols."""

from __future__ import annotations

from paperbroker.broker import Broker
from paperbroker.serialize import JsonResponse, instrument_json, respond


async def symbol_info(broker: Broker, symbol: str) -> JsonResponse:
    return respond(instrument_json(broker.symbol_info(symbol)))


async def get_symbols(broker: Broker, search: str | None = None) -> JsonResponse:
    return respond([instrument_json(instrument) for instrument in broker.symbols(search)])
