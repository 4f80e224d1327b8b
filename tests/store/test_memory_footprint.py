"""What the in-memory store holds per order: a long-running `paperbroker mock` keeps every order it was sent,
so each must cost about what a row of the SQLite store's in-memory database does, not an order of magnitude
more (orjson's output, kept as it comes, holds a 4 KB buffer)."""

from __future__ import annotations

import gc
import tracemalloc
from decimal import Decimal

from paperbroker.broker import Broker
from paperbroker.engine.model import NewOrder, OrderType, Side
from paperbroker.store.memory import MemoryStore

BYTES_PER_FILLED_ORDER = 2_000
"""Measured at about 1,500: the order's packed row and contract JSON, its execution, its index entries."""
WARM_UP = 17_000
"""More than the bounded caches hold (16,384 orders read from rows), so their filling is not counted."""
MEASURED = 5_000


def place(broker: Broker, store: MemoryStore, orders: int) -> None:
    """Limit orders that fill at once, alternately buying and selling; the outbox pruned as the feed does."""
    for i in range(orders):
        if i % 1_000 == 0:
            with store.transaction(None) as market:
                market.prune_events(1_000)
        side, limit = (Side.Buy, Decimal("150.25")) if i % 2 else (Side.Sell, Decimal("149"))
        broker.place_order(NewOrder("AAPL", OrderType.Limit, side, Decimal(10), limit_price=limit))


def test_a_filled_order_costs_the_memory_store_a_few_kilobytes_at_most() -> None:
    store = MemoryStore()
    broker = Broker(store)
    broker.set_quote("AAPL", Decimal("150.00"), Decimal("150.02"))
    tracemalloc.start()  # before the warm-up: what a cache frees later must be counted as freed
    try:
        place(broker, store, WARM_UP)
        gc.collect()
        before = tracemalloc.get_traced_memory()[0]
        place(broker, store, MEASURED)
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert len(broker.list_orders()) == WARM_UP + MEASURED
    assert grown / MEASURED < BYTES_PER_FILLED_ORDER, f"{grown / MEASURED:.0f} bytes per order"
