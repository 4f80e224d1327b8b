"""Ticker locks: which process ticks the simulated market when several share one store.

Every worker runs the ticker task, but only the holder of its store's ticker lock applies ticks; the others
keep trying, so when the holder dies another takes over. Each store hands out the lock that fits it
(`Store.ticker_lock`): this module has the ones that need no database connection.
"""

from __future__ import annotations

import fcntl
import os


class AlwaysHeld:
    """A store no other process can see (in memory) has one ticker."""

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
