"""streamEvents' response: Server-Sent Events from the outbox, resumable by Last-Event-ID.

A client names the last event it has (the `Last-Event-ID` header EventSource sends on reconnecting, or
`?lastEventId=`) and gets exactly the events after it: first those already stored, then live ones, each
sent once (ids only increase). A client whose events were pruned, or one naming an id this store never
wrote, gets one `resync` event (refetch everything, then read on) instead. Comments keep idle streams open.
Live events waiting go out together in one write: a fill's five events cost one send per stream, which
is what lets one worker serve hundreds of streams within a poll interval. Frames come rendered from the
feed, once per event for every stream. A stream is of one account:
it carries that account's events and the market's quotes, never another account's.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Collection

from starlette.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

from paperbroker.events.feed import EventFeed, LiveEvent, frame, live
from paperbroker.store.base import DEFAULT_ACCOUNT, StoredEvent

KEEP_ALIVE = b": keep-alive\n\n"


def resumable(last_id: int, bounds: tuple[int, int] | None) -> bool:
    """Whether every event after `last_id` is still stored, and `last_id` one this store could have sent."""
    if bounds is None:
        return last_id == 0
    oldest, newest = bounds
    return oldest - 1 <= last_id <= newest


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return str(value.decode("latin-1"))
    return None


class EventStream(StreamingResponse):
    """A StreamingResponse (Connexion passes those through as is) reading Last-Event-ID from the request."""

    def __init__(
        self,
        feed: EventFeed,
        symbols: Collection[str],
        last_event_id: str | None,
        account_id: str = DEFAULT_ACCOUNT,
    ) -> None:
        super().__init__(
            iter(()),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )
        self._feed = feed
        self._symbols = frozenset(symbols)
        self._last_event_id = last_event_id
        self._account_id = account_id

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.body_iterator = self._events(_header(scope, b"last-event-id") or self._last_event_id)
        await super().__call__(scope, receive, send)

    def _wanted(self, event: LiveEvent) -> bool:
        return event.symbol is None or event.symbol in self._symbols

    async def _events(self, last_event_id: str | None) -> AsyncIterator[bytes]:
        feed = self._feed
        subscription = await feed.subscribe(
            self._account_id
        )  # first, so nothing committed from here on is missed
        try:
            # Where live events start, read before `: connected`: a change the client makes once it sees
            # that line has a higher id, so it is sent, however long this read took. It is the newest id
            # of this account or the market, not of the outbox: another account's write may have taken a
            # higher id than one of this account's that commits after it (events/feed.py).
            bounds = await asyncio.to_thread(feed.bounds)
            seen = await asyncio.to_thread(feed.newest_seen, self._account_id)
            yield b": connected\n\n"
            newest = seen if seen is not None else 0 if bounds is None else bounds[0] - 1
            sent = newest
            if last_event_id is not None:
                last = int(last_event_id) if last_event_id.isdigit() else -1
                if resumable(last, bounds):
                    sent = last
                    async for row in self._stored_after(last):
                        event = live(row)
                        sent = event.event_id
                        if self._wanted(event):
                            yield event.frame
                else:
                    yield frame(newest, "resync", '{"reason":"the events after Last-Event-ID are gone"}')
            while True:
                events = await subscription.arrivals()
                if not events:
                    if subscription.lagging:  # what it held is sent: the client resumes from the last id
                        break
                    yield KEEP_ALIVE  # idle for a heartbeat
                    continue
                frames = []
                for event in events:
                    if event.event_id > sent:
                        sent = event.event_id
                        if self._wanted(event):
                            frames.append(event.frame)
                if frames:
                    yield b"".join(frames)
        finally:
            feed.unsubscribe(subscription)

    async def _stored_after(self, last: int) -> AsyncIterator[StoredEvent]:
        while True:
            rows = await asyncio.to_thread(self._feed.read_after, last, self._account_id)
            for row in rows:
                yield row
            if len(rows) < self._feed.batch:
                return
            last = rows[-1][0]
