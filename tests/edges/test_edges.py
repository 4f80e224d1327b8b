"""HTTP edges handled before routing: body limits, 405 Allow headers, control characters in paths."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from paperbroker.app import create_app
from paperbroker.edges import MAX_PATH_LENGTH, MAX_SEGMENT_BYTES
from tests.keys import AUTH, local_settings


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(local_settings(db=str(tmp_path / "b.db"), market=False, max_body_bytes=1000))
    with TestClient(app, base_url="http://testserver/api/v1", headers=AUTH) as test_client:
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


def test_a_path_longer_than_the_limit_is_a_400_problem_wherever_it_points(client: TestClient) -> None:
    for path in ["/broker/orders/" + "1" * MAX_PATH_LENGTH, "/../../" + "a" * 10_000]:
        response = client.get(path)
        assert response.status_code == 400
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["detail"] == f"The path is longer than {MAX_PATH_LENGTH} characters."


def test_paths_within_the_limits_are_routed(client: TestClient) -> None:
    segment = client.get("/broker/orders/" + "1" * MAX_SEGMENT_BYTES)
    assert segment.status_code == 400
    assert segment.json()["detail"].startswith("path parameter 'orderId'")
    long_path = "x/" * ((MAX_PATH_LENGTH - len("/api/v1/broker/")) // 2)
    assert client.get("/broker/" + long_path).status_code == 404


@pytest.mark.parametrize("segment", ["a" * (MAX_SEGMENT_BYTES + 1), "é" * (MAX_SEGMENT_BYTES // 2 + 1)])
def test_a_path_segment_longer_than_a_file_name_can_be_is_a_400_problem(
    client: TestClient, segment: str
) -> None:
    for path in ["/../../" + segment, "/../../assets/" + segment]:
        response = client.get(path)
        assert response.status_code == 400
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["detail"] == f"A segment of the path is longer than {MAX_SEGMENT_BYTES} bytes."
