"""getQuotes, setQuote."""

from __future__ import annotations

from typing import Any

from paperbroker.broker import Broker
from paperbroker.engine.numbers import to_decimal
from paperbroker.serialize import JsonResponse, quote_json, respond


async def get_quotes(broker: Broker, symbols: list[str]) -> JsonResponse:
    return respond([quote_json(quote) for quote in broker.get_quotes(symbols)])


async def set_quote(broker: Broker, symbol: str, body: dict[str, Any]) -> JsonResponse:
    last = body.get("last")  # the request validator has checked the body against QuoteUpdate
    quote = broker.set_quote(
        symbol, to_decimal(body["bid"]), to_decimal(body["ask"]), None if last is None else to_decimal(last)
    )
    return respond(quote_json(quote))
