"""open_store(url): the one place that knows the concrete stores."""

from __future__ import annotations

from pathlib import Path

from paperbroker.store import SPIN_US, open_store, postgres_spin_us
from paperbroker.store.sqlite import SQLiteStore
from tests.store.pg import url_with_schema


def test_a_path_opens_a_sqlite_file(tmp_path: Path) -> None:
    store = open_store(str(tmp_path / "b.db"))
    assert isinstance(store, SQLiteStore)
    store.close()
    assert (tmp_path / "b.db").exists()


def test_a_postgresql_url_opens_the_postgresql_store(pg_dsn: str, pg_schema: str) -> None:
    from paperbroker.store.postgres import PostgresStore

    for scheme in ("postgresql://", "postgres://"):
        url = url_with_schema(pg_dsn, pg_schema).replace("postgresql://", scheme, 1)
        store = open_store(url)
        assert isinstance(store, PostgresStore)
        assert store.schema_name == pg_schema
        store.close()


def test_postgresql_waits_spin_only_while_the_workers_leave_a_core_free(pg_dsn: str, pg_schema: str) -> None:
    assert postgres_spin_us(1, cores=2) == SPIN_US
    assert postgres_spin_us(2, cores=2) == 0
    assert postgres_spin_us(3, cores=2) == 0
    assert postgres_spin_us(3, cores=8) == SPIN_US
    store = open_store(url_with_schema(pg_dsn, pg_schema), workers=10_000)
    assert getattr(store, "spin_us", None) == 0
    store.close()
