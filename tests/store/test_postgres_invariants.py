"""The broker's property test (tests/test_broker_invariants.py) over PostgreSQL: for the same random sequences
of orders and quotes the books agree with the executions, and equal what the SQLite store keeps."""

from __future__ import annotations

from itertools import count
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from paperbroker.broker import Broker, BrokerConfig
from paperbroker.engine.errors import BrokerError
from paperbroker.store.base import Store
from paperbroker.store.postgres import PostgresStore
from paperbroker.store.sqlite import SQLiteStore
from tests.store.books import assert_books_agree
from tests.store.pg import fresh_schema, postgres_dsn
from tests.test_broker_invariants import SYMBOLS, actions


def run(store: Store, steps: list[tuple[Any, ...]]) -> tuple[Broker, list[str]]:
    ticks = count(1)
    broker = Broker(store, BrokerConfig(commission_per_unit=0.01), clock=lambda: next(ticks))
    for symbol in SYMBOLS:
        broker.set_quote(symbol, 100.0, 100.1)
    placed: list[str] = []
    for step in steps:
        try:
            if step[0] == "place":
                placed.append(broker.place_order(step[1]).id)
            elif step[0] == "quote":
                broker.set_quote(*step[1])
            elif step[0] == "cancel":
                broker.cancel_order(str(step[1]))
            else:
                broker.modify_order(str(step[1]), qty=step[2])
        except BrokerError:
            pass  # unknown ids and final orders are refused; the books must still agree
    return broker, placed


@settings(max_examples=60, deadline=None)
@given(st.lists(actions, min_size=1, max_size=40))
def test_postgres_keeps_the_same_books_as_sqlite(steps: list[tuple[Any, ...]]) -> None:
    dsn = postgres_dsn()
    with fresh_schema(dsn) as schema:
        store = PostgresStore(dsn, schema=schema, max_connections=1)
        try:
            broker, placed = run(store, steps)
            assert_books_agree(broker, SYMBOLS, placed, exact=False)
            reference, _ = run(SQLiteStore(":memory:"), steps)
            assert broker.list_orders() == reference.list_orders()
            assert broker.list_positions() == reference.list_positions()
            for symbol in SYMBOLS:
                assert broker.list_executions(symbol) == reference.list_executions(symbol)
            assert broker.account_summary() == reference.account_summary()
        finally:
            store.close()
