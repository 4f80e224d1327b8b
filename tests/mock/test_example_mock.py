"""The example-mode mock: every operation answers its spec example, and Schemathesis finds them conformant.

Schemathesis generates valid requests for every operation, sends them to the mock in-process and checks the
status code, the media type and the body of each answer against the spec: the examples are valid by
construction, or this fails.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
import yaml
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.config import SchemathesisConfig
from starlette.testclient import TestClient

from paperbroker.contract import spec_path
from paperbroker.mock import create_example_app
from paperbroker.settings import Settings
from tests.keys import AUTH

CHECKS = [status_code_conformance, content_type_conformance, response_schema_conformance]
SPEC: dict[str, Any] = yaml.safe_load(spec_path().read_text())

# Its own configuration, so a schemathesis.toml meant for fuzzing the live service does not apply here.
schema = schemathesis.openapi.from_asgi(
    "/api/v1/openapi.json", create_example_app(), config=SchemathesisConfig.from_str("")
)
# Valid requests only: the point is the examples. (Invalid path parameters, such as a symbol holding '/', are
# answered by the router before the mock, so they say nothing about the examples.)
schema.config.generation.update(modes=[GenerationMode.POSITIVE])


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_answer_conforms_to_the_spec(case: Any) -> None:
    case.call_and_validate(checks=CHECKS, headers=AUTH)


def _first_documented_answer(operation: dict[str, Any]) -> tuple[int, Any]:
    status = sorted(operation["responses"])[0]
    content = next(iter(operation["responses"][status]["content"].values()))
    return int(status), content["example"]


REQUESTS: dict[str, tuple[str, str, Any]] = {
    "placeOrder": ("POST", "/broker/orders", {"symbol": "ZZZ", "type": 2, "side": -1, "qty": 1}),
    "getOrders": ("GET", "/broker/orders", None),
    "getOrder": ("GET", "/broker/orders/77", None),
    "modifyOrder": ("PUT", "/broker/orders/77", {"qty": 1}),
    "cancelOrder": ("DELETE", "/broker/orders/77", None),
    "getPositions": ("GET", "/broker/positions", None),
    "getExecutions": ("GET", "/broker/executions/ZZZ", None),
    "getAccountInfo": ("GET", "/broker/account", None),
    "getAccounts": ("GET", "/broker/accounts", None),
    "getQuotes": ("GET", "/market/quotes?symbols=ZZZ", None),
    "getBars": ("GET", "/market/bars/ZZZ?resolution=5&limit=10", None),
    "setQuote": ("PUT", "/sim/quotes/ZZZ", {"bid": 1, "ask": 2}),
    "previewOrder": ("POST", "/broker/order-previews", {"symbol": "ZZZ", "type": 2, "side": 1, "qty": 1}),
    "cancelOrders": ("POST", "/broker/order-cancellations", {"symbol": "ZZZ"}),
    "getOrdersHistory": ("GET", "/broker/orders-history?limit=5", None),
    "closePosition": ("POST", "/broker/positions/ZZZ/close", {"amount": 1}),
    "reversePosition": ("POST", "/broker/positions/ZZZ/reverse", None),
    "editPositionBrackets": ("PUT", "/broker/positions/ZZZ/brackets", {"takeProfit": None}),
    "getSymbols": ("GET", "/broker/symbols?search=Z", None),
    "symbolInfo": ("GET", "/broker/symbols/ZZZ", None),
    "resetAccount": ("POST", "/sim/reset", None),
    "streamEvents": ("GET", "/broker/events?symbols=ZZZ", None),
}


def _operations() -> list[tuple[str, dict[str, Any]]]:
    return [
        (operation["operationId"], operation)
        for item in SPEC["paths"].values()
        for method, operation in item.items()
        if method in {"get", "put", "post", "delete"}
    ]


def test_every_operation_of_the_spec_is_exercised_here() -> None:
    assert sorted(REQUESTS) == sorted(operation_id for operation_id, _ in _operations())


@pytest.mark.parametrize("fastpath", [True, False], ids=["fastpath", "stock-connexion"])
@pytest.mark.parametrize(("operation_id", "operation"), _operations(), ids=[i for i, _ in _operations()])
def test_answers_the_spec_example_whatever_was_asked(
    operation_id: str, operation: dict[str, Any], fastpath: bool
) -> None:
    method, path, body = REQUESTS[operation_id]
    status, example = _first_documented_answer(operation)
    with TestClient(create_example_app(Settings(fastpath=fastpath)), headers=AUTH) as client:
        for _ in range(2):  # the first answer and the one kept from it
            response = client.request(method, f"/api/v1{path}", json=body)
            _assert_is_the_example(response, operation_id, status, example)


def _assert_is_the_example(response: Any, operation_id: str, status: int, example: Any) -> None:
    assert response.status_code == status
    if operation_id == "streamEvents":  # the example stream: one event, then the end
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.text == example
        return
    assert response.headers["content-type"] == "application/json"
    assert response.json() == example


@pytest.mark.parametrize("fastpath", [True, False], ids=["fastpath", "stock-connexion"])
def test_still_rejects_requests_that_break_the_contract(fastpath: bool) -> None:
    with TestClient(create_example_app(Settings(fastpath=fastpath)), headers=AUTH) as client:
        limit_without_price = {"symbol": "AAPL", "type": 1, "side": 1, "qty": 1}
        response = client.post("/api/v1/broker/orders", json=limit_without_price)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert "limitPrice" in response.json()["detail"]


@pytest.mark.parametrize("fastpath", [True, False], ids=["fastpath", "stock-connexion"])
def test_still_refuses_a_request_without_a_key(fastpath: bool) -> None:
    with TestClient(create_example_app(Settings(fastpath=fastpath))) as client:
        response = client.get("/api/v1/broker/orders")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
