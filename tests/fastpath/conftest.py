"""A served app over a fresh SQLite file, for the fast path's tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from paperbroker.app import create_app
from tests.keys import AUTH, local_settings


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(local_settings(db=str(tmp_path / "broker.db"), market=False))
    with TestClient(app, base_url="http://t/api/v1", headers=AUTH) as test_client:
        yield test_client


ORDER = {"symbol": "AAPL", "type": 1, "side": 1, "qty": 1, "limitPrice": 2}
