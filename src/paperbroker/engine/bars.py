"""Price bars (OHLC) of a symbol's last price: folded one quote at a time, kept per minute, read coarser.

The store keeps 1-minute bars only; a 5, 15 or 60-minute bar is aggregated from them when read, so a quote
writes one row whatever resolutions are asked for. Periods are aligned to the UTC epoch (`period_start`):
a 60-minute bar starts on the hour, a 5-minute bar on :00, :05, ... A period with no quote has no bar.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from paperbroker.engine.numbers import Price

MINUTE_MS = 60_000
RESOLUTIONS = (1, 5, 15, 60)
"""Minutes per bar that getBars serves; each divides the next, so coarse periods hold whole minutes."""


@dataclass(frozen=True, slots=True)
class Bar:
    """One period of a last price: `time` is the period's start (ms), `ticks` how many quotes it holds."""

    time: int
    open: Price
    high: Price
    low: Price
    close: Price
    ticks: int


def period_start(time: int, minutes: int) -> int:
    """The start of the `minutes`-long period holding `time` (ms since the epoch)."""
    period = minutes * MINUTE_MS
    return time // period * period


def first_period_from(time: int, minutes: int) -> int:
    """The start of the first `minutes`-long period starting at or after `time`."""
    period = minutes * MINUTE_MS
    return -(-time // period) * period


def fold(bar: Bar | None, price: Price, time: int) -> Bar:
    """The 1-minute bar holding `time` after a quote at `price`: `bar` extended if it is that minute's
    (open stays, high and low stretch, close moves), else a new bar opening at `price`."""
    start = period_start(time, 1)
    if bar is None or bar.time != start:
        return Bar(start, price, price, price, price, 1)
    return Bar(start, bar.open, max(bar.high, price), min(bar.low, price), price, bar.ticks + 1)


def aggregate(minute_bars: Iterable[Bar], minutes: int) -> list[Bar]:
    """Bars of `minutes` each from 1-minute bars given oldest first: the first one's open, the last one's
    close, the extremes of their highs and lows, the sum of their ticks."""
    coarse: list[Bar] = []
    for bar in minute_bars:
        start = period_start(bar.time, minutes)
        if coarse and coarse[-1].time == start:
            last = coarse[-1]
            coarse[-1] = Bar(
                start,
                last.open,
                max(last.high, bar.high),
                min(last.low, bar.low),
                bar.close,
                last.ticks + bar.ticks,
            )
        else:
            coarse.append(Bar(start, bar.open, bar.high, bar.low, bar.close, bar.ticks))
    return coarse


def complete_bars(minute_bars: list[Bar], minutes: int, limit: int, first: bool) -> list[Bar]:
    """At most `limit` bars of `minutes` from a read of at most `limit` * `minutes` 1-minute bars: the first
    ones (a read forward from a time) or the latest ones (a read back from a time).

    Such a read may cut the period at its far end short; a period has at most `minutes` 1-minute bars, so a
    full read spans at least `limit` periods, and keeping `limit` from the near end drops the cut one.
    """
    coarse = aggregate(minute_bars, minutes)
    return coarse[:limit] if first else coarse[-limit:]
