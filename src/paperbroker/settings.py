"""One Settings object, from PAPERBROKER_* environment variables and then command-line flags."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any


def _parse_bool(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"not a boolean: {text!r}")


def _parse_symbols(text: str) -> tuple[str, ...]:
    return tuple(symbol.strip() for symbol in text.split(",") if symbol.strip())


@dataclass(frozen=True)
class Settings:
    host: str = "127.0.0.1"
    port: int = 8000
    db: str = "paperbroker.db"
    """SQLite file (':memory:' keeps nothing on disk), or a postgresql:// URL to share one store."""
    workers: int = 1
    """uvicorn worker processes of `paperbroker serve`; they share the store and only one ticks the market."""
    market: bool = True
    """Run the simulated market; off, only setQuote moves prices."""
    market_symbols: tuple[str, ...] = ("AAPL", "MSFT", "GOOG", "TSLA", "EURUSD")
    market_seed: int = 0
    market_interval: float = 1.0
    """Seconds between two ticks of the simulated market."""
    starting_cash: float = 100_000.0
    commission_per_unit: float = 0.0
    currency: str = "USD"
    account_name: str = "Paper account"
    max_body_bytes: int = 65_536
    drift: str = field(default="", metadata={"help": "test-only: make the service break its contract"})

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Defaults, overridden by PAPERBROKER_<FIELD> variables, overridden by explicit keyword values."""
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for spec in fields(cls):
            raw = environ.get(f"PAPERBROKER_{spec.name.upper()}")
            if raw is None:
                continue
            default = spec.default
            if isinstance(default, bool):
                values[spec.name] = _parse_bool(raw)
            elif isinstance(default, int):
                values[spec.name] = int(raw)
            elif isinstance(default, float):
                values[spec.name] = float(raw)
            elif isinstance(default, tuple):
                values[spec.name] = _parse_symbols(raw)
            else:
                values[spec.name] = raw
        settings = cls(**values)
        return replace(settings, **{k: v for k, v in overrides.items() if v is not None})
