"""The HTTP edge of the rate limit: which key a request counts against, the RateLimit fields, the 429.

Fields follow draft-ietf-httpapi-ratelimit-headers-11 (May 2026): `RateLimit-Policy: "default";q=200;w=10`
(Structured Fields: the policy's name is a String, `q` the quota, `w` the window in seconds) and
`RateLimit: "default";r=57;t=3` (`r` requests left, `t` seconds within which no more than `r` are served:
here, until the window ends). They go on every limited response, 2xx and 429 alike; a 429 also gets
Retry-After with the same `t`, which the draft asks not to be earlier than the end of the effective window.

The key is the API key's id (the 16 hex of `Bearer pbk_<id>_<secret>`), read before authentication verifies
the key, so a flood of requests with a bad secret is refused here without reaching the key lookup; a request
without such a token counts against its client address. A stream (streamEvents) counts once, when opened.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from http import HTTPStatus

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from paperbroker.edges import send_problem
from paperbroker.ratelimit.counters import WindowCounter
from paperbroker.ratelimit.quota import Decision, Policy, decide

POLICY_NAME = "default"
EXEMPT = ("/api/v1/openapi.json", "/api/v1/ui")
"""The contract and its documentation: a page loading Swagger UI makes a burst of requests of its own."""
_API_KEY = re.compile(rb"[Bb][Ee][Aa][Rr][Ee][Rr] +pbk_([0-9a-f]{16})_[A-Za-z0-9_-]{32,}")


def wall_clock_ms() -> int:
    """Milliseconds since the epoch: the one clock every worker (and machine) shares."""
    return time.time_ns() // 1_000_000


def policy_field(policy: Policy) -> bytes:
    return f'"{POLICY_NAME}";q={policy.limit};w={policy.window}'.encode()


def limit_field(decision: Decision) -> bytes:
    return f'"{POLICY_NAME}";r={decision.remaining};t={decision.reset}'.encode()


def client_key(scope: Scope) -> str:
    """`key:<id>` for a well-formed API key, else `addr:<client address>`."""
    for name, value in scope["headers"]:
        if name == b"authorization":
            matched = _API_KEY.fullmatch(value.strip())
            if matched:
                return "key:" + matched.group(1).decode()
            break
    client = scope.get("client")
    return f"addr:{client[0] if client else 'unknown'}"


def is_limited(path: str, base_path: str = "/api/v1/") -> bool:
    return path.startswith(base_path) and not path.startswith(EXEMPT)


class RateLimit:
    """Counts each request under /api/v1/ against its key; beyond the policy's limit, a 429 problem."""

    def __init__(
        self, app: ASGIApp, counter: WindowCounter, clock: Callable[[], int] = wall_clock_ms
    ) -> None:
        self.app = app
        self.counter = counter
        self.policy = counter.policy
        self.clock = clock
        self._policy_field = policy_field(self.policy)
        self._next_prune = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_limited(scope["path"]):
            await self.app(scope, receive, send)
            return
        now = self.clock()
        usage = self.counter.hit(client_key(scope), now)
        if now >= self._next_prune:
            self._next_prune = now + self.policy.window_ms
            self.counter.prune(now)
        if usage is None:  # not counted (the counter's database is unreachable): served, unannounced
            await self.app(scope, receive, send)
            return
        decision = decide(self.policy, usage, now)
        fields = [(b"ratelimit-policy", self._policy_field), (b"ratelimit", limit_field(decision))]
        if not decision.allowed:
            detail = (
                f"More than {self.policy.limit} requests in {self.policy.window} s from this API key (or, "
                f"without one, this address): retry in {decision.reset} s."
            )
            retry = [(b"retry-after", str(decision.reset).encode())]
            await send_problem(send, HTTPStatus.TOO_MANY_REQUESTS, detail, [*fields, *retry])
            return

        async def send_with_fields(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": [*message.get("headers", []), *fields]}
            await send(message)

        await self.app(scope, receive, send_with_fields)
