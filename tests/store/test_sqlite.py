"""The SQLite store against a real file: round trips, atomic transactions, the waiting-orders index."""

from pathlib import Path

import pytest

from paperbroker.engine.model import (
    Account,
    Duration,
    Execution,
    Order,
    OrderStatus,
    OrderType,
    Position,
    Quote,
    Side,
    StopType,
)
from paperbroker.store.sqlite import SQLiteStore


def working(
    order_id: str, side: Side, type_: OrderType, limit: float | None = None, stop: float | None = None
) -> Order:
    return Order(order_id, "AAPL", type_, side, 1, OrderStatus.Working, 0, limit_price=limit, stop_price=stop)


def test_everything_round_trips_through_a_file(tmp_path: Path) -> None:
    path = tmp_path / "b.db"
    order = Order(
        "1", "AAPL", OrderType.StopLimit, Side.Sell, 3, OrderStatus.Working, 5, limit_price=9, stop_price=10,
        stop_type=StopType.StopLoss, duration=Duration("GTD", 123), triggered=True,
    )  # fmt: skip
    execution = Execution("1", "AAPL", Side.Sell, 3, 9.5, 6, 0.03)
    store = SQLiteStore(path)
    with store.transaction() as ledger:
        assert ledger.next_order_id() == "1"
        ledger.add_order(order)
        ledger.add_execution(execution)
        ledger.put_position("AAPL", Position("AAPL", -3, 9.5))
        ledger.put_account(Account("paper", "Paper", "USD", 1000, 5, 0.03))
        ledger.put_quote(Quote("AAPL", 9, 9.1, 9.05, 6))
    store.close()

    reopened = SQLiteStore(path)
    with reopened.transaction() as ledger:
        assert ledger.get_order("1") == order
        assert ledger.list_executions("AAPL") == [execution]
        assert ledger.list_positions() == [Position("AAPL", -3, 9.5)]
        assert ledger.get_account() == Account("paper", "Paper", "USD", 1000, 5, 0.03)
        assert ledger.list_quotes(["AAPL", "MSFT"]) == {"AAPL": Quote("AAPL", 9, 9.1, 9.05, 6)}
        assert ledger.next_order_id() == "2"


def test_a_failed_transaction_writes_nothing(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "b.db")
    with pytest.raises(RuntimeError), store.transaction() as ledger:
        ledger.add_order(working("1", Side.Buy, OrderType.Limit, limit=1))
        raise RuntimeError("boom")
    with store.transaction() as ledger:
        assert ledger.list_orders() == []


def test_flat_positions_are_deleted(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "b.db")
    with store.transaction() as ledger:
        ledger.put_position("AAPL", Position("AAPL", 1, 1))
        ledger.put_position("AAPL", None)
        assert ledger.list_positions() == []


def test_orders_waiting_on_a_quote_are_only_those_it_may_fill(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "b.db")
    orders = [
        working("buy-limit-hit", Side.Buy, OrderType.Limit, limit=100),
        working("buy-limit-far", Side.Buy, OrderType.Limit, limit=90),
        working("sell-limit-hit", Side.Sell, OrderType.Limit, limit=98),
        working("sell-limit-far", Side.Sell, OrderType.Limit, limit=110),
        working("buy-stop-hit", Side.Buy, OrderType.Stop, stop=99),
        working("buy-stop-far", Side.Buy, OrderType.Stop, stop=105),
        working("sell-stop-hit", Side.Sell, OrderType.Stop, stop=101),
        working("sell-stop-far", Side.Sell, OrderType.Stop, stop=95),
    ]
    with store.transaction() as ledger:
        for order in orders:
            ledger.add_order(order)
        ledger.add_order(
            Order("done", "AAPL", OrderType.Limit, Side.Buy, 1, OrderStatus.Canceled, 0, limit_price=200)
        )
        waiting = ledger.orders_waiting_on(Quote("AAPL", 99, 100, 99.5, 0))
    assert [order.id for order in waiting] == [
        "buy-limit-hit",
        "sell-limit-hit",
        "buy-stop-hit",
        "sell-stop-hit",
    ]


def test_the_waiting_orders_query_uses_the_index(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "b.db")
    from paperbroker.store.sqlite import _WAITING

    plan = store._conn.execute(
        "EXPLAIN QUERY PLAN " + _WAITING, {"symbol": "A", "bid": 1, "ask": 2}
    ).fetchall()
    assert any("orders_waiting" in str(row) for row in plan)
    assert not any("SCAN orders" in str(row) and "INDEX" not in str(row) for row in plan)
