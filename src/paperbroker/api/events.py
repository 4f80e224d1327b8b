"""streamEvents: the live stream of orders, executions, positions, the account and quotes."""

from __future__ import annotations

from paperbroker.events.feed import EventFeed
from paperbroker.events.stream import EventStream


async def stream_events(
    feed: EventFeed, symbols: list[str] | None = None, last_event_id: str | None = None
) -> EventStream:
    """Not a JSON body: the bound operation (and Connexion) pass a Starlette response through as is."""
    return EventStream(feed, symbols or (), last_event_id)
