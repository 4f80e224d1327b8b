"""The stateful mock: the real engine and market in memory, and never a file, whatever PAPERBROKER_DB says."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.testclient import TestClient

from paperbroker.mock import create_stateful_app
from paperbroker.settings import Settings
from tests.keys import AUTH, LOCAL_KEY, local_settings


def test_fills_orders_and_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PAPERBROKER_DB", str(tmp_path / "would-be.db"))
    app = create_stateful_app(Settings.from_env(market_interval=0.05, local_key=LOCAL_KEY))
    with TestClient(app, headers=AUTH) as client:
        quote = client.put("/api/v1/sim/quotes/MOCK1", json={"bid": 9.5, "ask": 10.5})
        assert quote.status_code == 200
        market_buy = {"symbol": "MOCK1", "type": 2, "side": 1, "qty": 2}
        placed = client.post("/api/v1/broker/orders", json=market_buy)
        assert placed.status_code == 201
        order = client.get(f"/api/v1/broker/orders/{placed.json()['orderId']}").json()
        assert (order["status"], order["avgPrice"]) == (2, 10.5)
        positions = client.get("/api/v1/broker/positions").json()
        assert {"id": "MOCK1", "symbol": "MOCK1", "qty": 2, "side": 1, "avgPrice": 10.5} in positions
        # The simulated market runs too: its symbols are quoted.
        quotes = client.get("/api/v1/market/quotes", params={"symbols": "AAPL"})
        assert quotes.status_code == 200
    assert list(tmp_path.iterdir()) == []


def test_each_mock_starts_empty() -> None:
    for _ in range(2):
        with TestClient(create_stateful_app(local_settings(market=False)), headers=AUTH) as client:
            assert client.get("/api/v1/broker/orders").json() == []
            client.put("/api/v1/sim/quotes/MOCK2", json={"bid": 1, "ask": 2})
            client.post("/api/v1/broker/orders", json={"symbol": "MOCK2", "type": 2, "side": 1, "qty": 1})
            assert len(client.get("/api/v1/broker/orders").json()) == 1
