"""Test-only: make the service break its contract on the wire, to prove the fuzzing gate notices.

Enabled by `PAPERBROKER_DRIFT=<kind>` (or `paperbroker fuzz --drift <kind>`). The rewrite happens outside
Connexion, after its response validation, as a buggy proxy or serializer would: only a client-side check
such as Schemathesis can catch it. Never set it in production.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

Json = Any
ASGIApp = Any


def _extra_field(order: dict[str, Json]) -> None:
    order["internalNote"] = "not in the contract"


def _wrong_enum(order: dict[str, Json]) -> None:
    order["status"] = 7  # OrderStatus stops at 6


DRIFTS: dict[str, Callable[[dict[str, Json]], None]] = {
    "extra-field": _extra_field,
    "wrong-enum": _wrong_enum,
}


def _drift_orders(document: Json, change: Callable[[dict[str, Json]], None]) -> Json:
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

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: dict[str, Any]) -> None:
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
