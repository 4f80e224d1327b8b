"""The feed's wake-up: a change committed in this process reaches subscribers at once, from the event loop
or from another thread; a change through another store object (another process) still arrives by poll."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from decimal import Decimal
from pathlib import Path

import pytest

from paperbroker.broker import Broker
from paperbroker.events.feed import EventFeed, Subscription
from paperbroker.store.sqlite import SQLiteStore

LONG_POLL = 30.0
"""A poll interval no test waits out: what arrives sooner was woken."""


async def _next_kind(subscription: Subscription) -> tuple[str, float]:
    """The next event's kind and the seconds it took to arrive."""
    started = time.perf_counter()
    _, kind, _ = await asyncio.wait_for(subscription.queue.get(), 5.0)
    return kind, time.perf_counter() - started


def _quote(broker: Broker) -> None:
    broker.set_quote("AAPL", Decimal("189.99"), Decimal("190.01"))


async def _on_the_loop(broker: Broker) -> None:
    _quote(broker)


async def _in_a_thread(broker: Broker) -> None:
    await asyncio.to_thread(_quote, broker)


@pytest.mark.parametrize("commit", [_on_the_loop, _in_a_thread], ids=["event loop", "another thread"])
def test_a_change_committed_in_this_process_reaches_a_subscriber_without_waiting_for_the_poll(
    tmp_path: Path, commit: Callable[[Broker], Awaitable[None]]
) -> None:
    async def scenario() -> tuple[str, float]:
        broker = Broker(SQLiteStore(tmp_path / "b.db"))
        feed = EventFeed(broker.store, retention=100, heartbeat=1.0, poll_interval=LONG_POLL)
        subscription = await feed.subscribe()
        await asyncio.sleep(0.05)  # the feed has read once and now waits out the long poll
        await commit(broker)
        try:
            return await _next_kind(subscription)
        finally:
            await feed.stop()

    kind, waited = asyncio.run(scenario())
    assert kind == "quote"
    assert waited < 0.5


def test_a_change_through_another_store_arrives_by_the_next_poll(tmp_path: Path) -> None:
    async def scenario() -> str:
        feed = EventFeed(SQLiteStore(tmp_path / "b.db"), retention=100, heartbeat=1.0, poll_interval=0.05)
        other = Broker(
            SQLiteStore(tmp_path / "b.db")
        )  # another worker's view of the file: it wakes nobody here
        subscription = await feed.subscribe()
        _quote(other)
        try:
            kind, _ = await _next_kind(subscription)
            return kind
        finally:
            await feed.stop()

    assert asyncio.run(scenario()) == "quote"
