"""`store_opener`: a way to (re)open one store's storage (SQLite, PostgreSQL); `store`: a new, empty store of
each kind the broker runs on, the in-memory one too."""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from paperbroker.store.base import Store
from paperbroker.store.memory import MemoryStore
from paperbroker.store.postgres import PostgresStore
from paperbroker.store.sqlite import SQLiteStore
from tests.store.pg import fresh_schema, postgres_dsn

OpenStore = Callable[[], Store]


@pytest.fixture
def pg_dsn() -> str:
    return postgres_dsn()


@pytest.fixture
def pg_schema(pg_dsn: str) -> Iterator[str]:
    with fresh_schema(pg_dsn) as schema:
        yield schema


@contextlib.contextmanager
def _opener(kind: str, tmp_path: Path) -> Iterator[OpenStore]:
    """Each call opens a new store on the same storage (a file, or a schema), as a restart would; the
    in-memory store has no storage to reopen, so each call opens a new, empty one. All are closed after."""
    with contextlib.ExitStack() as stack:
        if kind == "memory":
            make: OpenStore = MemoryStore
        elif kind == "sqlite":
            make = functools.partial(SQLiteStore, tmp_path / "b.db")
        else:
            dsn = postgres_dsn()
            make = functools.partial(PostgresStore, dsn, schema=stack.enter_context(fresh_schema(dsn)))

        def open_one() -> Store:
            store = make()
            stack.callback(store.close)  # before the schema is dropped: callbacks run newest first
            return store

        yield open_one


@pytest.fixture(params=["sqlite", "postgres"])
def store_opener(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[OpenStore]:
    """Storage that outlives its store: what a reopen must find again."""
    with _opener(request.param, tmp_path) as open_one:
        yield open_one


@pytest.fixture(params=["sqlite", "postgres", "memory"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """Each store the broker runs on, new and empty."""
    with _opener(request.param, tmp_path) as open_one:
        yield open_one()
