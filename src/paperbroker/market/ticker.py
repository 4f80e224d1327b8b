"""Drives the simulated market: one tick every interval, applied through the broker so orders fill."""

from __future__ import annotations

import asyncio
import logging

from paperbroker.broker import Broker
from paperbroker.market.simulated import RandomWalkMarket
from paperbroker.store.base import TickerLock

log = logging.getLogger(__name__)


def tick(broker: Broker, market: RandomWalkMarket | None) -> None:
    """One step of the broker's clock: new quotes (which also expire orders whose duration ended), or,
    with the market off, the expiry alone."""
    if market is None:
        broker.expire_orders()
        return
    current = broker.current_quotes(market.symbols)
    broker.set_quotes(market.next_quotes(current, broker.clock()))


async def run_ticker(
    broker: Broker, market: RandomWalkMarket | None, interval: float, lock: TickerLock | None = None
) -> None:
    """Tick until cancelled; a failed tick is logged and the next one tried, so the market never stops.

    With a lock, only its holder ticks and the others keep asking for it, so N workers tick once, not N times.
    """
    while True:
        await asyncio.sleep(interval)
        try:
            if lock is None or lock.acquire():
                tick(broker, market)
        except Exception:
            log.exception("simulated market tick failed")
