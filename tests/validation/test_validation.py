"""The compiled (jsonschema_rs) validators agree with Connexion's own, and keep its clear messages."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from connexion.json_schema import Draft4RequestValidator, Draft4ResponseValidator
from connexion.spec import Specification
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft4Validator
from starlette.testclient import TestClient

from paperbroker.app import create_app
from paperbroker.contract import spec_path
from paperbroker.validation import CompiledSchema, compiled, to_draft4
from tests.keys import AUTH, local_settings

SCHEMAS: dict[str, Any] = Specification.load(spec_path())["components"]["schemas"]


def reference(schema: dict[str, Any], *, response: bool) -> Any:
    cls = Draft4ResponseValidator if response else Draft4RequestValidator
    return cls(schema, format_checker=Draft4Validator.FORMAT_CHECKER)


def agree(schema: dict[str, Any], instance: Any, *, response: bool = False) -> None:
    fast = CompiledSchema(schema, response=response).is_valid(instance)
    slow = reference(schema, response=response).is_valid(instance)
    if fast != slow:
        # The one known difference: Python's `$` also matches before a final newline; ECMA 262's does not.
        assert slow and not fast and "\n" in repr(instance), (instance, fast, slow)


@pytest.mark.parametrize(
    ("schema", "instance"),
    [
        ({"type": "string", "nullable": True}, None),
        ({"type": "string", "nullable": True}, 1),
        ({"type": "string"}, None),
        ({"type": "integer", "enum": [1, 2], "nullable": True}, None),
        ({"type": "integer", "enum": [1, 2], "x-nullable": True}, None),
        ({"type": "integer", "enum": [1, 2], "nullable": True}, 3),
        ({"type": "number", "minimum": 0, "exclusiveMinimum": True}, 0),
        ({"type": "number", "minimum": 0, "exclusiveMinimum": True}, 1e-9),
        ({"type": "integer"}, 1.0),
        ({"type": "integer"}, True),
        ({"type": "number"}, False),
        ({"properties": {"nullable": {"type": "boolean"}}}, {"nullable": None}),
        ({"enum": [{"nullable": True}]}, {"nullable": True}),
    ],
)
def test_the_openapi_30_dialect_is_kept(schema: dict[str, Any], instance: Any) -> None:
    agree(schema, instance)


def test_write_only_properties_are_refused_in_responses_only() -> None:
    schema = {"type": "object", "properties": {"secret": {"type": "string", "writeOnly": True}}}
    assert CompiledSchema(schema, response=False).is_valid({"secret": "x"})
    assert not CompiledSchema(schema, response=True).is_valid({"secret": "x"})
    agree(schema, {"secret": "x"}, response=True)


def test_translation_leaves_data_alone() -> None:
    schema = {"type": "object", "nullable": True, "example": {"nullable": True, "type": "x"}}
    assert to_draft4(schema, response=False) == {**schema, "type": ["object", "null"]}


def test_a_schema_is_compiled_once() -> None:
    schema = {"type": "object"}
    assert compiled(schema, response=False) is compiled(schema, response=False)
    assert compiled(schema, response=True) is not compiled(schema, response=False)


values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-3, 3),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0, 1, 2, 3, 4, 5, 6, -1, 1e9, 1e9 + 1, 0.5, "AAPL", "NYSE:IBM", "", " x", "a" * 40]),
    st.text(max_size=8),
    st.dictionaries(st.sampled_from(["type", "datetime", "ask", "bid", "text"]), st.integers(0, 3)),
    st.lists(st.sampled_from(["1", "2", "x y", ""]), max_size=3),
)


def _property_names(schema: dict[str, Any]) -> list[str]:
    """A schema's properties, or those of every branch of its oneOf."""
    branches = schema.get("oneOf", [])
    names = [
        *schema.get("properties", {}),
        *(name for branch in branches for name in branch.get("properties", {})),
    ]
    return list(dict.fromkeys(names))


def objects(name: str) -> st.SearchStrategy[dict[str, Any]]:
    keys = [*_property_names(SCHEMAS[name]), "colour"]
    return st.dictionaries(st.sampled_from(keys), values, max_size=len(keys))


@pytest.mark.parametrize(
    "name", ["PreOrder", "ModifiedOrder", "Brackets", "OrderCancellation", "QuoteUpdate"]
)
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_request_schemas_agree_with_connexion(name: str, data: st.DataObject) -> None:
    agree(SCHEMAS[name], data.draw(objects(name)))


@pytest.mark.parametrize("name", ["PlacedOrder", "Quote", "Position", "Execution", "AccountInfo"])
@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_response_schemas_agree_with_connexion(name: str, data: st.DataObject) -> None:
    agree(SCHEMAS[name], data.draw(objects(name)), response=True)


def test_a_failure_the_python_validator_misses_is_still_explained() -> None:
    schema = {"type": "string", "pattern": "^[A-Z]+$"}
    message = CompiledSchema(schema, response=False).first_error("AAPL\n")
    assert "does not match" in message


@pytest.fixture
def service(tmp_path: Path) -> Iterator[tuple[TestClient, Path]]:
    db = tmp_path / "broker.db"
    app = create_app(local_settings(db=str(db), market=False))
    with TestClient(app, base_url="http://t/api/v1", headers=AUTH) as client:
        yield client, db


def test_json_that_python_would_read_as_nan_is_a_400(service: tuple[TestClient, Path]) -> None:
    client, _ = service
    body = b'{"symbol": "AAPL", "type": 1, "side": 1, "qty": NaN, "limitPrice": 5}'
    response = client.post("/broker/orders", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert "not valid JSON" in response.json()["detail"]


def test_non_utf8_bodies_say_so(service: tuple[TestClient, Path]) -> None:
    client, _ = service
    response = client.post(
        "/broker/orders", content=b'{"symbol": "\xff"}', headers={"content-type": "application/json"}
    )
    assert response.status_code == 400
    assert "not valid utf-8" in response.json()["detail"]


@pytest.mark.parametrize("charset", ["undefined", "punycode", "no-such-codec"])
def test_a_charset_that_cannot_decode_the_body_is_a_400(
    service: tuple[TestClient, Path], charset: str
) -> None:
    """Found by a hostile run: charset=undefined and charset=punycode were a 500 (uncaught UnicodeError)."""
    client, _ = service
    response = client.put(
        "/sim/quotes/AAPL",
        content=b'{"bid": 1, "ask": 2}',
        headers={"content-type": f"application/json;charset={charset}"},
    )
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert f"charset={charset}" in response.json()["detail"]


def test_a_failed_one_of_is_explained_by_the_branch_the_type_selects(
    service: tuple[TestClient, Path],
) -> None:
    client, _ = service
    response = client.post(
        "/broker/orders", json={"symbol": "AAPL", "type": 4, "side": 1, "qty": 1, "limitPrice": 2}
    )
    assert response.json()["detail"] == "'stopPrice' is a required property for a StopLimit order"


def test_responses_are_still_validated_in_full(service: tuple[TestClient, Path]) -> None:
    client, db = service
    for _ in range(3):
        client.post(
            "/broker/orders", json={"symbol": "AAPL", "type": 1, "side": 1, "qty": 1, "limitPrice": 2}
        )
    with sqlite3.connect(db) as conn:  # the last of the orders breaks the contract: qty must be > 0
        conn.execute("UPDATE orders SET qty = 0 WHERE id = '3'")  # what getOrder reads; getOrders lists:
        conn.execute("UPDATE orders SET body = CAST(json_set(body, '$.qty', 0) AS BLOB) WHERE id = '3'")
    assert client.get("/broker/orders/3").status_code == 500
    response = client.get("/broker/orders")
    assert response.status_code == 500
    assert "does not conform" in response.json()["detail"]
    assert "'2.qty'" in response.json()["detail"]


def test_parameter_errors_name_the_parameter_without_a_schema_dump(tmp_path: Path) -> None:
    app = create_app(local_settings(db=str(tmp_path / "p.db"), market=False))
    with TestClient(app, base_url="http://testserver/api/v1", headers=AUTH) as client:
        detail = client.get("/broker/executions/a$").json()["detail"]
        assert detail == "path parameter 'symbol': 'a$' does not match '^[A-Za-z0-9][A-Za-z0-9._:!-]{0,31}$'"
        assert client.get("/market/quotes").json()["detail"] == "Missing query parameter 'symbols'"


NUL_BODIES = {
    "a custom field's text": {"customFields": {"note": "a\u0000b"}},
    "a text-with-checkbox field": {"customFields": {"note": {"text": "\u0000", "checked": True}}},
    "a duration's type": {"duration": {"type": "G\u0000T"}},
}


@pytest.mark.parametrize("extra", NUL_BODIES.values(), ids=NUL_BODIES.keys())
def test_a_nul_character_in_any_string_is_refused_by_the_contract(
    service: tuple[TestClient, Path], extra: dict[str, Any]
) -> None:
    """Found by a hostile run: a NUL in a stored string was a 500 on PostgreSQL, which cannot store it."""
    client, _ = service
    order = {"symbol": "AAPL", "type": 1, "side": 1, "qty": 1, "limitPrice": 5, **extra}
    response = client.post("/broker/orders", json=order)
    assert response.status_code == 400, response.text
    assert client.get("/broker/orders").json() == [], "nothing half-written"


def test_a_nul_character_in_a_search_is_refused(service: tuple[TestClient, Path]) -> None:
    client, _ = service
    assert client.get("/broker/symbols", params={"search": "A\u0000"}).status_code == 400
