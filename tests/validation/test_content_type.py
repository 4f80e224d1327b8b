"""A body without a Content-Type is a 415 (the contract's UnsupportedMediaType), not taken for JSON."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from starlette.testclient import TestClient

from paperbroker.app import create_app
from tests.keys import AUTH, local_settings

ORDER = json.dumps({"symbol": "AAPL", "type": 2, "side": 1, "qty": 10}).encode()


@pytest.fixture(params=[True, False], ids=["fastpath", "stock"])
def client(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[TestClient]:
    app = create_app(local_settings(db=str(tmp_path / "b.db"), market=False, fastpath=request.param))
    with TestClient(app, base_url="http://testserver/api/v1", headers=AUTH) as test_client:
        assert test_client.put("/sim/quotes/AAPL", json={"bid": 99, "ask": 100}).status_code == 200
        yield test_client


def assert_unsupported_media_type(response: httpx.Response) -> None:
    assert response.status_code == 415
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["status"] == 415


def test_an_order_without_a_content_type_is_a_415_and_places_nothing(client: TestClient) -> None:
    response = client.post("/broker/orders", content=ORDER)
    assert "content-type" not in response.request.headers
    assert_unsupported_media_type(response)
    assert client.get("/broker/orders").json() == []


def test_a_streamed_body_without_a_content_type_is_a_415(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield ORDER[:10]
        yield ORDER[10:]

    assert_unsupported_media_type(client.post("/broker/orders", content=chunks()))
    assert client.get("/broker/orders").json() == []


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/broker/order-previews", ORDER),
        ("PUT", "/sim/quotes/AAPL", b'{"bid": 1, "ask": 2}'),
        ("POST", "/broker/order-cancellations", b'{"orderIds": ["1"]}'),
    ],
)
def test_every_operation_with_a_body_refuses_one_without_a_content_type(
    client: TestClient, method: str, path: str, body: bytes
) -> None:
    assert_unsupported_media_type(client.request(method, path, content=body))
    assert client.get("/market/quotes", params={"symbols": "AAPL"}).json()[0]["bid"] == 99
    assert client.get("/broker/orders").json() == []


def test_closing_a_position_without_a_body_needs_no_content_type(client: TestClient) -> None:
    assert client.post(
        "/broker/orders", content=ORDER, headers={"content-type": "application/json"}
    ).is_success
    partly = client.post("/broker/positions/AAPL/close", content=b'{"amount": 4}')
    assert_unsupported_media_type(partly)
    assert client.get("/broker/positions").json()[0]["qty"] == 10
    whole = client.post("/broker/positions/AAPL/close")
    assert "content-type" not in whole.request.headers
    assert (whole.status_code, whole.json()["qty"]) == (201, 10)
    assert client.get("/broker/positions").json() == []
