"""The broker's property test (tests/test_broker_invariants.py) over PostgreSQL: for the same random sequences
of orders and quotes the books agree with the executions, and equal what the SQLite store keeps."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from paperbroker.store.postgres import PostgresStore
from paperbroker.store.sqlite import SQLiteStore
from tests.broker.test_invariants import SYMBOLS, actions, run_steps
from tests.store.books import assert_books_agree
from tests.store.pg import fresh_schema, postgres_dsn


@settings(max_examples=60, deadline=None)
@given(st.lists(actions, min_size=1, max_size=40))
def test_postgres_keeps_the_same_books_as_sqlite(steps: list[tuple[Any, ...]]) -> None:
    dsn = postgres_dsn()
    with fresh_schema(dsn) as schema:
        store = PostgresStore(dsn, schema=schema, max_connections=1)
        try:
            broker, placed = run_steps(store, steps)
            assert_books_agree(broker, SYMBOLS, placed, exact=False)
            reference, _ = run_steps(SQLiteStore(":memory:"), steps)
            assert broker.list_orders() == reference.list_orders()
            assert broker.list_positions() == reference.list_positions()
            for symbol in SYMBOLS:
                assert broker.list_executions(symbol) == reference.list_executions(symbol)
            assert broker.account_summary() == reference.account_summary()
        finally:
            store.close()
