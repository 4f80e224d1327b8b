"""Time in force: when a working order stops working if nothing fills it.

Times are milliseconds on the broker's clock, passed in, so tests move a clock instead of sleeping.
GTC never expires; DAY expires at the instrument's next session close; GTT at its own `datetime`;
IOC and FOK never rest: whatever does not fill when the order is placed is canceled at once. Fills are
whole, so an IOC fills all or nothing too, exactly as a FOK does.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from paperbroker.engine.errors import UnacceptableRequest
from paperbroker.engine.model import Duration

IMMEDIATE = frozenset({"IOC", "FOK"})
DEFAULT_SESSION_CLOSE = time(21, 0)
"""21:00 UTC: the close of the U.S. equity session in winter (16:00 New York)."""


def next_session_close(now_ms: int, close: time = DEFAULT_SESSION_CLOSE) -> int:
    """The first session close strictly after `now_ms`, in ms (UTC)."""
    now = datetime.fromtimestamp(now_ms / 1000, UTC)
    today = datetime.combine(now.date(), close, tzinfo=UTC)
    closing = today if today > now else today + timedelta(days=1)
    return int(closing.timestamp() * 1000)


def expires_at(duration: Duration | None, now_ms: int, close: time = DEFAULT_SESSION_CLOSE) -> int | None:
    """When an order with this duration, placed at `now_ms`, expires; None when it never does.

    A GTT without a datetime, or with one that is not in the future, is refused (422).
    """
    if duration is None or duration.type == "GTC" or duration.type in IMMEDIATE:
        return None
    if duration.type == "DAY":
        return next_session_close(now_ms, close)
    if duration.type == "GTT":
        if duration.datetime is None:
            raise UnacceptableRequest("A GTT duration needs a datetime.")
        if duration.datetime <= now_ms:
            raise UnacceptableRequest(f"The GTT datetime {duration.datetime} is not in the future.")
        return duration.datetime
    raise UnacceptableRequest(f"Unknown duration {duration.type}.")


def is_immediate(duration: Duration | None) -> bool:
    """IOC and FOK orders fill when placed or not at all."""
    return duration is not None and duration.type in IMMEDIATE


def has_expired(expiry_ms: int | None, now_ms: int) -> bool:
    return expiry_ms is not None and now_ms >= expiry_ms
