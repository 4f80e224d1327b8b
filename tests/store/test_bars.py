"""1-minute bars in both stores: exact round trips, one row per (symbol, minute), and range reads that are
bounded, ordered oldest first, and answered from the primary key."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from paperbroker.engine.bars import MINUTE_MS, Bar
from paperbroker.store.base import Store
from paperbroker.store.sql import BAR_COLUMNS
from paperbroker.store.sqlite import SQLiteStore
from tests.store.conftest import OpenStore

START = 1_795_000_020_000  # a minute boundary


def bar(minute: int, close: str = "10", ticks: int = 1) -> Bar:
    """The bar of the `minute`-th minute from START."""
    return Bar(
        START + minute * MINUTE_MS, Decimal("10"), Decimal("12.5"), Decimal("9.75"), Decimal(close), ticks
    )


def put(store: Store, symbol: str, *bars: Bar) -> None:
    with store.transaction() as ledger:
        for each in bars:
            ledger.put_minute_bar(symbol, each)


def test_a_bar_round_trips_exactly_across_a_reopen(store_opener: OpenStore) -> None:
    exact = Bar(
        START, Decimal("0.1"), Decimal("999999999.999999999"), Decimal("0.000000001"), Decimal("0.3"), 7
    )
    store = store_opener()
    put(store, "AAPL", exact)
    store.close()
    with store_opener().snapshot() as ledger:
        assert ledger.minute_bar("AAPL", START) == exact
        assert str(ledger.minute_bar("AAPL", START).high) == "999999999.999999999"  # type: ignore[union-attr]
        assert ledger.minute_bars("AAPL", None, None, 10) == [exact]


def test_putting_a_bar_of_the_same_minute_replaces_it(store: Store) -> None:
    put(store, "AAPL", bar(0, close="10", ticks=1))
    put(store, "AAPL", bar(0, close="11", ticks=2))
    with store.snapshot() as ledger:
        assert ledger.minute_bars("AAPL", None, None, 10) == [bar(0, close="11", ticks=2)]


def test_a_minute_with_no_bar_and_a_symbol_with_none_read_as_nothing(store: Store) -> None:
    put(store, "AAPL", bar(0))
    with store.snapshot() as ledger:
        assert ledger.minute_bar("AAPL", START + MINUTE_MS) is None
        assert ledger.minute_bar("MSFT", START) is None
        assert ledger.minute_bars("MSFT", None, None, 10) == []


def test_without_a_start_the_latest_bars_before_the_end_are_read_oldest_first(store: Store) -> None:
    put(store, "AAPL", *(bar(i) for i in (4, 0, 3, 1, 2)))
    put(store, "MSFT", bar(5))
    with store.snapshot() as ledger:
        assert ledger.minute_bars("AAPL", None, None, 3) == [bar(2), bar(3), bar(4)]
        assert ledger.minute_bars("AAPL", None, START + 3 * MINUTE_MS, 2) == [bar(1), bar(2)]
        assert ledger.minute_bars("AAPL", None, START + 3 * MINUTE_MS + 1, 2) == [bar(2), bar(3)]
        assert ledger.minute_bars("AAPL", None, START, 10) == []


def test_with_a_start_the_first_bars_from_it_are_read_oldest_first(store: Store) -> None:
    put(store, "AAPL", *(bar(i) for i in (4, 0, 3, 1, 2)))
    with store.snapshot() as ledger:
        assert ledger.minute_bars("AAPL", START + MINUTE_MS, None, 2) == [bar(1), bar(2)]
        assert ledger.minute_bars("AAPL", START + 1, None, 10) == [bar(1), bar(2), bar(3), bar(4)]
        assert ledger.minute_bars("AAPL", START + MINUTE_MS, START + 3 * MINUTE_MS, 10) == [bar(1), bar(2)]
        assert ledger.minute_bars("AAPL", START + 3 * MINUTE_MS, START + 3 * MINUTE_MS, 10) == []


def test_a_failed_transaction_leaves_no_bar(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction() as ledger:
        ledger.put_minute_bar("AAPL", bar(0))
        raise RuntimeError("boom")
    with store.snapshot() as ledger:
        assert ledger.minute_bars("AAPL", None, None, 10) == []


def test_clearing_the_trading_state_keeps_the_bars(store: Store) -> None:
    put(store, "AAPL", bar(0))
    with store.transaction() as ledger:
        ledger.clear_trading()
    with store.snapshot() as ledger:
        assert ledger.minute_bars("AAPL", None, None, 10) == [bar(0)]


@pytest.mark.parametrize(
    "where",
    ["symbol = ? AND time < ? ORDER BY time DESC", "symbol = ? AND time >= ? AND time < ? ORDER BY time ASC"],
)
def test_range_reads_search_the_primary_key_on_sqlite(tmp_path: Path, where: str) -> None:
    store = SQLiteStore(tmp_path / "plan.db")
    params = ("AAPL", START, START + MINUTE_MS)[: where.count("?")]
    plan = store._conn.execute(
        f"EXPLAIN QUERY PLAN SELECT {BAR_COLUMNS} FROM bars WHERE {where} LIMIT 10", params
    ).fetchall()
    details = [row[-1] for row in plan]
    assert any(
        d.startswith("SEARCH bars USING INDEX sqlite_autoindex_bars_1 (symbol=? AND time") for d in details
    )
    assert not any("TEMP B-TREE" in d for d in details), details  # the index gives the order: no sort
    store.close()
