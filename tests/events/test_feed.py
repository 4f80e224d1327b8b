"""The feed's wake-up: a change committed in this process reaches subscribers at once, from the event loop
or from another thread; a change through another store object (another process) still arrives by poll.
A subscriber is of one account: it gets that account's events and the quotes, never another account's."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable
from decimal import Decimal
from pathlib import Path

import pytest

from paperbroker.broker import Broker
from paperbroker.engine.model import NewOrder, OrderType, Side
from paperbroker.events.feed import EventFeed, LiveEvent, Subscription, live
from paperbroker.store.postgres import PostgresStore
from paperbroker.store.sqlite import SQLiteStore
from tests.store.pg import fresh_schema, postgres_dsn

LONG_POLL = 30.0
"""A poll interval no test waits out: what arrives sooner was woken."""


async def _next_kind(subscription: Subscription) -> tuple[str, float]:
    """The first arriving event's kind and the seconds it took to arrive."""
    started = time.perf_counter()
    events = await asyncio.wait_for(subscription.arrivals(), 5.0)
    return events[0].kind, time.perf_counter() - started


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


def test_a_subscriber_of_one_account_gets_its_events_and_the_quotes_never_another_accounts(
    tmp_path: Path,
) -> None:
    async def scenario() -> tuple[list[tuple[int, str, str]], list[tuple[int, str, str]]]:
        paper = Broker(SQLiteStore(tmp_path / "b.db"))
        paper.open_account("bob", "Bob")
        bob = paper.account("bob")
        feed = EventFeed(paper.store, retention=1000, heartbeat=1.0, poll_interval=0.05)
        mine, theirs = await feed.subscribe("paper"), await feed.subscribe("bob")
        await asyncio.to_thread(_quote, paper)
        order = NewOrder("AAPL", OrderType.Market, Side.Buy, Decimal(1))
        await asyncio.to_thread(bob.place_order, order)
        await asyncio.to_thread(bob.reset)
        await asyncio.to_thread(paper.place_order, order)
        await asyncio.to_thread(_quote, paper)
        try:
            got: list[list[tuple[int, str, str]]] = [[], []]
            for subscription, seen in ((mine, got[0]), (theirs, got[1])):
                while [kind for _, kind, _ in seen].count("quote") < 2:
                    arrived = await asyncio.wait_for(subscription.arrivals(), 5.0)
                    seen.extend((event.event_id, event.kind, event.data) for event in arrived)
                second_quote = [i for i, (_, kind, _) in enumerate(seen) if kind == "quote"][1]
                del seen[second_quote + 1 :]  # what the second quote moved (pl, account) is left out
            return got[0], got[1]
        finally:
            await feed.stop()

    mine, theirs = asyncio.run(scenario())
    mine_kinds = [kind for _, kind, _ in mine]
    assert mine_kinds[0] == "quote" and mine_kinds[-1] == "quote"
    assert "resync" not in mine_kinds, "bob's reset is bob's"
    assert mine_kinds.count("execution") == 1 and mine_kinds.count("order") == 2
    theirs_kinds = [kind for _, kind, _ in theirs]
    assert theirs_kinds.count("execution") == 1 and "resync" in theirs_kinds
    assert not {event_id for event_id, _, _ in mine} & {
        event_id for event_id, kind, _ in theirs if kind != "quote"
    }
    for seen in (mine, theirs):
        ids = [event_id for event_id, _, _ in seen]
        assert ids == sorted(set(ids)), "each subscriber's ids only increase"


def test_a_resuming_stream_reads_back_only_its_accounts_events_and_the_quotes(tmp_path: Path) -> None:
    paper = Broker(SQLiteStore(tmp_path / "b.db"))
    paper.open_account("bob", "Bob")
    feed = EventFeed(paper.store, retention=1000, heartbeat=1.0)
    _quote(paper)
    paper.account("bob").place_order(NewOrder("AAPL", OrderType.Market, Side.Buy, Decimal(1)))
    with paper.store.snapshot(None) as market:
        everything = market.all_events_after(0, 1000)
    assert {owner for *_, owner in everything} == {None, "paper", "bob"}
    paper_rows = feed.read_after(0, "paper")
    assert paper_rows == [(i, k, d) for i, k, d, owner in everything if owner in (None, "paper")]
    assert "execution" in [kind for _, kind, _ in feed.read_after(0, "bob")]
    assert "execution" not in [kind for _, kind, _ in paper_rows]


def test_an_accounts_event_that_commits_after_a_higher_id_of_another_account_still_reaches_it() -> None:
    """On PostgreSQL two accounts write in parallel: alice's event takes id N, bob's N+1 commits first.
    A feed that had read past N+1 for everyone would never send alice's N."""
    dsn = postgres_dsn()
    with fresh_schema(dsn) as schema:
        store = PostgresStore(dsn, schema=schema)
        inside, release = threading.Event(), threading.Event()

        def alice_writes_slowly() -> None:
            with store.transaction("alice") as ledger:
                ledger.add_event("order", '{"by": "alice"}')
                inside.set()
                release.wait(10)

        def bob_writes() -> None:
            with store.transaction("bob") as ledger:
                ledger.add_event("order", '{"by": "bob"}')

        async def scenario() -> list[tuple[int, str, str]]:
            feed = EventFeed(store, retention=1000, heartbeat=1.0, poll_interval=0.02)
            alice = await feed.subscribe("alice")
            slow = threading.Thread(target=alice_writes_slowly)
            slow.start()
            try:
                assert await asyncio.to_thread(inside.wait, 10)
                await asyncio.to_thread(bob_writes)
                await asyncio.sleep(0.2)  # the feed polls meanwhile, and sees nothing of alice's yet
                release.set()
                arrived = await asyncio.wait_for(alice.arrivals(), 5.0)
                return [(event.event_id, event.kind, event.data) for event in arrived]
            finally:
                release.set()
                await asyncio.to_thread(slow.join, 10)
                await feed.stop()

        try:
            got = asyncio.run(scenario())
        finally:
            store.close()
    assert [data for _, _, data in got] == ['{"by": "alice"}']


def test_a_fill_is_rendered_once_for_every_stream_of_the_account(tmp_path: Path) -> None:
    async def scenario() -> tuple[list[LiveEvent], list[LiveEvent]]:
        paper = Broker(SQLiteStore(tmp_path / "b.db"))
        feed = EventFeed(paper.store, retention=1000, heartbeat=1.0, poll_interval=LONG_POLL)
        one, other = await feed.subscribe(), await feed.subscribe()
        await asyncio.sleep(0.05)
        await asyncio.to_thread(_quote, paper)
        try:
            return await asyncio.wait_for(one.arrivals(), 5.0), await asyncio.wait_for(other.arrivals(), 5.0)
        finally:
            await feed.stop()

    one, other = asyncio.run(scenario())
    assert [event.kind for event in one] == ["quote"] and one[0].symbol == "AAPL"
    assert one[0].frame.startswith(f"id: {one[0].event_id}\nevent: quote\ndata: {{".encode())
    assert one[0].frame is other[0].frame, "one frame, shared by both streams"


def test_a_stream_that_got_nothing_for_a_heartbeat_is_told_to_send_a_keep_alive(tmp_path: Path) -> None:
    async def scenario() -> tuple[list[LiveEvent], float]:
        feed = EventFeed(SQLiteStore(tmp_path / "b.db"), retention=100, heartbeat=0.3, poll_interval=0.05)
        subscription = await feed.subscribe()
        started = time.perf_counter()
        try:
            return await asyncio.wait_for(subscription.arrivals(), 5.0), time.perf_counter() - started
        finally:
            await feed.stop()

    arrived, waited = asyncio.run(scenario())
    assert arrived == [] and 0.25 <= waited < 2.0


def test_a_lagging_subscription_hands_over_what_it_held_then_nothing() -> None:
    async def scenario() -> tuple[list[int], list[LiveEvent], bool]:
        subscription = Subscription(2)
        delivered = [subscription.deliver([live((n, "order", "{}"))], time.monotonic()) for n in (1, 2, 3)]
        held = [event.event_id for event in await subscription.arrivals()]
        return held, await asyncio.wait_for(subscription.arrivals(), 1.0), delivered == [True, True, False]

    held, after, refused_the_third = asyncio.run(scenario())
    assert held == [1, 2] and after == [] and refused_the_third
