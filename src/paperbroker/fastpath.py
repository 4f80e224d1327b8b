"""The service's hot path without Connexion's per-request overheads, and without turning any check off.

- `OrjsonJsonifier` (Connexion's `jsonifier` option): handlers' JSON is written by orjson, not stdlib json.
- `lean_middlewares()` (the `middlewares` option): Connexion's default stack, except that the Swagger UI
  middleware lets requests for API operations through without routing them against its UI routes; the UI
  and openapi.json are served as before.
- `PreparedRequestValidationMiddleware`, `PreparedResponseValidationMiddleware`: Connexion's validation, with
  what it rebuilt per request (validators, media-type tables) built once per operation.
- `bind_operations_once(app)`: Connexion 3.3 runs each handler through generic parameter and response
  decorators that rediscover the operation on every request; here each operation's handler is bound once.

Connexion internals are subclassed or stood in for here and nowhere else; tests/test_fastpath.py fails if
Connexion changes one of them, and checks that the bound handlers answer as Connexion's decorators do.
"""

from __future__ import annotations

import decimal
import functools
import typing as t

import orjson
from connexion import AsyncApp, utils
from connexion.apps.asynchronous import AsyncApi
from connexion.decorators.parameter import (
    _get_path_arguments,
    _get_query_arguments,
    pythonic,
    sanitized,
)
from connexion.jsonifier import Jsonifier
from connexion.middleware.main import ConnexionMiddleware
from connexion.middleware.request_validation import (
    RequestValidationAPI,
    RequestValidationMiddleware,
    RequestValidationOperation,
)
from connexion.middleware.response_validation import (
    ResponseValidationAPI,
    ResponseValidationMiddleware,
    ResponseValidationOperation,
)
from connexion.middleware.swagger_ui import SwaggerUIMiddleware
from connexion.operations import AbstractOperation
from connexion.utils import inspect_function_arguments
from starlette.datastructures import QueryParams
from starlette.types import Receive, Scope, Send

from paperbroker.validation import PARSED_BODY

# Connexion's encoder writes naive datetimes as UTC with a "Z"; these options do the same.
_ORJSON_OPTIONS = (
    orjson.OPT_NON_STR_KEYS | orjson.OPT_APPEND_NEWLINE | orjson.OPT_NAIVE_UTC | orjson.OPT_UTC_Z
)


def _default(value: t.Any) -> t.Any:
    """What Connexion's JSONEncoder adds to JSON that orjson does not already handle the same way."""
    if isinstance(value, decimal.Decimal):
        return float(value)
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


class OrjsonJsonifier(Jsonifier):  # type: ignore[misc]
    """Serialises handler results with orjson, as bytes the response sends without re-encoding."""

    def __init__(self) -> None:
        super().__init__()

    def dumps(self, data: t.Any, **kwargs: t.Any) -> bytes:
        return orjson.dumps(data, default=_default, option=_ORJSON_OPTIONS)

    def loads(self, data: bytes | str) -> t.Any:
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            return data.decode() if isinstance(data, bytes) else data


class LeanSwaggerUIMiddleware(SwaggerUIMiddleware):  # type: ignore[misc]
    """Routes only requests that can be for the UI or the spec; API operations go straight through."""

    def __init__(self, app: t.Any) -> None:
        super().__init__(app)
        self._operation_prefixes: tuple[str, ...] = ()

    def add_api(self, specification: t.Any, base_path: str | None = None, **kwargs: t.Any) -> None:
        super().add_api(specification, base_path=base_path, **kwargs)
        base = (base_path if base_path is not None else specification.base_path or "").rstrip("/")
        ui_names = {"ui", "openapi.json", "openapi.yaml", "swagger.json", "swagger.yaml"}
        first_segments = {path.strip("/").split("/")[0] for path in specification.get("paths", {})}
        # A segment that could also name a UI route is left to the router.
        prefixes = {f"{base}/{segment}/" for segment in first_segments if segment and segment not in ui_names}
        self._operation_prefixes = tuple(sorted({*self._operation_prefixes, *prefixes}))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and f"{scope['path']}/".startswith(self._operation_prefixes):
            await self.app(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def _content_type_header(headers: t.Iterable[tuple[bytes, bytes]]) -> bytes | None:
    for name, value in headers:
        if name.lower() == b"content-type":
            return value
    return None


class _ContentTypePerValue:
    """Connexion parses the Content-Type header of every request and response (building typing aliases as it
    goes); its answer depends only on the header's value and the operation, so it is kept per value."""

    _CACHE_LIMIT = 32  # the client picks the values: do not grow without end

    def extract_content_type(self, headers: t.Iterable[tuple[bytes, bytes]]) -> tuple[str, str]:
        raw = _content_type_header(headers)
        known: dict[bytes | None, tuple[str, str]] = self.__dict__.setdefault("_content_types", {})
        found = known.get(raw)
        if found is None:
            found = super().extract_content_type([] if raw is None else [(b"content-type", raw)])  # type: ignore[misc]
            if len(known) < self._CACHE_LIMIT:
                known[raw] = found
        return found


class _PreparedRequestValidation(_ContentTypePerValue, RequestValidationOperation):  # type: ignore[misc]
    """Connexion's request validation, with what it rebuilds per request built once per operation.

    Connexion constructs a URI parser, a parameter validator, a MediaTypeDict of the accepted types and a
    body validator for every request. All of them depend only on the operation (and the request's media
    type and charset), so they are kept: the parameter validator for the operation, the rest per media
    type the operation accepts. The checks made and their order are Connexion's.
    """

    _CACHE_LIMIT = 32  # media types with parameters are the client's to vary: do not grow without end

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        self._parameter_validator: t.Any = None
        self._bodies: dict[tuple[str, str], t.Any] = {}

    def _body_validator(self, mime_type: str, encoding: str) -> t.Any:
        """None when the operation has no body schema for the type or no validator is registered."""
        key = (mime_type, encoding)
        if key in self._bodies:
            return self._bodies[key]
        self.validate_mime_type(mime_type)  # raises for a type the operation does not accept
        schema = self._operation.body_schema(mime_type)
        validator = None
        if schema:
            try:
                body_validator = self._validator_map["body"][mime_type]
            except KeyError:
                pass  # Connexion skips validation then too
            else:
                validator = body_validator(
                    schema=schema,
                    required=self._operation.request_body.get("required", False),
                    nullable=utils.is_nullable(self._operation.body_definition(mime_type)),
                    encoding=encoding,
                    strict_validation=self.strict_validation,
                    uri_parser=self._operation.uri_parser_class(
                        self._operation.parameters, self._operation.body_definition()
                    ),
                )
        if len(self._bodies) < self._CACHE_LIMIT:
            self._bodies[key] = validator
        return validator

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self._parameter_validator is None:
            uri_parser = self._operation._uri_parser_class(
                self._operation.parameters, self._operation.body_definition()
            )
            self._parameter_validator = self._validator_map["parameter"](
                self._operation.parameters,
                uri_parser=uri_parser,
                strict_validation=self.strict_validation,
                security_query_params=self.security_query_params,
            )
        if self._operation.parameters or scope["query_string"]:  # otherwise there is nothing it could reject
            self._parameter_validator.validate(scope)
        mime_type, encoding = self.extract_content_type(scope["headers"])
        validator = self._body_validator(mime_type, encoding)
        if validator is not None:
            receive, scope = await validator.wrap_receive(receive, scope=scope)
        await self.next_app(scope, receive, send)


class _PreparedRequestValidationAPI(RequestValidationAPI):  # type: ignore[misc]
    def make_operation(self, operation: AbstractOperation) -> RequestValidationOperation:
        return _PreparedRequestValidation(
            self.next_app,
            operation=operation,
            strict_validation=self.strict_validation,
            validator_map=self.validator_map,
        )


class PreparedRequestValidationMiddleware(RequestValidationMiddleware):  # type: ignore[misc]
    """Connexion's RequestValidationMiddleware with its per-request set-up done once per operation."""

    api_cls = _PreparedRequestValidationAPI


class _PreparedResponseValidation(_ContentTypePerValue, ResponseValidationOperation):  # type: ignore[misc]
    """Connexion's response validation, with what it looks up per response looked up once per outcome.

    Per (status, media type, charset) Connexion rebuilds a MediaTypeDict of the produced types, finds the
    response definition twice, and matches the validator map; all depend only on the operation and that
    key, so they are kept. Every response is still checked: media type, required headers, the body.
    """

    _CACHE_LIMIT = 32

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        self._outcomes: dict[tuple[int, str, str], tuple[dict[str, t.Any], t.Any, t.Any, bool]] = {}

    def _outcome(
        self, status: int, mime_type: str, encoding: str
    ) -> tuple[dict[str, t.Any], t.Any, t.Any, bool]:
        key = (status, mime_type, encoding)
        if key in self._outcomes:
            return self._outcomes[key]
        if status < 400:
            self.validate_mime_type(mime_type)  # raises for a type the operation does not produce
        definition = self._operation.response_definition(str(status), mime_type)
        validator_cls = self._validator_map["response"].get(mime_type)
        schema = self._operation.response_schema(str(status), mime_type)
        outcome = (definition, validator_cls, schema, bool(utils.is_nullable(definition)))
        if len(self._outcomes) < self._CACHE_LIMIT:
            self._outcomes[key] = outcome
        return outcome

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def wrapped_send(message: t.MutableMapping[str, t.Any]) -> None:
            nonlocal send
            if message["type"] == "http.response.start":
                headers = message["headers"]
                mime_type, encoding = self.extract_content_type(headers)
                definition, validator_cls, schema, nullable = self._outcome(
                    message["status"], mime_type, encoding
                )
                self.validate_required_headers(headers, definition)
                if validator_cls is not None:
                    validator = validator_cls(scope, schema=schema, nullable=nullable, encoding=encoding)
                    send = validator.wrap_send(send)
            return await send(message)

        await self.next_app(scope, receive, wrapped_send)


class _PreparedResponseValidationAPI(ResponseValidationAPI):  # type: ignore[misc]
    def make_operation(self, operation: AbstractOperation) -> t.Any:
        if not self.validate_responses:
            return self.next_app
        return _PreparedResponseValidation(
            self.next_app, operation=operation, validator_map=self.validator_map
        )


class PreparedResponseValidationMiddleware(ResponseValidationMiddleware):  # type: ignore[misc]
    """Connexion's ResponseValidationMiddleware with its per-response look-ups done once per outcome."""

    api_cls = _PreparedResponseValidationAPI


_LEAN = {
    SwaggerUIMiddleware: LeanSwaggerUIMiddleware,
    RequestValidationMiddleware: PreparedRequestValidationMiddleware,
    ResponseValidationMiddleware: PreparedResponseValidationMiddleware,
}


def lean_middlewares() -> list[t.Any]:
    """Connexion's default middleware stack, with the lean variants above in place of their originals.

    Positions in `app.add_middleware` that name a replaced class (BEFORE_SWAGGER, BEFORE_VALIDATION) no
    longer match; BEFORE_EXCEPTION and the others do.
    """
    return [_LEAN.get(middleware, middleware) for middleware in ConnexionMiddleware.default_middlewares]


@functools.lru_cache(maxsize=512)
def _pythonic(name: str) -> str:
    """Connexion's name conversion (three regexes and an inflection) for names that repeat per request."""
    return str(pythonic(name))


class _BoundOperation:
    """One handler, called as Connexion's parameter and response decorators would call it, prepared once.

    Those decorators are generic: per request they build a request object, rediscover the operation's
    parameters, the handler's signature and the body's content type, then wrap the result in a Starlette
    Response. Everything but the values depends on the operation alone, so it is settled here at start-up.
    Path and query values still go through Connexion's own URI parser and type casts; the body is the one
    the request validator parsed and validated. Handlers return `(body, status, headers)` with a JSON body.
    """

    def __init__(self, operation: AbstractOperation, jsonifier: Jsonifier, pythonic_params: bool) -> None:
        self.operation_id = operation.operation_id
        self._operation = operation
        self._fn = operation.function
        self._dumps = jsonifier.dumps
        self._sanitize: t.Callable[[str], str] = _pythonic if pythonic_params else sanitized
        self._uri_parser = operation.uri_parser_class(operation.parameters, operation.body_definition())
        places = {parameter["in"] for parameter in operation.parameters}
        if places - {"path", "query"}:
            raise ValueError(
                f"{self.operation_id}: only path and query parameters and a JSON body are bound, "
                f"not {sorted(places - {'path', 'query'})}"
            )
        self._has_path = "path" in places
        self._has_query = "query" in places
        self._body_name = (
            self._sanitize(operation.body_name("application/json")) if operation.request_body else None
        )
        self._arguments, self._has_kwargs = inspect_function_arguments(self._fn)
        expected = {self._sanitize(p["name"]) for p in operation.parameters} | {self._body_name} - {None}
        if not self._has_kwargs and set(self._arguments) != expected:
            raise ValueError(
                f"{self.operation_id}: the handler takes {sorted(self._arguments)}, "
                f"the operation declares {sorted(t.cast(set[str], expected))}"
            )

    def _kwargs(self, scope: Scope) -> dict[str, t.Any]:
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
        body, status, headers = await self._fn(**self._kwargs(scope))
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
        return _BoundOperation(operation, self.jsonifier, self.pythonic_params)


def bind_operations_once(app: AsyncApp) -> AsyncApp:
    """Call before the app serves its first request (the middleware stack is built then)."""
    app._middleware_app.api_cls = _BoundApi
    return app
