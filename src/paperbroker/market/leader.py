"""Which process ticks the simulated market: the one holding the store's ticker lock.

With several uvicorn workers (or machines) sharing one store, every worker runs the ticker task, but only
the holder of this lock applies ticks; the others keep trying, so when the holder dies another takes over.
The lock lives with the store (a file lock beside the SQLite file, an advisory lock in PostgreSQL), so the
engine and the broker know nothing about it.
"""

from __future__ import annotations

import fcntl
import os
from typing import Protocol

from paperbroker.store.base import Store
from paperbroker.store.sqlite import SQLiteStore


class TickerLock(Protocol):
    def acquire(self) -> bool:
        """Take the lock if free, without waiting; True while this process holds it. Safe to repeat."""
        ...

    def release(self) -> None: ...


class AlwaysHeld:
    """A store no other process can see (in memory, or one this module does not know) has one ticker."""

    def acquire(self) -> bool:
        return True

    def release(self) -> None:
        pass


class FileLock:
    """`flock` on a file beside the database: released by the kernel when the holding process exits."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._fd: int | None = None

    def acquire(self) -> bool:
        if self._fd is not None:
            return True
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor releases the lock
            self._fd = None


def ticker_lock(store: Store) -> TickerLock:
    if isinstance(store, SQLiteStore) and store.path != ":memory:" and not store.path.startswith("file:"):
        return FileLock(f"{store.path}.ticker.lock")
    from paperbroker.store.postgres import PostgresStore, SessionLock

    if isinstance(store, PostgresStore):
        return SessionLock(store)
    return AlwaysHeld()
