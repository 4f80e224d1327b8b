"""The SQLite file keeps orders, executions, positions, the account and quotes across a restart."""

from pathlib import Path

from tests.keys import LOCAL_KEY_ENV, api
from tests.live import running

READS = [
    "/api/v1/broker/orders",
    "/api/v1/broker/positions",
    "/api/v1/broker/executions/AAPL",
    "/api/v1/broker/account",
    "/api/v1/market/quotes?symbols=AAPL",
]


def test_a_restarted_server_serves_the_same_books(tmp_path: Path) -> None:
    db = str(tmp_path / "broker.db")
    with running("serve", ["--db", db, "--no-market"], env=LOCAL_KEY_ENV) as base, api(base) as client:
        client.put("/api/v1/sim/quotes/AAPL", json={"bid": 99, "ask": 100}).raise_for_status()
        for order in (
            {"symbol": "AAPL", "type": 2, "side": 1, "qty": 10},
            {"symbol": "AAPL", "type": 1, "side": -1, "qty": 4, "limitPrice": 120},
            {"symbol": "AAPL", "type": 2, "side": -1, "qty": 3},
        ):
            client.post("/api/v1/broker/orders", json=order).raise_for_status()
        before = {path: client.get(path).json() for path in READS}
    assert len(before["/api/v1/broker/orders"]) == 3
    assert before["/api/v1/broker/positions"][0]["qty"] == 7

    with running("serve", ["--db", db, "--no-market"], env=LOCAL_KEY_ENV) as base, api(base) as client:
        after = {path: client.get(path).json() for path in READS}
        assert after == before
        # the restarted engine still matches the order that was working before the restart
        client.put("/api/v1/sim/quotes/AAPL", json={"bid": 121, "ask": 122}).raise_for_status()
        assert client.get("/api/v1/broker/orders/2").json()["status"] == 2
        assert client.post(
            "/api/v1/broker/orders", json={"symbol": "AAPL", "type": 2, "side": 1, "qty": 1}
        ).json() == {"orderId": "4"}
