"""Bars on the broker's clock: every quote it takes (the simulated market's ticks, setQuote) folds into the
1-minute bar in the quote's own transaction, and a coarse read asks the store for a bounded number of rows."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

import pytest

from paperbroker.broker import Broker
from paperbroker.engine.bars import MINUTE_MS, Bar
from paperbroker.engine.errors import UnacceptableRequest
from paperbroker.market.simulated import RandomWalkMarket
from paperbroker.market.ticker import tick
from paperbroker.store.base import DEFAULT_ACCOUNT, Ledger
from paperbroker.store.sqlite import SQLiteStore

START = 1_795_788_000_000  # 2026-11-27T14:00:00Z, on the hour


class Clock:
    def __init__(self, now: int) -> None:
        self.now = now

    def __call__(self) -> int:
        return self.now


def test_the_simulated_markets_ticks_make_bars_whose_close_is_the_current_last_price() -> None:
    clock = Clock(START)
    broker = Broker(SQLiteStore(":memory:"), clock=clock)
    market = RandomWalkMarket(("AAPL", "MSFT"), seed=7)
    for second in range(0, 180, 2):  # three minutes, a tick every two seconds
        clock.now = START + second * 1000
        tick(broker, market)
    for symbol in ("AAPL", "MSFT"):
        minute_bars = broker.price_bars(symbol, 1)
        assert [bar.time for bar in minute_bars] == [START, START + MINUTE_MS, START + 2 * MINUTE_MS]
        assert [bar.ticks for bar in minute_bars] == [30, 30, 30]
        assert minute_bars[-1].close == broker.get_quotes([symbol])[0].last
        assert all(
            bar.low <= min(bar.open, bar.close) <= max(bar.open, bar.close) <= bar.high for bar in minute_bars
        )
        (hour,) = broker.price_bars(symbol, 60)
        assert hour == Bar(
            START,
            minute_bars[0].open,
            max(bar.high for bar in minute_bars),
            min(bar.low for bar in minute_bars),
            minute_bars[-1].close,
            90,
        )


def test_a_refused_quote_makes_no_bar() -> None:
    broker = Broker(SQLiteStore(":memory:"), clock=Clock(START))
    with pytest.raises(UnacceptableRequest):
        broker.set_quote("AAPL", Decimal(11), Decimal(10))
    assert broker.price_bars("AAPL", 1) == []


def test_resetting_keeps_the_bars() -> None:
    broker = Broker(SQLiteStore(":memory:"), clock=Clock(START))
    broker.set_quote("AAPL", Decimal(10), Decimal(11), Decimal("10.5"))
    broker.reset()
    assert broker.price_bars("AAPL", 1) == [
        Bar(START, Decimal("10.5"), Decimal("10.5"), Decimal("10.5"), Decimal("10.5"), 1)
    ]


class CountingStore(SQLiteStore):
    """Records the bounds of every 1-minute bar read."""

    def __init__(self) -> None:
        super().__init__(":memory:")
        self.reads: list[tuple[int | None, int | None, int]] = []

    @contextmanager
    def snapshot(self, account_id: str | None = DEFAULT_ACCOUNT) -> Iterator[Ledger]:  # type: ignore[override]
        with super().snapshot(account_id) as ledger:
            reads = self.reads
            original = ledger.minute_bars

            def minute_bars(symbol: str, start: int | None, end: int | None, limit: int) -> list[Bar]:
                reads.append((start, end, limit))
                return original(symbol, start, end, limit)

            ledger.minute_bars = minute_bars  # type: ignore[method-assign]
            yield ledger


@pytest.mark.parametrize("minutes", [1, 5, 15, 60])
def test_a_read_asks_for_at_most_limit_times_minutes_rows_from_aligned_bounds(minutes: int) -> None:
    store = CountingStore()
    broker = Broker(store, clock=Clock(START))
    broker.price_bars("AAPL", minutes, limit=7)
    broker.price_bars("AAPL", minutes, start=START + 1, end=START + 3 * 60 * MINUTE_MS + 1, limit=1000)
    period = minutes * MINUTE_MS
    assert store.reads == [
        (None, None, 7 * minutes),
        (START + period, START + 3 * 60 * MINUTE_MS + period, 1000 * minutes),
    ]
