"""streamEvents: the live stream of orders, executions, positions, the account and quotes."""

from __future__ import annotations

from paperbroker.events.feed import EventFeed
from paperbroker.events.stream import EventStream
from paperbroker.store.base import DEFAULT_ACCOUNT


async def stream_events(
    feed: EventFeed,
    symbols: list[str] | None = None,
    last_event_id: str | None = None,
    account_id: str = DEFAULT_ACCOUNT,
) -> EventStream:
    """Not a JSON body: the bound operation (and Connexion) pass a Starlette response through as is. The
    stream is of `account_id` (the caller's account): its events and the market's."""
    return EventStream(feed, symbols or (), last_event_id, account_id)
