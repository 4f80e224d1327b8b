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
import starlette.requests
from connexion.apps.asynchronous import AsyncApi, AsyncApp, AsyncOperation
from connexion.decorators.main import ASGIDecorator, BaseDecorator
from connexion.decorators.parameter import BaseParameterDecorator
from connexion.lifecycle import ConnexionRequest
from connexion.middleware.request_validation import RequestValidationAPI, RequestValidationOperation
from connexion.middleware.response_validation import ResponseValidationAPI, ResponseValidationOperation
from connexion.middleware.swagger_ui import SwaggerUIMiddleware
from connexion.uri_parsing import AbstractURIParser
from starlette.testclient import TestClient

from paperbroker import fastpath
from paperbroker.app import create_app
from paperbroker.settings import Settings

# fastpath.py relies on exactly these Connexion and Starlette internals (it re-implements or bypasses them).
# If one changes, re-read it, re-check fastpath.py against it, then record the new digest here.
PATCHED: list[tuple[Any, str]] = [
    (ASGIDecorator.__call__, "7397ac94437e4d7e"),
    (BaseDecorator.decorate, "ecc6529a18274fda"),
    (BaseParameterDecorator.__init__, "a2ab5462f60aa23a"),
    (AsyncOperation.fn.fget, "9cad70e32840c9ec"),
    (AsyncApi.make_operation, "555eaf3ca12397b1"),
    (AsyncApp.__init__, "624f5070177b0d80"),
    (ConnexionRequest.json, "f828d7e48f970ae7"),
    (starlette.requests.Request.json, "49b2c23705a41dec"),
    (RequestValidationOperation.__call__, "af472716211911b9"),
    (RequestValidationAPI.make_operation, "55b32cb8b0ab229e"),
    (ResponseValidationOperation.__call__, "45cd2dccb7cf4b6c"),
    (ResponseValidationAPI.make_operation, "770d433c2951acf6"),
    (BaseDecorator.uri_parser.fget, "140072be21d36da0"),
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


def test_handlers_are_decorated_once_per_operation(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[Any] = []
    decorate = fastpath._DecorateOnce.decorate

    def counting(self: Any, function: Any) -> Any:
        calls.append(function)
        return decorate(self, function)

    monkeypatch.setattr(fastpath._DecorateOnce, "decorate", counting)
    for _ in range(3):
        assert client.post("/broker/orders", json=ORDER).status_code == 201
        assert client.get("/broker/orders").status_code == 200
    assert len(calls) == 2


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
