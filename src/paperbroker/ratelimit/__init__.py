"""Rate limits per API key that hold across workers: the rule (quota.py), where it is counted (counters.py)
and the HTTP edge that applies it (middleware.py)."""

from paperbroker.ratelimit.counters import MemoryCounter, PostgresCounter, SQLiteCounter, WindowCounter
from paperbroker.ratelimit.quota import Decision, Policy, Usage, count, decide

IN_MEMORY = ":memory:"


def open_counter(db: str, policy: Policy) -> WindowCounter:
    """The counter for the store `db` names (the same setting `open_store` reads): PostgreSQL counts in the
    store's database, a SQLite file beside it, `:memory:` in this process."""
    from paperbroker.store import POSTGRES_SCHEMES

    if db.startswith(POSTGRES_SCHEMES):
        return PostgresCounter(db, policy)
    if db == IN_MEMORY:
        return MemoryCounter(policy)
    return SQLiteCounter(f"{db}.limits", policy)


__all__ = [
    "Decision",
    "MemoryCounter",
    "Policy",
    "PostgresCounter",
    "SQLiteCounter",
    "Usage",
    "WindowCounter",
    "count",
    "decide",
    "open_counter",
]
