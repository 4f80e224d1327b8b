"""create_app(settings): the Connexion AsyncApp that serves openapi/broker.yaml over the broker."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import yaml
from connexion import AsyncApp
from connexion.middleware import MiddlewarePosition
from connexion.resolver import Resolver
from starlette.middleware.cors import CORSMiddleware

from paperbroker.accounts.directory import open_directory
from paperbroker.accounts.registry import Accounts, Caller
from paperbroker.api import auth, bind_handlers
from paperbroker.api.problems import broker_error
from paperbroker.broker import Broker, BrokerConfig
from paperbroker.contract import spec_path
from paperbroker.durable import DurableAnswers
from paperbroker.edges import AllowHeader, BodySizeLimit, ControlCharacterGuard, RootRedirect
from paperbroker.engine.errors import BrokerError
from paperbroker.engine.instruments import Catalog
from paperbroker.engine.numbers import to_decimal
from paperbroker.events.feed import EventFeed
from paperbroker.fastpath import OrjsonJsonifier, add_after_security, fast_app
from paperbroker.idempotency import IdempotencyKeys, open_records
from paperbroker.market.simulated import RandomWalkMarket
from paperbroker.market.ticker import run_ticker, tick
from paperbroker.ratelimit import Policy, open_counter
from paperbroker.ratelimit.middleware import RateLimit
from paperbroker.settings import Settings
from paperbroker.store import open_store
from paperbroker.validation import validator_map
from paperbroker.web.page import WebPage

API_BASE = "/api/v1"
CORS_REQUEST_HEADERS = ("Authorization", "Content-Type", "Idempotency-Key", "If-None-Match", "Last-Event-ID")
"""Headers a browser client sends that are not CORS-safelisted (JSON bodies, resuming, revalidating)."""
CORS_RESPONSE_HEADERS = ("ETag", "RateLimit", "RateLimit-Policy", "Retry-After")
log = logging.getLogger(__name__)

# Connexion logs the repr of every 4xx it answers (an unknown path, a refused body) at WARNING, beside
# uvicorn's access line for the same request; a client's mistake is not the server's: errors only.
logging.getLogger("connexion.middleware.exceptions").setLevel(logging.ERROR)


def _resolver(handlers: dict[str, Callable[..., Any]]) -> Resolver:
    def resolve(operation_id: str) -> Callable[..., Any]:
        try:
            return handlers[operation_id]
        except KeyError:
            raise ImportError(f"no handler for operation {operation_id}") from None

    return Resolver(function_resolver=resolve)


def build_accounts(settings: Settings, broker: Broker) -> Accounts:
    """The directory of users and keys in the broker's database, with the local user on a first start."""
    accounts = Accounts(open_directory(settings.db), broker)
    key = accounts.bootstrap(broker.config.account_id, settings.local_key or None)
    if key is not None:
        announce_local_key(key, settings)
    return accounts


def announce_local_key(key: str, settings: Settings) -> None:
    """The one time a new store's local key is shown; a key given by PAPERBROKER_LOCAL_KEY is not echoed."""
    if settings.local_key:
        log.warning("paperbroker: the local admin user's API key is the one PAPERBROKER_LOCAL_KEY gives")
        return
    page = f"http://{settings.host}:{settings.port}/#key={key}"
    log.warning(
        "paperbroker: created the local admin user; its API key (shown once, keep it): %s\n"
        "paperbroker: trade in the browser at %s",
        key,
        page,
    )


def request_verifier(settings: Settings, accounts: Accounts) -> auth.Verify:
    """With auth on, the key's caller; off, every request is the local user's, key or not."""
    if settings.auth:
        return lambda key: None if key is None else accounts.authenticate(key)
    return lambda _key: accounts.local_caller()


def build_broker(settings: Settings) -> Broker:
    config = BrokerConfig(
        account_name=settings.account_name,
        currency=settings.currency,
        starting_cash=to_decimal(settings.starting_cash),
        commission_per_unit=to_decimal(settings.commission_per_unit),
        catalog=Catalog(settings.market_symbols),
        session_close=settings.session_close,
        preview_ttl_ms=round(settings.preview_ttl * 1000),
        require_preview=settings.require_preview,
    )
    return Broker(open_store(settings.db, settings.workers), config)


class _StartupFreeze:
    """Keep the garbage collector from re-scanning what start-up built: it lives as long as the app.

    The parsed spec, routes and validators are some 80,000 objects; every full collection walked them all,
    about 30 ms each, and those pauses were the service's p99 latency under load (`make bench`). Apps
    running in one process (tests, an embedding program) share the frozen set: the last to stop thaws it.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running = 0

    @contextlib.contextmanager
    def __call__(self) -> Iterator[None]:
        with self._lock:
            gc.collect()
            gc.freeze()
            self._running += 1
        try:
            yield
        finally:
            with self._lock:
                self._running -= 1
                if self._running == 0:
                    gc.unfreeze()


startup_objects_frozen = _StartupFreeze()


def create_app(
    settings: Settings | None = None, broker: Broker | None = None, accounts: Accounts | None = None
) -> AsyncApp:
    """The service. Request and response validation are always on, with or without the fast path."""
    settings = settings or Settings.from_env()
    broker = broker or build_broker(settings)
    accounts = accounts or build_accounts(settings, broker)
    market = None
    if settings.market:
        ticks = {symbol: broker.config.catalog.rules(symbol).min_tick for symbol in settings.market_symbols}
        market = RandomWalkMarket(settings.market_symbols, seed=settings.market_seed, ticks=ticks)

    @contextlib.asynccontextmanager
    async def ticking() -> AsyncIterator[None]:
        """The market ticks, and orders expire, on one worker at a time (with the market off: expiry only)."""
        lock = broker.store.ticker_lock()  # with several workers, only the lock's holder ticks
        if lock.acquire() and market is not None:
            tick(broker, market)
        ticker = asyncio.create_task(run_ticker(broker, market, settings.market_interval, lock))
        try:
            yield
        finally:
            ticker.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await ticker
            lock.release()

    feed = EventFeed(broker.store, retention=settings.event_retention, heartbeat=settings.event_heartbeat)

    @contextlib.asynccontextmanager
    async def lifespan(_app: Any) -> AsyncIterator[None]:
        with startup_objects_frozen():
            async with ticking():
                feed.start()  # prunes the outbox even while nobody listens
                try:
                    yield
                finally:
                    await feed.stop()

    if settings.fastpath:
        app = fast_app(__name__, lifespan=lifespan)
    else:  # stock Connexion, with the same jsonifier: the orders list is JSON written earlier (json_array)
        app = AsyncApp(__name__, lifespan=lifespan, jsonifier=OrjsonJsonifier())
    app.add_api(
        spec_path(),
        resolver=_resolver(bind_handlers(broker, feed)),
        validate_responses=True,
        strict_validation=True,
        pythonic_params=True,
        validator_map=validator_map(),
        security_map=auth.security_map(request_verifier(settings, accounts)),
    )
    app.add_error_handler(BrokerError, broker_error)
    add_after_security(
        app, IdempotencyKeys, records=open_records(settings.db), ttl_seconds=settings.idempotency_ttl
    )
    commits = broker.store.group_commits()
    if commits is not None:  # outermost: every answer, the edges' and the idempotency replays' too
        app.add_middleware(DurableAnswers, MiddlewarePosition.BEFORE_EXCEPTION, commits=commits)
    add_cors(app, settings.cors_origins)
    if settings.rate_limit:  # inside CORS, so a 429 reaches the page; before the other edges and auth
        counter = open_counter(settings.db, Policy(settings.rate_limit, settings.rate_window))
        app.add_middleware(RateLimit, MiddlewarePosition.BEFORE_EXCEPTION, counter=counter)
    _add_http_middleware(app, settings)
    app.add_middleware(WebPage, MiddlewarePosition.BEFORE_EXCEPTION)
    app.broker = broker
    app.accounts = accounts
    return app


def _documented_methods() -> dict[str, list[str]]:
    spec = yaml.safe_load(spec_path().read_text())
    verbs = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
    return {path: [m for m in item if m in verbs] for path, item in spec["paths"].items()}


def add_cors(app: AsyncApp, origins: tuple[str, ...]) -> None:
    """Pages from `origins` may call the API; none, no CORS headers at all. Added before the other edges, so
    it is outermost: a preflight OPTIONS is answered before routing (which would make it a 405), and errors
    (problem+json, 413s) carry the headers a browser needs to show them to the page."""
    if not origins:
        return
    methods = sorted({method.upper() for verbs in _documented_methods().values() for method in verbs})
    app.add_middleware(
        CORSMiddleware,
        MiddlewarePosition.BEFORE_EXCEPTION,
        allow_origins=list(origins),
        allow_methods=methods,
        allow_headers=list(CORS_REQUEST_HEADERS),
        expose_headers=list(CORS_RESPONSE_HEADERS),
    )


def _add_http_middleware(app: AsyncApp, settings: Settings) -> None:
    """Outermost, so oversized bodies never reach validation and every 405 names the right methods."""
    app.add_middleware(
        AllowHeader, MiddlewarePosition.BEFORE_EXCEPTION, base_path=API_BASE, paths=_documented_methods()
    )
    app.add_middleware(BodySizeLimit, MiddlewarePosition.BEFORE_EXCEPTION, max_bytes=settings.max_body_bytes)
    app.add_middleware(ControlCharacterGuard, MiddlewarePosition.BEFORE_EXCEPTION)


def any_key(key: str | None) -> Caller | None:
    """The stub's and the example mock's check: no users to look up, so any key will do, none will not."""
    return None if key is None else Caller("any", True, ())


def create_stub_app() -> AsyncApp:
    """The contract alone: every operation answers 501 problem+json (Connexion's stub behaviour)."""
    app = AsyncApp(__name__)
    app.add_api(
        spec_path(),
        resolver=_resolver({}),
        resolver_error=501,
        validate_responses=True,
        security_map=auth.security_map(any_key),
    )
    _add_http_middleware(app, Settings())
    app.add_middleware(RootRedirect, MiddlewarePosition.BEFORE_EXCEPTION, to=f"{API_BASE}/ui/")
    return app
