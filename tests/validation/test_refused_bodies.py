"""JSON that parses but is refused: a key named twice, nesting past MAX_DEPTH, numbers that are not finite."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from starlette.testclient import TestClient

from paperbroker.app import create_app
from paperbroker.validation import MAX_DEPTH, RefusedBody, refuse_unsafe
from tests.keys import AUTH, local_settings

ORDER = b'{"symbol": "AAPL", "type": 1, "side": 1, "qty": 10, "limitPrice": 150.25}'


def refused(raw: bytes, encoding: str = "utf-8") -> str | None:
    """The reason `raw` is refused, or None when it is taken."""
    try:
        refuse_unsafe(orjson.loads(raw.decode(encoding)), raw, encoding)
    except RefusedBody as error:
        return str(error)
    return None


def nested(depth: int) -> bytes:
    return b'{"a":' * (depth - 1) + b"[1]" + b"}" * (depth - 1)


def test_an_ordinary_body_is_taken() -> None:
    assert refused(ORDER) is None


@pytest.mark.parametrize(
    "raw",
    [
        b'{"qty": 1, "qty": 2}',
        b'{"symbol": "AAPL", "customFields": {"note": "a", "note": "b"}}',
        b'[{"a": 1}, {"b": 1, "b": 1}]',
        b'{"a" : 1, "a":2}',  # the key ends are counted with and without space before the colon
    ],
)
def test_a_key_named_twice_in_one_object_is_refused_as_ambiguous(raw: bytes) -> None:
    reason = refused(raw)
    assert reason is not None
    assert "ambiguous" in reason
    assert "more than once" in reason


def test_the_same_key_in_different_objects_is_not_a_repeat() -> None:
    assert refused(b'{"a": {"a": 1}, "b": [{"a": 2}, {"a": 3}]}') is None


def test_an_escaped_quote_before_a_colon_in_a_string_is_not_taken_for_a_key() -> None:
    assert refused(b'{"note": "say \\": here", "qty": 1}') is None
    assert refused(b'{"note": "say \\": here", "note": 1}') is not None


def test_a_repeat_in_another_encoding_is_found_too() -> None:
    raw = '{"note": "é", "note": "è"}'.encode("latin-1")
    assert refused(raw, "latin-1") is not None
    assert refused('{"note": "é"}'.encode("latin-1"), "latin-1") is None


def test_nesting_up_to_the_limit_is_taken_and_deeper_is_refused() -> None:
    assert refused(nested(MAX_DEPTH)) is None
    assert refused(nested(MAX_DEPTH + 1)) == f"The request body nests deeper than {MAX_DEPTH} levels."
    assert refused(b"[" * 1000 + b"]" * 1000) is not None


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = local_settings(db=str(tmp_path / "b.db"), market=False, max_body_bytes=1_000_000)
    with TestClient(create_app(settings), base_url="http://testserver/api/v1", headers=AUTH) as test_client:
        yield test_client


def post(client: TestClient, raw: bytes) -> tuple[int, str, str]:
    response = client.post("/broker/orders", content=raw, headers={"content-type": "application/json"})
    return response.status_code, response.headers["content-type"], response.json().get("detail", "")


@pytest.mark.parametrize(
    "raw",
    [
        b'{"symbol": "AAPL", "type": 1, "side": 1, "qty": 1, "qty": 2, "limitPrice": 150.25}',
        b"[" * 1000 + b"]" * 1000,
        b"[" * 100_000 + b"]" * 100_000,
        b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
        b'{"symbol": "AAPL", "type": 1, "side": 1, "qty": NaN}',
        b'{"symbol": "AAPL", "type": 1, "side": 1, "qty": Infinity}',
        b'{"symbol": "AAPL", "type": 1, "side": 1, "qty": -Infinity}',
        b'{"symbol": "AAPL", "type": 1, "side": 1, "qty": 1e309}',
    ],
    ids=[
        "duplicate",
        "1000-deep",
        "100000-deep-arrays",
        "100000-deep-objects",
        "nan",
        "inf",
        "-inf",
        "1e309",
    ],
)
def test_the_service_answers_a_refused_body_with_a_400_problem_and_places_nothing(
    client: TestClient, raw: bytes
) -> None:
    status, content_type, _ = post(client, raw)
    assert (status, content_type) == (400, "application/problem+json")
    assert client.get("/broker/orders").json() == []


def test_the_duplicate_key_problem_names_the_key(client: TestClient) -> None:
    _, _, detail = post(client, b'{"symbol": "AAPL", "type": 1, "side": 1, "qty": 1, "qty": 2}')
    assert "'qty' more than once" in detail
