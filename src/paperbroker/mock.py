"""Local mock servers for frontend work before (or without) a deployed backend.

Two modes:

- examples: every operation answers the example the spec gives for its first documented response, with no
  engine and no database. The contract is still enforced both ways (requests and the examples themselves are
  validated), so a frontend sees exactly the shapes the spec promises.
- stateful: the real engine and the simulated market over an in-memory store, so orders fill, positions and
  P&L move, and nothing is written to disk.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace
from typing import Any

from connexion import AsyncApp
from connexion.middleware import MiddlewarePosition
from connexion.resolver import Resolution, Resolver
from connexion.utils import is_json_mimetype
from starlette.responses import Response

from paperbroker.api import auth
from paperbroker.app import add_cors, any_key, create_app, startup_objects_frozen
from paperbroker.contract import spec_path
from paperbroker.fastpath import fast_app
from paperbroker.settings import Settings
from paperbroker.validation import validator_map
from paperbroker.web.page import WebPage

IN_MEMORY = ":memory:"


class ExampleResolver(Resolver):  # type: ignore[misc]
    """Each operation answers the example of its first documented response, looked up once.

    Connexion's MockResolver walks the spec for the example on every request; every operation here has
    one, so the answer depends on the operation alone and is kept after the first request (the operation's
    responses are not parsed yet when it is resolved). The example's media type is named because operations
    that also document application/problem+json errors have two, and Connexion refuses an answer that does
    not say which. A JSON example goes out through the app's jsonifier; any other (the event stream's text)
    as it is written.
    """

    def resolve(self, operation: Any) -> Resolution:
        return Resolution(_answer(operation), operation.operation_id)


def _example(operation: Any) -> tuple[Any, int, dict[str, str]]:
    status = sorted(operation.responses)[0]
    content_type = next(iter(operation.responses[status].get("content", {})), "application/json")
    body, code = operation.example_response(status, content_type)
    if body is None:
        raise ValueError(f"{operation.operation_id}: the spec gives no example for {status} {content_type}")
    return body, code, {"Content-Type": content_type}


def _answer(operation: Any) -> Callable[..., Awaitable[Any]]:
    example: tuple[Any, int, dict[str, str]] | None = None

    async def answer_example(*_args: Any, **_kwargs: Any) -> Any:
        nonlocal example
        if example is None:
            example = _example(operation)
        body, status, headers = example
        if is_json_mimetype(headers["Content-Type"]):
            return example
        return Response(body, status, headers=headers)

    return answer_example


def create_example_app(settings: Settings | None = None) -> AsyncApp:
    """Answers every operation from the spec's examples; requests and responses are validated as usual.

    Served as the service is, by the fast path unless PAPERBROKER_FASTPATH=false; of the other settings only
    the CORS origins apply: there is no engine or store to configure."""
    settings = settings or Settings.from_env()

    @contextlib.asynccontextmanager
    async def lifespan(_app: Any) -> AsyncIterator[None]:
        with startup_objects_frozen():
            yield

    app = (fast_app if settings.fastpath else AsyncApp)(__name__, lifespan=lifespan)
    app.add_api(
        spec_path(),
        resolver=ExampleResolver(),
        validate_responses=True,
        strict_validation=True,
        validator_map=validator_map(),
        security_map=auth.security_map(any_key),
    )
    add_cors(app, settings.cors_origins)
    app.add_middleware(WebPage, MiddlewarePosition.BEFORE_EXCEPTION)
    return app


def create_stateful_app(settings: Settings | None = None) -> AsyncApp:
    """The real service over an in-memory store, whatever PAPERBROKER_DB says: a mock never writes a file."""
    settings = replace(settings or Settings.from_env(), db=IN_MEMORY)
    return create_app(settings)
