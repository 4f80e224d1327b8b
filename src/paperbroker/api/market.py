"""getQuotes, setQuote."""

from __future__ import annotations

from typing import Any

from paperbroker.api.serialize import JsonResponse, quote_json, respond
from paperbroker.broker import Broker
from paperbroker.contract import models


async def get_quotes(broker: Broker, symbols: list[str]) -> JsonResponse:
    return respond([quote_json(quote) for quote in broker.get_quotes(symbols)])


async def set_quote(broker: Broker, symbol: str, body: dict[str, Any]) -> JsonResponse:
    update = models.QuoteUpdate.model_validate(body)
    return respond(quote_json(broker.set_quote(symbol, update.bid, update.ask, update.last)))
