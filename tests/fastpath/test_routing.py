"""The lean routing step routes as Connexion's RoutingMiddleware does: the same scopes, the same answers."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from connexion.middleware import routing
from connexion.middleware.routing import RoutingMiddleware, RoutingOperation
from starlette.testclient import TestClient

from paperbroker.fastpath import middlewares
from tests.contract.spec import SPEC


def _lean(client: TestClient) -> Any:
    stack = client.app.middleware.middleware_stack  # type: ignore[attr-defined]
    found = [m for m in stack if isinstance(m, middlewares.LeanRoutingMiddleware)]
    assert len(found) == 1
    return found[0]


def _record_next(lean: Any, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every RoutingOperation's next app records the scope it is given and Connexion's scope variable."""
    reached: list[Any] = []

    async def next_app(scope: Any, receive: Any, send: Any) -> None:
        reached.append((scope, routing._scope.get() is scope))

    operations = [lean.router.default]
    for mount in lean.router.routes:
        operations.append(mount.app.default)
        operations.extend(route.endpoint for route in mount.app.routes)
    for operation in operations:
        if isinstance(operation, RoutingOperation):
            monkeypatch.setattr(operation, "next_app", next_app)
    return reached


def _run(call: Any, lean: Any, reached: list[Any], scope: dict[str, Any]) -> Any:
    sent: list[Any] = []

    async def send(message: Any) -> None:
        sent.append(message)

    async def receive() -> Any:
        return {"type": "http.request", "body": b"", "more_body": False}

    reached.clear()
    try:
        asyncio.run(call(lean, scope, receive, send))
    except Exception as error:  # the 405 Starlette raises when the scope names an app
        return type(error), repr(error), scope
    return list(reached), sent, scope


def _scope(method: str, path: str, **extra: Any) -> dict[str, Any]:
    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"t")],
    }
    return {**scope, **extra}


STATIC = [
    (method.upper(), f"/api/v1{path}")
    for path, item in SPEC["paths"].items()
    if "{" not in path
    for method in item
    if method != "parameters"
]
OTHERS = [
    _scope("GET", "/api/v1/broker/orders/1"),
    _scope("PUT", "/api/v1/broker/orders/1"),
    _scope("GET", "/api/v1/broker/orders/"),  # a redirect
    _scope("GET", "/api/v1/broker/nothing"),
    _scope("DELETE", "/api/v1/broker/orders"),  # a 405
    _scope("DELETE", "/api/v1/broker/orders", app=object()),  # the 405 raised
    _scope("GET", "/api/v1/broker/orders", root_path="/x"),
    _scope("GET", "/x/api/v1/broker/orders", root_path="/x"),
    _scope("GET", "/api/v1/broker/orders", path_params={"a": "1"}),
    _scope("GET", "/api/v1/broker/orders", router=object()),
    _scope("GET", "/api/v1/broker/orders", app_root_path="/y"),
    _scope("GET", "/api/v1/ui/"),
    _scope("GET", "/api/v1/openapi.json"),
    _scope("GET", "/"),
    _scope("GET", "/api/v1"),
]


def test_routes_as_connexion_does(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    lean = _lean(client)
    reached = _record_next(lean, monkeypatch)
    cases = [_scope(method, path) for method, path in STATIC]
    cases += [_scope("HEAD", path) for method, path in STATIC if method == "GET"]
    cases += [_scope(method, path, extensions={"x": {"y": 1}}) for method, path in STATIC]
    cases += OTHERS
    for case in cases:
        lean_outcome = _run(type(lean).__call__, lean, reached, {**case})
        stock_outcome = _run(RoutingMiddleware.__call__, lean, reached, {**case})
        assert lean_outcome == stock_outcome, case
    routed = _run(type(lean).__call__, lean, reached, _scope("GET", "/api/v1/broker/orders"))[0]
    ((passed, bound),) = routed
    assert bound
    assert passed["extensions"]["connexion_routing"] == {
        "api_base_path": "/api/v1",
        "operation_id": "getOrders",
    }


def test_a_path_without_parameters_skips_the_router(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    lean = _lean(client)
    reached = _record_next(lean, monkeypatch)
    _run(type(lean).__call__, lean, reached, _scope("GET", "/api/v1/broker/orders"))  # the table is built
    heads = [("HEAD", path) for method, path in STATIC if method == "GET"]
    assert set(lean._static) == {(path, method) for method, path in [*STATIC, *heads]}
    routed: list[Any] = []
    stack = lean.router.middleware_stack

    async def counting(scope: Any, receive: Any, send: Any) -> None:
        routed.append(scope["path"])
        await stack(scope, receive, send)

    monkeypatch.setattr(lean.router, "middleware_stack", counting)
    for method, path in STATIC:
        _run(type(lean).__call__, lean, reached, _scope(method, path))
    assert routed == []
    for case in OTHERS:
        _run(type(lean).__call__, lean, reached, {**case})
    assert len(routed) == len(OTHERS)


def test_the_answers_are_the_router_s_where_it_is_used(client: TestClient) -> None:
    assert client.get("/broker/orders").status_code == 200
    assert client.head("/broker/orders").status_code == 200
    assert client.get("/broker/orders/", follow_redirects=False).status_code == 307
    assert client.get("/broker/nothing").status_code == 404
    response = client.delete("/broker/orders")
    assert response.status_code == 405
    assert client.get("/broker/orders/999").status_code == 404
