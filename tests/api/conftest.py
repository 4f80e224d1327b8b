"""The API under test: the real service over a fresh SQLite file, or the stub when
PAPERBROKER_API_UNDER_TEST=stub (the contract-first red phase: these tests must then fail).

The service runs each test twice: through the fast path and as stock Connexion (PAPERBROKER_FASTPATH=false),
so the switch's off position is always ready for a Connexion upgrade."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from paperbroker.app import create_app, create_stub_app
from tests.keys import AUTH, local_settings


@pytest.fixture(params=[True, False], ids=["fastpath", "stock"])
def client(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[TestClient]:
    if os.environ.get("PAPERBROKER_API_UNDER_TEST") == "stub":
        app = create_stub_app()
    else:
        settings = local_settings(
            db=str(tmp_path / "broker.db"), market=False, fastpath=request.param, rate_limit=10**6
        )
        app = create_app(settings)  # a limit no test reaches: test_market quotes 301 times in a row
    with TestClient(app, base_url="http://testserver/api/v1", headers=AUTH) as test_client:
        yield test_client


@pytest.fixture
def place(client: TestClient) -> Callable[..., str]:
    def place_order(**order: Any) -> str:
        response = client.post("/broker/orders", json=order)
        assert response.status_code == 201, response.text
        order_id: str = response.json()["orderId"]
        return order_id

    return place_order


@pytest.fixture
def quote(client: TestClient) -> Callable[[str, float, float], None]:
    def set_quote(symbol: str, bid: float, ask: float) -> None:
        response = client.put(f"/sim/quotes/{symbol}", json={"bid": bid, "ask": ask})
        assert response.status_code == 200, response.text

    return set_quote
