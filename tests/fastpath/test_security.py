"""The lean bearer check refuses and admits what Connexion's SecurityOperation does, and says the same."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from connexion.middleware.security import SecurityOperation
from connexion.security import SecurityHandlerFactory
from starlette.testclient import TestClient

from paperbroker.app import create_app
from paperbroker.fastpath import middlewares
from tests.keys import LOCAL_KEY, local_settings

KEY = LOCAL_KEY.encode()
AUTHORIZATIONS: list[list[tuple[bytes, bytes]]] = [
    [],
    [(b"authorization", b"Bearer " + KEY)],
    [(b"authorization", b"bearer " + KEY)],
    [(b"authorization", b"BEARER  " + KEY + b" ")],
    [(b"authorization", b" Bearer " + KEY)],
    [(b"authorization", b"Bearer\t" + KEY)],
    [(b"authorization", b"Bearer")],
    [(b"authorization", b"Bearer ")],
    [(b"authorization", b"")],
    [(b"authorization", b"Basic Zm9vOmJhcg==")],
    [(b"authorization", b"Token " + KEY)],
    [(b"authorization", b"Bearer pbk_00000000000000a1_wrong-secret")],
    [(b"authorization", b"Bearer not-a-key")],
    [(b"authorization", "Bearer clé".encode("latin-1"))],
    [(b"authorization", b"Bearer nope"), (b"authorization", b"Bearer " + KEY)],  # the first one counts
    [(b"authorization", b"Bearer " + KEY), (b"authorization", b"Bearer nope")],
    [(b"Authorization", b"Bearer " + KEY)],  # not ASGI's lower case: Starlette does not find it either
    [(b"x-authorization", b"Bearer " + KEY)],
]


def _securities(client: TestClient) -> list[Any]:
    stack = client.app.middleware.middleware_stack  # type: ignore[attr-defined]
    found = [m for m in stack if isinstance(m, middlewares.LeanSecurityMiddleware)]
    assert len(found) == 1
    return [op for apis in found[0].apis.values() for api in apis for op in api.operations.values()]


def _run(call: Any, operation: Any, headers: list[tuple[bytes, bytes]]) -> Any:
    """The scope after the check and what the next app got, or the exception raised instead."""
    scope: dict[str, Any] = {"type": "http", "method": "GET", "path": "/", "headers": tuple(headers)}
    reached: list[Any] = []

    async def next_app(scope: Any, receive: Any, send: Any) -> None:
        reached.append(scope)

    operation.next_app = next_app
    try:
        asyncio.run(call(operation, scope, None, None))
    except Exception as error:  # compared below, class and all
        return type(error), getattr(error, "status", None), getattr(error, "detail", None), error.args
    (passed,) = reached
    assert passed is scope
    return scope


def _same(lean: Any, stock: Any) -> None:
    if isinstance(lean, dict):  # the callers' objects: compared by who they are
        token_info = lean["extensions"]["connexion_context"]["token_info"]
        assert token_info == stock["extensions"]["connexion_context"]["token_info"]
        assert token_info["caller"].user_id == lean["extensions"]["connexion_context"]["user"]
    assert lean == stock


def test_each_operation_checks_keys_as_connexion_does(client: TestClient) -> None:
    operations = _securities(client)
    lean = [op for op in operations if op._check is not None]
    assert len(lean) == len(operations)  # the contract secures every operation by bearerAuth alone
    for operation in operations:
        assert operation.security == [{"bearerAuth": []}]
        for headers in AUTHORIZATIONS:
            _same(
                _run(type(operation).__call__, operation, headers),
                _run(SecurityOperation.__call__, operation, headers),
            )


def test_an_error_in_the_verifier_is_raised_as_under_connexion(client: TestClient) -> None:
    class Broken(RuntimeError):
        pass

    def verify(key: str | None) -> Any:
        raise Broken(key)

    from paperbroker.api import auth

    operation = _securities(client)[0]
    factory = SecurityHandlerFactory(auth.security_map(verify))
    broken = middlewares._BearerSecurity(
        operation.next_app,
        security_handler_factory=factory,
        security=operation.security,
        security_schemes=operation.security_schemes,
    )
    for headers in AUTHORIZATIONS[:3]:
        lean = _run(type(broken).__call__, broken, headers)
        assert lean[0] is Broken
        assert lean == _run(SecurityOperation.__call__, broken, headers)


@pytest.mark.parametrize(
    ("security", "schemes", "lean"),
    [
        ([{"bearerAuth": []}], {"bearerAuth": {"type": "http", "scheme": "bearer"}}, True),
        ([{"key": []}], {"key": {"type": "http", "scheme": "Bearer"}}, True),
        ([], {}, False),
        ([{}], {}, False),
        ([{"bearerAuth": ["read"]}], {"bearerAuth": {"type": "http", "scheme": "bearer"}}, False),
        ([{"bearerAuth": []}, {}], {"bearerAuth": {"type": "http", "scheme": "bearer"}}, False),
        (
            [{"bearerAuth": [], "other": []}],
            {
                "bearerAuth": {"type": "http", "scheme": "bearer"},
                "other": {"type": "http", "scheme": "bearer"},
            },
            False,
        ),
        ([{"basic": []}], {"basic": {"type": "http", "scheme": "basic"}}, False),
        ([{"apiKey": []}], {"apiKey": {"type": "apiKey", "in": "header", "name": "X-Key"}}, False),
    ],
)
def test_only_a_bearer_key_alone_is_checked_from_the_scope(
    security: list[Any], schemes: dict[str, Any], lean: bool
) -> None:
    from paperbroker.api import auth

    factory = SecurityHandlerFactory(auth.security_map(lambda key: None))
    assert (middlewares._bearer_check(security, schemes, factory) is not None) is lean
    stock = SecurityHandlerFactory({})  # Connexion's own bearer handler offers no such check
    assert middlewares._bearer_check(security, schemes, stock) is None


def _answers(app: Any) -> list[tuple[int, str | None, Any]]:
    with TestClient(app, base_url="http://t/api/v1") as client:
        answers = []
        for headers in AUTHORIZATIONS:
            response = client.get("/broker/orders", headers=headers)
            answers.append((response.status_code, response.headers.get("www-authenticate"), response.json()))
        return answers


def test_the_fast_path_answers_keys_as_stock_connexion_does(tmp_path: Path) -> None:
    fast = _answers(create_app(local_settings(db=str(tmp_path / "fast.db"), market=False)))
    stock = _answers(create_app(local_settings(db=str(tmp_path / "stock.db"), market=False, fastpath=False)))
    assert fast == stock
    statuses = [status for status, _, _ in fast]
    assert statuses.count(200) >= 4
    assert statuses.count(401) >= 8
    assert all(challenge == 'Bearer realm="paperbroker"' for status, challenge, _ in fast if status == 401)
