"""The edge in-process: which key a request counts against, the RateLimit fields, the 429 problem."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse, StreamingResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from paperbroker.app import create_app
from paperbroker.mock import create_stateful_app
from paperbroker.ratelimit import MemoryCounter, Policy
from paperbroker.ratelimit.middleware import RateLimit, client_key
from paperbroker.settings import SettingError, Settings

KEY = "pbk_00000000000000a1_local-test-key-0123456789abcdefghij"
OTHER_KEY = "pbk_00000000000000b2_other-test-key-0123456789abcdefghij"
T0 = 1_800_000_000_000


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> int:
        return self.now


def _ok(_request: object) -> PlainTextResponse:
    return PlainTextResponse("ok")


def limited(limit: int, window: int, clock: Clock) -> TestClient:
    """The real middleware around a plain app, with a clock the test moves."""
    app = Starlette(routes=[Route("/api/v1/{rest:path}", _ok), Route("/", _ok)])
    return TestClient(RateLimit(app, MemoryCounter(Policy(limit, window)), clock=clock))


def bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_every_limited_answer_carries_the_policy_and_what_is_left_in_structured_fields() -> None:
    clock = Clock()
    client = limited(200, 10, clock)
    response = client.get("/api/v1/broker/orders", headers=bearer(KEY))
    assert response.status_code == 200
    assert response.headers["RateLimit-Policy"] == '"default";q=200;w=10'
    assert response.headers["RateLimit"] == '"default";r=199;t=10'
    clock.now += 7_001
    assert client.get("/api/v1/x", headers=bearer(KEY)).headers["RateLimit"] == '"default";r=198;t=3'


def test_beyond_the_limit_a_429_problem_with_retry_after() -> None:
    clock = Clock()
    client = limited(2, 60, clock)
    for _ in range(2):
        assert client.get("/api/v1/x", headers=bearer(KEY)).status_code == 200
    clock.now += 15_500
    refused = client.get("/api/v1/x", headers=bearer(KEY))
    assert refused.status_code == 429
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert refused.headers["Retry-After"] == "45"
    assert refused.headers["RateLimit"] == '"default";r=0;t=45'
    assert refused.headers["RateLimit-Policy"] == '"default";q=2;w=60'
    problem = refused.json()
    assert problem["type"] == "about:blank"
    assert problem["title"] == "Too Many Requests"
    assert problem["status"] == 429
    assert "2 requests in 60 s" in problem["detail"] and "45 s" in problem["detail"]
    clock.now = T0 + 60_000
    assert client.get("/api/v1/x", headers=bearer(KEY)).status_code == 200


def test_each_api_key_and_each_keyless_address_has_its_own_quota() -> None:
    client = limited(1, 60, Clock())
    assert client.get("/api/v1/x", headers=bearer(KEY)).status_code == 200
    assert client.get("/api/v1/x", headers=bearer(KEY)).status_code == 429
    assert client.get("/api/v1/x", headers=bearer(OTHER_KEY)).status_code == 200
    assert client.get("/api/v1/x").status_code == 200  # the address: no key
    assert client.get("/api/v1/x", headers={"Authorization": "Bearer not-a-key"}).status_code == 429


def test_the_key_is_the_ids_16_hex_and_a_malformed_token_counts_against_the_address() -> None:
    def key_of(value: bytes) -> str:
        return client_key({"headers": [(b"authorization", value)], "client": ("10.0.0.7", 5000)})

    assert key_of(f"Bearer {KEY}".encode()) == "key:00000000000000a1"
    assert key_of(f"bearer {KEY}".encode()) == "key:00000000000000a1"
    assert key_of(b"Bearer pbk_00000000000000A1_local-test-key-0123456789abcdefghij") == "addr:10.0.0.7"
    assert key_of(b"Bearer pbk_00000000000000a1_short") == "addr:10.0.0.7"
    assert key_of(b"Basic dXNlcjpwYXNz") == "addr:10.0.0.7"


def test_the_contract_its_documentation_and_pages_outside_the_api_are_not_counted() -> None:
    client = limited(1, 60, Clock())
    for path in ("/api/v1/openapi.json", "/api/v1/ui/", "/api/v1/ui/index.html", "/"):
        for _ in range(3):
            response = client.get(path)
            assert response.status_code == 200 and "RateLimit" not in response.headers
    assert client.get("/api/v1/x").status_code == 200


def test_the_service_answers_429_problems_in_process_and_exposes_the_fields_to_pages(tmp_path: Path) -> None:
    settings = Settings(
        db=str(tmp_path / "b.db"), market=False, rate_limit=2, rate_window=3600, cors_origins=("http://page",)
    )
    with TestClient(create_app(settings), base_url="http://t/api/v1") as client:
        headers = {**bearer(KEY), "Origin": "http://page"}
        answers = [client.get("/broker/symbols", headers=headers) for _ in range(3)]
    assert [a.headers["RateLimit"].split(";t=")[0] for a in answers] == [
        '"default";r=1',
        '"default";r=0',
        '"default";r=0',
    ]
    assert answers[2].status_code == 429
    assert answers[2].headers["Content-Type"] == "application/problem+json"
    assert int(answers[2].headers["Retry-After"]) in range(3590, 3601)
    exposed = {
        name.strip().lower() for name in answers[2].headers["Access-Control-Expose-Headers"].split(",")
    }
    assert {"ratelimit", "ratelimit-policy", "retry-after"} <= exposed
    assert (tmp_path / "b.db.limits").exists()


def test_off_means_no_limit_and_no_fields(tmp_path: Path) -> None:
    settings = Settings(db=str(tmp_path / "b.db"), market=False, rate_limit=0)
    with TestClient(create_app(settings), base_url="http://t/api/v1") as client:
        response = client.get("/broker/symbols", headers=bearer(KEY))
    assert "RateLimit" not in response.headers
    assert not (tmp_path / "b.db.limits").exists()


def test_the_stateful_mock_counts_in_memory() -> None:
    with TestClient(create_stateful_app(Settings(market=False, rate_limit=1, rate_window=60))) as client:
        first = client.get("/api/v1/broker/symbols", headers=bearer(KEY))
        second = client.get("/api/v1/broker/symbols", headers=bearer(KEY))
    assert first.status_code != 429 and second.status_code == 429
    assert second.headers["RateLimit-Policy"] == '"default";q=1;w=60'


def test_a_window_longer_than_a_day_is_refused_as_retry_after_is_documented_up_to_86400() -> None:
    with pytest.raises(SettingError, match="PAPERBROKER_RATE_WINDOW='86401'"):
        Settings.from_env({"PAPERBROKER_RATE_WINDOW": "86401"})
    assert Settings.from_env({"PAPERBROKER_RATE_LIMIT": "off"}).rate_limit == 0
    assert Settings().rate_limit == 200 and Settings().rate_window == 10


def test_a_stream_counts_once_when_opened_however_long_it_runs() -> None:
    async def ticks() -> AsyncIterator[bytes]:
        for n in range(50):
            yield f"id: {n}\n\n".encode()

    app = Starlette(
        routes=[
            Route(
                "/api/v1/broker/events", lambda _r: StreamingResponse(ticks(), media_type="text/event-stream")
            ),
            Route("/api/v1/{rest:path}", _ok),
        ]
    )
    client = TestClient(RateLimit(app, MemoryCounter(Policy(10, 60)), clock=Clock()))
    with client.stream("GET", "/api/v1/broker/events", headers=bearer(KEY)) as stream:
        assert stream.headers["RateLimit"] == '"default";r=9;t=60'
        assert sum(1 for _ in stream.iter_lines() if _) == 50
    assert client.get("/api/v1/x", headers=bearer(KEY)).headers["RateLimit"] == '"default";r=8;t=60'
