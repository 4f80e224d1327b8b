"""One Settings object, from PAPERBROKER_* environment variables and then command-line flags.

Each setting has its own parser, so a bad value stops start-up with one line naming the variable (or flag)
and the value, instead of a traceback or a service that starts with a setting it silently misread.
"""

from __future__ import annotations

import difflib
import logging
import math
import os
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import time
from typing import Any, Generic, TypeVar

T = TypeVar("T")
PREFIX = "PAPERBROKER_"
SYMBOL = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:!-]{0,31}")
"""The contract's Symbol pattern."""
ORIGIN = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:[0-9]{1,5})?")
"""What a browser sends as Origin: scheme://host[:port], no path and no trailing slash."""
API_KEY_FORMAT = re.compile(r"pbk_[0-9a-f]{16}_[A-Za-z0-9_-]{32,128}")
"""paperbroker.accounts.keys.KEY_FORMAT (repeated here: settings import nothing of the service)."""

TOOL_VARIABLES = frozenset(
    {
        "PAPERBROKER_TEST_POSTGRES",
        "PAPERBROKER_API_UNDER_TEST",
        "PAPERBROKER_FRONTEND_TESTS",
        "PAPERBROKER_WEB_TESTS",
        "PAPERBROKER_URL",
        "PAPERBROKER_SERVER",
        "PAPERBROKER_KEY",
        "PAPERBROKER_SECOND_ACCOUNT",
        "PAPERBROKER_FUZZ_SEED",
        "PAPERBROKER_FUZZ_DRIFT",
    }
)
"""Read by the test suite, `paperbroker fuzz` and the frontend tools, not by the service: not typos."""

log = logging.getLogger(__name__)


class SettingError(ValueError):
    """A setting's value cannot be used; the message names where it came from and what was expected."""


@dataclass(frozen=True)
class Kind(Generic[T]):
    """How one setting is read from text and written back (for --help and the README's table)."""

    expected: str
    """Completes "... is not": 'a port number (1-65535)'."""
    parse: Callable[[str], T]
    """Raises ValueError for text that is not a valid value."""
    format: Callable[[T], str] = str


def _text(value: str) -> str:
    if not value.strip():
        raise ValueError(value)
    return value


def _integer(low: int | None = None, high: int | None = None) -> Callable[[str], int]:
    def parse(value: str) -> int:
        number = int(value.strip())
        if (low is not None and number < low) or (high is not None and number > high):
            raise ValueError(value)
        return number

    return parse


def _number(low: float, *, inclusive: bool) -> Callable[[str], float]:
    def parse(value: str) -> float:
        number = float(value.strip())
        if not math.isfinite(number) or number < low or (number == low and not inclusive):
            raise ValueError(value)
        return number

    return parse


def _boolean(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ValueError(value)


def _symbols(value: str) -> tuple[str, ...]:
    symbols = tuple(symbol.strip() for symbol in value.split(",") if symbol.strip())
    if not all(SYMBOL.fullmatch(symbol) for symbol in symbols):
        raise ValueError(value)
    return symbols


def _origins(value: str) -> tuple[str, ...]:
    if value.strip().lower() == "none":
        return ()
    origins = tuple(origin.strip() for origin in value.split(",") if origin.strip())
    for origin in origins:
        if origin == "*":
            continue
        matched = ORIGIN.fullmatch(origin)
        if matched is None or (matched.group(2) and not 0 < int(matched.group(2)[1:]) < 65536):
            raise ValueError(value)
    return origins


def _api_key(value: str) -> str:
    if not API_KEY_FORMAT.fullmatch(value):
        raise ValueError(value)
    return value


def _time_of_day(value: str) -> time:
    hours, _, minutes = value.strip().partition(":")
    if len(hours) != 2 or len(minutes) != 2:
        raise ValueError(value)
    return time(int(hours), int(minutes))


def _plain_number(value: float) -> str:
    return str(int(value)) if value == int(value) else repr(value)


TEXT = Kind("a non-empty text", _text)
PORT = Kind("a port number (1-65535)", _integer(1, 65535))
COUNT = Kind("a whole number of at least 1", _integer(1))
INTEGER = Kind("a whole number", _integer())
POSITIVE_BYTES = Kind("a whole number of bytes above 0", _integer(1))
SECONDS = Kind("a number of seconds above 0", _number(0.0, inclusive=False), _plain_number)
AMOUNT = Kind("a number of at least 0", _number(0.0, inclusive=True), _plain_number)
BOOLEAN = Kind("true or false (also 1/0, yes/no, on/off)", _boolean, lambda flag: str(flag).lower())
TIME_OF_DAY = Kind("a time of day as HH:MM (UTC)", _time_of_day, lambda moment: moment.strftime("%H:%M"))
SYMBOLS = Kind("a comma-separated list of symbols like AAPL or NASDAQ:AAPL", _symbols, ",".join)
REQUEST_QUOTA = Kind(
    "a whole number of requests of at least 0, or off",
    lambda value: 0 if value.strip().lower() == "off" else _integer(0)(value),
    lambda quota: str(quota) if quota else "off",
)
WHOLE_SECONDS = Kind("a whole number of seconds from 1 to 86400", _integer(1, 86_400))
API_KEY = Kind(
    "empty, or an API key: pbk_<16 hex digits>_<32 to 128 of A-Z a-z 0-9 _ ->",
    lambda value: "" if not value.strip() else _api_key(value.strip()),
    lambda key: key or "random",
)
ORIGINS = Kind(
    "none, or a comma-separated list of origins like https://app.example.com:8443 (or *)",
    _origins,
    lambda origins: ",".join(origins) or "none",
)


def setting(default: T, kind: Kind[T], meaning: str) -> T:
    result: T = field(default=default, metadata={"kind": kind, "help": meaning})
    return result


@dataclass(frozen=True)
class Settings:
    host: str = setting("127.0.0.1", TEXT, "interface to listen on")
    port: int = setting(8000, PORT, "port to listen on")
    db: str = setting(
        "paperbroker.db",
        TEXT,
        "SQLite file, `:memory:` (in the process; keeps nothing) or a `postgresql://` URL",
    )
    workers: int = setting(1, COUNT, "uvicorn worker processes of `serve`, sharing the store")
    market: bool = setting(True, BOOLEAN, "run the simulated market; off, only setQuote moves prices")
    market_symbols: tuple[str, ...] = setting(
        ("AAPL", "MSFT", "GOOG", "TSLA", "EURUSD"), SYMBOLS, "symbols the simulated market quotes"
    )
    market_seed: int = setting(0, INTEGER, "seed of the random walk (same seed, same quotes)")
    market_interval: float = setting(1.0, SECONDS, "seconds between ticks of the simulated market")
    starting_cash: float = setting(100_000.0, AMOUNT, "the account's starting balance")
    commission_per_unit: float = setting(0.0, AMOUNT, "commission per unit of quantity filled")
    currency: str = setting("USD", TEXT, "the account's currency")
    account_name: str = setting("Paper account", TEXT, "the account's name")
    max_body_bytes: int = setting(65_536, POSITIVE_BYTES, "larger request bodies get a 413")
    header_timeout: float = setting(
        10.0,
        SECONDS,
        "seconds to send a request's line and headers, from connecting or its first byte; else closed",
    )
    body_timeout: float = setting(
        30.0, SECONDS, "seconds to send a whole request body once its headers are in; else 408 and closed"
    )
    keep_alive_timeout: float = setting(
        5.0, SECONDS, "seconds an idle connection stays open between requests"
    )
    max_connections: int = setting(
        1_000, COUNT, "open connections per worker process; one more is closed as soon as it connects"
    )
    rate_limit: int = setting(
        200,
        REQUEST_QUOTA,
        "requests under /api/v1 per API key (else client address) and window; 0 or off: none",
    )
    rate_window: int = setting(
        10, WHOLE_SECONDS, "seconds of the rate limit's window, from a key's first request"
    )
    session_close: time = setting(time(21, 0), TIME_OF_DAY, "when DAY orders expire, UTC")
    preview_ttl: float = setting(60.0, SECONDS, "seconds a previewOrder confirmId stays valid")
    require_preview: bool = setting(
        False, BOOLEAN, "refuse orders placed without a confirmId from previewOrder"
    )
    event_retention: int = setting(
        100_000, COUNT, "events the stream keeps for clients resuming with Last-Event-ID; older are pruned"
    )
    event_heartbeat: float = setting(
        15.0, SECONDS, "seconds between `: keep-alive` comments on an idle stream"
    )
    idempotency_ttl: float = setting(
        86_400.0, SECONDS, "seconds an Idempotency-Key's first response is kept and replayed to retries"
    )
    auth: bool = setting(
        True,
        BOOLEAN,
        "require an API key (Authorization: Bearer) on every request; off: each acts as the local user,"
        " on a loopback host only (see --allow-open-remote)",
    )
    local_key: str = setting(
        "", API_KEY, "the local admin user's API key, created on a store's first start (empty: a random one)"
    )
    allow_open_remote: bool = setting(
        False, BOOLEAN, "let `serve --no-auth` listen on an address other hosts can reach"
    )
    cors_origins: tuple[str, ...] = setting(
        (), ORIGINS, "origins whose pages may call `serve` and `mock` from a browser (CORS); `*` any"
    )
    fastpath: bool = setting(
        True, BOOLEAN, "serve through paperbroker.fastpath; false serves stock Connexion (same validators)"
    )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Defaults, overridden by PAPERBROKER_<FIELD> variables, overridden by explicit keyword values.

        Raises SettingError for a bad value; logs a warning for each unknown PAPERBROKER_* variable.
        """
        environ = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for spec in fields(cls):
            raw = environ.get(variable(spec.name))
            if raw is not None:
                values[spec.name] = parse(spec.name, raw, variable(spec.name))
        for message in unknown_variables(environ):
            log.warning("%s", message)
        settings = cls(**values)
        return replace(settings, **{k: v for k, v in overrides.items() if v is not None})


@dataclass(frozen=True)
class Described:
    """One setting as the command line and the README show it."""

    name: str
    variable: str
    flag: str
    default: str
    help: str
    kind: Kind[Any]


def variable(name: str) -> str:
    return PREFIX + name.upper()


def described() -> Iterator[Described]:
    defaults = Settings()
    for spec in fields(Settings):
        kind: Kind[Any] = spec.metadata["kind"]
        yield Described(
            name=spec.name,
            variable=variable(spec.name),
            flag="--" + spec.name.replace("_", "-"),
            default=kind.format(getattr(defaults, spec.name)),
            help=spec.metadata["help"],
            kind=kind,
        )


def parse(name: str, raw: str, source: str) -> Any:
    """The value of setting `name` from `raw`; `source` (a variable or a flag) is named in the error."""
    kind: Kind[Any] = next(spec.metadata["kind"] for spec in fields(Settings) if spec.name == name)
    try:
        return kind.parse(raw)
    except ValueError:
        raise SettingError(f"{source}={raw!r} is not {kind.expected}") from None


def unknown_variables(environ: Mapping[str, str]) -> list[str]:
    """A warning per PAPERBROKER_* variable no setting reads, with the closest known name.

    Names are compared without the prefix, which every candidate shares and would make anything look close.
    """
    known = {spec.name.upper(): variable(spec.name) for spec in fields(Settings)}
    messages = []
    for name in sorted(environ):
        if not name.startswith(PREFIX) or name in known.values() or name in TOOL_VARIABLES:
            continue
        close = difflib.get_close_matches(name.removeprefix(PREFIX), known, n=1)
        hint = f"; did you mean {known[close[0]]}?" if close else ""
        messages.append(f"{name} is not a paperbroker setting{hint}")
    return messages
