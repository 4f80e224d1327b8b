"""A PostgreSQL transaction's statements sent through libpq's pipeline mode directly, each prepared once per
connection.

psycopg's own pipeline runs, for every statement, a cursor, a query conversion, a look-up in its prepare
cache and a read of whatever has arrived: some 40 µs of Python per statement, and a placeOrder is seven
statements. Here a statement is handed to libpq, which keeps it in its buffer; the buffer is written when
the client needs an answer (a read's rows, or the end), so a round trip is one write and one wait. Writing
each statement at once instead let the server start on it while the client went on, but cost a write per
statement and woke the server's backend for each: with two workers on two cores, which leave the server
no core of its own, two workers served about a sixth fewer orders that way, and one worker no more
(tools/bench/interleave.py). Parameters and rows go through psycopg's adapters
(`psycopg.adapt.Transformer`), so values arrive as psycopg's cursors return them, and a failed statement
raises psycopg's error for its SQLSTATE.

A wait for the server may spin first (`spin_us`): poll the socket without sleeping, yielding the core to
any other runnable process between polls, for up to that long before it blocks. Where a core is spare, a
worker that blocks is woken only after the scheduler has put its idle core to sleep, which on a virtual
machine here cost more than the server's own work on a short statement; spinning keeps the answer's
latency to the server's. Only the main thread spins (the loop's): a thread beside it would hold the GIL.

Queries are written with `?` placeholders, or `%(name)s` ones whose values come from a mapping; each text
and set of parameter types is one statement, prepared on a connection the first time it runs there.
"""

from __future__ import annotations

import collections
import functools
import os
import re
import select
import threading
import time
from collections.abc import Mapping, Sequence
from typing import Any

import psycopg
from psycopg import errors, pq
from psycopg.adapt import PyFormat, Transformer

_PLACEHOLDER = re.compile(r"\?|%\((\w+)\)s")

_names: dict[tuple[str, tuple[int, ...]], bytes] = {}
_names_lock = threading.Lock()


@functools.lru_cache(maxsize=512)
def _numbered(query: str) -> tuple[bytes, tuple[str, ...]]:
    """The query with `$n` placeholders, and the names of its `%(name)s` ones in their numbers' order (a
    name used twice is one parameter)."""
    names: list[str] = []
    count = 0

    def number(match: re.Match[str]) -> str:
        nonlocal count
        name = match.group(1)
        if name is None:
            count += 1
            return f"${count}"
        if name not in names:
            names.append(name)
        return f"${names.index(name) + 1}"

    text = _PLACEHOLDER.sub(number, query)
    if count and names:
        raise ValueError(f"a query mixes ? and %(name)s placeholders: {query!r}")
    return text.encode(), tuple(names)


def _statement_name(query: str, types: tuple[int, ...]) -> bytes:
    key = (query, types)
    name = _names.get(key)
    if name is None:
        with _names_lock:
            name = _names.setdefault(key, f"pb_{len(_names)}".encode())
    return name


class Rows:
    """A statement's result, read when asked for: the pipeline then waits for the server up to it."""

    __slots__ = ("_pipeline", "_result", "done", "index")

    def __init__(self, pipeline: Pipeline, index: int) -> None:
        self._pipeline = pipeline
        self._result: pq.abc.PGresult | None = None
        self.index = index
        self.done = False

    def _arrived(self, result: pq.abc.PGresult | None) -> None:
        self._result = result
        self.done = True

    def fetchall(self) -> list[tuple[Any, ...]]:
        if not self.done:
            self._pipeline.wait_for(self)
        self._pipeline.raise_failure()
        result = self._result
        if result is None or not result.ntuples:
            return []
        return self._pipeline.load(result)

    def fetchone(self) -> tuple[Any, ...] | None:
        rows = self.fetchall()
        return rows[0] if rows else None


class _Prepared:
    """A statement's preparation, whose answer precedes its first execution's."""

    __slots__ = ("done", "index", "name")

    def __init__(self, name: bytes, index: int) -> None:
        self.name = name
        self.index = index
        self.done = False


class _Sync:
    __slots__ = ("done", "index")

    def __init__(self, index: int) -> None:
        self.index = index
        self.done = False


_Expected = Rows | _Prepared | _Sync

_SUCCEEDED = (pq.ExecStatus.TUPLES_OK, pq.ExecStatus.COMMAND_OK)


class _Kept:
    """What a connection's pipelines share, one transaction after another."""

    __slots__ = ("encoding", "poll", "prepared", "transformer")

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.prepared: set[bytes] = set()
        """The statements prepared on the connection (a connection the pool replaces starts with none)."""
        self.transformer = Transformer(conn)
        """psycopg's adapters, which remember the dumper of each Python type they have dumped."""
        self.poll = select.poll()
        self.poll.register(conn.pgconn.socket, select.POLLIN)
        self.encoding = conn.info.encoding


class PipelinedConnection(psycopg.Connection[Any]):
    """A psycopg connection for `Pipeline`s: it keeps the statements prepared on it, psycopg's adapters and
    a poll on its socket from one pipeline to the next, so a transaction neither looks up a dumper for each
    of its values again nor builds them anew. Use it as the pool's `connection_class`."""

    _kept: _Kept | None = None

    def kept(self) -> _Kept:
        if self._kept is None:
            self._kept = _Kept(self)
        return self._kept


class Pipeline:
    """Statements on one connection in pipeline mode, from the pipeline's creation to `sync` (or `abort`).

    The connection must be idle and in autocommit mode: the statements say where transactions begin and end.
    After the first failure the server skips every statement up to the sync; the failure is raised when any
    of them is read and again at `sync`.
    """

    def __init__(self, conn: PipelinedConnection, spin_us: int = 0) -> None:
        self._conn = conn
        self._spin_ns = spin_us * 1000 if threading.current_thread() is threading.main_thread() else 0
        self._pgconn = conn.pgconn
        kept = conn.kept()
        self._encoding = kept.encoding
        self._tx = kept.transformer
        self._prepared = kept.prepared
        self._poll = kept.poll
        self._expected: collections.deque[_Expected] = collections.deque()
        self._queued = 0  # answers asked for so far, in order
        self._requested = 0  # of those, how many a flush request or a sync has asked the server to send
        self._failure: psycopg.Error | None = None
        self._synced = True  # nothing sent since the last sync
        self._pgconn.enter_pipeline_mode()

    def execute(self, query: str, params: Sequence[Any] | Mapping[str, Any] = ()) -> Rows:
        text, names = _numbered(query)
        if isinstance(params, Mapping):
            values: Sequence[Any] = [params[name] for name in names]
        else:
            values = params
        dumped = self._tx.dump_sequence(values, [PyFormat.TEXT] * len(values))
        types = self._tx.types or ()
        name = _statement_name(query, types)
        if name not in self._prepared:
            self._pgconn.send_prepare(name, text, param_types=types)
            self._prepared.add(name)
            self._expect(_Prepared(name, self._queued))
        self._pgconn.send_query_prepared(name, dumped, self._tx.formats)
        self._synced = False
        rows = Rows(self, self._queued)
        self._expect(rows)
        return rows

    def _expect(self, entry: _Expected) -> None:
        self._expected.append(entry)
        self._queued += 1

    def wait_for(self, entry: Rows | _Sync) -> None:
        """Ask the server for the answers up to `entry` (unless asked already) and read them."""
        if entry.index >= self._requested:
            self._pgconn.send_flush_request()
            self._requested = self._queued
        self._send()
        while not entry.done:
            self._read(self._expected.popleft())

    def sync(self) -> None:
        """End the pipeline's work: send everything, read every answer, raise the first failure."""
        self.wait_for(self._send_sync())
        self._pgconn.exit_pipeline_mode()
        self.raise_failure()

    def _send_sync(self) -> _Sync:
        """A sync after everything sent: the server ends the implicit transaction of statements outside
        BEGIN and COMMIT, and skips no more after a failure."""
        sync = _Sync(self._queued)
        self._pgconn.pipeline_sync()
        self._synced = True
        self._expect(sync)
        self._requested = self._queued
        return sync

    def abort(self) -> None:
        """Leave pipeline mode after a failure, the answers read and dropped; the transaction the statements
        left open is the caller's to roll back. A connection that cannot is closed (the pool then drops it);
        the failure being handled is the caller's to raise, not this one's."""
        try:
            if not self._synced:  # even with every answer read: what was sent must not stay open
                self._send_sync()
            self._send()
            while self._expected:
                self._read(self._expected.popleft())
            self._pgconn.exit_pipeline_mode()
        except Exception:
            self._conn.close()
        except BaseException:
            self._conn.close()
            raise

    def raise_failure(self) -> None:
        if self._failure is not None:
            raise self._failure

    def load(self, result: pq.abc.PGresult) -> list[tuple[Any, ...]]:
        self._tx.set_pgresult(result)
        try:
            return self._tx.load_rows(0, result.ntuples, tuple)
        finally:
            self._tx.set_pgresult(None)  # the connection keeps its adapters, not its last rows

    def _send(self) -> None:
        while self._pgconn.flush():  # 1: libpq's buffer is not all written yet
            self._poll.modify(self._pgconn.socket, select.POLLIN | select.POLLOUT)
            self._poll.poll()
            self._pgconn.consume_input()  # the server may be waiting for us to read before it reads more
        self._poll.modify(self._pgconn.socket, select.POLLIN)

    def _result(self) -> pq.abc.PGresult | None:
        if self._pgconn.is_busy():
            spin_until = time.perf_counter_ns() + self._spin_ns
            while self._pgconn.is_busy():
                if time.perf_counter_ns() < spin_until:
                    if not self._poll.poll(0):
                        os.sched_yield()
                        continue
                else:
                    self._poll.poll()
                self._pgconn.consume_input()
        return self._pgconn.get_result()

    def _read(self, entry: _Expected) -> None:
        result = self._result()
        if result is None:
            raise psycopg.OperationalError("the server sent no answer where one was expected")
        entry.done = True
        if isinstance(entry, _Sync):
            if result.status != pq.ExecStatus.PIPELINE_SYNC:
                raise psycopg.OperationalError(
                    f"expected the pipeline's sync, got {pq.ExecStatus(result.status).name}"
                )
            return
        self._result()  # the None that ends each statement's answers
        if result.status not in _SUCCEEDED:
            if isinstance(entry, _Prepared):
                self._prepared.discard(entry.name)  # skipped or refused: prepare it again next time
            if result.status == pq.ExecStatus.FATAL_ERROR and self._failure is None:
                self._failure = errors.error_from_result(result, encoding=self._encoding)
            elif self._failure is None:
                self._failure = psycopg.OperationalError(
                    f"a statement was not run: {pq.ExecStatus(result.status).name}"
                )
            return
        if isinstance(entry, Rows):
            entry._arrived(result)


def run_alone(conn: PipelinedConnection, query: str, params: Sequence[Any] = ()) -> None:
    """One statement in a pipeline of its own, on the connection's prepared statements."""
    pipeline = Pipeline(conn)
    try:
        pipeline.execute(query, params)
        pipeline.sync()
    except BaseException:
        pipeline.abort()
        raise
