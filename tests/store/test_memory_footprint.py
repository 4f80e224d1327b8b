"""What the in-memory store holds per order: a long-running `paperbroker mock` keeps every order it was sent,
so each must cost about what a row of the SQLite store's in-memory database does, not an order of magnitude
more (orjson's output, kept as it comes, holds a 4 KB buffer); and nothing per order that the garbage
collector must visit or collect."""

from __future__ import annotations

import gc
import tracemalloc
from decimal import Decimal

from paperbroker.broker import Broker
from paperbroker.engine.model import NewOrder, OrderType, Side
from paperbroker.store.memory import MemoryStore

BYTES_PER_FILLED_ORDER = 2_000
"""Measured at about 1,330: the order's packed row and contract JSON, its execution, its index entries."""
WARM_UP = 17_000
"""More than the process's bounded caches hold (16,384 entries each), so their filling is not counted."""
MEASURED = 5_000


def quoted_broker() -> tuple[MemoryStore, Broker]:
    """A new store and its broker, AAPL quoted where place's orders fill."""
    store = MemoryStore()
    broker = Broker(store)
    broker.set_quote("AAPL", Decimal("150.00"), Decimal("150.02"))
    return store, broker


def place(broker: Broker, store: MemoryStore, orders: int) -> None:
    """Limit orders that fill at once, alternately buying and selling; the outbox pruned as the feed does."""
    for i in range(orders):
        if i % 1_000 == 0:
            with store.transaction(None) as market:
                market.prune_events(1_000)
        side, limit = (Side.Buy, Decimal("150.25")) if i % 2 else (Side.Sell, Decimal("149"))
        broker.place_order(NewOrder("AAPL", OrderType.Limit, side, Decimal(10), limit_price=limit))


def test_a_filled_order_costs_the_memory_store_a_few_kilobytes_at_most() -> None:
    store, broker = quoted_broker()
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


def test_orders_give_the_garbage_collector_nothing_to_track_and_nothing_to_collect() -> None:
    """Each full collection visits every tracked object, so a store that added objects with every order made
    a long-running mock's pauses grow with its history; and a transaction that left a cycle behind (a
    reversal referring to the ledger that holds it, a recorder referring to itself) made the collector run
    every few requests. Measured with the collector off: what it would find is still there for it."""
    store, broker = quoted_broker()
    place(broker, store, 1_000)
    gc.collect()
    tracked = len(gc.get_objects())
    gc.disable()
    try:
        place(broker, store, MEASURED)
        found_in_cycles = gc.collect()
    finally:
        gc.enable()
    assert len(gc.get_objects()) - tracked < MEASURED / 100
    assert found_in_cycles < MEASURED / 100
