"""The service's hot path without Connexion's per-request overheads, and without turning any check off.

- `OrjsonJsonifier` (Connexion's `jsonifier` option): handlers' JSON is written by orjson, not stdlib json.
- `lean_middlewares()` (the `middlewares` option): Connexion's default stack, except that the Swagger UI
  middleware lets requests for API operations through without routing them against its UI routes; the UI
  and openapi.json are served as before.
- `PreparedRequestValidationMiddleware`, `PreparedResponseValidationMiddleware`: Connexion's validation, with
  what it rebuilt per request (validators, media-type tables) built once per operation.
- `bind_operations_once(app)`: Connexion 3.3 runs each handler through generic parameter and response
  decorators that rediscover the operation on every request; here each operation's handler is bound once.

Connexion internals are subclassed or stood in for in this package and nowhere else; tests/fastpath fails
if Connexion changes one of them, and checks that the bound handlers answer as Connexion's decorators do.
`fast_app` is the one switch: the service builds its app with it, or (PAPERBROKER_FASTPATH=false) with
stock Connexion, so an upgrade of Connexion can ship before this package is re-ported to it.
"""

from typing import Any

from connexion import AsyncApp

from paperbroker.fastpath.binding import BoundOperation, bind_operations_once
from paperbroker.fastpath.jsonifier import OrjsonJsonifier
from paperbroker.fastpath.middlewares import LeanSwaggerUIMiddleware, add_after_security, lean_middlewares


def fast_app(import_name: str, **options: Any) -> AsyncApp:
    """An AsyncApp with every part of the fast path in place; `options` are AsyncApp's own."""
    app = AsyncApp(import_name, jsonifier=OrjsonJsonifier(), middlewares=lean_middlewares(), **options)
    return bind_operations_once(app)


__all__ = [
    "BoundOperation",
    "LeanSwaggerUIMiddleware",
    "OrjsonJsonifier",
    "add_after_security",
    "bind_operations_once",
    "fast_app",
    "lean_middlewares",
]
