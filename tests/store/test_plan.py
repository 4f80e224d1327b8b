"""Queries answered from their indexes: a quote reads only the orders it may fill; a conditional read finds
the newest event of a kind without a scan; what a terminal polls (getOrders, getOrdersHistory's pages) reads
index ranges that lead with account_id, on SQLite and on PostgreSQL."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from psycopg import sql

from paperbroker.engine.model import Order, OrderStatus, OrderType, Side
from paperbroker.store.postgres import PostgresLedger, PostgresStore
from paperbroker.store.sql import (
    CURRENT_ORDERS,
    FINAL_PAGE,
    FINAL_PAGE_AFTER,
    NEWEST_EVENT,
    NEWEST_MARKET_EVENT,
)
from paperbroker.store.sqlite import _WAITING, _WAITING_OF_ACCOUNT, SQLiteStore
from tests.store.pg import fresh_schema


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


POLLED = {
    "current orders": (CURRENT_ORDERS, ("paper", "paper", 100)),
    "history, first page": (FINAL_PAGE, ("paper", 101)),
    "history, a later page": (FINAL_PAGE_AFTER, ("paper", 1_764_072_000_000, 42, 101)),
}
"""What a terminal polls, with parameters: each read must search index ranges that lead with account_id."""


def pending_listing(store: SQLiteStore) -> str:
    """The SQL a pending-status listing (getOrders?status=6, cancelOrders) runs, as SQLite received it."""
    sent: list[str] = []
    store._conn.set_trace_callback(sent.append)
    with store.snapshot() as ledger:
        ledger.list_orders([OrderStatus.Working], "AAPL")
    store._conn.set_trace_callback(None)
    return next(statement for statement in sent if statement.startswith("SELECT"))


@pytest.mark.parametrize("name", POLLED)
def test_the_polled_order_reads_search_the_accounts_index_ranges_on_sqlite(tmp_path: Path, name: str) -> None:
    store = SQLiteStore(tmp_path / "plan.db")
    query, params = POLLED[name]
    details = [row[-1] for row in store._conn.execute(f"EXPLAIN QUERY PLAN {query}", params).fetchall()]
    searches = [d for d in details if d.startswith("SEARCH orders USING INDEX")]
    expected = {"orders_final"} if name.startswith("history") else {"orders_pending", "orders_final"}
    assert {d.split()[4] for d in searches} == expected, details
    assert all("(account_id=?" in d for d in searches), details
    assert not any(d.startswith("SCAN orders") for d in details), details
    if name == "history, a later page":
        assert searches == ["SEARCH orders USING INDEX orders_final (account_id=? AND update_time<?)"], (
            details
        )
    store.close()


def test_a_pending_status_listing_searches_orders_pending_on_sqlite(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "plan.db")
    details = [row[-1] for row in store._conn.execute(f"EXPLAIN QUERY PLAN {pending_listing(store)}")]
    assert details == ["SEARCH orders USING INDEX orders_pending (account_id=?)"], details
    store.close()


BULK_ORDERS = (
    "INSERT INTO orders (account_id, id, symbol, type, side, qty, status, update_time, filled_qty, triggered)"
)
"""Orders written straight into PostgreSQL, followed by a SELECT of their values (generate_series)."""


def plan_nodes(node: dict[str, Any]) -> list[dict[str, Any]]:
    return [node, *(n for child in node.get("Plans", []) for n in plan_nodes(child))]


def postgres_plan(conn: Any, query: str, params: Any) -> list[dict[str, Any]]:
    """Every node of the plan PostgreSQL chooses for `query` (with `?` placeholders)."""
    row = conn.execute(f"EXPLAIN (FORMAT JSON) {query.replace('?', '%s')}", params).fetchone()
    assert row is not None
    plan = row[0] if isinstance(row[0], list) else json.loads(row[0])
    return plan_nodes(plan[0]["Plan"])


@pytest.mark.parametrize("name", POLLED)
def test_the_polled_order_reads_search_the_accounts_index_ranges_on_postgres(pg_dsn: str, name: str) -> None:
    """Over 20,000 orders of several accounts, most of them final: the planner must not choose a scan."""
    with fresh_schema(pg_dsn) as schema:
        store = PostgresStore(pg_dsn, schema=schema)
        with store.connect() as conn:
            conn.execute(
                f"{BULK_ORDERS} SELECT CASE WHEN n % 4 = 0 THEN 'paper' ELSE 'other' || n % 4 END, n::text,"
                " 'AAPL', 1, 1, '1', CASE WHEN n % 50 = 0 THEN 6 ELSE 1 + n % 2 END,"
                " 1764072000000 + n, '0', 0 FROM generate_series(1, 20000) AS n"
            )
            conn.execute("ANALYZE orders")
            nodes = postgres_plan(conn, *POLLED[name])
        store.close()
    searches = [n for n in nodes if "Index Name" in n]
    expected = {"orders_final"} if name.startswith("history") else {"orders_pending", "orders_final"}
    assert {n["Index Name"] for n in searches} == expected, nodes
    assert all("account_id" in n.get("Index Cond", "") for n in searches), searches
    assert not any(n["Node Type"] == "Seq Scan" for n in nodes), nodes


def test_an_accounts_due_orders_search_their_own_index_on_sqlite(tmp_path: Path) -> None:
    """Every request of an account looks for its due orders: a search of orders_by_account (its whole
    history) would make each request slower with every order the account ever placed."""
    store = SQLiteStore(tmp_path / "plan.db")
    sent: list[str] = []
    store._conn.set_trace_callback(sent.append)
    with store.snapshot() as ledger:
        ledger.orders_expiring(1_764_072_000_000)
    store._conn.set_trace_callback(None)
    query = next(statement for statement in sent if statement.startswith("SELECT"))
    details = [row[-1] for row in store._conn.execute(f"EXPLAIN QUERY PLAN {query}")]
    searched = "SEARCH orders USING INDEX orders_expiring_by_account"
    assert details[0] == f"{searched} (account_id=? AND expires_at>? AND expires_at<?)", details
    store.close()


def sent_by(monkeypatch: pytest.MonkeyPatch, action: Callable[[], object]) -> list[tuple[str, Any]]:
    """The statements (with `?` placeholders) and parameters that PostgresLedgers send during `action`."""
    sent: list[tuple[str, Any]] = []
    execute = PostgresLedger._execute

    def recorded(self: PostgresLedger, query: str, params: Any = ()) -> Any:
        sent.append((query, params))
        return execute(self, query, params)

    with monkeypatch.context() as patched:
        patched.setattr(PostgresLedger, "_execute", recorded)
        action()
    return sent


def plan_kept_as_the_table_grows(store: PostgresStore, query: str, params: Any) -> list[dict[str, Any]]:
    """The plan a statement keeps once psycopg has prepared it (after its fifth use): the server makes its
    generic plan then, on the store as it is, and keeps it while the table grows. Made here on the store as
    given, then explained after 5,000 working orders of `paper` (none due to expire) are added."""
    numbers = itertools.count(1)
    numbered = re.sub(r"\?", lambda _: f"${next(numbers)}", query)
    values = sql.SQL(", ").join(sql.Literal(value) for value in params)
    with store.connect() as conn:
        conn.execute(f"PREPARE kept AS {numbered}")
        conn.execute("SET plan_cache_mode = force_generic_plan")
        conn.execute(sql.SQL("EXECUTE kept ({})").format(values))
        conn.execute(
            f"{BULK_ORDERS} SELECT 'paper', n::text, 'AAPL', 1, 1, '1', 6, 1764072000000 + n, '0', 0"
            " FROM generate_series(1, 5000) AS n"
        )
        row = conn.execute(sql.SQL("EXPLAIN (FORMAT JSON) EXECUTE kept ({})").format(values)).fetchone()
    assert row is not None
    return plan_nodes(row[0][0]["Plan"])


def test_an_accounts_due_orders_search_their_own_index_on_postgres(
    pg_dsn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As on SQLite: 5,000 working orders without an expiry must not be read to find none due, even by a
    plan made on an empty store (ordered by seq, the planner read them all through orders_pending)."""
    with fresh_schema(pg_dsn) as schema:
        store = PostgresStore(pg_dsn, schema=schema)

        def look() -> None:
            with store.snapshot() as ledger:
                ledger.orders_expiring(1_764_072_000_000)

        query, params = next((q, p) for q, p in sent_by(monkeypatch, look) if "expires_at" in q)
        nodes = plan_kept_as_the_table_grows(store, query, params)
        store.close()
    searched = {n["Index Name"] for n in nodes if "Index Name" in n}
    assert searched == {"orders_expiring_by_account"}, nodes


@pytest.mark.parametrize("statement", ["UPDATE orders", "SELECT id, symbol"], ids=["update", "read"])
def test_an_order_is_found_through_its_id_on_postgres(
    pg_dsn: str, monkeypatch: pytest.MonkeyPatch, statement: str
) -> None:
    """Every fill and cancel reads and updates an order by id: a plan made on an empty store that reached
    the row through orders_by_account would read the account's whole history each time."""
    with fresh_schema(pg_dsn) as schema:
        store = PostgresStore(pg_dsn, schema=schema)
        order = Order("first", "AAPL", OrderType.Market, Side.Buy, Decimal(1), OrderStatus.Working, 0)

        def update() -> None:
            with store.transaction() as ledger:
                ledger.add_order(order)
                ledger.get_order(order.id)
                ledger.update_order(replace(order, status=OrderStatus.Canceled))

        query, params = next((q, p) for q, p in sent_by(monkeypatch, update) if q.startswith(statement))
        nodes = plan_kept_as_the_table_grows(store, query, params)
        store.close()
    searched = {n["Index Name"] for n in nodes if "Index Name" in n}
    assert searched == {"orders_id_key"}, nodes
