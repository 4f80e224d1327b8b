"""Each store gives the ticker lock that fits it; PostgreSQL's session lock is tested in test_postgres.py."""

from __future__ import annotations

from pathlib import Path

from paperbroker.store.locks import AlwaysHeld, FileLock
from paperbroker.store.sqlite import SQLiteStore


def test_a_sqlite_file_has_one_ticker_at_a_time(tmp_path: Path) -> None:
    first, second = SQLiteStore(tmp_path / "b.db"), SQLiteStore(tmp_path / "b.db")
    mine, theirs = first.ticker_lock(), second.ticker_lock()
    assert isinstance(mine, FileLock)
    assert mine.acquire()
    assert mine.acquire()
    assert not theirs.acquire()
    mine.release()
    assert theirs.acquire()
    assert not mine.acquire()
    theirs.release()


def test_an_in_memory_store_always_ticks() -> None:
    assert isinstance(SQLiteStore(":memory:").ticker_lock(), AlwaysHeld)
