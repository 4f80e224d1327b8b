"""Reading Server-Sent Events as EventSource does, and checking each against the contract's x-events."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import orjson

from paperbroker.validation import CompiledSchema
from tests.contract.spec import SPEC, inlined

STREAM = SPEC["paths"]["/broker/events"]["get"]

KEY = "pbk_00000000000000a1_local-test-key-0123456789abcdefghij"
"""The local admin's API key of the servers these tests start (conftest.py sets PAPERBROKER_LOCAL_KEY)."""
AUTH = {"Authorization": f"Bearer {KEY}"}


PAYLOADS = {kind: CompiledSchema(inlined(ref), response=True) for kind, ref in STREAM["x-events"].items()}
"""Each event's payload schema, compiled as the service compiles its response schemas."""


def events(lines: Iterable[str]) -> Iterator[dict[str, str]]:
    """Each dispatched event as {id, event, data}; comments (`: keep-alive`) are skipped."""
    current: dict[str, str] = {}
    for line in lines:
        if line == "":
            if "data" in current:
                yield current
            current = {}
        elif not line.startswith(":"):
            name, _, value = line.partition(":")
            current[name] = value.removeprefix(" ")


def payload(event: dict[str, str]) -> Any:
    """The event's JSON payload, after checking it against the schema x-events names for it."""
    data = orjson.loads(event["data"])
    schema = PAYLOADS[event["event"]]
    assert schema.is_valid(data), f"{event['event']} {data}: {schema.first_error(data)}"
    return data
