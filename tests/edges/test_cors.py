"""CORS: pages from the configured origins may call serve and both mocks, in both fast path modes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from connexion import AsyncApp
from starlette.testclient import TestClient

from paperbroker.app import create_app
from paperbroker.mock import create_example_app, create_stateful_app
from paperbroker.settings import Settings
from tests.keys import AUTH, LOCAL_KEY_ENV, api, local_settings
from tests.live import running

ALLOWED = "http://localhost:5173"
ORDERS = "/api/v1/broker/orders"
PREFLIGHT = {
    "Origin": ALLOWED,
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "content-type, idempotency-key",
}

APPS: dict[str, Callable[[Settings], AsyncApp]] = {
    "serve-fastpath": lambda settings: create_app(settings),
    "serve-stock": lambda settings: create_app(replace(settings, fastpath=False)),
    "mock-stateful": lambda settings: create_stateful_app(settings),
    "mock-examples": lambda settings: create_example_app(settings),
}


def client_of(name: str, tmp_path: Path, origins: tuple[str, ...]) -> TestClient:
    settings = local_settings(db=str(tmp_path / "b.db"), market=False, cors_origins=origins)
    return TestClient(APPS[name](settings), headers=AUTH)


@pytest.fixture(params=list(APPS))
def allowing(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[TestClient]:
    with client_of(request.param, tmp_path, (ALLOWED, "https://other.example")) as client:
        yield client


def test_a_preflight_from_an_allowed_origin_is_answered_with_the_methods_and_headers(
    allowing: TestClient,
) -> None:
    response = allowing.options(ORDERS, headers=PREFLIGHT)
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == ALLOWED
    assert set(response.headers["access-control-allow-methods"].split(", ")) == {
        "DELETE",
        "GET",
        "POST",
        "PUT",
    }
    allowed_headers = response.headers["access-control-allow-headers"].lower()
    for header in ("content-type", "last-event-id", "if-none-match", "idempotency-key", "authorization"):
        assert header in allowed_headers


def test_an_allowed_origins_request_and_its_errors_carry_the_headers(allowing: TestClient) -> None:
    listed = allowing.get(ORDERS, headers={"Origin": ALLOWED})
    assert listed.status_code == 200
    assert listed.headers["access-control-allow-origin"] == ALLOWED
    assert set(listed.headers["access-control-expose-headers"].split(", ")) >= {"ETag", "Retry-After"}
    refused = allowing.post(ORDERS, json={"symbol": "AAPL"}, headers={"Origin": ALLOWED})
    assert refused.status_code == 400
    assert refused.headers["access-control-allow-origin"] == ALLOWED


def test_another_origin_gets_no_cors_headers(allowing: TestClient) -> None:
    preflight = allowing.options(ORDERS, headers={**PREFLIGHT, "Origin": "http://evil.example"})
    assert "access-control-allow-origin" not in preflight.headers
    listed = allowing.get(ORDERS, headers={"Origin": "http://evil.example"})
    assert "access-control-allow-origin" not in listed.headers


@pytest.mark.parametrize("name", list(APPS))
def test_by_default_no_response_has_cors_headers(name: str, tmp_path: Path) -> None:
    with client_of(name, tmp_path, ()) as client:
        preflight = client.options(ORDERS, headers=PREFLIGHT)
        listed = client.get(ORDERS, headers={"Origin": ALLOWED})
    for response in (preflight, listed):
        assert not [name for name in response.headers if name.lower().startswith("access-control-")]


def test_any_origin_with_a_star(tmp_path: Path) -> None:
    with client_of("serve-fastpath", tmp_path, ("*",)) as client:
        response = client.get(ORDERS, headers={"Origin": "http://anywhere.example"})
    assert response.headers["access-control-allow-origin"] == "*"


@pytest.mark.parametrize("fastpath", ["true", "false"])
def test_the_event_stream_is_readable_cross_origin(fastpath: str, tmp_path: Path) -> None:
    args = ["--db", str(tmp_path / "b.db"), "--no-market", "--cors-origins", ALLOWED]
    env = {**LOCAL_KEY_ENV, "PAPERBROKER_FASTPATH": fastpath}
    with running("serve", args, env=env) as base, api(base, timeout=10) as client:
        client.put("/api/v1/sim/quotes/AAPL", json={"bid": 100, "ask": 101})
        headers = {"Origin": ALLOWED, "Last-Event-ID": "0"}
        with client.stream("GET", "/api/v1/broker/events", headers=headers) as response:
            assert response.status_code == 200
            assert response.headers["access-control-allow-origin"] == ALLOWED
            assert response.headers["content-type"].startswith("text/event-stream")
            lines = response.iter_lines()
            assert any(line.startswith("data:") for line in lines)
