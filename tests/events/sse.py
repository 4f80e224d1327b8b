"""Reading Server-Sent Events as EventSource does, and checking each against the contract's x-events."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import orjson
import yaml

from paperbroker.contract import spec_path
from paperbroker.validation import CompiledSchema

SPEC: dict[str, Any] = yaml.safe_load(spec_path().read_text())
STREAM = SPEC["paths"]["/broker/events"]["get"]


def _resolved(node: Any) -> Any:
    """The schema with every local $ref replaced by its target (the contract's schemas are not recursive)."""
    if isinstance(node, dict):
        if "$ref" in node:
            target: Any = SPEC
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            return _resolved(target)
        return {key: _resolved(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_resolved(item) for item in node]
    return node


PAYLOADS = {kind: CompiledSchema(_resolved(ref), response=True) for kind, ref in STREAM["x-events"].items()}
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
