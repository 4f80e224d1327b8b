"""Request and response body validation, fast and with errors a client can act on (Connexion's validator_map).

Connexion builds a pure-Python jsonschema validator for every request and every response; validating a
list of 1,000 orders that way costs tens of milliseconds. Here each schema is compiled once, with
jsonschema_rs, after translating the OpenAPI 3.0 dialect (nullable, x-nullable, writeOnly) into the plain
Draft 4 that Connexion's own validators implement. Only when a body fails does the Python validator run,
to explain the failure in the words Connexion users know: the field and the reason, and a failed oneOf on
PreOrder explained by the branch its `type` selects. Bodies that are not UTF-8 or not JSON are a 400, and
so are bodies JSON parsers disagree on or Python cannot walk safely: a key named twice in one object, or
nesting deeper than MAX_DEPTH (orjson already refuses NaN, Infinity and numbers that overflow to infinity).

A body sent without a Content-Type is a 415, as the contract says of any type but JSON: Connexion (and the
fast path, which asks it) takes a missing type for the operation's first, so the JSON validator is the one
place that sees such a body in both fast path modes, before anything reads it.
"""

from __future__ import annotations

import json
import re
import typing as t

import jsonschema_rs
import orjson
from connexion.datastructures import MediaTypeDict
from connexion.exceptions import BadRequestProblem, NonConformingResponseBody, UnsupportedMediaTypeProblem
from connexion.json_schema import (
    Draft4RequestValidator,
    Draft4ResponseValidator,
    format_error_with_path,
)
from connexion.utils import is_null, is_nullable
from connexion.validators import (
    VALIDATOR_MAP,
    JSONRequestBodyValidator,
    JSONResponseBodyValidator,
    ParameterValidator,
)
from jsonschema import Draft4Validator, ValidationError
from jsonschema.exceptions import best_match
from starlette.datastructures import Headers
from starlette.types import Receive, Scope

PARSED_BODY = "paperbroker.parsed_body"
"""Key in scope["extensions"] under which the validated request body is kept for the handler."""

# Keys whose values are data, not schemas: the translation must not rewrite them.
_DATA_KEYS = frozenset({"enum", "example", "examples", "default", "const", "x-enum-varnames"})


def _branch_title(schema: dict[str, t.Any]) -> str:
    title = str(schema.get("title", "this variant"))
    return title.removesuffix("PreOrder") + " order" if title.endswith("PreOrder") else title


def explain(error: ValidationError) -> str:
    """One sentence: which field, and why. A oneOf is explained by the branch its `type` selects."""
    if error.validator == "oneOf" and error.context:
        branches: dict[int, list[ValidationError]] = {}
        for sub in error.context:
            branches.setdefault(int(sub.schema_path[0]), []).append(sub)
        selected = [
            index
            for index, errors in branches.items()
            if not any(list(sub.relative_path) == ["type"] for sub in errors)
        ]
        if len(selected) == 1:
            index = selected[0]
            sub = branches[index][0]
            where = _branch_title(error.schema["oneOf"][index])
            if sub.validator == "not" and sub.relative_path:
                return f"'{sub.relative_path[-1]}' is not allowed for a {where}"
            return f"{sub.message} for a {where}{format_error_with_path(sub)}"
    return f"{error.message}{format_error_with_path(error)}"


def to_draft4(schema: t.Any, *, response: bool) -> t.Any:
    """The OpenAPI 3.0 schema as plain Draft 4, with Connexion's semantics.

    `nullable`/`x-nullable` admit null where the node names a `type` or an `enum` (connexion.json_schema's
    allow_nullable); in responses `writeOnly`/`x-writeOnly` forbid the value (its validate_writeOnly).
    """
    if isinstance(schema, list):
        return [to_draft4(item, response=response) for item in schema]
    if not isinstance(schema, dict):
        return schema
    node = {
        key: value if key in _DATA_KEYS else to_draft4(value, response=response)
        for key, value in schema.items()
    }
    if schema.get("nullable") is True or schema.get("x-nullable") is True:
        if "type" in node:
            types = node["type"] if isinstance(node["type"], list) else [node["type"]]
            node["type"] = [*types, "null"] if "null" not in types else types
        if "enum" in node and None not in node["enum"]:
            node["enum"] = [*node["enum"], None]
    if response and ("writeOnly" in schema or "x-writeOnly" in schema):
        node = {"allOf": [node, {"not": {}}]}
    return node


class CompiledSchema:
    """One schema, compiled once: jsonschema_rs decides, the Python validator explains."""

    def __init__(self, schema: dict[str, t.Any], *, response: bool) -> None:
        self.schema = schema
        self._response = response
        self._fast = jsonschema_rs.Draft4Validator(
            to_draft4(schema, response=response), validate_formats=True
        )
        self._slow: Draft4Validator | None = None

    def is_valid(self, instance: t.Any) -> bool:
        return bool(self._fast.is_valid(instance))

    def first_error(self, instance: t.Any) -> str:
        """Connexion's wording for the first error; only called on a body jsonschema_rs rejected."""
        if self._slow is None:
            cls = Draft4ResponseValidator if self._response else Draft4RequestValidator
            self._slow = cls(self.schema, format_checker=Draft4Validator.FORMAT_CHECKER)
        errors = sorted(self._slow.iter_errors(instance), key=lambda e: list(e.path))
        if errors:
            return explain(errors[0])
        # The two validators disagree (a format, say): jsonschema_rs's verdict stands, in its words.
        fast_error = next(iter(self._fast.iter_errors(instance)))
        path = ".".join(str(part) for part in fast_error.instance_path)
        return f"{fast_error.message}{f' - {path!r}' if path else ''}"


_COMPILED: dict[tuple[int, bool], CompiledSchema] = {}


def compiled(schema: dict[str, t.Any], *, response: bool) -> CompiledSchema:
    """Connexion hands the validator the same schema object on every request: compile it once."""
    key = (id(schema), response)
    found = _COMPILED.get(key)
    if found is None or found.schema is not schema:
        found = _COMPILED[key] = CompiledSchema(schema, response=response)
    return found


def _loads(raw: bytes, encoding: str) -> t.Any:
    """Decode first, so a non-UTF-8 body is reported as such; orjson rejects NaN and Infinity too."""
    if raw.isascii() and encoding.lower().replace("-", "").replace("_", "") == "utf8":
        return orjson.loads(raw)
    return orjson.loads(raw.decode(encoding))


MAX_DEPTH = 32
"""Nesting a request body may have; the contract's bodies nest a few levels. Deeper ones are refused before
anything recursive (the duplicate-key parse, the explaining validator, repr) can exhaust Python's stack."""


class RefusedBody(ValueError):
    """JSON that parses but is refused: nested deeper than MAX_DEPTH, or naming a key twice (ambiguous)."""


def _unique_keys(pairs: list[tuple[str, t.Any]]) -> dict[str, t.Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise RefusedBody(
                    f"The request body is ambiguous: an object names the key {key!r} more than once;"
                    " send each key once."
                )
            seen.add(key)
    return found


_KEY_END = re.compile(rb'"[ \t\r\n]*:')
"""Where a key ends in UTF-8 JSON; also matches an escaped quote before a colon in a string (an overcount)."""


def _shape(value: dict[str, t.Any] | list[t.Any]) -> tuple[int, int]:
    """How deep `value` nests (counted up to MAX_DEPTH + 1) and how many keys its objects hold.

    Iterative, so any depth is safe to ask.
    """
    stack: list[tuple[t.Any, int]] = [(value, 1)]
    deepest = keys = 0
    while stack:
        item, depth = stack.pop()
        if depth > deepest:
            deepest = depth
            if depth > MAX_DEPTH:
                break
        if isinstance(item, dict):
            keys += len(item)
            item = item.values()
        for child in item:
            if isinstance(child, (dict, list)):
                stack.append((child, depth + 1))
    return deepest, keys


def refuse_unsafe(body: t.Any, raw: bytes, encoding: str) -> None:
    """Raises RefusedBody for a body nested deeper than MAX_DEPTH or an object that names a key twice.

    `body` is `raw` as orjson parsed it, which keeps the last of duplicate keys silently (others keep the
    first). When the keys it kept are as many as the key ends in `raw` (UTF-8), none was repeated: an
    overcount only sends the body to the exact check, the standard library's parser, which hands each
    object's pairs to a hook.
    """
    if not isinstance(body, (dict, list)):
        return
    depth, keys = _shape(body)
    if depth > MAX_DEPTH:
        raise RefusedBody(f"The request body nests deeper than {MAX_DEPTH} levels.")
    utf8 = encoding.lower().replace("-", "").replace("_", "") == "utf8"
    if not utf8 or len(_KEY_END.findall(raw)) != keys:
        json.loads(raw.decode(encoding), object_pairs_hook=_unique_keys)


def _has_body(headers: Headers) -> bool:
    """A declared length above zero, or a body that is streamed (chunked) without one."""
    length = headers.get("content-length")
    return "transfer-encoding" in headers or (length is not None and length.strip().strip("0") != "")


class ClearJSONRequestBodyValidator(JSONRequestBodyValidator):
    """Validates with the compiled schema, decodes defensively, and explains its errors."""

    def __init__(self, **kwargs: t.Any) -> None:
        super().__init__(**kwargs)
        self._compiled = compiled(self._schema, response=False)

    async def wrap_receive(self, receive: Receive, *, scope: Scope) -> tuple[Receive, Scope]:
        headers = Headers(scope=scope)
        if "content-type" not in headers and _has_body(headers):
            raise UnsupportedMediaTypeProblem(
                detail="The request body has no Content-Type: send it as application/json."
            )
        wrapped: tuple[Receive, Scope] = await super().wrap_receive(receive, scope=scope)
        return wrapped

    async def _parse(self, stream: t.AsyncGenerator[bytes, None], scope: t.Any) -> t.Any:
        raw = b"".join([chunk async for chunk in stream])
        if not raw:
            return None
        try:
            body = _loads(raw, self._encoding)
        except UnicodeDecodeError as error:
            raise BadRequestProblem(
                detail=f"The request body is not valid {self._encoding}: {error.reason}."
            ) from None
        except (UnicodeError, LookupError):  # an unknown charset, or one that cannot decode ("undefined")
            raise BadRequestProblem(
                detail=f"The request body cannot be decoded as charset={self._encoding}: send UTF-8."
            ) from None
        except orjson.JSONDecodeError as error:
            raise BadRequestProblem(detail=f"The request body is not valid JSON: {error}.") from None
        try:
            refuse_unsafe(body, raw, self._encoding)
        except RefusedBody as error:
            raise BadRequestProblem(detail=str(error)) from None
        scope.setdefault("extensions", {})[PARSED_BODY] = body
        return body

    def _validate(self, body: t.Any) -> dict[str, t.Any] | None:
        if body is None:
            if self._required and not self._nullable:
                raise BadRequestProblem("Request body must not be empty")
            return None  # an optional body left out (closePosition without an amount)
        if not self._compiled.is_valid(body):
            raise BadRequestProblem(detail=self._compiled.first_error(body))
        return None


class FastJSONResponseBodyValidator(JSONResponseBodyValidator):
    """Every response body is still validated in full, against a schema compiled once."""

    def __init__(self, scope: t.Any, **kwargs: t.Any) -> None:
        super().__init__(scope, **kwargs)
        self._compiled = compiled(self._schema, response=True)

    def _parse(self, stream: t.Generator[bytes, None, None]) -> t.Any:
        raw = b"".join(stream)
        if not raw:
            return None
        try:
            return _loads(raw, self._encoding)
        except (ValueError, LookupError) as error:
            raise NonConformingResponseBody(f"The response body is not valid JSON: {error}.") from None

    def _validate(self, body: t.Any) -> None:
        if not self._compiled.is_valid(body):
            detail = self._compiled.first_error(body)
            raise NonConformingResponseBody(
                detail=f"Response body does not conform to specification. {detail}"
            )


class ClearParameterValidator(ParameterValidator):
    """Names the parameter and the reason, without the schema dump Connexion's message carries.

    Valid values are checked by the schema compiled once; only a failure builds the explaining validator.
    """

    @staticmethod
    def validate_parameter(
        parameter_type: str, value: t.Any, param: dict[str, t.Any], param_name: str | None = None
    ) -> str | None:
        schema = param.get("schema", param)
        if value is None:
            missing = f"Missing {parameter_type} parameter '{param['name']}'"
            return missing if param.get("required") else None
        if is_nullable(param) and is_null(value):
            return None
        if compiled(schema, response=False).is_valid(value):
            return None
        error = best_match(
            Draft4Validator(schema, format_checker=Draft4Validator.FORMAT_CHECKER).iter_errors(value)
        )
        if error is None:
            return None
        return f"{parameter_type} parameter '{param['name']}': {error.message}"


def validator_map() -> dict[str, t.Any]:
    body = MediaTypeDict({**VALIDATOR_MAP["body"], "*/*json": ClearJSONRequestBodyValidator})
    response = MediaTypeDict({**VALIDATOR_MAP["response"], "*/*json": FastJSONResponseBodyValidator})
    return {**VALIDATOR_MAP, "parameter": ClearParameterValidator, "body": body, "response": response}
