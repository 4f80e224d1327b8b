"""getBars: the bars setQuote's prices make, at each resolution, paged by from, to and limit."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from starlette.testclient import TestClient

MINUTE = 60_000


def ms(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp() * 1000)


START = ms("2026-11-27T14:00:00")


class Clock:
    def __init__(self, now: int) -> None:
        self.now = now

    def __call__(self) -> int:
        return self.now


@pytest.fixture
def clock(client: TestClient) -> Clock:
    """The service's clock, moved by the test (the stub has no broker: its tests fail, as they should)."""
    clock = Clock(START)
    broker = getattr(client.app, "broker", None)
    if broker is not None:
        broker.clock = clock
    return clock


def quote_at(client: TestClient, clock: Clock, time: int, last: float, symbol: str = "AAPL") -> None:
    clock.now = time
    response = client.put(f"/sim/quotes/{symbol}", json={"bid": last, "ask": last + 1, "last": last})
    assert response.status_code == 200, response.text


def bars(client: TestClient, symbol: str = "AAPL", **query: Any) -> list[dict[str, Any]]:
    response = client.get(f"/market/bars/{symbol}", params=query)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    body: list[dict[str, Any]] = response.json()
    return body


def bar(time: int, open_: float, high: float, low: float, close: float, ticks: int) -> dict[str, Any]:
    return {"time": time, "open": open_, "high": high, "low": low, "close": close, "ticks": ticks}


def test_set_quotes_make_one_minute_bars_of_their_last_prices(client: TestClient, clock: Clock) -> None:
    for offset, last in [
        (1_000, 10),
        (20_000, 12),
        (40_000, 9),
        (59_999, 11),
        (MINUTE, 11.5),
        (3 * MINUTE, 13),
    ]:
        quote_at(client, clock, START + offset, last)
    assert bars(client) == [
        bar(START, 10, 12, 9, 11, 4),
        bar(START + MINUTE, 11.5, 11.5, 11.5, 11.5, 1),
        bar(START + 3 * MINUTE, 13, 13, 13, 13, 1),  # minute 2 had no quote: no bar
    ]


def test_a_quote_without_a_last_price_makes_the_bar_of_its_mid(client: TestClient, clock: Clock) -> None:
    clock.now = START
    assert client.put("/sim/quotes/EURUSD", json={"bid": 1.1, "ask": 1.10002}).status_code == 200
    assert bars(client, "EURUSD") == [bar(START, 1.10001, 1.10001, 1.10001, 1.10001, 1)]


def test_bars_are_exact_decimals(client: TestClient, clock: Clock) -> None:
    for last in (0.1, 0.2, 0.3):
        quote_at(client, clock, START, last)
    assert bars(client) == [bar(START, 0.1, 0.3, 0.1, 0.3, 3)]


def test_coarse_resolutions_aggregate_minutes_into_periods_aligned_to_the_epoch(
    client: TestClient, clock: Clock
) -> None:
    for minute, last in [(3, 10), (4, 14), (5, 12), (14, 8), (16, 9), (61, 20)]:
        quote_at(client, clock, START + minute * MINUTE + 30_000, last)
    assert bars(client, resolution=5) == [
        bar(START, 10, 14, 10, 14, 2),
        bar(START + 5 * MINUTE, 12, 12, 12, 12, 1),
        bar(START + 10 * MINUTE, 8, 8, 8, 8, 1),
        bar(START + 15 * MINUTE, 9, 9, 9, 9, 1),
        bar(START + 60 * MINUTE, 20, 20, 20, 20, 1),
    ]
    assert bars(client, resolution=15) == [
        bar(START, 10, 14, 8, 8, 4),
        bar(START + 15 * MINUTE, 9, 9, 9, 9, 1),
        bar(START + 60 * MINUTE, 20, 20, 20, 20, 1),
    ]
    assert bars(client, resolution=60) == [
        bar(START, 10, 14, 8, 9, 5),
        bar(START + 60 * MINUTE, 20, 20, 20, 20, 1),
    ]


def test_without_from_the_latest_bars_before_to_and_with_from_the_first_from_there(
    client: TestClient, clock: Clock
) -> None:
    for minute in range(10):
        quote_at(client, clock, START + minute * MINUTE, 100 + minute)
    times = [START + minute * MINUTE for minute in range(10)]

    def page(**query: Any) -> list[int]:
        return [b["time"] for b in bars(client, **query)]

    assert page(limit=3) == times[7:]
    assert page(limit=3, to=times[7]) == times[4:7]  # `to` is exclusive: page back from the first bar
    assert page(limit=3, **{"from": times[2]}) == times[2:5]  # page forward from the last bar plus one
    assert page(**{"from": times[2], "to": times[4]}) == times[2:4]
    assert page(**{"from": times[4], "to": times[4]}) == []
    assert page(resolution=5, limit=1) == [times[5]]
    assert page(resolution=5, **{"from": START + 1}) == [times[5]]  # bars that start at or after `from`
    assert page(resolution=5, to=times[5] + 1) == [times[0], times[5]]  # a bar holds its whole period


def test_the_default_limit_is_300_bars(client: TestClient, clock: Clock) -> None:
    for minute in range(301):
        quote_at(client, clock, START + minute * MINUTE, 100)
    got = bars(client)
    assert len(got) == 300
    assert got[0]["time"] == START + MINUTE


def test_a_symbol_never_quoted_has_no_bars(client: TestClient, clock: Clock) -> None:
    quote_at(client, clock, START, 10)
    assert bars(client, "MSFT") == []
    assert bars(client, "NASDAQ:NEVER", resolution=60) == []


def test_resetting_the_account_keeps_the_bars(client: TestClient, clock: Clock) -> None:
    quote_at(client, clock, START, 10)
    assert client.post("/sim/reset").status_code == 200
    assert bars(client) == [bar(START, 10, 10, 10, 10, 1)]


@pytest.mark.parametrize(
    "query",
    [
        "resolution=2",
        "resolution=1440",
        "resolution=abc",
        "limit=0",
        "limit=1001",
        "limit=x",
        "from=-1",
        "to=253402300800000",
        "to=yesterday",
    ],
)
def test_a_resolution_limit_or_time_outside_the_contract_is_a_400(client: TestClient, query: str) -> None:
    response = client.get(f"/market/bars/AAPL?{query}")
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"


def test_a_symbol_outside_the_contract_is_a_400(client: TestClient) -> None:
    assert client.get("/market/bars/-AAPL").status_code == 400
