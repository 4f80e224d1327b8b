"""`store_opener`: a way to (re)open one store's storage, once for SQLite and once for PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from paperbroker.store.base import Store
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


@pytest.fixture(params=["sqlite", "postgres"])
def store_opener(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[OpenStore]:
    """Each call opens a new store on the same storage (a file, or a schema), as a restart would."""
    opened: list[Store] = []
    if request.param == "sqlite":

        def open_one() -> Store:
            opened.append(SQLiteStore(tmp_path / "b.db"))
            return opened[-1]

        yield open_one
    else:
        dsn = postgres_dsn()
        with fresh_schema(dsn) as schema:

            def open_one() -> Store:
                opened.append(PostgresStore(dsn, schema=schema))
                return opened[-1]

            try:
                yield open_one
            finally:
                for store in opened:
                    store.close()
                opened.clear()
    for store in opened:
        store.close()


@pytest.fixture
def store(store_opener: OpenStore) -> Store:
    return store_opener()
