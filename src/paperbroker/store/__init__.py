"""Where the broker's state lives. One protocol; SQLite is the embedded default, PostgreSQL scales out,
and `:memory:` keeps everything in the process's dicts."""

from paperbroker.store.base import IncompatibleDatabase, Ledger, Store, TickerLock

POSTGRES_SCHEMES = ("postgresql://", "postgres://")
IN_MEMORY = ":memory:"


def open_store(url: str) -> Store:
    """The one place that knows the concrete stores: a `postgresql://` URL, `:memory:`, else a SQLite path."""
    if url.startswith(POSTGRES_SCHEMES):
        from paperbroker.store.postgres import PostgresStore  # psycopg is loaded only when used

        return PostgresStore(url)
    if url == IN_MEMORY:
        from paperbroker.store.memory import MemoryStore

        return MemoryStore()
    from paperbroker.store.sqlite import SQLiteStore

    return SQLiteStore(url)


__all__ = ["IncompatibleDatabase", "Ledger", "Store", "TickerLock", "open_store"]
