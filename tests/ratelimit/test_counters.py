"""One behaviour suite for every counter: memory, a SQLite file beside the store, PostgreSQL (UNLOGGED)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from paperbroker.ratelimit import (
    MemoryCounter,
    Policy,
    PostgresCounter,
    SQLiteCounter,
    Usage,
    WindowCounter,
    open_counter,
)
from paperbroker.store.sqlite import SQLiteStore
from tests.store.pg import fresh_schema, postgres_dsn, url_with_schema

POLICY = Policy(limit=3, window=10)
T0 = 1_800_000_000_000


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def counter(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[WindowCounter]:
    if request.param == "memory":
        yield open_counter(":memory:", POLICY)
    elif request.param == "sqlite":
        found = open_counter(str(tmp_path / "broker.db"), POLICY)
        yield found
        found.close()
    else:
        dsn = postgres_dsn()
        with fresh_schema(dsn) as schema:
            found = open_counter(url_with_schema(dsn, schema), POLICY)
            yield found
            found.close()


def test_open_counter_follows_the_store_setting(tmp_path: Path) -> None:
    assert isinstance(open_counter(":memory:", POLICY), MemoryCounter)
    on_file = open_counter(str(tmp_path / "b.db"), POLICY)
    assert isinstance(on_file, SQLiteCounter) and on_file.path == str(tmp_path / "b.db.limits")
    on_file.close()


def test_counts_the_limit_then_refuses_until_the_window_ends(counter: WindowCounter) -> None:
    used = [counter.hit("key:a", T0 + i) for i in range(5)]
    assert used == [Usage(T0, 1), Usage(T0, 2), Usage(T0, 3), Usage(T0, 4), Usage(T0, 4)]
    assert counter.hit("key:a", T0 + 9_999) == Usage(T0, 4)
    assert counter.hit("key:a", T0 + 10_000) == Usage(T0 + 10_000, 1)


def test_each_key_has_its_own_window(counter: WindowCounter) -> None:
    for _ in range(4):
        counter.hit("key:a", T0)
    assert counter.hit("key:b", T0 + 1) == Usage(T0 + 1, 1)
    assert counter.hit("addr:127.0.0.1", T0 + 2) == Usage(T0 + 2, 1)


def test_pruning_forgets_only_ended_windows(counter: WindowCounter) -> None:
    counter.hit("key:old", T0)
    counter.hit("key:new", T0 + 5_000)
    counter.hit("key:new", T0 + 5_000)
    counter.prune(T0 + 10_000)
    assert counter.hit("key:new", T0 + 10_001) == Usage(T0 + 5_000, 3)
    assert counter.hit("key:old", T0 + 10_001) == Usage(T0 + 10_001, 1)


def test_sqlite_counts_in_a_file_of_its_own_and_never_writes_the_store(tmp_path: Path) -> None:
    db = tmp_path / "broker.db"
    SQLiteStore(db).close()
    before = db.read_bytes()
    counter = open_counter(str(db), POLICY)
    counter.hit("key:a", T0)
    counter.close()
    assert db.read_bytes() == before
    with sqlite3.connect(tmp_path / "broker.db.limits") as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert conn.execute("SELECT key, start, used FROM rate_limits").fetchall() == [("key:a", T0, 1)]


def test_two_sqlite_counters_on_one_file_share_the_window(tmp_path: Path) -> None:
    first = SQLiteCounter(str(tmp_path / "x.limits"), POLICY)
    second = SQLiteCounter(str(tmp_path / "x.limits"), POLICY)
    assert [first.hit("key:a", T0), second.hit("key:a", T0), first.hit("key:a", T0)][-1] == Usage(T0, 3)
    assert second.hit("key:a", T0) == Usage(T0, 4)
    first.close()
    second.close()


def test_postgres_counts_in_an_unlogged_table_of_the_stores_schema() -> None:
    dsn = postgres_dsn()
    with fresh_schema(dsn) as schema:
        first = PostgresCounter(url_with_schema(dsn, schema), POLICY)
        second = PostgresCounter(url_with_schema(dsn, schema), POLICY)  # another worker
        first.hit("key:a", T0)
        assert second.hit("key:a", T0) == Usage(T0, 2)
        with psycopg.connect(dsn) as conn:
            persistence = conn.execute(
                "SELECT c.relpersistence FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = %s AND c.relname = 'rate_limits'",
                (schema,),
            ).fetchone()
        assert persistence == ("u",)
        first.close()
        second.close()


def test_a_postgres_counter_that_lost_its_server_lets_requests_through_and_reconnects() -> None:
    dsn = postgres_dsn()
    with fresh_schema(dsn) as schema:
        counter = PostgresCounter(url_with_schema(dsn, schema), POLICY)
        counter.hit("key:a", T0)
        assert counter._conn is not None
        backend = counter._conn.info.backend_pid  # this counter's session, no other test's
        with psycopg.connect(dsn, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (backend,))
        assert counter.hit("key:a", T0) is None
        assert counter.hit("key:a", T0) == Usage(T0, 2)
        counter.close()
