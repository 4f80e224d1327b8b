"""A quote reads only the orders it may fill: the waiting-orders query is answered from its index."""

from __future__ import annotations

from pathlib import Path

from paperbroker.store.sqlite import _WAITING, SQLiteStore


def test_the_waiting_orders_query_searches_the_index_on_sqlite(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "plan.db")
    plan = store._conn.execute(
        f"EXPLAIN QUERY PLAN {_WAITING}", {"symbol": "AAPL", "bid": 99.0, "ask": 101.0}
    ).fetchall()
    details = [row[-1] for row in plan]
    searches = [d for d in details if d.startswith("SEARCH orders USING INDEX orders_waiting")]
    # One range search per (side, trigger kind) branch of the OR; never a scan of the table.
    assert len(searches) == 4, details
    assert all("trigger_price" in d for d in searches), details
    assert not any(d.startswith("SCAN orders") for d in details), details
    store.close()
