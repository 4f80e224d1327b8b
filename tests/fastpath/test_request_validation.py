"""Prepared request validation passes and refuses what Connexion's RequestValidationOperation does."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from connexion.middleware.request_validation import RequestValidationOperation
from connexion.validators.parameter import ParameterValidator
from starlette.testclient import TestClient

from paperbroker import fastpath
from paperbroker.fastpath import middlewares
from paperbroker.validation import ClearParameterValidator
from tests.fastpath.conftest import ORDER


def _validations(client: TestClient) -> list[Any]:
    stack = client.app.middleware.middleware_stack  # type: ignore[attr-defined]
    found = [m for m in stack if isinstance(m, middlewares.PreparedRequestValidationMiddleware)]
    assert len(found) == 1
    return [op for apis in found[0].apis.values() for api in apis for op in api.operations.values()]


def _scope(operation: Any, query: bytes, headers: list[tuple[bytes, bytes]]) -> dict[str, Any]:
    path_params = {p["name"]: "AAPL" for p in operation._operation.parameters if p["in"] == "path"}
    return {
        "type": "http",
        "method": operation._operation.method.upper(),
        "path": "/api/v1" + operation._operation.path,
        "query_string": query,
        "headers": [(b"host", b"t"), *headers],
        "path_params": path_params,
        "extensions": {},
    }


def _run(call: Any, operation: Any, scope: dict[str, Any], body: bytes) -> Any:
    """What reaches the next app (scope and body), or the problem raised instead."""
    reached: list[Any] = []

    async def next_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        message = await receive()
        reached.append((scope, message.get("body")))

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(_: Any) -> None:
        raise AssertionError("validation sends nothing")

    operation.next_app = next_app
    try:
        asyncio.run(call(operation, scope, receive, send))
    except Exception as error:  # compared below, class and all
        return type(error), getattr(error, "status", None), getattr(error, "detail", str(error))
    (outcome,) = reached
    return outcome


QUERIES = [
    b"",
    b"x=1",
    b"accountId=",
    b"accountId=1",
    b"status=1",
    b"symbols=AAPL",
    b"limit=0",
    b"confirmId=x",
]
HEADERS: list[list[tuple[bytes, bytes]]] = [
    [],
    [(b"if-none-match", b'"v1"')],
    [(b"if-none-match", b"x" * 1025)],  # longer than the contract allows
    [(b"idempotency-key", b"k-1")],
    [(b"idempotency-key", b"")],  # shorter
    [(b"idempotency-key", "é".encode("latin-1"))],  # outside the pattern
    [(b"If-None-Match", b"x" * 1025)],  # not ASGI's lower case: neither Connexion nor the skip sees it
    [(b"x-other", b"1")],
]


def test_every_operation_validates_as_connexion_does(client: TestClient) -> None:
    body = json.dumps(ORDER).encode()
    content = [(b"content-type", b"application/json")]
    compared = 0
    for operation in _validations(client):
        has_body = bool(operation._operation.request_body)
        for query in QUERIES:
            for headers in HEADERS:
                sent = content + headers if has_body else headers
                lean = _run(type(operation).__call__, operation, _scope(operation, query, sent), body)
                stock = _run(
                    RequestValidationOperation.__call__, operation, _scope(operation, query, sent), body
                )
                assert lean == stock, (operation._operation.operation_id, query, headers)
                compared += 1
    assert compared > 1000


def test_the_validator_is_skipped_only_where_it_cannot_fail(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[Any] = []
    validate = ClearParameterValidator.validate

    def counting(self: Any, scope: Any) -> None:
        calls.append(scope["path"])
        validate(self, scope)

    monkeypatch.setattr(ClearParameterValidator, "validate", counting)
    assert client.get("/broker/orders").status_code == 200
    assert client.post("/broker/orders", json=ORDER).status_code == 201
    assert calls == []  # no query, no header parameter, no path parameter, none required
    assert client.get("/broker/orders", headers={"If-None-Match": "x" * 1025}).status_code == 400
    assert client.get("/broker/orders?status=1").status_code == 200
    assert client.get("/broker/orders/999").status_code == 404  # a path parameter
    assert client.get("/market/quotes").status_code == 400  # a required one
    assert len(calls) == 4


def test_what_decides_the_skip() -> None:
    optional = [
        {"name": "status", "in": "query", "schema": {"type": "integer"}},
        {"name": "If-None-Match", "in": "header", "schema": {"type": "string"}},
    ]
    for validator in (ParameterValidator, ClearParameterValidator):
        assert middlewares._unfailing_without(validator, optional) == frozenset({b"if-none-match"})
        assert middlewares._unfailing_without(validator, []) == frozenset()
        for refused in (
            {"name": "symbols", "in": "query", "required": True, "schema": {"type": "string"}},
            {"name": "Idempotency-Key", "in": "header", "required": True, "schema": {"type": "string"}},
            {"name": "orderId", "in": "path", "required": True, "schema": {"type": "string"}},
            {"name": "session", "in": "cookie", "schema": {"type": "string"}},
        ):
            assert middlewares._unfailing_without(validator, [*optional, refused]) is None

    class ReadsDifferently(ParameterValidator):  # type: ignore[misc]
        def validate_query_parameter(self, param: Any, request: Any) -> Any:
            return "refused"

    class RefusesAbsence(ParameterValidator):  # type: ignore[misc]
        @staticmethod
        def validate_parameter(*_: Any, **__: Any) -> Any:
            return "refused"

    for validator in (ReadsDifferently, RefusesAbsence, object()):
        assert middlewares._unfailing_without(validator, optional) is None


def test_the_lean_stack_keeps_prepared_validation() -> None:
    assert middlewares.PreparedRequestValidationMiddleware in fastpath.lean_middlewares()
