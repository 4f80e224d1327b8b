"""Connexion's default middleware stack, with what it redoes per request done once.

- The Swagger UI middleware lets requests for API operations through without routing them against its UI
  routes; the UI is served as before, and openapi.json (and .yaml) as written once per base path
  (Connexion copies, validates and writes the whole spec on every request for it, a quarter of a second
  during which the worker serves nobody else).
- Routing finds an operation whose path has no parameters by one look-up; others go through the router.
- The security check of a bearer key alone is made from the scope, without a request object.
- Request and response validation build their validators and media-type tables once per operation (and
  per content type), instead of per request; every check is still made, in Connexion's order.
"""

from __future__ import annotations

import typing as t

from connexion import utils
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
from connexion.middleware.routing import RoutingMiddleware, RoutingOperation, _scope
from connexion.middleware.security import SecurityAPI, SecurityMiddleware, SecurityOperation
from connexion.middleware.swagger_ui import SwaggerUIAPI, SwaggerUIMiddleware
from connexion.operations import AbstractOperation
from connexion.validators.parameter import ParameterValidator
from starlette.responses import Response
from starlette.routing import Match, Mount, Route, Router
from starlette.types import Receive, Scope, Send


class _RebasedOnceSwaggerUIAPI(SwaggerUIAPI):  # type: ignore[misc]
    """The spec as served for each base path, rebased and written once: it does not change while the app
    runs."""

    _CACHE_LIMIT = 16  # base paths come from the server's root path and mounts, not from clients

    async def _get_openapi_json(self, request: t.Any) -> Response:
        return await self._written_once(request, super()._get_openapi_json)

    async def _get_openapi_yaml(self, request: t.Any) -> Response:
        return await self._written_once(request, super()._get_openapi_yaml)

    async def _written_once(
        self, request: t.Any, write: t.Callable[[t.Any], t.Awaitable[Response]]
    ) -> Response:
        written: dict[tuple[str, str], tuple[bytes, str | None]] = self.__dict__.setdefault("_written", {})
        key = (write.__name__, self._base_path_for_prefix(request))
        if key in written:
            body, media_type = written[key]
            return Response(body, media_type=media_type)
        response = await write(request)
        if response.status_code == 200 and len(written) < 2 * self._CACHE_LIMIT:
            written[key] = (bytes(response.body), response.media_type)
        return response

    def _spec_for_prefix(self, request: t.Any) -> dict[str, t.Any]:
        rebased: dict[str, dict[str, t.Any]] = self.__dict__.setdefault("_rebased", {})
        base_path = self._base_path_for_prefix(request)
        spec = rebased.get(base_path)
        if spec is None:
            spec = self.specification.with_base_path(base_path).spec
            if len(rebased) < self._CACHE_LIMIT:
                rebased[base_path] = spec
        return spec


class LeanSwaggerUIMiddleware(SwaggerUIMiddleware):  # type: ignore[misc]
    """Routes only requests that can be for the UI or the spec; API operations go straight through."""

    def __init__(self, app: t.Any) -> None:
        super().__init__(app)
        self._operation_prefixes: tuple[str, ...] = ()

    def add_api(
        self,
        specification: t.Any,
        base_path: str | None = None,
        arguments: dict[str, t.Any] | None = None,
        **kwargs: t.Any,
    ) -> None:
        # SwaggerUIMiddleware.add_api, with the API class that rebases the spec once
        api = _RebasedOnceSwaggerUIAPI(
            specification, base_path=base_path, arguments=arguments, default=self.default_fn, **kwargs
        )
        self.router.mount(api.base_path, app=api.router)
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

    _CACHE_LIMIT = 32  # per operation: the client picks the values, so caches keyed by them stay bounded

    def extract_content_type(self, headers: t.Iterable[tuple[bytes, bytes]]) -> tuple[str, str]:
        raw = _content_type_header(headers)
        known: dict[bytes | None, tuple[str, str]] = self.__dict__.setdefault("_content_types", {})
        found = known.get(raw)
        if found is None:
            found = super().extract_content_type([] if raw is None else [(b"content-type", raw)])  # type: ignore[misc]
            if len(known) < self._CACHE_LIMIT:
                known[raw] = found
        return found


_READ_BY_VALIDATE = (
    "validate",
    "validate_request",
    "validate_query_parameter_list",
    "validate_parameter_list",
    "validate_query_parameter",
    "validate_header_parameter",
)
"""What ParameterValidator.validate runs for an operation with only query and header parameters."""


def _unfailing_without(validator_cls: t.Any, parameters: list[dict[str, t.Any]]) -> frozenset[bytes] | None:
    """When the parameter validator cannot fail for a request with an empty query string that sends none of
    the operation's header parameters: the raw names of those headers. None when it can, or may.

    Connexion's ParameterValidator then finds no extra query parameter (strict validation), and reads each
    declared query and header parameter as absent (None), which the validator class's `validate_parameter`
    must pass: it fails a required one. A path or cookie parameter is always validated, and a validator
    class that changes how parameters are read is always run.
    """
    if not (isinstance(validator_cls, type) and issubclass(validator_cls, ParameterValidator)):
        return None
    validator: t.Any = validator_cls
    if any(getattr(validator, name) is not getattr(ParameterValidator, name) for name in _READ_BY_VALIDATE):
        return None
    for parameter in parameters:
        if parameter["in"] not in ("query", "header") or parameter.get("required"):
            return None
        if validator.validate_parameter(parameter["in"], None, parameter) is not None:
            return None
    return frozenset(p["name"].lower().encode("latin-1") for p in parameters if p["in"] == "header")


class _PreparedRequestValidation(_ContentTypePerValue, RequestValidationOperation):  # type: ignore[misc]
    """Connexion's request validation, with what it rebuilds per request built once per operation.

    Connexion constructs a URI parser, a parameter validator, a MediaTypeDict of the accepted types and a
    body validator for every request. All of them depend only on the operation (and the request's media
    type and charset), so they are kept: the parameter validator for the operation, the rest per media
    type the operation accepts. The checks made and their order are Connexion's. The parameter validator is
    not run where it cannot fail (`_unfailing_without`): a request without query string or header
    parameters, to an operation without path parameters or required ones.
    """

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        self._parameter_validator: t.Any = None
        self._bodies: dict[tuple[str, str], t.Any] = {}
        self._unfailing_without = _unfailing_without(
            self._validator_map["parameter"], self._operation.parameters
        )

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
        headers = self._unfailing_without
        if headers is None or scope["query_string"] or any(name in headers for name, _ in scope["headers"]):
            self._parameter_validator.validate(scope)
        elif headers:  # Connexion's validator read the headers through Starlette, which copies their list
            scope["headers"] = list(scope["headers"])
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


_ROUTED = frozenset({"router", "route", "endpoint", "path_params", "app_root_path", "route_root_path"})
"""Scope keys Starlette's routers read or set: a scope that already has one is left to them."""


def _first_full(router: Router, scope: Scope) -> tuple[t.Any, t.MutableMapping[str, t.Any]]:
    """The route Starlette's Router.app hands a request to when one matches in full, and its child scope."""
    for route in router.routes:
        match, child_scope = route.matches(scope)
        if match is Match.FULL:
            return route, child_scope
    return None, {}


class LeanRoutingMiddleware(RoutingMiddleware):  # type: ignore[misc]
    """Connexion's RoutingMiddleware; an operation whose path has no parameters is found by one look-up.

    Connexion copies the scope, then lets Starlette's router match the path against each API's mount and
    each of its routes, in order, with regular expressions. For a path without parameters the outcome is
    fixed: it is worked out once per (path, method), by those same routes' own `matches`, and kept. A hit
    makes the scope changes the two routers make, then calls Connexion's RoutingOperation, as they would.
    Templated paths, redirects, 404s and 405s, a root path, and anything else go through the router.
    """

    def __init__(self, app: t.Any) -> None:
        super().__init__(app)
        self._static: dict[tuple[str, str], tuple[t.Any, ...]] | None = None

    def add_api(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().add_api(*args, **kwargs)
        self._static = None

    def _static_routes(self) -> dict[tuple[str, str], tuple[t.Any, ...]]:
        found: dict[tuple[str, str], tuple[t.Any, ...]] = {}
        if self.router.middleware_stack != self.router.app:
            return found
        for mount in self.router.routes:
            if not (isinstance(mount, Mount) and isinstance(mount.app, Router) and "{" not in mount.path):
                continue
            api = mount.app
            if api.middleware_stack != api.app:
                continue
            for route in api.routes:
                if not (isinstance(route, Route) and "{" not in route.path and route.methods):
                    continue
                if not (isinstance(route.endpoint, RoutingOperation) and route.app is route.endpoint):
                    continue
                for method in route.methods:
                    path = mount.path + route.path
                    scope = {"type": "http", "path": path, "method": method, "root_path": ""}
                    outer, mounted = _first_full(self.router, scope)
                    if outer is not mount or mounted["path_params"] or mounted["endpoint"] is not api:
                        continue
                    inner, routed = _first_full(api, {**scope, **mounted})
                    if (
                        inner is not route
                        or routed["path_params"]
                        or routed["endpoint"] is not route.endpoint
                    ):
                        continue
                    found.setdefault(
                        (path, method), (mount, mounted["app_root_path"], mounted["root_path"], api, route)
                    )
        return found

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not scope.get("root_path") and _ROUTED.isdisjoint(scope):
            static = self._static
            if static is None:
                static = self._static = self._static_routes()
            hit = static.get((scope["path"], scope["method"]))
            if hit is not None:
                mount, app_root_path, root_path, api, route = hit
                _scope.set(scope.copy())  # type: ignore[attr-defined]  # as Connexion copies it
                # What Router.app, Mount.matches, Router.app (the API's) and Route.matches set, in order.
                scope["router"] = self.router
                scope["route"] = mount
                scope.update(
                    {
                        "path_params": {},
                        "app_root_path": app_root_path,
                        "root_path": root_path,
                        "endpoint": api,
                    }
                )
                scope["route"] = route
                scope.update({"endpoint": route.endpoint, "path_params": {}})
                await route.endpoint(scope, receive, send)
                return
        await super().__call__(scope, receive, send)


def _bearer_check(security: list[t.Any], schemes: dict[str, t.Any], factory: t.Any) -> t.Any:
    """The security handler's `check_authorization` (the Authorization header's value, or None, → token info,
    or an exception) when one HTTP bearer scheme without scopes alone secures the operation and that
    handler offers one (paperbroker.api.auth's does); otherwise None."""
    if len(security) != 1 or len(security[0]) != 1:
        return None
    ((name, scopes),) = security[0].items()
    scheme = schemes.get(name)
    if scopes or not isinstance(scheme, dict) or scheme.get("type") != "http":
        return None
    if str(scheme.get("scheme", "")).lower() != "bearer":
        return None
    return getattr(factory.security_handlers.get("bearer"), "check_authorization", None)


class _BearerSecurity(SecurityOperation):  # type: ignore[misc]
    """Connexion's security check of one operation; for a bearer key alone, made from the scope.

    Connexion wraps each request in a ConnexionRequest and runs the handler through its generic async
    `verify_security` chain. For a single bearer scheme that chain calls the one check and re-raises what it
    raises; here the same check is called on the same header value, and the same context set.
    """

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        self._check = _bearer_check(self.security, self.security_schemes, self.security_handler_factory)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        check = self._check
        if check is None:
            await super().__call__(scope, receive, send)
            return
        # Starlette's Headers, which Connexion reads the header with, copy the scope's list first.
        headers = scope["headers"] = list(scope["headers"])
        authorization = None
        for name, value in headers:
            if name == b"authorization":  # the first one, as Headers.get finds it
                authorization = value.decode("latin-1")
                break
        info = check(authorization)
        context = scope.setdefault("extensions", {}).setdefault("connexion_context", {})
        context.update({"user": info.get("sub", info.get("uid")), "token_info": info})
        await self.next_app(scope, receive, send)


class _LeanSecurityAPI(SecurityAPI):  # type: ignore[misc]
    def make_operation(self, operation: t.Any) -> SecurityOperation:
        return _BearerSecurity.from_operation(
            operation, next_app=self.next_app, security_handler_factory=self.security_handler_factory
        )


class LeanSecurityMiddleware(SecurityMiddleware):  # type: ignore[misc]
    """Connexion's SecurityMiddleware; a bearer key alone is checked without a request object."""

    api_cls = _LeanSecurityAPI


_LEAN = {
    SwaggerUIMiddleware: LeanSwaggerUIMiddleware,
    RoutingMiddleware: LeanRoutingMiddleware,
    SecurityMiddleware: LeanSecurityMiddleware,
    RequestValidationMiddleware: PreparedRequestValidationMiddleware,
    ResponseValidationMiddleware: PreparedResponseValidationMiddleware,
}


def lean_middlewares() -> list[t.Any]:
    """Connexion's default middleware stack, with the lean variants above in place of their originals.

    Positions in `app.add_middleware` that name a replaced class (BEFORE_SWAGGER, BEFORE_ROUTING,
    BEFORE_SECURITY, BEFORE_VALIDATION) no longer match; BEFORE_EXCEPTION and the others do.
    """
    return [_LEAN.get(middleware, middleware) for middleware in ConnexionMiddleware.default_middlewares]


def add_after_security(app: t.Any, middleware_class: t.Any, **options: t.Any) -> None:
    """Insert a middleware right after Connexion's security middleware: it sees the request's route and
    caller, before request validation. (MiddlewarePosition.BEFORE_VALIDATION names the stock validation
    class, which the lean stack replaces, so it cannot say where.)"""
    from functools import partial

    stack: list[t.Any] = app.middleware.middlewares
    security = (SecurityMiddleware, LeanSecurityMiddleware)
    index = next(i for i, entry in enumerate(stack) if getattr(entry, "func", entry) in security)
    stack.insert(index + 1, partial(middleware_class, **options))
