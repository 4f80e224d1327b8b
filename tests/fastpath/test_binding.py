"""Bound operations answer as Connexion's own decorators do."""

from __future__ import annotations

import asyncio
import functools
import json
from pathlib import Path
from typing import Any

import pytest
from connexion import context as connexion_context
from connexion.decorators.parameter import AsyncParameterDecorator
from connexion.frameworks.starlette import Starlette as StarletteFramework
from connexion.lifecycle import ConnexionRequest
from connexion.operations import AbstractOperation, OpenAPIOperation
from connexion.resolver import Resolver
from starlette.testclient import TestClient

from paperbroker import api, fastpath
from paperbroker.app import create_app
from tests.contract.spec import SPEC
from tests.fastpath.conftest import ORDER
from tests.keys import AUTH, local_settings


def _normalised(response: Any) -> tuple[int, str, Any]:
    """Status, content type and body, without the clock's readings (the two apps run one after the other)."""

    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in {"updateTime", "time"}}
        if isinstance(value, list):
            return [strip(item) for item in value]
        return value

    body = strip(response.json()) if response.content else None
    return response.status_code, response.headers.get("content-type", ""), body


# Every operation, with path and query parameters, bodies, and the errors each can answer.
SCRIPT: list[tuple[str, str, Any]] = [
    ("PUT", "/sim/quotes/AAPL", {"bid": 99.5, "ask": 100.5}),
    ("PUT", "/sim/quotes/MSFT", {"bid": 10, "ask": 11, "last": 10.5}),
    ("POST", "/broker/orders", {"symbol": "AAPL", "type": 2, "side": 1, "qty": 3}),
    ("POST", "/broker/orders", {"symbol": "AAPL", "type": 1, "side": 1, "qty": 2, "limitPrice": 90}),
    ("POST", "/broker/orders", {"symbol": "AAPL", "type": 1, "side": -1, "qty": 1, "limitPrice": 200,
                                "duration": {"type": "GTC"}}),
    ("POST", "/broker/orders", {"symbol": "AAPL", "type": 1, "side": 1, "qty": 1}),
    ("POST", "/broker/orders", {"symbol": "NOPE", "type": 2, "side": 1, "qty": 1}),
    ("POST", "/broker/orders", {"symbol": "AAPL", "type": 3, "side": 1, "qty": 1, "stopPrice": 101,
                                "stopType": 1}),
    ("PUT", "/broker/orders/2", {"qty": 5, "limitPrice": 91}),
    ("PUT", "/broker/orders/1", {"qty": 5}),
    ("GET", "/broker/orders/2", None),
    ("GET", "/broker/orders/999", None),
    ("DELETE", "/broker/orders/3", None),
    ("DELETE", "/broker/orders/3", None),
    ("GET", "/broker/orders", None),
    ("GET", "/broker/orders?status=1", None),
    ("GET", "/broker/positions", None),
    ("GET", "/broker/executions/AAPL", None),
    ("GET", "/broker/executions/MSFT", None),
    ("GET", "/broker/account", None),
    ("GET", "/market/quotes?symbols=AAPL,MSFT", None),
    ("GET", "/market/quotes?symbols=MSFT&symbols=AAPL", None),
    ("GET", "/market/quotes?symbols=ZZZ", None),
    ("GET", "/market/quotes", None),
    ("GET", "/market/quotes?symbols=AAPL&extra=1", None),
    ("GET", "/market/bars/AAPL", None),  # one quote each: one bar, whichever minute the run falls in
    ("GET", "/market/bars/MSFT?resolution=60&from=0&to=253402300799999&limit=2", None),
    ("GET", "/market/bars/ZZZ?resolution=5", None),
    ("GET", "/market/bars/AAPL?resolution=2", None),
    ("GET", "/market/bars/AAPL?limit=0", None),
]  # fmt: skip


def _play(app: Any) -> list[tuple[int, str, Any]]:
    with TestClient(app, base_url="http://t/api/v1", headers=AUTH) as test_client:
        return [_normalised(test_client.request(m, path, json=body)) for m, path, body in SCRIPT]


def test_the_fast_path_answers_as_stock_connexion_does(tmp_path: Path) -> None:
    bound = _play(create_app(local_settings(db=str(tmp_path / "bound.db"), market=False)))
    stock = create_app(local_settings(db=str(tmp_path / "stock.db"), market=False, fastpath=False))
    assert not any(isinstance(op, fastpath.BoundOperation) for op in _operations(stock))
    assert _play(stock) == bound
    assert {status for status, _, _ in bound} >= {200, 201, 400, 404, 409, 422}


def _operations(app: Any) -> list[Any]:
    return [
        op for apis in app._middleware_app.apis.values() for api in apis for op in api.operations.values()
    ]


def test_each_operation_is_bound_once_at_start(client: TestClient) -> None:
    operations = _operations(client.app)
    assert len(operations) == sum(
        method != "parameters" for item in SPEC["paths"].values() for method in item
    )
    assert all(isinstance(op, fastpath.BoundOperation) for op in operations)


def test_a_handler_that_does_not_take_what_its_operation_declares_fails_at_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def symbol_info(broker: Any, name: str) -> Any:  # the spec names it symbol
        raise AssertionError("never called")

    monkeypatch.setitem(api.MARKET_HANDLERS, "symbolInfo", symbol_info)
    app = create_app(local_settings(db=str(tmp_path / "b.db"), market=False))
    with pytest.raises(ValueError, match=r"symbolInfo: the handler takes \['name'\].*\['symbol'\]"):
        TestClient(app).__enter__()  # the stack, and its operations, are built as the app starts


def test_the_body_is_parsed_once(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    body = json.dumps(ORDER).encode()
    parsed: list[Any] = []
    loads = json.loads

    def counting(text: Any, **kwargs: Any) -> Any:
        parsed.append(text)
        return loads(text, **kwargs)

    monkeypatch.setattr(json, "loads", counting)
    response = client.post("/broker/orders", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 201
    assert body not in parsed
    assert client.get(f"/broker/orders/{response.json()['orderId']}").json()["limitPrice"] == 2


def test_a_query_parameter_no_operation_declares_is_still_refused(client: TestClient) -> None:
    for response in (client.get("/broker/orders?x=1"), client.post("/broker/orders?x=1", json=ORDER)):
        assert response.status_code == 400
        assert "Extra query parameter(s) x not in spec" in response.json()["detail"]
    assert client.get("/broker/orders").json() == []


def _operation(**operation: Any) -> OpenAPIOperation:
    async def handler(**_: Any) -> Any:
        raise AssertionError("never called")

    return OpenAPIOperation(
        method="post",
        path="/things",
        operation={"operationId": "makeThing", "responses": {"200": {"description": "ok"}}, **operation},
        resolver=Resolver(function_resolver=lambda _: handler),
    )


def _get_things(handler: Any, parameters: list[dict[str, Any]]) -> OpenAPIOperation:
    """GET /things with these parameters, served by `handler` (whose signature binding checks)."""
    return OpenAPIOperation(
        method="get",
        path="/things",
        operation={
            "operationId": "getThings",
            "parameters": parameters,
            "responses": {"200": {"description": "ok"}},
        },
        resolver=Resolver(function_resolver=lambda _: handler),
    )


@pytest.mark.parametrize(
    ("operation", "refused"),
    [
        ({"parameters": [{"name": "session", "in": "cookie", "schema": {"type": "string"}}]}, "'cookie'"),
        (
            {
                "requestBody": {
                    "content": {"application/x-www-form-urlencoded": {"schema": {"type": "object"}}}
                }
            },
            "only JSON bodies",
        ),
    ],
)
def test_what_binding_does_not_cover_is_refused_at_start(operation: dict[str, Any], refused: str) -> None:
    with pytest.raises(ValueError, match=refused):
        fastpath.BoundOperation(_operation(**operation), fastpath.OrjsonJsonifier(), pythonic_params=True)


def test_a_header_parameter_is_validated_but_not_passed_as_under_connexion() -> None:
    async def handler() -> Any:
        raise AssertionError("never called")

    header = {"name": "If-None-Match", "in": "header", "schema": {"type": "string"}}
    operation = _get_things(handler, [header])
    bound = fastpath.BoundOperation(operation, fastpath.OrjsonJsonifier(), pythonic_params=True)
    assert bound.operation_id == "getThings"


def test_an_operation_binding_covers_is_accepted() -> None:
    operation = _operation(
        parameters=[{"name": "thingId", "in": "query", "schema": {"type": "string"}}],
        requestBody={"content": {"application/json": {"schema": {"type": "object"}}}},
    )
    bound = fastpath.BoundOperation(operation, fastpath.OrjsonJsonifier(), pythonic_params=True)
    assert bound.operation_id == "makeThing"


def _empty_query_scope(operation: AbstractOperation) -> dict[str, Any]:
    return {
        "type": "http",
        "method": operation.method.upper(),
        "path": operation.path,
        "query_string": b"",
        "headers": [],
        "path_params": {},
    }


def _connexion_kwargs(bound: fastpath.BoundOperation) -> dict[str, Any]:
    """The handler's arguments as Connexion's own parameter decorator computes them for an empty query."""
    operation = bound._operation

    @functools.wraps(bound._fn)  # the decorator reads the handler's signature through __wrapped__
    async def capture(**kwargs: Any) -> dict[str, Any]:
        return kwargs

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def call() -> dict[str, Any]:
        connexion_context._operation.set(operation)
        connexion_context._context.set({})  # no caller: its entries are not the query's
        uri_parser = operation.uri_parser_class(operation.parameters, operation.body_definition())
        request = ConnexionRequest(_empty_query_scope(operation), receive, uri_parser=uri_parser)
        decorator = AsyncParameterDecorator(framework=StarletteFramework, pythonic_params=True)
        found: dict[str, Any] = await decorator(capture)(request)
        return found

    return asyncio.run(call())


def _check_empty_query(bound: fastpath.BoundOperation) -> dict[str, Any]:
    expected = _connexion_kwargs(bound)
    scope = _empty_query_scope(bound._operation)
    first, second = bound._kwargs(scope), bound._kwargs(scope)
    assert first == second == expected == bound._parsed_kwargs(scope), bound.operation_id
    for name, value in first.items():  # each call gets its own values, as from Connexion
        assert isinstance(value, (str, int, float, bool, type(None))) or value is not second[name], name
    return first


def test_an_empty_query_gets_the_arguments_connexion_computes(client: TestClient) -> None:
    prepared = {}
    for bound in _operations(client.app):
        operation = bound._operation
        if any(p["in"] == "path" for p in operation.parameters) or operation.request_body:
            assert bound._empty_query is None, bound.operation_id
            continue
        assert bound._empty_query is not None, bound.operation_id
        prepared[bound.operation_id] = _check_empty_query(bound)
    assert prepared["getOrders"] == {}  # absent, without a default: the handler's own default applies
    assert prepared["getOrdersHistory"]["limit"] == 100
    assert len(prepared) >= 8


def test_mutable_defaults_are_fresh_per_call() -> None:
    async def handler(symbols: Any, depth: Any, limit: Any) -> Any:
        raise AssertionError("never called")

    operation = _get_things(handler, [
        {"name": "symbols", "in": "query", "schema": {"type": "array", "items": {"type": "string"},
                                                     "default": ["A", "B"]}},
        {"name": "depth", "in": "query", "style": "deepObject", "explode": True,
         "schema": {"type": "object", "properties": {"n": {"type": "integer", "default": 2}}}},
        {"name": "limit", "in": "query", "schema": {"type": "integer", "default": 5}},
    ])  # fmt: skip
    bound = fastpath.BoundOperation(operation, fastpath.OrjsonJsonifier(), pythonic_params=True)
    assert _check_empty_query(bound) == {"symbols": ["A", "B"], "depth": {"n": 2}, "limit": 5}
    scope = _empty_query_scope(operation)
    bound._kwargs(scope)["symbols"].append("C")
    assert bound._kwargs(scope)["symbols"] == ["A", "B"]
