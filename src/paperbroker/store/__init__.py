"""Where the broker's state lives. One protocol; SQLite is the embedded default."""

from paperbroker.store.base import Ledger, Store

__all__ = ["Ledger", "Store"]
