"""Queries answered from their indexes: a quote reads only the orders it may fill; a conditional read finds
the newest event of a kind without a scan."""

from __future__ import annotations

from pathlib import Path

import pytest

from paperbroker.store.sql import NEWEST_EVENT, NEWEST_MARKET_EVENT
from paperbroker.store.sqlite import _WAITING, _WAITING_OF_ACCOUNT, SQLiteStore


@pytest.mark.parametrize("query", [_WAITING, _WAITING_OF_ACCOUNT], ids=["every account", "one account"])
def test_the_waiting_orders_query_searches_the_index_on_sqlite(tmp_path: Path, query: str) -> None:
    store = SQLiteStore(tmp_path / "plan.db")
    prices = {"symbol": "AAPL", "bid": 99.0, "ask": 101.0, "account": "paper"}
    plan = store._conn.execute(f"EXPLAIN QUERY PLAN {query}", prices).fetchall()
    details = [row[-1] for row in plan]
    searches = [d for d in details if d.startswith("SEARCH orders USING INDEX orders_waiting")]
    # One range search per (side, trigger kind) branch of the OR; never a scan of the table.
    assert len(searches) == 4, details
    assert all("trigger_price" in d for d in searches), details
    assert not any(d.startswith("SCAN orders") for d in details), details
    store.close()


def test_the_newest_event_of_a_kind_is_one_index_search_per_account_on_sqlite(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "plan.db")
    plan = store._conn.execute(f"EXPLAIN QUERY PLAN {NEWEST_EVENT}", ("paper", "order"))
    details = [row[-1] for row in plan.fetchall()]
    assert details == ["SEARCH events USING COVERING INDEX events_by_account (account_id=? AND kind=?)"], (
        details
    )
    plan = store._conn.execute(f"EXPLAIN QUERY PLAN {NEWEST_MARKET_EVENT}", ("quote",))
    details = [row[-1] for row in plan.fetchall()]
    assert details == ["SEARCH events USING COVERING INDEX events_by_account (account_id=? AND kind=?)"], (
        details
    )
    store.close()
