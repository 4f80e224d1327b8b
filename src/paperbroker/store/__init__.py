"""Where the broker's state lives. One protocol; SQLite is the embedded default, PostgreSQL scales out,
and `:memory:` keeps everything in the process's dicts."""

import os

from paperbroker.store.base import IncompatibleDatabase, Ledger, Store, TickerLock

POSTGRES_SCHEMES = ("postgresql://", "postgres://")
IN_MEMORY = ":memory:"
SPIN_US = 500
"""How long a PostgreSQL worker's wait for the server spins when the machine has a core to spare."""


def postgres_spin_us(workers: int, cores: int | None = None) -> int:
    """Spin (`pgpipeline`) only while the workers leave a core free: a spinning worker then takes no core
    that another worker, or a server on this machine, would use. With a worker per core it would, and two
    workers on two cores served fewer orders spinning than blocking."""
    return SPIN_US if workers < (cores or os.cpu_count() or 1) else 0


def open_store(url: str, workers: int = 1) -> Store:
    """The one place that knows the concrete stores: a `postgresql://` URL, `:memory:`, else a SQLite path.
    `workers`: how many processes of this service share the machine (see `postgres_spin_us`)."""
    if url.startswith(POSTGRES_SCHEMES):
        from paperbroker.store.postgres import PostgresStore  # psycopg is loaded only when used

        return PostgresStore(url, spin_us=postgres_spin_us(workers))
    if url == IN_MEMORY:
        from paperbroker.store.memory import MemoryStore

        return MemoryStore()
    from paperbroker.store.sqlite import SQLiteStore

    return SQLiteStore(url)


__all__ = ["IncompatibleDatabase", "Ledger", "Store", "TickerLock", "open_store"]
