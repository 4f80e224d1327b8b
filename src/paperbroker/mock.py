"""Local mock servers for frontend work before (or without) a deployed backend.

Two modes:

- examples: every operation answers the example the spec gives for its first documented response, with no
  engine and no database. The contract is still enforced both ways (requests and the examples themselves are
  validated), so a frontend sees exactly the shapes the spec promises.
- stateful: the real engine and the simulated market over an in-memory store, so orders fill, positions and
  P&L move, and nothing is written to disk.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from connexion import AsyncApp
from connexion.middleware import MiddlewarePosition
from connexion.mock import MockResolver

from paperbroker.api import auth
from paperbroker.app import add_cors, any_key, create_app
from paperbroker.contract import spec_path
from paperbroker.settings import Settings
from paperbroker.validation import validator_map
from paperbroker.web.page import WebPage

IN_MEMORY = ":memory:"


class ExampleResolver(MockResolver):  # type: ignore[misc]
    """Connexion's MockResolver, naming the example's media type.

    Operations that also document application/problem+json errors have two media types, and Connexion refuses
    a mock answer that does not say which one it is.
    """

    def __init__(self) -> None:
        super().__init__(mock_all=True)

    def mock_operation(self, operation: Any, *args: Any, **kwargs: Any) -> tuple[Any, ...]:
        status = sorted(operation.responses)[0]
        content_type = next(iter(operation.responses[status].get("content", {})), "application/json")
        body, code = operation.example_response(status, content_type)
        return body, code, {"Content-Type": content_type}


def create_example_app(settings: Settings | None = None) -> AsyncApp:
    """Answers every operation from the spec's examples; requests and responses are validated as usual.

    Of the settings only the CORS origins apply: there is no engine or store to configure."""
    app = AsyncApp(__name__)
    app.add_api(
        spec_path(),
        resolver=ExampleResolver(),
        validate_responses=True,
        strict_validation=True,
        validator_map=validator_map(),
        security_map=auth.security_map(any_key),
    )
    add_cors(app, (settings or Settings.from_env()).cors_origins)
    app.add_middleware(WebPage, MiddlewarePosition.BEFORE_EXCEPTION)
    return app


def create_stateful_app(settings: Settings | None = None) -> AsyncApp:
    """The real service over an in-memory store, whatever PAPERBROKER_DB says: a mock never writes a file."""
    settings = replace(settings or Settings.from_env(), db=IN_MEMORY)
    return create_app(settings)
