"""Each operation's handler bound once, in place of Connexion's generic per-request decorators."""

from __future__ import annotations

import copy
import functools
import typing as t

from connexion import AsyncApp
from connexion.apps.asynchronous import AsyncApi
from connexion.decorators.parameter import (
    _get_path_arguments,
    _get_query_arguments,
    pythonic,
    sanitized,
)
from connexion.jsonifier import Jsonifier
from connexion.operations import AbstractOperation
from connexion.utils import inspect_function_arguments, is_json_mimetype
from starlette.datastructures import QueryParams
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from paperbroker.validation import PARSED_BODY

_IMMUTABLE = (str, int, float, bool, bytes, type(None))


@functools.lru_cache(maxsize=512)
def _pythonic(name: str) -> str:
    """Connexion's name conversion (three regexes and an inflection) for names that repeat per request."""
    return str(pythonic(name))


class BoundOperation:
    """One handler, called as Connexion's parameter and response decorators would call it, prepared once.

    Those decorators are generic: per request they build a request object, rediscover the operation's
    parameters, the handler's signature and the body's content type, then wrap the result in a Starlette
    Response. Everything but the values depends on the operation alone, so it is settled here at start-up.
    Path and query values still go through Connexion's own URI parser and type casts; the body is the one
    the request validator parsed and validated; header parameters are for validation only, as under Connexion.
    Handlers return `(body, status, headers)` with a JSON body, or a Starlette Response (a stream, a 304).
    An operation without path parameters or body, asked with an empty query string, gets the arguments
    Connexion computes for an empty query (the query parameters' defaults), computed here once.
    """

    def __init__(self, operation: AbstractOperation, jsonifier: Jsonifier, pythonic_params: bool) -> None:
        self.operation_id = operation.operation_id
        self._operation = operation
        self._fn = operation.function
        self._dumps = jsonifier.dumps
        self._sanitize: t.Callable[[str], str] = _pythonic if pythonic_params else sanitized
        self._uri_parser = operation.uri_parser_class(operation.parameters, operation.body_definition())
        places = {parameter["in"] for parameter in operation.parameters}
        if places - {"path", "query", "header"}:
            raise ValueError(
                f"{self.operation_id}: only path, query and header parameters and a JSON body are bound, "
                f"not {sorted(places - {'path', 'query', 'header'})}"
            )
        self._has_path = "path" in places
        self._has_query = "query" in places
        if operation.request_body and any(not is_json_mimetype(m) for m in operation.consumes):
            raise ValueError(f"{self.operation_id}: only JSON bodies are bound, not {operation.consumes}")
        self._body_name = (
            self._sanitize(operation.body_name("application/json")) if operation.request_body else None
        )
        self._arguments, self._has_kwargs = inspect_function_arguments(self._fn)
        arguments = [p for p in operation.parameters if p["in"] != "header"]  # Connexion passes no headers
        expected = {self._sanitize(p["name"]) for p in arguments} | ({self._body_name} - {None})
        if not self._has_kwargs and set(self._arguments) != expected:
            raise ValueError(
                f"{self.operation_id}: the handler takes {sorted(self._arguments)}, "
                f"the operation declares {sorted(t.cast(set[str], expected))}"
            )
        # Without path parameters or a body, a request with an empty query string gets the query defaults:
        # Connexion's answer for that case, computed once (and copied per call, deeply if it holds a list).
        self._empty_query: dict[str, t.Any] | None = None
        self._empty_query_copied = False
        if not self._has_path and self._body_name is None:
            self._empty_query = self._parsed_kwargs({"query_string": b""})
            self._empty_query_copied = not all(
                isinstance(value, _IMMUTABLE) for value in self._empty_query.values()
            )

    def _kwargs(self, scope: Scope) -> dict[str, t.Any]:
        empty = self._empty_query
        if empty is not None and not scope["query_string"]:
            return copy.deepcopy(empty) if self._empty_query_copied else dict(empty)
        return self._parsed_kwargs(scope)

    def _parsed_kwargs(self, scope: Scope) -> dict[str, t.Any]:
        kwargs: dict[str, t.Any] = {}
        if self._has_path:
            path_params = self._uri_parser.resolve_path(scope.get("path_params", {}))
            kwargs.update(
                _get_path_arguments(path_params, operation=self._operation, sanitize=self._sanitize)
            )
        if self._has_query:
            query = QueryParams(scope["query_string"])
            query_params = self._uri_parser.resolve_query({key: query.getlist(key) for key in query})
            kwargs.update(
                _get_query_arguments(
                    query_params,
                    operation=self._operation,
                    arguments=self._arguments,
                    has_kwargs=self._has_kwargs,
                    sanitize=self._sanitize,
                )
            )
        if self._body_name is not None:
            kwargs[self._body_name] = scope.get("extensions", {}).get(PARSED_BODY)
        return kwargs

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        result = await self._fn(**self._kwargs(scope))
        if isinstance(result, Response):  # a stream or a 304: it sends itself, as under Connexion
            await result(scope, receive, send)
            return
        body, status, headers = result
        payload = self._dumps(body)
        if isinstance(payload, str):
            payload = payload.encode()
        raw_headers = [
            (name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers.items()
        ]
        raw_headers.append((b"content-length", str(len(payload)).encode("latin-1")))
        await send({"type": "http.response.start", "status": status, "headers": raw_headers})
        await send({"type": "http.response.body", "body": payload})


class _BoundApi(AsyncApi):  # type: ignore[misc]
    def make_operation(self, operation: AbstractOperation) -> t.Any:
        return BoundOperation(operation, self.jsonifier, self.pythonic_params)


def bind_operations_once(app: AsyncApp) -> AsyncApp:
    """Call before the app serves its first request (the middleware stack is built then)."""
    app._middleware_app.api_cls = _BoundApi
    return app
