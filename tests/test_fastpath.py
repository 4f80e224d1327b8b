"""The fast path keeps the service's behaviour, and notices when Connexion changes what it patches."""

from __future__ import annotations

import datetime
import decimal
import hashlib
import importlib.metadata
import inspect
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from connexion.apps.asynchronous import AsyncApi, AsyncApp, AsyncOperation
from connexion.decorators import parameter
from connexion.decorators.parameter import AsyncParameterDecorator
from connexion.lifecycle import ConnexionRequest
from connexion.middleware.abstract import RoutedMiddleware
from connexion.middleware.request_validation import RequestValidationAPI, RequestValidationOperation
from connexion.middleware.response_validation import ResponseValidationAPI, ResponseValidationOperation
from connexion.middleware.swagger_ui import SwaggerUIMiddleware
from connexion.uri_parsing import AbstractURIParser
from connexion.utils import inspect_function_arguments
from starlette.testclient import TestClient

from paperbroker import api, fastpath
from paperbroker import app as app_module
from paperbroker.app import create_app
from paperbroker.settings import Settings

# fastpath.py relies on exactly these Connexion internals: it calls, subclasses or stands in for them.
# If one changes, re-read it, re-check fastpath.py against it, then record the new digest here.
PATCHED: list[tuple[Any, str]] = [
    (AsyncOperation.__call__, "5435ed498983193d"),
    (AsyncOperation.fn.fget, "9cad70e32840c9ec"),
    (AsyncApi.make_operation, "555eaf3ca12397b1"),
    (AsyncApp.__init__, "624f5070177b0d80"),
    (RoutedMiddleware.__call__, "10e95f7a2d823872"),
    (AsyncParameterDecorator.__call__, "c3223e31eb92742e"),
    (parameter.prep_kwargs, "46eb57dd9685e1c4"),
    (parameter.get_arguments, "b2912a96f0107039"),
    (parameter._get_path_arguments, "dce2f42b8282c286"),
    (parameter._get_query_arguments, "77f3e0a63d78d965"),
    (parameter._get_body_argument, "ad0202326b99a5b7"),
    (parameter.pythonic, "70c5c689dec99744"),
    (parameter.sanitized, "8ee876388896618b"),
    (inspect_function_arguments, "1359001a695ff9f6"),
    (ConnexionRequest.path_params.fget, "546382a52e95ac2f"),
    (ConnexionRequest.query_params.fget, "f01f735c6643fe68"),
    (RequestValidationOperation.__call__, "af472716211911b9"),
    (RequestValidationAPI.make_operation, "55b32cb8b0ab229e"),
    (ResponseValidationOperation.__call__, "45cd2dccb7cf4b6c"),
    (ResponseValidationAPI.make_operation, "770d433c2951acf6"),
    (AbstractURIParser.__init__, "1df20ff67036c6cb"),
    (SwaggerUIMiddleware.__call__, "63d1a07033fd923d"),
]


def digest(function: Any) -> str:
    return hashlib.sha256(inspect.getsource(function).encode()).hexdigest()[:16]


def test_connexion_is_the_version_the_patch_was_written_for() -> None:
    assert importlib.metadata.version("connexion") == "3.3.0", "re-check src/paperbroker/fastpath.py"


@pytest.mark.parametrize(("function", "expected"), PATCHED, ids=lambda p: getattr(p, "__qualname__", ""))
def test_patched_internals_are_unchanged(function: Any, expected: str) -> None:
    name = f"{function.__module__}.{function.__qualname__}"
    assert digest(function) == expected, f"{name} changed: re-check src/paperbroker/fastpath.py"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(Settings(db=str(tmp_path / "broker.db"), market=False))
    with TestClient(app, base_url="http://t/api/v1") as test_client:
        yield test_client


ORDER = {"symbol": "AAPL", "type": 1, "side": 1, "qty": 1, "limitPrice": 2}


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
]  # fmt: skip


def _play(app: Any) -> list[tuple[int, str, Any]]:
    with TestClient(app, base_url="http://t/api/v1") as test_client:
        return [_normalised(test_client.request(m, path, json=body)) for m, path, body in SCRIPT]


def test_bound_operations_answer_as_connexions_own_decorators_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bound = _play(create_app(Settings(db=str(tmp_path / "bound.db"), market=False)))
    monkeypatch.setattr(app_module, "bind_operations_once", lambda app: app)
    stock = create_app(Settings(db=str(tmp_path / "stock.db"), market=False))
    assert not any(isinstance(op, fastpath._BoundOperation) for op in _operations(stock))
    assert _play(stock) == bound
    assert {status for status, _, _ in bound} >= {200, 201, 400, 404, 409, 422}


def _operations(app: Any) -> list[Any]:
    return [
        op for apis in app._middleware_app.apis.values() for api in apis for op in api.operations.values()
    ]


def test_each_operation_is_bound_once_at_start(client: TestClient) -> None:
    operations = _operations(client.app)
    assert len(operations) == 10
    assert all(isinstance(op, fastpath._BoundOperation) for op in operations)


def test_a_handler_that_does_not_take_what_its_operation_declares_fails_at_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def get_order(broker: Any, id: str) -> Any:  # the spec names it orderId
        raise AssertionError("never called")

    monkeypatch.setitem(api.HANDLERS, "getOrder", get_order)
    app = create_app(Settings(db=str(tmp_path / "b.db"), market=False))
    with pytest.raises(ValueError, match=r"getOrder: the handler takes \['id'\].*\['order_id'\]"):
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


def test_swagger_ui_and_the_spec_are_still_served(client: TestClient) -> None:
    assert client.get("/openapi.json").json()["info"]["title"]
    assert "swagger" in client.get("/ui/").text.lower()
    assert client.get("/nowhere").status_code == 404


def test_operations_skip_the_swagger_ui_router(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: Any) -> None:
        raise AssertionError("routed through the Swagger UI router")

    stack = client.app.middleware.middleware_stack  # type: ignore[attr-defined]
    lean = [m for m in stack if isinstance(m, fastpath.LeanSwaggerUIMiddleware)]
    assert lean
    monkeypatch.setattr(lean[0], "router", refuse)
    assert client.get("/broker/orders").status_code == 200
    assert client.get("/broker/orders/1").status_code == 404


def test_the_jsonifier_writes_what_connexion_would() -> None:
    jsonifier = fastpath.OrjsonJsonifier()
    data = {"a": [1, 2.5, None, True], 3: "x", "d": decimal.Decimal("1.5")}
    assert json.loads(jsonifier.dumps(data)) == {"a": [1, 2.5, None, True], "3": "x", "d": 1.5}
    stamp = datetime.datetime(2026, 1, 2, 3, 4, 5)
    assert json.loads(jsonifier.dumps({"t": stamp})) == {"t": "2026-01-02T03:04:05Z"}
    assert jsonifier.loads(b'{"a": 1}') == {"a": 1}
    with pytest.raises(TypeError):
        jsonifier.dumps(object())


def test_media_types_are_still_checked_both_ways(client: TestClient) -> None:
    for _ in range(2):  # the second time from what the first prepared
        response = client.post("/broker/orders", content=b"x", headers={"content-type": "text/plain"})
        assert response.status_code == 415
        assert client.post("/broker/orders", json=ORDER).status_code == 201
    assert client.get("/broker/orders", headers={"content-type": "application/json"}).status_code == 200


def test_a_query_parameter_no_operation_declares_is_still_refused(client: TestClient) -> None:
    for response in (client.get("/broker/orders?x=1"), client.post("/broker/orders?x=1", json=ORDER)):
        assert response.status_code == 400
        assert "Extra query parameter(s) x not in spec" in response.json()["detail"]
    assert client.get("/broker/orders").json() == []
