"""The listings a terminal polls, on every store: the pending orders with the newest final ones, and history
pages walked from a position (keyset pagination), each order once, whatever finalizes meanwhile."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal

import orjson

from paperbroker.engine.model import Duration, Order, OrderStatus, OrderType, ParentType, Side, StopType
from paperbroker.serialize import order_json
from paperbroker.store.base import HistoryPosition, Ledger, ListedOrder, Store
from paperbroker.store.sql import SQLLedger
from tests.store.conftest import OpenStore

FINAL = (OrderStatus.Filled, OrderStatus.Canceled, OrderStatus.Rejected)


def order(order_id: int, status: OrderStatus, update_time: int, symbol: str = "AAPL") -> Order:
    return Order(str(order_id), symbol, OrderType.Limit, Side.Buy, Decimal(1), status, update_time,
                 limit_price=Decimal(100))  # fmt: skip


def ids(orders: Sequence[Order | ListedOrder]) -> list[str]:
    return [o.id for o in orders]


def walk(store: Store, limit: int, account: str = "paper") -> list[list[str]]:
    pages: list[list[str]] = []
    after: HistoryPosition | None = None
    while True:
        with store.snapshot(account) as ledger:
            page, after = ledger.final_orders_page(limit, after)
        pages.append(ids(page))
        if after is None:
            return pages


def seed(ledger: Ledger, orders: list[Order]) -> None:
    for placed in orders:
        ledger.add_order(placed)


def test_current_orders_are_the_pending_ones_and_the_newest_final_ones_oldest_first(store: Store) -> None:
    with store.transaction() as ledger:
        seed(ledger, [
            order(1, OrderStatus.Working, 10), order(2, OrderStatus.Filled, 50),
            order(3, OrderStatus.Inactive, 11), order(4, OrderStatus.Canceled, 40),
            order(5, OrderStatus.Rejected, 60), order(6, OrderStatus.Filled, 30),
            order(7, OrderStatus.Placing, 12),
        ])  # fmt: skip
    with store.transaction("bob") as bob:
        seed(bob, [order(8, OrderStatus.Working, 1), order(9, OrderStatus.Filled, 99)])
    with store.snapshot() as ledger:
        assert ids(ledger.current_orders(2)) == ["1", "2", "3", "5", "7"]
        assert ids(ledger.current_orders(0)) == ["1", "3", "7"]
        assert ids(ledger.current_orders(10)) == ["1", "2", "3", "4", "5", "6", "7"]
    with store.snapshot("bob") as bob:
        assert ids(bob.current_orders(10)) == ["8", "9"]


def test_a_listed_order_is_its_contract_json_after_every_write_with_any_optional_field(store: Store) -> None:
    plain = order(1, OrderStatus.Working, 10)
    full = Order("2", "MSFT", OrderType.StopLimit, Side.Sell, Decimal("0.5"), OrderStatus.Working, 11,
                 filled_qty=Decimal("0.25"), avg_price=Decimal("412.1"), limit_price=Decimal("0.1"),
                 stop_price=Decimal("412.35"), take_profit=Decimal("400"), stop_loss=Decimal("420.5"),
                 stop_type=StopType.TrailingStop, duration=Duration("GTT", 1_800_000_000_000),
                 parent_id="1", parent_type=ParentType.Order, message="waits for its parent",
                 guaranteed_stop=Decimal("421"), trailing_stop_pips=Decimal("15"),
                 custom_fields='{"note": "ü", "n": [1, 2.5]}', expires_at=1_800_000_000_000)  # fmt: skip
    rejected = replace(full, id="3", status=OrderStatus.Rejected, message="no margin")
    with store.transaction() as ledger:
        seed(ledger, [plain, full, rejected])
    changed = replace(full, status=OrderStatus.Canceled, update_time=12, message=None, duration=None)
    with store.transaction() as ledger:
        ledger.update_order(changed)
    with store.snapshot() as ledger:
        listed = ledger.current_orders(10)
    assert [orjson.loads(order.body) for order in listed] == [
        order_json(placed) for placed in (plain, changed, rejected)
    ]
    assert [(order.id, order.status, order.symbol) for order in listed] == [
        ("1", 6, "AAPL"), ("2", 1, "MSFT"), ("3", 5, "MSFT")
    ]  # fmt: skip
    assert orjson.loads(listed[2].body)["message"] == {"text": "no margin", "type": "error"}


def test_a_row_written_without_its_body_is_listed_from_its_columns(store_opener: OpenStore) -> None:
    store = store_opener()  # a SQL store's: only a table can hold a row without its body
    placed = order(1, OrderStatus.Working, 10)
    with store.transaction() as ledger:
        ledger.add_order(placed)
        assert isinstance(ledger, SQLLedger)
        ledger._execute("UPDATE orders SET body = NULL WHERE id = ?", ("1",))  # as a bulk load leaves it
    with store.snapshot() as ledger:
        assert [orjson.loads(listed.body) for listed in ledger.current_orders(10)] == [order_json(placed)]


def test_listing_pending_statuses_finds_them_by_symbol_and_status(store: Store) -> None:
    with store.transaction() as ledger:
        seed(ledger, [
            order(1, OrderStatus.Working, 1), order(2, OrderStatus.Inactive, 2, "MSFT"),
            order(3, OrderStatus.Filled, 3), order(4, OrderStatus.Working, 4, "MSFT"),
        ])  # fmt: skip
    with store.snapshot() as ledger:
        assert ids(ledger.list_orders([OrderStatus.Working, OrderStatus.Inactive])) == ["1", "2", "4"]
        assert ids(ledger.list_orders([OrderStatus.Working], "MSFT")) == ["4"]
        assert ids(ledger.list_orders([OrderStatus.Filled, OrderStatus.Working])) == ["1", "3", "4"]


def test_history_pages_walk_every_final_order_once_newest_first_ties_by_placement(store: Store) -> None:
    times = [5, 9, 9, 9, 3, 7, 9, 1]  # ties at 9: the later placed first
    with store.transaction() as ledger:
        seed(ledger, [order(i + 1, FINAL[i % 3], t) for i, t in enumerate(times)])
        seed(ledger, [order(20, OrderStatus.Working, 100)])
    with store.transaction("bob") as bob:
        seed(bob, [order(30, OrderStatus.Filled, 8), order(31, OrderStatus.Filled, 2)])
    newest_first = ["7", "4", "3", "2", "6", "1", "5", "8"]
    assert walk(store, 3) == [newest_first[0:3], newest_first[3:6], newest_first[6:8]]
    assert walk(store, 4) == [newest_first[0:4], newest_first[4:8]]  # a full last page announces no next
    assert walk(store, 8) == [newest_first]
    assert walk(store, 1, "bob") == [["30"], ["31"]]
    with store.snapshot("nobody") as nobody:
        assert nobody.final_orders_page(5) == ([], None)


def test_orders_finalized_during_a_walk_are_not_seen_twice_and_hide_none(store: Store) -> None:
    with store.transaction() as ledger:
        seed(ledger, [order(i, OrderStatus.Filled, 100 + i) for i in range(1, 11)])
        seed(ledger, [order(i, OrderStatus.Working, 1) for i in range(11, 16)])
    seen: list[str] = []
    after: HistoryPosition | None = None
    finalizing = iter(range(11, 16))
    clock = 200
    while True:
        with store.snapshot() as ledger:
            page, after = ledger.final_orders_page(3, after)
        seen += ids(page)
        next_id = next(finalizing, None)
        if next_id is not None:
            clock += 1
            with store.transaction() as ledger:
                ledger.update_order(order(next_id, OrderStatus.Canceled, clock))
                ledger.add_order(order(100 + next_id, OrderStatus.Filled, clock))
        if after is None:
            break
    assert seen == [str(i) for i in range(10, 0, -1)]


def test_a_position_of_another_account_reads_only_this_accounts_orders(store: Store) -> None:
    with store.transaction() as ledger:
        seed(ledger, [order(i, OrderStatus.Filled, i) for i in range(1, 5)])
    with store.transaction("bob") as bob:
        seed(bob, [order(i, OrderStatus.Filled, i) for i in range(5, 9)])
    with store.snapshot("bob") as bob:
        _, after = bob.final_orders_page(1)
    assert after is not None
    with store.snapshot() as ledger:
        page, _ = ledger.final_orders_page(10, after)
    assert ids(page) == ["4", "3", "2", "1"]
