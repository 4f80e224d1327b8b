"""The broker's property test (tests/broker/test_invariants.py) over the in-memory store: for the same random
sequences of orders and quotes, its books and its outbox equal what the SQLite store keeps, and agree with
its executions."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from paperbroker.engine.model import OrderStatus
from paperbroker.store.memory import MemoryStore
from paperbroker.store.sqlite import SQLiteStore
from tests.broker.test_invariants import SYMBOLS, actions, run_steps
from tests.store.books import assert_books_agree


@settings(max_examples=150, deadline=None)
@given(st.lists(actions, min_size=1, max_size=40))
def test_the_memory_store_keeps_the_same_books_and_events_as_sqlite(steps: list[tuple[Any, ...]]) -> None:
    memory, sqlite = MemoryStore(), SQLiteStore(":memory:")
    broker, placed = run_steps(memory, steps)
    assert_books_agree(broker, SYMBOLS, placed, exact=False)
    reference, _ = run_steps(sqlite, steps)
    assert broker.list_orders() == reference.list_orders()
    assert broker.list_positions() == reference.list_positions()
    for symbol in SYMBOLS:
        assert broker.list_executions(symbol) == reference.list_executions(symbol)
    assert broker.account_summary() == reference.account_summary()
    with memory.snapshot() as ours, sqlite.snapshot() as theirs:
        assert ours.current_orders(5) == theirs.current_orders(5)
        assert ours.final_orders_page(3) == theirs.final_orders_page(3)
        assert ours.list_orders([OrderStatus.Working]) == theirs.list_orders([OrderStatus.Working])
        assert [event[1:] for event in ours.all_events_after(0, 10_000)] == [
            event[1:] for event in theirs.all_events_after(0, 10_000)
        ]  # the same kinds, payloads and accounts in the same order; ids count from each store's creation
