"""The market ticks once however many workers serve: `serve --workers 2` over a SQLite file."""

from __future__ import annotations

import random
import threading
from pathlib import Path

import httpx

from paperbroker.broker import Broker, BrokerConfig
from paperbroker.store.locks import FileLock
from paperbroker.store.sqlite import SQLiteStore
from tests.keys import AUTH, LOCAL_KEY_ENV
from tests.live import running
from tests.store.books import assert_books_agree


def test_two_workers_share_a_sqlite_file(tmp_path: Path) -> None:
    db = tmp_path / "b.db"
    symbols = ("AAA", "BBB")
    env = {
        **LOCAL_KEY_ENV,
        "PAPERBROKER_MARKET_SYMBOLS": ",".join(symbols),
        "PAPERBROKER_MARKET_INTERVAL": "0.05",
    }
    placed: list[str] = []

    def client(seed: int, base: str) -> None:
        rng = random.Random(seed)
        with httpx.Client(base_url=f"{base}/api/v1", headers=AUTH, timeout=30) as http:
            for _ in range(30):
                body = {"symbol": rng.choice(symbols), "side": rng.choice([1, -1]), "qty": 1, "type": 2}
                response = http.post("/broker/orders", json=body)
                assert response.status_code == 201, response.text
                placed.append(response.json()["orderId"])

    with running("serve", ["--workers", "2", "--db", str(db)], env=env) as base:
        threads = [threading.Thread(target=client, args=(seed, base)) for seed in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not FileLock(f"{db}.ticker.lock").acquire(), "a worker holds the ticker lock"
    assert len(placed) == 120
    assert_books_agree(Broker(SQLiteStore(db), BrokerConfig()), symbols, placed)
