"""`Idempotency-Key` on the operations that create (draft-ietf-httpapi-idempotency-key-header-06).

The first request with a key runs; its response (status, headers, body) is kept with the key and sent again,
byte for byte, to every retry with the same key and the same request; the same key with a different request
is a 422, and a retry while the first still runs a 409. Keys are per account and kept `ttl` (24 h by
default). A 5xx is not kept: the retry runs again.

Runs after Connexion's security middleware (the key belongs to the caller's account) and before request
validation, so a replay does not depend on anything that changed since the first request.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Collection
from http import HTTPStatus
from typing import Any

from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from paperbroker.accounts.registry import AccountNotFound, Caller
from paperbroker.api.problems import broker_error
from paperbroker.edges import replaying, send_problem
from paperbroker.engine.errors import BrokerError
from paperbroker.idempotency.records import Claimed, InFlight, Mismatch, Records, Replay, Stored

CREATING = frozenset({"placeOrder", "closePosition", "reversePosition", "cancelOrders"})
"""The operations that create something (an order, a batch of cancellations) and take the header."""
LEASE_MS = 60_000
"""How long a claim stands without its response: longer than any request runs, short enough that a retry
after a crash mid-request is not refused for long."""
KEPT_HEADERS = frozenset({b"content-type", b"content-length", b"etag", b"location"})
"""Headers that describe the response itself; per-request ones (rate limits, dates, CORS) are recomputed."""


class IdempotencyKeys:
    def __init__(
        self, app: ASGIApp, *, records: Records, ttl_seconds: float, operations: Collection[str] = CREATING
    ) -> None:
        self.app = app
        self.records = records
        self.ttl_ms = round(ttl_seconds * 1000)
        self.operations = frozenset(operations)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = _key(scope) if scope["type"] == "http" else None
        operation = scope.get("extensions", {}).get("connexion_routing", {}).get("operation_id")
        if key is None or operation not in self.operations:
            await self.app(scope, receive, send)
            return
        account = _account(scope)
        body, disconnected = await _read_body(receive)
        if disconnected:
            return  # the client left before sending its request: nothing to run, nothing to keep
        fingerprint = _fingerprint(scope, body)
        now = time.time_ns() // 1_000_000
        outcome = await asyncio.to_thread(
            self.records.claim, account, key, fingerprint, now, LEASE_MS, self.ttl_ms
        )
        if isinstance(outcome, Replay):
            await _send_stored(outcome.response, send)
            return
        if isinstance(outcome, InFlight):
            detail = f"A request with Idempotency-Key {key} is still running; retry later."
            await send_problem(send, HTTPStatus.CONFLICT, detail)
            return
        if isinstance(outcome, Mismatch):
            detail = f"Idempotency-Key {key} was used for a different request."
            await send_problem(send, HTTPStatus.UNPROCESSABLE_ENTITY, detail)
            return
        assert isinstance(outcome, Claimed)
        await self._run(scope, replaying(body, receive), send, account, key)

    async def _run(self, scope: Scope, receive: Receive, send: Send, account: str, key: str) -> None:
        start: Message | None = None
        chunks: list[bytes] = []

        async def recording(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, recording)
        except BrokerError as error:  # the app's error handler, outside, answers it: keep that 4xx here
            await _broker_problem(error)(scope, receive, recording)
        except BaseException:
            await asyncio.to_thread(self.records.release, account, key)
            raise
        if start is None or start["status"] >= 500:
            await asyncio.to_thread(self.records.release, account, key)
            return
        headers = [
            (name.lower(), value) for name, value in start.get("headers", []) if name.lower() in KEPT_HEADERS
        ]
        stored = Stored(int(start["status"]), headers, b"".join(chunks))
        await asyncio.to_thread(self.records.complete, account, key, stored)


def _key(scope: Scope) -> str | None:
    """The header's value: an sf-string (`"abc"`, as the draft writes it) or the bare text many clients send.
    The contract has bounded and validated it by the time the value matters."""
    for name, value in scope["headers"]:
        if name == b"idempotency-key":
            text = value.decode("latin-1").strip()
            if len(text) >= 2 and text[0] == text[-1] == '"':
                text = text[1:-1]
            return text or None
    return None


def _account(scope: Scope) -> str:
    token_info: dict[str, Any] = (
        scope.get("extensions", {}).get("connexion_context", {}).get("token_info", {})
    )
    caller: Caller = token_info["caller"]
    query = scope.get("query_string", b"").decode("latin-1")
    requested = next(
        (
            value
            for name, _, value in (part.partition("=") for part in query.split("&"))
            if name == "accountId"
        ),
        None,
    )
    try:
        return caller.account(requested)
    except AccountNotFound:
        return f"?{requested}"  # the handler answers 404; the key is kept apart from every real account


def _fingerprint(scope: Scope, body: bytes) -> str:
    """What makes two requests the same one: method, path, the query's parameters in any order, and body."""
    query = "&".join(sorted(scope.get("query_string", b"").decode("latin-1").split("&")))
    digest = hashlib.sha256()
    for part in (scope["method"], scope["path"], query):
        digest.update(part.encode() + b"\0")
    digest.update(body)
    return digest.hexdigest()


async def _read_body(receive: Receive) -> tuple[bytes, bool]:
    """The body, read whole (BodySizeLimit, outside, has bounded it), and whether the client left first."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return b"".join(chunks), True
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(chunks), False


def _broker_problem(error: BrokerError) -> Response:
    """The problem the app's BrokerError handler sends, made as Connexion's exception middleware does."""
    answer = broker_error(None, error)
    return Response(answer.body, answer.status_code, headers=answer.headers, media_type=answer.mimetype)


async def _send_stored(response: Stored, send: Send) -> None:
    await send({"type": "http.response.start", "status": response.status, "headers": response.headers})
    await send({"type": "http.response.body", "body": response.body})
