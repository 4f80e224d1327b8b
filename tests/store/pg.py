"""A real PostgreSQL for the tests: the server PAPERBROKER_TEST_POSTGRES names, a fresh schema per test."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import quote

import psycopg
import pytest
from psycopg import sql

DEFAULT_DSN = "postgresql://postgres@127.0.0.1:5432/test"


def postgres_dsn() -> str:
    """The server's URL; a missing server fails the tests loudly rather than skipping them."""
    dsn = os.environ.get("PAPERBROKER_TEST_POSTGRES", DEFAULT_DSN)
    if dsn == "skip":
        pytest.skip("PAPERBROKER_TEST_POSTGRES=skip: the PostgreSQL tests were turned off on purpose")
    try:
        with psycopg.connect(dsn, connect_timeout=5) as conn:
            conn.execute("SELECT 1")
        return dsn
    except psycopg.OperationalError as failure:
        error = failure  # failed outside the except block, so the report is this message alone
    pytest.fail(
        f"PostgreSQL is not reachable at {dsn}: {error}\n"
        "The PostgreSQL store's tests need a server: start one, or set PAPERBROKER_TEST_POSTGRES"
        " to its URL (PAPERBROKER_TEST_POSTGRES=skip turns them off).",
        pytrace=False,
    )


@contextmanager
def fresh_schema(dsn: str) -> Iterator[str]:
    """A schema no other test uses, dropped with everything in it afterwards."""
    name = f"pbtest_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(name)))
    try:
        yield name
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(sql.Identifier(name)))


def url_with_schema(dsn: str, schema: str) -> str:
    """The URL a `paperbroker serve --db` gets: libpq's `options` put the schema on the search path."""
    separator = "&" if "?" in dsn else "?"
    return f"{dsn}{separator}options={quote(f'-csearch_path={schema}')}"
