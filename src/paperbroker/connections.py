"""Connections a client cannot hold hostage: uvicorn's httptools protocol with read deadlines and a bound.

uvicorn times out only idle keep-alive connections: one that sends nothing, half a request head, or less
body than it declared stays open for good, and enough of them exhaust the worker's file descriptors.
GuardedHttpToolsProtocol (uvicorn's `http=`, in every server cli.py starts) adds, per worker process:

- the head deadline: a request's line and headers must be in within `header_timeout` of connecting (the
  first request) or of the request's first byte (the next ones); otherwise the connection is closed;
- the body deadline: the whole body must be in within `body_timeout` of its headers; otherwise the client
  gets a 408 problem+json (unless an answer was already sent) and the connection is closed;
- `keep_alive_timeout` between requests (uvicorn's own timer, given a float);
- at most `max_connections` open connections: one more is closed as soon as it is accepted;
- malformed HTTP answered with 400 problem+json instead of uvicorn's text/plain.

A deadline is armed only when a data_received call leaves a head or body incomplete, so a request that
arrives whole costs a few attribute writes and no timer. While the server itself has paused reading (a
pipelined request waiting, or a body the app has not consumed), the client is not late: the deadline
starts again. The limits are read from the PAPERBROKER_* variables once per process, as each worker
builds its app from them (cli.py turns flags into variables).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import resource
from collections.abc import Mapping
from dataclasses import dataclass, fields
from http import HTTPStatus
from typing import Any, ClassVar

from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol
from uvicorn.protocols.utils import get_client_addr, get_path_with_query_string
from uvicorn.server import ServerState

from paperbroker.edges import problem_document
from paperbroker.settings import Settings, parse, variable

SPARE_DESCRIPTORS = 256
"""Descriptors a worker needs besides its connections: the store's files, listening sockets, pipes."""
WARNING_INTERVAL = 10.0
"""Seconds between two warnings that surplus connections are being closed, so an attack cannot flood logs."""

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ConnectionLimits:
    """The four connection settings, as one worker's protocol uses them."""

    header_timeout: float
    body_timeout: float
    keep_alive_timeout: float
    max_connections: int

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ConnectionLimits:
        """These settings alone, parsed as Settings parses them (the app reports unknown variables)."""
        environ = os.environ if environ is None else environ
        defaults = Settings()
        values: dict[str, Any] = {}
        for spec in fields(cls):
            raw = environ.get(variable(spec.name))
            values[spec.name] = (
                getattr(defaults, spec.name) if raw is None else parse(spec.name, raw, variable(spec.name))
            )
        return cls(**values)


SETTING_NAMES = tuple(spec.name for spec in fields(ConnectionLimits))
"""The settings `serve`, `mock` and `stub` take as flags."""


@functools.cache
def process_limits() -> ConnectionLimits:
    return ConnectionLimits.from_env()


def raise_descriptor_limit(max_connections: int) -> int:
    """Lift the soft RLIMIT_NOFILE (up to the hard one) so a worker can hold `max_connections` sockets.

    Called before uvicorn starts; its workers inherit the limit. Returns the soft limit now in force.
    """
    needed = max_connections + SPARE_DESCRIPTORS
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or soft >= needed:
        return soft
    target = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
    resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    if target < needed:
        log.warning(
            "open files are limited to %d: fewer than %d connections fit; raise `ulimit -n`", target, needed
        )
    return target


def _raw_problem(status: HTTPStatus, detail: str, default_headers: list[tuple[bytes, bytes]]) -> bytes:
    """A whole problem+json response that closes the connection, for answers given outside any ASGI cycle."""
    body = problem_document(status, detail)
    head = [STATUS_LINE[status]]
    head += [name + b": " + value + b"\r\n" for name, value in default_headers]
    head += [
        b"content-type: application/problem+json\r\n",
        b"content-length: %d\r\n" % len(body),
        b"connection: close\r\n\r\n",
    ]
    return b"".join(head) + body


_HEAD, _BODY = "head", "body"


class GuardedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's default protocol (httptools) with head and body deadlines and a bound on connections."""

    _last_surplus_warning: ClassVar[float] = float("-inf")

    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self._limits = process_limits()
        self.timeout_keep_alive = self._limits.keep_alive_timeout  # type: ignore[assignment]  # call_later
        self._reading: str | None = None
        self._deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self._limits.max_connections:
            self._warn_surplus()
            transport.close()
            return
        self._reading = _HEAD
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        self._reading = None
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self._reading is not None and self._deadline is None and not self.transport.is_closing():
            self._arm()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._reading = _HEAD

    def on_headers_complete(self) -> None:
        super().on_headers_complete()
        self._reading = _BODY
        self._disarm()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._reading = None
        self._disarm()

    def handle_websocket_upgrade(self) -> None:
        self._disarm()
        self._reading = None
        super().handle_websocket_upgrade()

    def send_400_response(self, msg: str) -> None:
        detail = f"{msg} The connection is closed."
        self.transport.write(_raw_problem(HTTPStatus.BAD_REQUEST, detail, self.server_state.default_headers))
        self.transport.close()

    def _arm(self) -> None:
        limits = self._limits
        delay = limits.header_timeout if self._reading == _HEAD else limits.body_timeout
        self._deadline = self.loop.call_later(delay, self._deadline_passed)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _deadline_passed(self) -> None:
        self._deadline = None
        if self._reading is None or self.transport.is_closing():
            return
        if self.flow.read_paused:  # our wait, not the client's
            self._arm()
            return
        if self._reading == _BODY and self.cycle is not None and not self.cycle.response_started:
            detail = f"The request body did not arrive within {self._limits.body_timeout:g} s."
            self.transport.write(
                _raw_problem(HTTPStatus.REQUEST_TIMEOUT, detail, self.server_state.default_headers)
            )
            if self.access_log:
                scope = self.cycle.scope
                self.access_logger.info(
                    '%s - "%s %s HTTP/%s" 408',
                    get_client_addr(scope),
                    scope["method"],
                    get_path_with_query_string(scope),
                    scope["http_version"],
                )
        else:
            log.debug("closing a connection whose request %s did not arrive in time", self._reading)
        self.transport.close()

    def _warn_surplus(self) -> None:
        now = self.loop.time()
        if now - GuardedHttpToolsProtocol._last_surplus_warning >= WARNING_INTERVAL:
            GuardedHttpToolsProtocol._last_surplus_warning = now
            log.warning("%d connections are open: closing new ones", self._limits.max_connections)
