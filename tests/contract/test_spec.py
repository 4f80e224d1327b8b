"""The spec itself: valid, documented, with examples that satisfy their own schemas."""

from typing import Any

import jsonschema
import pytest
from openapi_spec_validator import validate

from paperbroker.events.record import EVENT_KINDS
from tests.contract.spec import SPEC, inlined
from tests.events.sse import events, payload

OPERATIONS = [
    (path, method, operation)
    for path, item in SPEC["paths"].items()
    for method, operation in item.items()
    if method in {"get", "put", "post", "delete"}
]


def test_the_spec_is_valid_openapi_3_0() -> None:
    validate(SPEC)
    assert SPEC["openapi"] == "3.0.3"


def test_operation_ids_are_the_contract() -> None:
    assert {operation["operationId"] for _, _, operation in OPERATIONS} == {
        "placeOrder", "modifyOrder", "cancelOrder", "getOrder", "getOrders", "getPositions",
        "getExecutions", "getAccountInfo", "getQuotes", "setQuote", "symbolInfo", "getSymbols",
        "previewOrder", "cancelOrders", "getOrdersHistory", "closePosition", "reversePosition",
        "editPositionBrackets", "resetAccount", "streamEvents", "getBars", "getAccounts",
    }  # fmt: skip


@pytest.mark.parametrize(("path", "method", "operation"), OPERATIONS, ids=lambda x: str(x)[:30])
def test_every_operation_is_documented(path: str, method: str, operation: dict[str, Any]) -> None:
    for field in ("summary", "description", "operationId", "tags"):
        assert operation.get(field), f"{method} {path} has no {field}"
    for status, response in operation["responses"].items():
        response = inlined(response)
        for media_type, content in response.get("content", {}).items():
            if status.startswith("4"):
                assert media_type == "application/problem+json"
            assert "example" in content or "examples" in content, f"{method} {path} {status} has no example"
            example = content.get("example")
            if media_type == "text/event-stream":  # the schema describes each event of the stream
                for event in events(example.splitlines()):
                    jsonschema.Draft4Validator(inlined(content["schema"])).validate(event)
                    payload(event)
            elif example is not None:
                jsonschema.Draft4Validator(content["schema"]).validate(example)


@pytest.mark.parametrize("name", sorted(SPEC["components"]["schemas"]))
def test_every_schema_has_an_example_that_it_accepts(name: str) -> None:
    schema = inlined(SPEC["components"]["schemas"][name])
    assert "example" in schema
    jsonschema.Draft4Validator(schema).validate(schema["example"])


def test_every_stream_event_names_a_payload_schema_of_the_components() -> None:
    x_events = SPEC["paths"]["/broker/events"]["get"]["x-events"]
    assert set(x_events) == set(EVENT_KINDS)
    assert set(x_events) == set(SPEC["components"]["schemas"]["StreamEvent"]["properties"]["event"]["enum"])
    for ref in x_events.values():
        assert ref["$ref"].removeprefix("#/components/schemas/") in SPEC["components"]["schemas"]


def test_place_order_links_to_get_modify_and_cancel() -> None:
    links = SPEC["paths"]["/broker/orders"]["post"]["responses"]["201"]["links"]
    assert {link["operationId"] for link in links.values()} == {"getOrder", "modifyOrder", "cancelOrder"}
    assert all(link["parameters"] == {"orderId": "$response.body#/orderId"} for link in links.values())


def test_enums_carry_their_tradingview_names() -> None:
    schemas = SPEC["components"]["schemas"]
    assert dict(zip(schemas["Side"]["x-enum-varnames"], schemas["Side"]["enum"], strict=True)) == {
        "Buy": 1,
        "Sell": -1,
    }
    assert schemas["OrderStatus"]["enum"] == [1, 2, 3, 4, 5, 6]
    assert schemas["OrderStatus"]["x-enum-varnames"][5] == "Working"
