"""Group commit: the commits a service makes while one flush runs are made durable by the next, together.

A store whose every commit waits for the disk makes the event loop wait with it: a server answering many
clients spends most of a write's time there. A service instead has its store commit without waiting (SQLite
`synchronous = NORMAL`: the log is written, not yet synced; PostgreSQL `synchronous_commit = off`: the
commit record is in the server's WAL buffers, not yet flushed) and answers a request that committed only
once `GroupCommit.durable` says a flush that began after its commit has ended. The flush runs on a thread,
so the loop goes on serving (and committing) meanwhile; the commits made during one flush share the next.
An acknowledged write is on disk exactly as when every commit waits; a commit's effects are visible to
other readers before it is (as they are, when every commit waits, before the answer is sent).
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Callable


class GroupCommit:
    """Counts a store's commits and makes them durable in groups, one `flush` per group.

    `flush` blocks until everything committed before it was called is durable; it runs on the loop's
    default executor. `close` releases what `flush` holds."""

    def __init__(self, flush: Callable[[], None], close: Callable[[], None] | None = None) -> None:
        self._flush = flush
        self._close = close
        self._count_lock = threading.Lock()  # commits may be counted on several threads
        self.committed = 0
        """Commits made so far."""
        self._durable = 0
        self._syncing: asyncio.Future[None] | None = None

    def count_commit(self) -> None:
        with self._count_lock:
            self.committed += 1

    async def durable(self, commit: int) -> None:
        """Return once the first `commit` commits are on disk; a flush that fails raises here."""
        while self._durable < commit:
            if self._syncing is None:
                self._syncing = asyncio.ensure_future(self._sync())
            await asyncio.shield(self._syncing)

    async def _sync(self) -> None:
        covered = self.committed  # every commit counted before the flush starts is among what it flushes
        try:
            await asyncio.get_running_loop().run_in_executor(None, self._flush)
            self._durable = max(self._durable, covered)
        finally:
            self._syncing = None

    def close(self) -> None:
        if self._close is not None:
            self._close()


class LogFile:
    """A write-ahead log file whose fsync makes every commit written to it durable (SQLite's `-wal`).

    An fsync through any descriptor of the file flushes all of its written pages, whichever connection or
    process wrote them. The file lives as long as a connection to the database is open, and the store
    keeps one open."""

    def __init__(self, path: str, sync: Callable[[int], None] | None = None) -> None:
        self.path = path
        self._sync = sync
        self._fd = self._open()

    def sync(self) -> None:
        if os.fstat(self._fd).st_nlink == 0:  # the last connection elsewhere closed and removed the log:
            os.close(self._fd)  # its pages were checkpointed into the database then; sync the new one
            self._fd = self._open()
        (self._sync or os.fsync)(self._fd)

    def _open(self) -> int:
        return os.open(self.path, os.O_RDONLY | os.O_CREAT, 0o644)

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def group_commit(self) -> GroupCommit:
        return GroupCommit(self.sync, self.close)
