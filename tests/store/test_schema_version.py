"""A store opens a new or current database, and refuses one it would misread: the float schema of earlier
paperbrokers (whose REAL columns would turn the text '0.1' back into a float) or another version."""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path

import orjson
import psycopg
import pytest
from psycopg import sql

from paperbroker.engine.model import Order, OrderStatus, OrderType, Position, Side
from paperbroker.serialize import order_json
from paperbroker.store import IncompatibleDatabase
from paperbroker.store.base import Store
from paperbroker.store.postgres import PostgresStore
from paperbroker.store.sql import SCHEMA_VERSION
from paperbroker.store.sqlite import SQLiteStore
from tests.store.conftest import OpenStore

FLOAT_ORDERS = """
CREATE TABLE orders (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, symbol TEXT NOT NULL,
    qty {real} NOT NULL, filled_qty {real} NOT NULL, avg_price {real}, limit_price {real});
CREATE TABLE positions (symbol TEXT PRIMARY KEY, qty {real} NOT NULL, avg_price {real} NOT NULL);
"""
"""The float schema as earlier paperbrokers created it (trimmed to tables whose amounts were floats)."""

NEWER = f"has schema version {SCHEMA_VERSION + 1}; this paperbroker reads version {SCHEMA_VERSION}"
OLDER_3 = f"has schema version 3; this paperbroker reads version {SCHEMA_VERSION}"
VERSION_3 = """
CREATE TABLE orders (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, symbol TEXT NOT NULL);
CREATE TABLE positions (symbol TEXT PRIMARY KEY, qty TEXT NOT NULL, avg_price TEXT NOT NULL);
CREATE TABLE events (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, data TEXT NOT NULL);
"""
"""Version 3's one-account tables (trimmed): a position's key is its symbol alone."""
REFUSED_FLOATS = "was written by an older paperbroker \\(float columns\\); move it away to start afresh"


def test_a_sqlite_file_of_the_float_schema_is_refused_and_left_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / "paperbroker.db"
    with sqlite3.connect(path) as conn:
        conn.executescript(FLOAT_ORDERS.format(real="REAL"))
        conn.execute("INSERT INTO positions VALUES ('AAPL', 0.1, 189.5)")
    conn.close()
    with pytest.raises(IncompatibleDatabase, match=f"^{path} {REFUSED_FLOATS}$"):
        SQLiteStore(path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone() == (0,)
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert tables == {"orders", "positions"}
    conn.close()


def test_a_new_sqlite_file_is_stamped_with_the_schema_version_and_opens_again(tmp_path: Path) -> None:
    path = tmp_path / "paperbroker.db"
    store = SQLiteStore(path)
    with store.transaction() as ledger:
        ledger.put_position("AAPL", Position("AAPL", Decimal("0.1"), Decimal("189.5")))
    store.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
        assert conn.execute("SELECT typeof(qty), qty FROM positions").fetchone() == ("text", "0.1")
    conn.close()
    reopened = SQLiteStore(path)
    with reopened.snapshot() as ledger:
        assert ledger.list_positions() == [Position("AAPL", Decimal("0.1"), Decimal("189.5"))]
    reopened.close()


def test_a_sqlite_file_of_another_schema_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "paperbroker.db"
    SQLiteStore(path).close()
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(IncompatibleDatabase, match=NEWER):
        SQLiteStore(path)


def test_a_sqlite_file_of_version_2_without_the_events_outbox_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "paperbroker.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE orders (seq INTEGER PRIMARY KEY)")
        conn.execute("PRAGMA user_version = 2")
    conn.close()
    with pytest.raises(
        IncompatibleDatabase, match=f"has schema version 2; this paperbroker reads version {SCHEMA_VERSION}"
    ):
        SQLiteStore(path)


def test_a_postgresql_schema_of_the_float_schema_is_refused_and_left_as_it_was(
    pg_dsn: str, pg_schema: str
) -> None:
    with psycopg.connect(pg_dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("SET search_path = {}").format(sql.Identifier(pg_schema)))
        conn.execute(FLOAT_ORDERS.format(real="DOUBLE PRECISION"))
    with pytest.raises(IncompatibleDatabase, match=f"^PostgreSQL schema '{pg_schema}' {REFUSED_FLOATS}$"):
        PostgresStore(pg_dsn, schema=pg_schema)
    with psycopg.connect(pg_dsn) as conn:
        tables = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = %s", (pg_schema,))
        assert {row[0] for row in tables} == {"orders", "positions"}


def test_a_new_postgresql_schema_is_stamped_with_the_schema_version_and_opens_again(
    pg_dsn: str, pg_schema: str
) -> None:
    store = PostgresStore(pg_dsn, schema=pg_schema)
    with store.transaction() as ledger:
        ledger.put_position("AAPL", Position("AAPL", Decimal("0.1"), Decimal("189.5")))
    store.close()
    with psycopg.connect(pg_dsn) as conn:
        conn.execute(sql.SQL("SET search_path = {}").format(sql.Identifier(pg_schema)))
        assert conn.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]
        assert conn.execute("SELECT qty FROM positions").fetchone() == ("0.1",)
    reopened = PostgresStore(pg_dsn, schema=pg_schema)
    with reopened.snapshot() as ledger:
        assert ledger.list_positions() == [Position("AAPL", Decimal("0.1"), Decimal("189.5"))]
    reopened.close()


def test_a_postgresql_schema_of_another_schema_version_is_refused(pg_dsn: str, pg_schema: str) -> None:
    PostgresStore(pg_dsn, schema=pg_schema).close()
    with psycopg.connect(pg_dsn, autocommit=True) as conn:
        conn.execute(
            sql.SQL("UPDATE {}.schema_version SET version = %s").format(sql.Identifier(pg_schema)),
            (SCHEMA_VERSION + 1,),
        )
    with pytest.raises(IncompatibleDatabase, match=NEWER):
        PostgresStore(pg_dsn, schema=pg_schema)


def test_a_sqlite_file_of_version_3_the_one_account_schema_is_refused_and_left_as_it_was(
    tmp_path: Path,
) -> None:
    path = tmp_path / "paperbroker.db"
    with sqlite3.connect(path) as conn:
        conn.executescript(VERSION_3)
        conn.execute("INSERT INTO positions VALUES ('AAPL', '0.1', '189.5')")
        conn.execute("PRAGMA user_version = 3")
    conn.close()
    with pytest.raises(IncompatibleDatabase, match=f"^{path} {OLDER_3}$"):
        SQLiteStore(path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone() == (3,)
        assert conn.execute("SELECT * FROM positions").fetchall() == [("AAPL", "0.1", "189.5")]
    conn.close()


def test_a_postgresql_schema_of_version_3_the_one_account_schema_is_refused_and_left_as_it_was(
    pg_dsn: str, pg_schema: str
) -> None:
    with psycopg.connect(pg_dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("SET search_path = {}").format(sql.Identifier(pg_schema)))
        conn.execute(VERSION_3)
        conn.execute("CREATE TABLE schema_version (one BOOLEAN PRIMARY KEY DEFAULT TRUE, version INTEGER)")
        conn.execute("INSERT INTO schema_version (version) VALUES (3)")
        conn.execute("INSERT INTO positions VALUES ('AAPL', '0.1', '189.5')")
    with pytest.raises(IncompatibleDatabase, match=f"^PostgreSQL schema '{pg_schema}' {OLDER_3}$"):
        PostgresStore(pg_dsn, schema=pg_schema)
    with psycopg.connect(pg_dsn) as conn:
        conn.execute(sql.SQL("SET search_path = {}").format(sql.Identifier(pg_schema)))
        assert conn.execute("SELECT * FROM positions").fetchall() == [("AAPL", "0.1", "189.5")]
        assert conn.execute("SELECT version FROM schema_version").fetchall() == [(3,)]


def as_version_4(store: Store) -> None:
    """Turn a closed store's database back into version 4: the orders without their JSON bodies."""
    if isinstance(store, SQLiteStore):
        with sqlite3.connect(store.path) as conn:
            conn.execute("ALTER TABLE orders DROP COLUMN body")
            conn.execute("PRAGMA user_version = 4")
        conn.close()
        return
    assert isinstance(store, PostgresStore)
    with psycopg.connect(store.dsn, autocommit=True) as pg:
        pg.execute(sql.SQL("SET search_path = {}").format(sql.Identifier(store.schema_name)))
        pg.execute("ALTER TABLE orders DROP COLUMN body")
        pg.execute("UPDATE schema_version SET version = 4")


def stored_version(store: Store) -> int:
    if isinstance(store, SQLiteStore):
        with sqlite3.connect(store.path) as conn:
            (version,) = conn.execute("PRAGMA user_version").fetchone()
        conn.close()
        return int(version)
    assert isinstance(store, PostgresStore)
    with psycopg.connect(store.dsn) as pg:
        query = sql.SQL("SELECT version FROM {}.schema_version").format(sql.Identifier(store.schema_name))
        row = pg.execute(query).fetchone()
    assert row is not None
    return int(row[0])


def test_a_version_4_database_is_upgraded_in_place_its_orders_listed_as_before(
    store_opener: OpenStore,
) -> None:
    orders = [
        Order(str(n), "AAPL", OrderType.Limit, Side.Buy, Decimal(n), OrderStatus.Working, n,
              limit_price=Decimal("100.5"))
        for n in range(1, 6)
    ]  # fmt: skip
    store = store_opener()
    with store.transaction() as ledger:
        for placed in orders:
            ledger.add_order(placed)
        ledger.put_position("AAPL", Position("AAPL", Decimal("0.1"), Decimal("189.5")))
    store.close()
    as_version_4(store)
    upgraded = store_opener()
    with upgraded.snapshot() as ledger:
        listed = ledger.current_orders(10)
        assert ledger.list_positions() == [Position("AAPL", Decimal("0.1"), Decimal("189.5"))]
    assert [orjson.loads(order.body) for order in listed] == [order_json(placed) for placed in orders]
    assert stored_version(upgraded) == SCHEMA_VERSION
