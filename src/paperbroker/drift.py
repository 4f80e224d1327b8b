"""Test-only: a service that breaks its contract on the wire, to prove the fuzzing gate notices.

`paperbroker fuzz --drift <kind>` serves `create_drifted_app`, a factory of its own, so neither Settings
nor `create_app` knows drift exists and production cannot switch it on. The rewrite wraps the whole app,
after Connexion's response validation, as a buggy proxy or serializer would: only a client-side check
such as Schemathesis can catch it.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

KIND_VARIABLE = "PAPERBROKER_FUZZ_DRIFT"
FACTORY = "paperbroker.drift:create_drifted_app"
log = logging.getLogger(__name__)


def _extra_field(order: dict[str, object]) -> None:
    order["internalNote"] = "not in the contract"


def _wrong_enum(order: dict[str, object]) -> None:
    order["status"] = 7  # OrderStatus stops at 6


DRIFTS: dict[str, Callable[[dict[str, object]], None]] = {
    "extra-field": _extra_field,
    "wrong-enum": _wrong_enum,
}


def _drift_orders(document: object, change: Callable[[dict[str, object]], None]) -> object:
    items = document if isinstance(document, list) else [document]
    for item in items:
        if isinstance(item, dict) and "status" in item and "filledQty" in item:
            change(item)
    return document


class ContractDrift:
    """Rewrites every order in a JSON response body with the chosen drift."""

    def __init__(self, app: ASGIApp, kind: str) -> None:
        if kind not in DRIFTS:
            raise ValueError(f"unknown drift {kind!r}; choose from {', '.join(DRIFTS)}")
        self.app = app
        self.change = DRIFTS[kind]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start: Message = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                return
            if message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            body = b"".join(chunks)
            headers = dict(start.get("headers", []))
            if headers.get(b"content-type", b"").startswith(b"application/json") and body:
                body = json.dumps(_drift_orders(json.loads(body), self.change)).encode()
            new_headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
            new_headers.append((b"content-length", str(len(body)).encode()))
            await send({**start, "headers": new_headers})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, capture)


def create_drifted_app() -> ContractDrift:
    """uvicorn factory: the production app, untouched inside, drifted as PAPERBROKER_FUZZ_DRIFT says."""
    from paperbroker.app import create_app  # loaded when served, not by `paperbroker fuzz --help`

    kind = os.environ.get(KIND_VARIABLE, "")
    app = ContractDrift(create_app(), kind)
    log.warning("contract drift %r is on: responses break the contract on purpose", kind)
    return app
