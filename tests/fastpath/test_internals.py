"""paperbroker.fastpath notices when Connexion changes an internal it relies on."""

from __future__ import annotations

import hashlib
import importlib.metadata
import inspect
from typing import Any

import pytest
from connexion.apps.asynchronous import AsyncApi, AsyncApp, AsyncOperation
from connexion.decorators import parameter
from connexion.decorators.parameter import AsyncParameterDecorator
from connexion.lifecycle import ConnexionRequest
from connexion.middleware.abstract import RoutedMiddleware
from connexion.middleware.request_validation import RequestValidationAPI, RequestValidationOperation
from connexion.middleware.response_validation import ResponseValidationAPI, ResponseValidationOperation
from connexion.middleware.routing import RoutingAPI, RoutingMiddleware, RoutingOperation
from connexion.middleware.security import SecurityAPI, SecurityOperation
from connexion.middleware.swagger_ui import SwaggerUIMiddleware
from connexion.security import AbstractSecurityHandler, SecurityHandlerFactory
from connexion.uri_parsing import AbstractURIParser
from connexion.utils import inspect_function_arguments
from connexion.validators.parameter import ParameterValidator
from starlette._utils import get_route_path
from starlette.datastructures import Headers
from starlette.requests import HTTPConnection
from starlette.routing import Mount, Route, Router

# paperbroker.fastpath relies on exactly these Connexion internals: it calls, subclasses or replaces them.
# If one changes, re-read it, re-check paperbroker.fastpath against it, then record the new digest here.
PATCHED: list[tuple[Any, str]] = [
    (AsyncOperation.__call__, "5435ed498983193d"),
    (AsyncOperation.fn.fget, "9cad70e32840c9ec"),
    (AsyncApi.make_operation, "555eaf3ca12397b1"),
    (AsyncApp.__init__, "624f5070177b0d80"),
    (RoutedMiddleware.__call__, "10e95f7a2d823872"),
    (AsyncParameterDecorator.__call__, "c3223e31eb92742e"),
    (parameter.prep_kwargs, "46eb57dd9685e1c4"),
    (parameter.get_arguments, "b2912a96f0107039"),
    (parameter._get_path_arguments, "dce2f42b8282c286"),
    (parameter._get_query_arguments, "77f3e0a63d78d965"),
    (parameter._get_body_argument, "ad0202326b99a5b7"),
    (parameter.pythonic, "70c5c689dec99744"),
    (parameter.sanitized, "8ee876388896618b"),
    (inspect_function_arguments, "1359001a695ff9f6"),
    (ConnexionRequest.path_params.fget, "546382a52e95ac2f"),
    (ConnexionRequest.query_params.fget, "f01f735c6643fe68"),
    (RequestValidationOperation.__call__, "af472716211911b9"),
    (RequestValidationOperation.extract_content_type, "b08fa016a712fc41"),
    (ResponseValidationOperation.extract_content_type, "98f5aaacf3bf583c"),
    (RequestValidationAPI.make_operation, "55b32cb8b0ab229e"),
    (ResponseValidationOperation.__call__, "45cd2dccb7cf4b6c"),
    (ResponseValidationAPI.make_operation, "770d433c2951acf6"),
    (AbstractURIParser.__init__, "1df20ff67036c6cb"),
    (SwaggerUIMiddleware.__call__, "63d1a07033fd923d"),
    # Where the parameter validator cannot fail, it is skipped (middlewares._unfailing_without); Starlette's
    # Headers copy the scope's header list when Connexion reads a header, which the skip repeats.
    (ParameterValidator.validate, "e5615916d947428b"),
    (ParameterValidator.validate_request, "e3d4a4e16aaee99e"),
    (ParameterValidator.validate_parameter, "2d9293659a1c1ea5"),
    (ParameterValidator.validate_query_parameter, "442854ab9b6386dd"),
    (ParameterValidator.validate_header_parameter, "b99bd3b5f592e6da"),
    (ParameterValidator.validate_query_parameter_list, "b693345e9ac37e1f"),
    (ParameterValidator.validate_parameter_list, "66d3159ba2e57641"),
    (Headers.__init__, "333c27c381f7c297"),
    (HTTPConnection.__dict__["headers"].fget, "3e99d00c4fc56757"),
    # An operation without parameters is bound with the query defaults computed once.
    (parameter._get_query_defaults, "e8c78eeae75a9e2b"),
    (parameter._get_default_obj, "bc08f3a01d287db2"),
    (parameter._build_default_obj_recursive, "e38c25c2b9ec6b24"),
    (parameter._query_args_helper, "272f1cd04f9d1145"),
    (parameter._get_val_from_param, "23ae7326c64a85ea"),
    # Routing: a path without parameters is looked up, with the scope changes Starlette's routers make.
    (RoutingMiddleware.__call__, "32944caa9c9cad13"),
    (RoutingMiddleware.add_api, "a25f6d00c2c1d3d2"),
    (RoutingOperation.__call__, "634b2f09f2375ba4"),
    (RoutingAPI._add_operation_internal, "1b9e5ec803988f5d"),
    (Router.__call__, "e93fc286faeae611"),
    (Router.app, "1b1fa16c99a8ce6b"),
    (Mount.matches, "ac97bc77afeab550"),
    (Mount.handle, "208ab48a6510dffd"),
    (Route.matches, "4de50d376de04a00"),
    (Route.handle, "96b34240b73daf60"),
    (Route.__init__, "3221dd2e9e601abd"),
    (get_route_path, "243011d2a68ca7fe"),
    # Security: a bearer key alone is checked from the scope, with the context Connexion sets.
    (SecurityOperation.__init__, "fee71d264ae47ce4"),
    (SecurityOperation.__call__, "64eb38b0d5982445"),
    (SecurityOperation.from_operation, "317f82c82b2718d5"),
    (SecurityOperation._get_verification_fn, "3e06412c6ce76aa1"),
    (SecurityAPI.make_operation, "8051a99c0921b5fd"),
    (SecurityHandlerFactory.parse_security_scheme, "687e91b8803382e0"),
    (SecurityHandlerFactory.verify_security, "eb34fea712e0643a"),
    (SecurityHandlerFactory._raise_most_specific, "31c57164202788f8"),
    (AbstractSecurityHandler.get_fn, "6a2992e2057688ca"),
    (ConnexionRequest.__dict__["context"].fget, "5ee2afcadc9c35fe"),
    (Headers.__getitem__, "c49baa3cfea56709"),
]


def digest(function: Any) -> str:
    return hashlib.sha256(inspect.getsource(function).encode()).hexdigest()[:16]


def test_connexion_is_the_version_the_patch_was_written_for() -> None:
    assert importlib.metadata.version("connexion") == "3.3.0", "re-check src/paperbroker/fastpath"


@pytest.mark.parametrize(("function", "expected"), PATCHED, ids=lambda p: getattr(p, "__qualname__", ""))
def test_patched_internals_are_unchanged(function: Any, expected: str) -> None:
    name = f"{function.__module__}.{function.__qualname__}"
    assert digest(function) == expected, f"{name} changed: re-check src/paperbroker/fastpath"
