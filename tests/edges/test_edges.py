"""HTTP edges handled before routing: body limits, 405 Allow headers, control characters in paths."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from paperbroker.app import create_app
from paperbroker.settings import Settings


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(Settings(db=str(tmp_path / "b.db"), market=False, max_body_bytes=1000))
    with TestClient(app, base_url="http://testserver/api/v1") as test_client:
        yield test_client


def test_an_oversized_body_is_a_413_problem_and_places_nothing(client: TestClient) -> None:
    body = {"symbol": "AAPL", "type": 2, "side": 1, "qty": 1, "customFields": {"note": "x" * 2000}}
    response = client.post("/broker/orders", json=body)
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert client.get("/broker/orders").json() == []


def test_an_oversized_chunked_body_is_a_413(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"symbol": "AAPL", "pad": "'
        yield b"x" * 2000
        yield b'"}'

    response = client.post("/broker/orders", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413


def test_a_405_lists_every_documented_method_of_the_path(client: TestClient) -> None:
    response = client.patch("/broker/orders/1")
    assert response.status_code == 405
    assert response.headers["allow"] == "DELETE, GET, PUT"
    assert client.post("/broker/account").headers["allow"] == "GET"


def test_control_characters_in_a_path_are_a_400(client: TestClient) -> None:
    response = client.get("/broker/executions/AB%0A")
    assert response.status_code == 400
    assert response.json()["detail"] == "The path contains control characters."
