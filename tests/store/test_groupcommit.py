"""Group commit on a real log file: one fsync covers every commit made before it began, the commits made
while it runs share the next one, and a failed fsync fails its waiters and is tried again; and on
PostgreSQL, whose flush is a synchronous commit after the asynchronous ones."""

from __future__ import annotations

import asyncio
import sqlite3
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
import pytest

from paperbroker.engine.model import Position
from paperbroker.store.groupcommit import GroupCommit, LogFile
from paperbroker.store.postgres import PostgresStore
from paperbroker.store.sqlite import SQLiteStore
from tests.store.slow_disk import SlowDisk


def test_commits_made_while_one_fsync_runs_share_the_next(tmp_path: Path) -> None:
    asyncio.run(_commits_share_fsyncs(tmp_path))


async def _commits_share_fsyncs(tmp_path: Path) -> None:
    disk = SlowDisk()
    group = LogFile(str(tmp_path / "db-wal"), sync=disk).group_commit()
    group.count_commit()
    first = asyncio.ensure_future(group.durable(1))
    await asyncio.sleep(0.05)
    for _ in range(9):
        group.count_commit()
    later = [asyncio.ensure_future(group.durable(commit)) for commit in range(2, 11)]
    await asyncio.sleep(0.05)
    assert not first.done() and not any(waiter.done() for waiter in later)
    assert disk.calls == 1
    disk.hold.set()
    await asyncio.wait_for(asyncio.gather(first, *later), 5)
    assert disk.calls == 2  # commit 1's, then one for commits 2 to 10
    await group.durable(10)  # already durable: no fsync
    assert disk.calls == 2
    group.close()


def test_a_failed_fsync_fails_its_waiters_and_the_next_wait_syncs_again(tmp_path: Path) -> None:
    asyncio.run(_failed_fsync(tmp_path))


async def _failed_fsync(tmp_path: Path) -> None:
    disk = SlowDisk()
    disk.hold.set()
    disk.fail_next = True
    group = LogFile(str(tmp_path / "db-wal"), sync=disk).group_commit()
    group.count_commit()
    with pytest.raises(OSError, match="Input/output error"):
        await group.durable(1)
    await group.durable(1)
    assert disk.calls == 2
    group.close()


def test_a_store_with_group_commits_commits_without_fsync_and_counts_its_commits(tmp_path: Path) -> None:
    store = SQLiteStore(tmp_path / "paperbroker.db")
    group = store.group_commits()
    assert group is not None and store.group_commits() is group
    assert store.log is not None and store.log.path == f"{tmp_path / 'paperbroker.db'}-wal"
    assert store._conn.execute("PRAGMA synchronous").fetchone() == (1,)  # NORMAL
    for qty in ("1", "2"):
        with store.transaction() as ledger:
            ledger.put_position("AAPL", Position("AAPL", Decimal(qty), Decimal(1)))
    with store.snapshot():
        pass
    with store.transaction() as ledger:
        ledger.list_positions()
    assert group.committed == 2  # a snapshot, or a transaction that wrote nothing, has nothing to sync
    store.close()
    with sqlite3.connect(tmp_path / "paperbroker.db") as conn:
        assert conn.execute("SELECT qty FROM positions").fetchall() == [("2",)]
    conn.close()


def test_a_store_without_a_file_has_nothing_to_make_durable() -> None:
    store = SQLiteStore(":memory:")
    assert store.group_commits() is None
    assert store._conn.execute("PRAGMA synchronous").fetchone() == (2,)  # FULL, as it was
    store.close()


def _lsn(conn: psycopg.Connection[Any], query: str) -> int:
    """An LSN as a number, so two compare as positions in the WAL."""
    row = conn.execute(f"SELECT ({query} - '0/0'::pg_lsn)::numeric").fetchone()
    assert row is not None
    return int(row[0])


def _assert_durable_flushes_past_what_was_written(dsn: str, group: GroupCommit) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        written = _lsn(conn, "pg_current_wal_insert_lsn()")
        asyncio.run(group.durable(group.committed))
        assert _lsn(conn, "pg_current_wal_flush_lsn()") >= written


def test_a_postgres_store_with_group_commits_commits_without_waiting_and_flushes_on_demand(
    pg_dsn: str, pg_schema: str
) -> None:
    """Its transactions run with `synchronous_commit = off` and are counted (a rolled back one is not);
    the flush is a synchronous commit after them, so the WAL is flushed past their commit records."""
    store = PostgresStore(pg_dsn, schema=pg_schema)
    with store.transaction() as ledger:
        assert ledger._execute("SELECT current_setting('synchronous_commit')").fetchone() == ("on",)
    group = store.group_commits()
    assert store.group_commits() is group
    with store.transaction() as ledger:
        assert ledger._execute("SELECT current_setting('synchronous_commit')").fetchone() == ("off",)
        ledger.put_position("AAPL", Position("AAPL", Decimal(1), Decimal(1)))
    with pytest.raises(RuntimeError), store.transaction() as ledger:
        ledger.put_position("AAPL", Position("AAPL", Decimal(2), Decimal(1)))
        raise RuntimeError("rolled back")
    with store.snapshot() as ledger:
        assert ledger.get_position("AAPL") == Position("AAPL", Decimal(1), Decimal(1))
    assert group.committed == 1  # the one commit since: a snapshot, or a rolled back transaction, is not
    _assert_durable_flushes_past_what_was_written(pg_dsn, group)
    store.close()


def test_the_flush_of_a_postgres_store_waits_for_the_disk_even_if_the_url_says_otherwise(
    pg_dsn: str, pg_schema: str
) -> None:
    """A DSN may set `synchronous_commit = off` for its sessions: the flush sets it on for its own commit."""
    options = f"-csearch_path%3D{pg_schema}%20-csynchronous_commit%3Doff"
    store = PostgresStore(f"{pg_dsn}{'&' if '?' in pg_dsn else '?'}options={options}")
    group = store.group_commits()
    with store._pool.connection() as conn:
        assert conn.execute("SHOW synchronous_commit").fetchone() == ("off",)
    with store.transaction() as ledger:
        ledger.put_position("AAPL", Position("AAPL", Decimal(1), Decimal(1)))
    _assert_durable_flushes_past_what_was_written(pg_dsn, group)
    store.close()
