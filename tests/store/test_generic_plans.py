"""Every statement a trading day sends keeps a sound plan as the PostgreSQL store grows from empty.

psycopg prepares a statement after its fifth use; the server may then plan it once for any parameters (a
generic plan, costed on the table as it was) and keep that plan for the life of the connection, ANALYZE or
not. A plan that was cheapest on a table of ten rows (an index that saves a sort, read with a filter) then
reads the account's whole history on every request. Here one pooled connection runs a day's operations on
an empty schema with generic plans forced (the worst the server may choose), the account then gains 10,000
orders and another account 5,000, written straight into the table, and the same operations run again with
auto_explain reporting each statement's plan with its row counts: none may filter more than a handful of
rows out of what it read, nor scan a table.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import psycopg
import pytest

from paperbroker.broker import Broker
from paperbroker.engine.model import NewOrder, OrderChanges, OrderType, Side
from paperbroker.store.postgres import PostgresStore
from tests.store.pg import fresh_schema

FILTERED_AT_MOST = 20
"""Rows a plan node may read and drop: a few of the account's own, never its history."""

BULK = (
    "INSERT INTO orders (account_id, id, symbol, type, side, qty, status, update_time, filled_qty, triggered)"
    " SELECT %s, %s || n, 'AAPL', 1, 1, '1', %s, 1764072000000 + n, '0', 0 FROM generate_series(1, %s) AS n"
)


def trading_day(broker: Broker) -> None:
    """What a terminal and its trader do: quotes, resting and filled orders, a modify, cancels, the polls."""
    broker.set_quote("AAPL", Decimal("189.99"), Decimal("190.01"))
    resting = NewOrder("AAPL", OrderType.Limit, Side.Buy, Decimal(1), limit_price=Decimal("150.25"))
    order = broker.place_order(resting)
    broker.get_order(order.id)
    broker.modify_order(order.id, OrderChanges(qty=Decimal(2)))
    broker.cancel_order(order.id)
    broker.place_order(NewOrder("AAPL", OrderType.Market, Side.Buy, Decimal(1), take_profit=Decimal(250)))
    broker.place_order(resting)
    broker.set_quote("AAPL", Decimal("189.98"), Decimal("190.00"))
    broker.current_orders()
    broker.history_page(20)
    broker.list_positions()
    broker.account_summary()
    broker.list_executions("AAPL")


def plans(messages: list[str]) -> Iterator[tuple[str, dict[str, Any]]]:
    """auto_explain's JSON reports: each statement's text and every node of its plan."""
    for message in messages:
        if "plan:" not in message:
            continue
        report = json.loads(message.split("plan:", 1)[1])
        stack = [report["Plan"]]
        while stack:
            node = stack.pop()
            stack += node.get("Plans", [])
            yield report["Query Text"], node


@pytest.fixture
def grown_store(pg_dsn: str) -> Iterator[tuple[Broker, list[str]]]:
    with fresh_schema(pg_dsn) as schema:
        store = PostgresStore(pg_dsn, schema=schema, max_connections=1)
        with store._pool.connection() as conn:
            conn.execute("SET plan_cache_mode = force_generic_plan")
        broker = Broker(store)
        for _ in range(7):  # past psycopg's prepare threshold, on the empty store
            trading_day(broker)
        with store.connect() as conn:
            conn.execute(BULK, ("paper", "history", 2, 5_000))
            conn.execute(BULK, ("paper", "working", 6, 5_000))
            conn.execute(BULK, ("other", "other", 6, 5_000))
        messages: list[str] = []
        with store._pool.connection() as conn:
            try:
                conn.execute("LOAD 'auto_explain'")
            except psycopg.errors.InsufficientPrivilege:
                pytest.skip("auto_explain needs a superuser of the test server")
            for setting in ("log_min_duration = 0", "log_analyze = on", "log_format = json"):
                conn.execute(f"SET auto_explain.{setting}")
            conn.execute("SET client_min_messages = log")
            conn.add_notice_handler(lambda notice: messages.append(notice.message_primary or ""))
        yield broker, messages
        store.close()


def test_no_statement_reads_the_accounts_history_after_the_store_grew(
    grown_store: tuple[Broker, list[str]],
) -> None:
    broker, messages = grown_store
    trading_day(broker)
    reported = list(plans(messages))
    assert len({query for query, _ in reported}) >= 15, "auto_explain reported too few statements"
    filtering = [
        (node.get("Rows Removed by Filter"), node.get("Index Name"), query)
        for query, node in reported
        if node.get("Rows Removed by Filter", 0) > FILTERED_AT_MOST
    ]
    assert filtering == []
    trading_tables = {"orders", "executions", "events", "positions"}
    scans = [
        (node["Relation Name"], query)
        for query, node in reported
        if node["Node Type"] == "Seq Scan" and node["Relation Name"] in trading_tables
    ]
    assert scans == []
