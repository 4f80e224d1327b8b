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

from paperbroker.api import bind_handlers
from paperbroker.api.problems import broker_error
from paperbroker.broker import Broker, BrokerConfig
from paperbroker.contract import spec_path
from paperbroker.edges import AllowHeader, BodySizeLimit, ControlCharacterGuard, RootRedirect
from paperbroker.engine.errors import BrokerError
from paperbroker.engine.instruments import Catalog
from paperbroker.engine.numbers import to_decimal
from paperbroker.events.feed import EventFeed
from paperbroker.fastpath import fast_app
from paperbroker.market.simulated import RandomWalkMarket
from paperbroker.market.ticker import run_ticker, tick
from paperbroker.settings import Settings
from paperbroker.store import open_store
from paperbroker.validation import validator_map
from paperbroker.web.page import WebPage

API_BASE = "/api/v1"
CORS_REQUEST_HEADERS = ("Authorization", "Content-Type", "Idempotency-Key", "If-None-Match", "Last-Event-ID")
"""Headers a browser client sends that are not CORS-safelisted (JSON bodies, resuming, revalidating)."""
CORS_RESPONSE_HEADERS = ("ETag", "Retry-After")
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
    return Broker(open_store(settings.db), config)


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


def create_app(settings: Settings | None = None, broker: Broker | None = None) -> AsyncApp:
    """The service. Request and response validation are always on, with or without the fast path."""
    settings = settings or Settings.from_env()
    broker = broker or build_broker(settings)
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

    app = (fast_app if settings.fastpath else AsyncApp)(__name__, lifespan=lifespan)
    app.add_api(
        spec_path(),
        resolver=_resolver(bind_handlers(broker, feed)),
        validate_responses=True,
        strict_validation=True,
        pythonic_params=True,
        validator_map=validator_map(),
    )
    app.add_error_handler(BrokerError, broker_error)
    add_cors(app, settings.cors_origins)
    _add_http_middleware(app, settings)
    app.add_middleware(WebPage, MiddlewarePosition.BEFORE_EXCEPTION)
    app.broker = broker
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


def create_stub_app() -> AsyncApp:
    """The contract alone: every operation answers 501 problem+json (Connexion's stub behaviour)."""
    app = AsyncApp(__name__)
    app.add_api(spec_path(), resolver=_resolver({}), resolver_error=501, validate_responses=True)
    _add_http_middleware(app, Settings())
    app.add_middleware(RootRedirect, MiddlewarePosition.BEFORE_EXCEPTION, to=f"{API_BASE}/ui/")
    return app
