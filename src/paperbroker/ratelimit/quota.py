"""The rule: a fixed window per key, opened by the key's first request; at most `limit` requests in it.

A window rather than a token bucket (GCRA) because the RateLimit fields describe a window: `q` requests per
`w` seconds, `r` left and `t` seconds until the window ends. What a client reads is what the server enforces,
and the state is two integers (milliseconds and a count), the same in Python, SQLite and PostgreSQL. A
client may spend a whole quota at the end of one window and another at the start of the next.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple


@dataclass(frozen=True)
class Policy:
    limit: int
    """Requests allowed per window (at least 1)."""
    window: int
    """Whole seconds, as RateLimit-Policy's `w` is."""

    @property
    def window_ms(self) -> int:
        return self.window * 1000


class Usage(NamedTuple):
    """One key's window as the counter stored it after counting a request (tuples: built on every request)."""

    start: int
    """When the window opened, in milliseconds since the epoch."""
    used: int
    """Requests counted in it, this one included; kept at most `limit + 1` (one refused is enough to know)."""


def count(policy: Policy, usage: Usage | None, now: int) -> Usage:
    """The key's window after one more request at `now` (ms): the SQL counters write this same rule."""
    if usage is None or usage.start + policy.window_ms <= now:
        return Usage(now, 1)
    return Usage(usage.start, min(usage.used + 1, policy.limit + 1))


class Decision(NamedTuple):
    allowed: bool
    remaining: int
    """Requests left in the window (RateLimit's `r`)."""
    reset: int
    """Whole seconds until the window ends, rounded up (RateLimit's `t`; Retry-After when refused)."""


def decide(policy: Policy, usage: Usage, now: int) -> Decision:
    left_ms = min(max(usage.start + policy.window_ms - now, 0), policy.window_ms)  # clocks of workers differ
    return Decision(
        allowed=usage.used <= policy.limit,
        remaining=max(policy.limit - usage.used, 0),
        reset=max(-(-left_ms // 1000), 1),
    )
