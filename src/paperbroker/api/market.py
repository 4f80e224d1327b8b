"""getQuotes, setQuote, getBars."""

from __future__ import annotations

from typing import Any

from paperbroker.broker import Broker
from paperbroker.engine.numbers import to_decimal
from paperbroker.serialize import JsonResponse, bar_json, quote_json, respond


async def get_quotes(broker: Broker, symbols: list[str]) -> JsonResponse:
    return respond([quote_json(quote) for quote in broker.get_quotes(symbols)])


async def set_quote(broker: Broker, symbol: str, body: dict[str, Any]) -> JsonResponse:
    last = body.get("last")  # the request validator has checked the body against QuoteUpdate
    quote = broker.set_quote(
        symbol, to_decimal(body["bid"]), to_decimal(body["ask"]), None if last is None else to_decimal(last)
    )
    return respond(quote_json(quote))


async def get_bars(
    broker: Broker,
    symbol: str,
    resolution: int = 1,
    from_: int | None = None,
    to: int | None = None,
    limit: int = 300,
) -> JsonResponse:
    """`from` arrives as `from_` (Connexion's pythonic names); the validator has checked the ranges."""
    bars = broker.price_bars(symbol, resolution, from_, to, limit)
    return respond([bar_json(bar) for bar in bars])
