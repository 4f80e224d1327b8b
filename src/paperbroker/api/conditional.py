"""Conditional reads: a weak ETag from the events outbox, and If-None-Match answered 304 without the read.

Every change writes its events in the same transaction (events/record.py), with ids that only increase, so
the newest id among the event kinds a resource shows is a change counter for it, read with one index probe
per kind (Broker.change_mark). The tag is that mark and a digest of the path and query string (`?status=6`
and `?status=2` are different representations). The mark is read before the resource: a change in between
makes the next request's tag differ, never a stale body pass for current. An empty outbox gives no tag.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import connexion
from starlette.responses import Response
from starlette.types import Scope

from paperbroker.broker import Broker
from paperbroker.serialize import JsonResponse

_JSON = {"Content-Type": "application/json"}

ORDERS = ("order", "resync")
POSITIONS = ("position", "order", "resync")
"""A position's brackets are its legs' orders, reported as `order` events."""
ACCOUNT = ("account", "resync")
"""The recorder writes `account` whenever equity moves: an account change or a quote of an open position."""
EXECUTIONS = ("execution", "resync")


def entity_tag(change: str, scope: Scope) -> str:
    target = scope["path"].encode() + b"?" + scope["query_string"]
    return f'W/"{change}-{hashlib.blake2b(target, digest_size=6).hexdigest()}"'


def if_none_match(scope: Scope) -> str | None:
    """The If-None-Match field value; several field lines are one comma-separated list (RFC 9110 5.3)."""
    values = [value.decode("latin-1") for name, value in scope["headers"] if name == b"if-none-match"]
    return ", ".join(values) if values else None


def matches(condition: str, tag: str) -> bool:
    """RFC 9110 13.1.2: `*`, or a listed entity-tag equal to `tag` by weak comparison (W/ ignored)."""
    if condition.strip() == "*":
        return True
    opaque = tag.removeprefix("W/")
    return any(listed.strip().removeprefix("W/") == opaque for listed in condition.split(","))


def conditional_read(
    broker: Broker, kinds: tuple[str, ...], read: Callable[[], Any]
) -> JsonResponse | Response:
    """`read()`'s JSON with its ETag, or 304 with only the ETag when If-None-Match names it."""
    scope: Scope = connexion.context.scope
    change = broker.change_mark(kinds)
    if change is None:
        return read(), 200, _JSON
    tag = entity_tag(change, scope)
    condition = if_none_match(scope)
    if condition is not None and matches(condition, tag):
        if condition.strip() == "*":
            read()  # `*` matches any current representation: a missing order is still its 404
        return Response(status_code=304, headers={"ETag": tag})  # no body, no Content-Type or -Length
    return read(), 200, {**_JSON, "ETag": tag}
