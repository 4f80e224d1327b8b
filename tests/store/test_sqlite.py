"""What only the SQLite store has: its query plan, its durability (shared behaviours: test_behaviour.py)."""

from pathlib import Path

from paperbroker.store.sqlite import _WAITING, SQLiteStore


def test_the_waiting_orders_query_uses_the_index(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "b.db")
    plan = store._conn.execute(
        "EXPLAIN QUERY PLAN " + _WAITING, {"symbol": "A", "bid": 1, "ask": 2}
    ).fetchall()
    assert any("orders_waiting" in str(row) for row in plan)
    assert not any("SCAN orders" in str(row) and "INDEX" not in str(row) for row in plan)


def test_a_commit_is_synced_to_the_wal_before_it_is_acknowledged(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "b.db")
    assert store._conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert store._conn.execute("PRAGMA synchronous").fetchone() == (2,)  # FULL; NORMAL is 1
    store.close()
