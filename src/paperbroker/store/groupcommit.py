"""Group commit: the commits a service makes while one fsync runs are made durable by the next, together.

With `PRAGMA synchronous = FULL` every SQLite commit waits for its own fsync of the write-ahead log, and the
event loop waits with it: a server answering many clients spends most of a write's time there. A service
instead commits with `synchronous = NORMAL` (the log is written, not yet synced) and answers a request that
committed only once `GroupCommit.durable` says an fsync of the log that began after its commit has ended.
The fsync runs on a thread, so the loop goes on serving (and committing) meanwhile; the commits made during
one fsync share the next. An acknowledged write is on disk exactly as under FULL; a commit's effects are
visible to other readers before it is (as with FULL, where they are visible before the answer is sent).

An fsync through any descriptor of the log file flushes all of that file's written pages, whichever
connection or process wrote them. The log file lives as long as a connection to the database is open, and
the store keeps one open.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable


class GroupCommit:
    """Counts a store's commits and makes them durable in groups, one fsync of the log per group."""

    def __init__(self, log_path: str, sync: Callable[[int], None] | None = None) -> None:
        self.log_path = log_path
        self._sync = sync
        self._fd = self._open_log()
        self.committed = 0
        """Commits made so far (the store counts them under its lock)."""
        self._durable = 0
        self._syncing: asyncio.Future[None] | None = None

    def count_commit(self) -> None:
        self.committed += 1

    async def durable(self, commit: int) -> None:
        """Return once the first `commit` commits are on disk; an fsync that fails raises here."""
        while self._durable < commit:
            if self._syncing is None:
                self._syncing = asyncio.ensure_future(self._sync_log())
            await asyncio.shield(self._syncing)

    async def _sync_log(self) -> None:
        covered = self.committed  # every commit made before the fsync starts is in the log it flushes
        try:
            await asyncio.get_running_loop().run_in_executor(None, self._sync_file)
            self._durable = max(self._durable, covered)
        finally:
            self._syncing = None

    def _sync_file(self) -> None:
        if os.fstat(self._fd).st_nlink == 0:  # the last connection elsewhere closed and removed the log:
            os.close(self._fd)  # its pages were checkpointed into the database then; sync the new one
            self._fd = self._open_log()
        (self._sync or os.fsync)(self._fd)

    def _open_log(self) -> int:
        return os.open(self.log_path, os.O_RDONLY | os.O_CREAT, 0o644)

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
