"""The pipeline under the PostgreSQL store, on a real server: placeholders, values as psycopg returns them,
statements prepared once per connection, and failures raised where they are read."""

from __future__ import annotations

import gc
import threading
import time
import weakref
from collections.abc import Iterator
from decimal import Decimal

import psycopg
import pytest
from psycopg import pq

from paperbroker.store.pgpipeline import Pipeline, PipelinedConnection, _numbered, run_alone
from paperbroker.store.postgres import PostgresStore


@pytest.fixture
def conn(pg_dsn: str) -> Iterator[PipelinedConnection]:
    with PipelinedConnection.connect(pg_dsn, autocommit=True, prepare_threshold=None) as opened:
        yield opened


def test_question_marks_are_numbered_in_order_and_a_repeated_name_is_one_parameter() -> None:
    assert _numbered("SELECT ? + ?, ?") == (b"SELECT $1 + $2, $3", ())
    assert _numbered("SELECT %(a)s, %(b)s, %(a)s") == (b"SELECT $1, $2, $1", ("a", "b"))
    with pytest.raises(ValueError, match="mixes"):
        _numbered("SELECT ?, %(a)s")


def test_values_come_back_as_psycopgs_cursors_return_them(conn: PipelinedConnection) -> None:
    query = "SELECT ?::bigint, ?::text, ?::bytea, ?::float8, ?::numeric, ?::text"
    values = (2**40, "ü 'quoted' \\ text", b"\x00\xffbytes", 1.5, Decimal("1.25"), None)
    expected = conn.execute(query.replace("?", "%s"), values).fetchone()
    pipeline = Pipeline(conn)
    rows = pipeline.execute(query, values)
    pipeline.sync()
    assert rows.fetchone() == expected == (*values[:4], Decimal("1.25"), None)


def test_a_mapping_fills_named_parameters(conn: PipelinedConnection) -> None:
    pipeline = Pipeline(conn)
    rows = pipeline.execute("SELECT %(x)s::int + %(y)s::int, %(x)s::int", {"y": 2, "x": 40})
    pipeline.sync()
    assert rows.fetchall() == [(42, 40)]


def test_reads_wait_in_one_round_trip_for_everything_sent_before(conn: PipelinedConnection) -> None:
    """Statements queue without waiting; the first read asks for every answer sent so far, so a later read
    of an earlier-sent statement needs no request of its own."""
    pipeline = Pipeline(conn)
    first = pipeline.execute("SELECT 1")
    second = pipeline.execute("SELECT 2")
    assert second.fetchone() == (2,)
    assert first.done
    assert first.fetchone() == (1,)
    pipeline.sync()


def test_each_statement_is_prepared_once_per_connection(conn: PipelinedConnection) -> None:
    def prepared() -> int:
        row = conn.execute("SELECT count(*) FROM pg_prepared_statements WHERE name LIKE 'pb\\_%'").fetchone()
        return 0 if row is None else int(row[0])

    before = prepared()
    for value in range(3):
        run_alone(conn, "SELECT ?::int + 0 AS once_per_connection", (value,))
    assert prepared() == before + 1


def test_what_a_connection_keeps_for_its_pipelines_goes_with_it(pg_dsn: str) -> None:
    """The prepared statements and adapters live on the connection, so one the pool drops is freed."""
    opened = PipelinedConnection.connect(pg_dsn, autocommit=True, prepare_threshold=None)
    run_alone(opened, "SELECT ?::int + 0 AS kept_on_the_connection", (1,))
    gone = weakref.ref(opened)
    opened.close()
    del opened
    gc.collect()
    assert gone() is None


def test_a_failure_is_raised_where_it_is_read_and_the_rest_is_skipped(
    conn: PipelinedConnection,
) -> None:
    conn.execute("CREATE TEMPORARY TABLE marks (n int PRIMARY KEY)")
    pipeline = Pipeline(conn)
    pipeline.execute("BEGIN")
    pipeline.execute("INSERT INTO marks VALUES (?)", (1,))
    failed = pipeline.execute("SELECT 1 / ?::int", (0,))
    skipped = pipeline.execute("INSERT INTO marks VALUES (?)", (2,))
    with pytest.raises(psycopg.errors.DivisionByZero):
        failed.fetchone()
    with pytest.raises(psycopg.errors.DivisionByZero):
        skipped.fetchall()
    pipeline.abort()
    assert conn.pgconn.pipeline_status == pq.PipelineStatus.OFF
    assert conn.info.transaction_status == pq.TransactionStatus.INERROR
    conn.execute("ROLLBACK")
    assert conn.execute("SELECT count(*) FROM marks").fetchone() == (0,)


def test_a_statement_refused_before_its_first_run_is_prepared_again_next_time(
    conn: PipelinedConnection,
) -> None:
    """Its preparation was skipped after an earlier failure: the next pipeline must not take it for
    prepared."""
    pipeline = Pipeline(conn)
    pipeline.execute("SELECT 1 / ?::int", (0,))
    pipeline.execute("SELECT ?::int AS prepared_after_a_failure", (5,))
    with pytest.raises(psycopg.errors.DivisionByZero):
        pipeline.sync()
    pipeline.abort()
    again = Pipeline(conn)
    rows = again.execute("SELECT ?::int AS prepared_after_a_failure", (6,))
    again.sync()
    assert rows.fetchone() == (6,)


def test_a_store_whose_connection_was_cut_fails_one_transaction_and_then_works(
    pg_dsn: str, pg_schema: str
) -> None:
    """The server ends the pooled connection's session (a restart, an administrator): the transaction that
    finds it fails with psycopg's OperationalError, and the pool replaces the closed connection."""
    store = PostgresStore(pg_dsn, schema=pg_schema, max_connections=1)
    try:
        with store.transaction() as ledger:
            ledger.add_event("order", '{"before": true}')
        with store._pool.connection() as conn:
            backend = conn.info.backend_pid
        with psycopg.connect(pg_dsn, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (backend,))
        with pytest.raises(psycopg.OperationalError), store.transaction() as ledger:
            ledger.add_event("order", '{"lost": true}')
        with store.transaction() as ledger:
            ledger.add_event("order", '{"after": true}')
        with store.snapshot() as ledger:
            kept = [data for _, _, data in ledger.events_after(0, 100)]
        assert kept == ['{"before": true}', '{"after": true}']
    finally:
        store.close()


def _cpu_seconds_of_a_wait(conn: PipelinedConnection, spin_us: int, sleep: float) -> float:
    pipeline = Pipeline(conn, spin_us)
    started = time.process_time()
    rows = pipeline.execute("SELECT 7 FROM pg_sleep(?)", (sleep,))
    assert rows.fetchone() == (7,)
    pipeline.sync()
    return time.process_time() - started


def test_a_wait_spins_for_at_most_its_spin_and_then_blocks(conn: PipelinedConnection) -> None:
    """Spinning for 50 ms of a 300 ms wait costs about 50 ms of CPU, not 300; without a spin, next to
    none."""
    assert _cpu_seconds_of_a_wait(conn, 50_000, 0.3) < 0.15
    assert _cpu_seconds_of_a_wait(conn, 250_000, 0.3) > 0.1  # the spin is real: it costs what it says
    assert _cpu_seconds_of_a_wait(conn, 0, 0.3) < 0.05


def test_only_the_main_thread_spins(conn: PipelinedConnection) -> None:
    """A thread beside the loop would hold the GIL while it spins."""
    spent: list[float] = []
    thread = threading.Thread(target=lambda: spent.append(_cpu_seconds_of_a_wait(conn, 250_000, 0.3)))
    thread.start()
    thread.join()
    assert spent[0] < 0.05
