"""Each worker's tail of the outbox: one poll every `poll_interval` for ids above the last seen, fanned out
to that worker's subscribers.

Any worker (or machine) may write an event; every worker reads them from the store, so a change made
through one reaches the streams of all. A change committed in this process wakes the feed at once
(events/record.py tells it), so its own fills reach its streams without waiting out the poll interval,
which then bounds only the delay of other processes' changes. Polling runs only while the worker has
subscribers, so a worker nobody listens to pays nothing per request. Each subscriber holds a bounded number
of events: one that falls behind is dropped (its stream ends) instead of growing the server's memory, and
resumes from its Last-Event-ID. The feed also tells a stream that got nothing for a heartbeat to send a
keep-alive, so no stream keeps a timer of its own.

Each subscription is of one account and gets that account's events and the market's (quotes), never
another account's. The feed keeps one position per account with subscribers and reads each account's events
after it: ids commit in increasing order within what one account sees (its own writes are serialized, and
a market write excludes every account's, see store/postgres.py), but not across accounts, whose writes may
run in parallel; so one position for all accounts could pass over an id that commits later.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import NamedTuple

import orjson

from paperbroker.events.record import EVENT_KINDS, listen
from paperbroker.store.base import DEFAULT_ACCOUNT, MARKET, Store, StoredEvent

log = logging.getLogger(__name__)


class LiveEvent(NamedTuple):
    """A stored event as the feed hands it to its streams: its frame is rendered, and a quote's symbol read,
    once per event, not once per stream."""

    event_id: int
    kind: str
    data: str
    symbol: str | None
    """A quote's symbol (streams filter quotes by it); None for every other kind."""
    frame: bytes


def frame(event_id: int, kind: str, data: str) -> bytes:
    """The event as Server-Sent Events lines."""
    return f"id: {event_id}\nevent: {kind}\ndata: {data}\n\n".encode()


def live(row: StoredEvent) -> LiveEvent:
    event_id, kind, data = row
    symbol = orjson.loads(data)["symbol"] if kind == "quote" else None
    return LiveEvent(event_id, kind, data, symbol, frame(event_id, kind, data))


class Subscription:
    """One stream's view of the feed: the events of its account and of the market it has not taken yet, in
    id order, at most `size` of them.

    A stream waits on one future, not on a queue under a timer: the feed both delivers events and tells an
    idle stream when to send a keep-alive, so a fill that reaches hundreds of streams wakes each of them once
    and arms no timer per stream.
    """

    def __init__(self, size: int, account_id: str = DEFAULT_ACCOUNT) -> None:
        self.account_id = account_id
        self.lagging = False
        """Set when more than `size` events waited: the feed stopped delivering; the stream sends the rest
        and ends."""
        self.last_delivery = time.monotonic()
        self._size = size
        self._pending: list[LiveEvent] = []
        self._idle = False
        self._waiter: asyncio.Future[None] | None = None

    @property
    def waiting(self) -> int:
        """Events delivered and not yet taken."""
        return len(self._pending)

    def deliver(self, events: list[LiveEvent], now: float) -> bool:
        """Hand events over; False (and lagging) if they would not fit."""
        if len(self._pending) + len(events) > self._size:
            self.lagging = True
        else:
            self._pending.extend(events)
            self.last_delivery = now
        self._wake()
        return not self.lagging

    def idle(self, now: float) -> None:
        """Nothing arrived for a heartbeat: the next `arrivals` is empty, so the stream sends a keep-alive."""
        self._idle = True
        self.last_delivery = now
        self._wake()

    async def arrivals(self) -> list[LiveEvent]:
        """The events delivered since the last call, waiting until there are some; empty once the stream
        has been idle for a heartbeat, or has lagged and taken everything delivered before."""
        if not (self._pending or self._idle or self.lagging):
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        events, self._pending, self._idle = self._pending, [], False
        return events

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)


class EventFeed:
    """The outbox, tailed for this process's streams, and pruned to `retention` events."""

    def __init__(
        self,
        store: Store,
        *,
        retention: int,
        heartbeat: float,
        poll_interval: float = 0.05,
        queue_size: int = 1024,
        batch: int = 500,
        prune_interval: float = 10.0,
    ) -> None:
        self.store = store
        self.retention = retention
        self.heartbeat = heartbeat
        self.batch = batch
        self._poll_interval = poll_interval
        self._queue_size = queue_size
        self._prune_interval = prune_interval
        self._subscribers: set[Subscription] = set()
        self._last: dict[str, int] = {}
        """Per account with subscribers: the newest id of it or the market the feed has read."""
        self._task: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._woken: asyncio.Event | None = None
        listen(store, self)

    # Reads and writes of the store, run in a thread

    def read_after(self, after: int, account_id: str = DEFAULT_ACCOUNT) -> list[StoredEvent]:
        """The stored events after `after` that the account's streams show (its own and the market's)."""
        with self.store.snapshot(account_id) as ledger:
            return ledger.events_after(after, self.batch)

    def bounds(self) -> tuple[int, int] | None:
        with self.store.snapshot() as ledger:
            return ledger.event_bounds()

    def newest_seen(self, account_id: str = DEFAULT_ACCOUNT) -> int | None:
        """The newest committed id of the account or the market: where its live events start."""
        with self.store.snapshot(account_id) as ledger:
            return ledger.newest_event(EVENT_KINDS)

    def prune(self) -> None:
        with self.store.transaction(MARKET) as ledger:
            ledger.prune_events(self.retention)

    # Subscribers

    async def subscribe(self, account_id: str = DEFAULT_ACCOUNT) -> Subscription:
        """From now on, every event of the account or the market committed after the feed's position reaches
        the subscription."""
        self.start()
        if account_id not in self._last:
            newest = await asyncio.to_thread(self.newest_seen, account_id)
            self._last.setdefault(account_id, newest or 0)
        subscription = Subscription(self._queue_size, account_id)
        self._subscribers.add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        self._subscribers.discard(subscription)

    # The poller

    def start(self) -> None:
        if self._task is None or self._task.done():
            self._loop = asyncio.get_running_loop()
            self._woken = asyncio.Event()
            self._task = self._loop.create_task(self._run())

    def committed(self) -> None:
        """This process committed events: poll now. Called by the writer, from any thread."""
        loop, woken = self._loop, self._woken
        if not self._subscribers or loop is None or woken is None:
            return
        try:
            here = asyncio.get_running_loop()
        except RuntimeError:
            here = None
        if here is loop:
            woken.set()
        else:
            with contextlib.suppress(RuntimeError):  # the loop has closed: nobody is left to wake
                loop.call_soon_threadsafe(woken.set)

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        """Poll while anyone listens, every `poll_interval` or when woken; prune every `prune_interval`.
        A failed round is logged and retried."""
        assert self._woken is not None
        next_prune = time.monotonic()
        while True:
            self._woken.clear()  # a wake from here on is for changes the next read may miss
            try:
                if self._subscribers:
                    await self._poll()
                    self._keep_alive()
                else:
                    self._last.clear()  # the next subscriber starts from the outbox's end
                if time.monotonic() >= next_prune:
                    next_prune = time.monotonic() + self._prune_interval
                    await asyncio.to_thread(self.prune)
            except Exception:
                log.exception("reading the events outbox failed")
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._poll_interval):
                    await self._woken.wait()

    async def _poll(self) -> None:
        """One read per account with subscribers (accounts whose last subscriber left are forgotten)."""
        listening = {subscription.account_id for subscription in self._subscribers}
        for account_id in [account for account in self._last if account not in listening]:
            del self._last[account_id]
        for account_id in listening:
            while account_id in self._last:
                rows = await asyncio.to_thread(self.read_after, self._last[account_id], account_id)
                if rows:
                    self._fan_out(account_id, rows)
                if rows and account_id in self._last:
                    self._last[account_id] = rows[-1][0]
                if len(rows) < self.batch:
                    break

    def _fan_out(self, account_id: str, rows: list[StoredEvent]) -> None:
        events = [live(row) for row in rows]
        now = time.monotonic()
        for subscription in list(self._subscribers):
            if subscription.account_id == account_id and not subscription.deliver(events, now):
                self._subscribers.discard(subscription)

    def _keep_alive(self) -> None:
        """Tell each stream that nothing reached for a heartbeat to send a keep-alive."""
        now = time.monotonic()
        quiet_since = now - self.heartbeat
        for subscription in self._subscribers:
            if subscription.last_delivery <= quiet_since:
                subscription.idle(now)
