"""A seeded random walk per symbol: reproducible quotes for demos and frontend work."""

from __future__ import annotations

import math
import random
import zlib
from collections.abc import Mapping, Sequence

from paperbroker.engine.model import Quote
from paperbroker.engine.numbers import to_decimal


class RandomWalkMarket:
    """Moves each symbol's mid price by a log-normal step per tick and quotes it with a fixed spread.

    The same seed and the same sequence of calls give the same quotes; a symbol's walk continues from its
    current quote, so a price set by hand is where the walk picks up. The walk is float arithmetic; each
    quote it makes is rounded to 6 decimals and handed to the engine as that exact Decimal.
    """

    def __init__(
        self,
        symbols: Sequence[str],
        seed: int = 0,
        volatility: float = 0.001,
        spread: float = 0.0002,
        start_price: float = 100.0,
    ) -> None:
        self.symbols = tuple(symbols)
        self.volatility = volatility
        self.spread = spread
        self.start_price = start_price
        self._rng = random.Random(seed)

    def opening_quote(self, symbol: str, now: int) -> Quote:
        """A first quote, different per symbol but fixed by its name."""
        mid = self.start_price * (0.5 + (zlib.crc32(symbol.encode()) % 1000) / 1000)
        return self._quote(symbol, mid, now)

    def next_quotes(self, current: Mapping[str, Quote], now: int) -> list[Quote]:
        quotes = []
        for symbol in self.symbols:
            quote = current.get(symbol)
            if quote is None:
                quotes.append(self.opening_quote(symbol, now))
                continue
            mid = (float(quote.bid) + float(quote.ask)) / 2 * math.exp(self._rng.gauss(0.0, self.volatility))
            quotes.append(self._quote(symbol, mid, now))
        return quotes

    def _quote(self, symbol: str, mid: float, now: int) -> Quote:
        mid = min(max(mid, 0.01), 1e8)
        half = mid * self.spread / 2
        bid, ask, last = (to_decimal(round(price, 6)) for price in (mid - half, mid + half, mid))
        return Quote(symbol, bid, ask, last, now)
