"""How often a PostgreSQL transaction waits for the server, counted in libpq's protocol trace (not timed):
the store pipelines what it does not wait for, so a placeOrder is two round trips, not seven (BEGIN, the
locks, two reads, two inserts and COMMIT each waited for), and a read is two, not four. Also what
pipelining must not lose: the locks are held when the ledger is handed out, and a failure rolls back, even
one raised after every answer was read."""

from __future__ import annotations

import socket
import struct
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from decimal import Decimal
from typing import Any

import psycopg
import pytest
from psycopg import pq

from paperbroker.broker import Broker
from paperbroker.engine.model import Duration, NewOrder, OrderStatus, OrderType, Side
from paperbroker.store.postgres import _TRANSACTION_LOCK, ID_BLOCK, PostgresStore, _account_key

LIMIT_BUY = NewOrder("AAPL", OrderType.Limit, Side.Buy, Decimal(10), limit_price=Decimal("150.25"))
ANSWER_NOW = ("Sync", "Flush", "Query")
"""Frontend messages after which the client waits: the end of an extended-protocol batch (Sync), a pipeline's
flush request, or a simple query."""


def round_trips(trace: str) -> int:
    """Requests for answers the client sent; a Sync and the Flush psycopg sends with it are one."""
    sent = [line.split("\t")[2] for line in trace.splitlines() if line.startswith("F\t")]
    count = 0
    for previous, message in zip(["", *sent], sent, strict=False):
        if message in ANSWER_NOW and not (message == "Flush" and previous == "Sync"):
            count += 1
    return count


@pytest.fixture
def store(pg_dsn: str, pg_schema: str) -> Iterator[PostgresStore]:
    """One pooled connection: every transaction runs on the connection the trace watches."""
    opened = PostgresStore(pg_dsn, schema=pg_schema, max_connections=1)
    yield opened
    opened.close()


@contextmanager
def traced(store: PostgresStore) -> Iterator[list[str]]:
    """libpq's trace of the pooled connection while the block runs; the list holds it afterwards."""
    found: list[str] = []
    with tempfile.TemporaryFile("w+") as sink:
        with store._pool.connection() as conn:
            conn.pgconn.trace(sink.fileno())
            conn.pgconn.set_trace_flags(pq.Trace.SUPPRESS_TIMESTAMPS)
        try:
            yield found
        finally:
            with store._pool.connection() as conn:
                conn.pgconn.untrace()
            sink.seek(0)
            found.append(sink.read())


def counted(store: PostgresStore, action: Any) -> int:
    with traced(store) as trace:
        action()
    return round_trips(trace[0])


def test_a_working_limit_order_is_two_round_trips(store: PostgresStore) -> None:
    """BEGIN, the locks, the account's first expiry (none is due) and the quote the order is matched
    against; then the order, its event and COMMIT together. The order's id comes from the process's block
    of ids; every statement was prepared by the first order."""
    broker = Broker(store)
    broker.set_quote("AAPL", Decimal("189.99"), Decimal("190.01"))
    broker.place_order(LIMIT_BUY)
    assert counted(store, lambda: broker.place_order(LIMIT_BUY)) == 2


TCP_INFO_DATA_SEGS_OUT = 156
"""Offset of `tcpi_data_segs_out` (u32) in Linux's struct tcp_info (linux/tcp.h, since 4.6)."""


def segments_sent(store: PostgresStore) -> int:
    """The data segments the store's one pooled connection has sent the server, as the kernel counts them.
    libpq disables Nagle's algorithm, so each write of a small buffer is one segment."""
    with store._pool.connection() as conn:
        if conn.info.host.startswith("/") or not hasattr(socket, "TCP_INFO"):
            pytest.skip("the server is not reached over TCP on Linux: no segments to count")
        with socket.fromfd(conn.pgconn.socket, socket.AF_INET, socket.SOCK_STREAM) as sock:
            info = sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_INFO, 256)
    if len(info) < TCP_INFO_DATA_SEGS_OUT + 4:
        pytest.skip("this kernel's tcp_info has no tcpi_data_segs_out")
    return int(struct.unpack_from("I", info, TCP_INFO_DATA_SEGS_OUT)[0])


def test_a_working_limit_order_is_sent_to_the_server_once_per_round_trip(store: PostgresStore) -> None:
    """Statements wait in libpq's buffer until the client waits for an answer: a write per statement would
    wake the server's backend for each of the seven."""
    broker = Broker(store)
    broker.set_quote("AAPL", Decimal("189.99"), Decimal("190.01"))
    broker.place_order(LIMIT_BUY)
    before = segments_sent(store)
    broker.place_order(LIMIT_BUY)
    assert segments_sent(store) - before == 2


def test_a_due_order_is_searched_for_and_expired(store: PostgresStore) -> None:
    """The first expiry read with the locks says an order is due: the broker's search for due orders then
    reads them (a round trip), and cancels the one whose day ended, which reads its legs (another one),
    before the next order is placed."""
    now = [1_795_788_000_000]
    broker = Broker(store, clock=lambda: now[0])
    broker.set_quote("AAPL", Decimal("189.99"), Decimal("190.01"))
    day = broker.place_order(replace(LIMIT_BUY, duration=Duration("DAY")))
    assert day.expires_at is not None
    now[0] = day.expires_at + 1
    assert counted(store, lambda: broker.place_order(LIMIT_BUY)) == 4
    assert broker.get_order(day.id).status == OrderStatus.Canceled


def test_order_ids_are_drawn_from_the_sequence_a_block_at_a_time(store: PostgresStore) -> None:
    """One round trip names the next ID_BLOCK orders; ids stay unique and increasing in the process."""
    broker = Broker(store)
    broker.set_quote("AAPL", Decimal("189.99"), Decimal("190.01"))
    ids = [int(broker.place_order(LIMIT_BUY).id) for _ in range(ID_BLOCK + 1)]
    assert ids == list(range(ids[0], ids[0] + ID_BLOCK + 1))
    with store.transaction() as ledger:
        drawn = ledger._execute("SELECT last_value FROM order_ids").fetchone()
    assert drawn is not None and int(drawn[0]) == ids[0] + 2 * ID_BLOCK - 1  # two blocks drawn


def test_reading_an_order_is_two_round_trips(store: PostgresStore) -> None:
    """BEGIN with its isolation level and the read together, then COMMIT (no separate SET)."""
    broker = Broker(store)
    placed = broker.place_order(LIMIT_BUY)
    assert counted(store, lambda: broker.get_order(placed.id)) == 2


def test_the_trace_counts_each_wait_of_an_unpipelined_transaction(store: PostgresStore) -> None:
    """The counter itself: three statements outside a pipeline are three round trips."""
    with traced(store) as trace, store._pool.connection() as conn:
        conn.execute("SELECT 1")
        conn.execute("SELECT %s", (2,))
        conn.execute("SELECT 3").fetchone()
    assert round_trips(trace[0]) == 3


def held_advisory_locks(dsn: str) -> set[tuple[str, int, int]]:
    """(mode, classid, objid) of every granted advisory lock, seen from another session."""
    with psycopg.connect(dsn, autocommit=True) as other:
        rows = other.execute(
            "SELECT mode, classid::bigint, objid::bigint FROM pg_locks"
            " WHERE locktype = 'advisory' AND granted"
        ).fetchall()
    return {(str(mode), int(classid), int(objid)) for mode, classid, objid in rows}


def _halves(key: int) -> tuple[int, int]:
    """A bigint advisory key as pg_locks shows it: its high and low 32 bits, unsigned."""
    unsigned = key % 2**64
    return unsigned >> 32, unsigned & 0xFFFFFFFF


def test_an_accounts_locks_are_held_when_its_ledger_is_handed_out(store: PostgresStore, pg_dsn: str) -> None:
    """Before the first call on the ledger: the broker reads its clock there, and times must follow the
    commit order of the account's transactions."""
    with store.transaction("alice"):
        held = held_advisory_locks(pg_dsn)
    market = ("ShareLock", _TRANSACTION_LOCK, store.lock_key % 2**32)
    account = ("ExclusiveLock", *_halves(_account_key(store.schema_name, "alice")))
    assert market in held
    assert account in held


def test_the_markets_lock_is_held_exclusively_when_its_ledger_is_handed_out(
    store: PostgresStore, pg_dsn: str
) -> None:
    with store.transaction(None):
        held = held_advisory_locks(pg_dsn)
    assert ("ExclusiveLock", _TRANSACTION_LOCK, store.lock_key % 2**32) in held


def test_an_exception_in_the_block_rolls_back_the_queued_writes(store: PostgresStore) -> None:
    with pytest.raises(RuntimeError), store.transaction() as ledger:
        ledger.add_event("order", '{"queued": true}')
        raise RuntimeError("the broker refused")
    with store.snapshot() as ledger:
        assert ledger.events_after(0, 100) == []


def test_a_block_that_fails_after_reading_every_answer_leaves_nothing_open(
    store: PostgresStore, pg_dsn: str
) -> None:
    """Everything the pipeline sent was answered when the block raised: the server's transaction, and the
    account's locks, must still end before the connection goes back to the pool."""
    with pytest.raises(RuntimeError), store.transaction("alice") as ledger:
        ledger.get_account()
        raise RuntimeError("the broker refused")
    assert held_advisory_locks(pg_dsn) == set()
    with store._pool.connection() as conn:
        assert conn.info.transaction_status == pq.TransactionStatus.IDLE
        assert conn.execute("SELECT now() = statement_timestamp()").fetchone() == (True,)  # no transaction


def test_a_failed_write_fails_the_transaction_and_leaves_the_connection_usable(store: PostgresStore) -> None:
    """A queued statement's error surfaces at the end of the block; nothing of the block commits, and the
    next transaction on the same pooled connection works."""
    broker = Broker(store)
    placed = broker.place_order(LIMIT_BUY)
    with pytest.raises(psycopg.errors.UniqueViolation), store.transaction() as ledger:
        ledger.add_event("order", '{"before": true}')
        ledger.add_order(placed)  # the same id again
    with store.snapshot() as ledger:
        assert all("before" not in data for _, _, data in ledger.events_after(0, 100))
    assert broker.place_order(LIMIT_BUY).id != placed.id


def test_the_counter_sees_what_the_trace_writes() -> None:
    """A guard against a libpq whose trace format changed: then every count above would read zero."""
    trace = 'F\t10\tQuery\t "BEGIN"\nB\t5\tReadyForQuery\t T\nF\t4\tSync\nF\t4\tFlush\nF\t4\tFlush\n'
    assert round_trips(trace) == 3
