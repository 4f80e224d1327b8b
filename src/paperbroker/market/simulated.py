"""A seeded random walk per symbol: reproducible quotes for demos and frontend work."""

from __future__ import annotations

import math
import random
import zlib
from collections.abc import Mapping, Sequence
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, Decimal

from paperbroker.engine.model import Quote
from paperbroker.engine.numbers import to_decimal


class RandomWalkMarket:
    """Moves each symbol's mid price by a log-normal step per tick and quotes it with a fixed spread.

    The same seed and the same sequence of calls give the same quotes; a symbol's walk continues from its
    current quote, so a price set by hand is where the walk picks up. The walk is float arithmetic; each
    quote it makes lies on the symbol's price tick (`ticks`, default 0.000001): the bid rounded down, the
    ask up, so a trader who places a limit at the quote meets the instrument's tick rule.
    """

    def __init__(
        self,
        symbols: Sequence[str],
        seed: int = 0,
        volatility: float = 0.001,
        spread: float = 0.0002,
        start_price: float = 100.0,
        ticks: Mapping[str, Decimal] | None = None,
    ) -> None:
        self.symbols = tuple(symbols)
        self.ticks = dict(ticks or {})
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
        tick = self.ticks.get(symbol, DEFAULT_TICK)
        bid = _on_tick(mid - half, tick, ROUND_FLOOR)
        ask = max(_on_tick(mid + half, tick, ROUND_CEILING), bid)
        last = _on_tick(mid, tick, ROUND_HALF_EVEN)
        return Quote(symbol, bid, ask, min(max(last, bid), ask), now)


DEFAULT_TICK = Decimal("0.000001")


def _on_tick(price: float, tick: Decimal, rounding: str) -> Decimal:
    steps = (to_decimal(round(price, 9)) / tick).to_integral_value(rounding=rounding)
    return max(steps, Decimal(1)) * tick
