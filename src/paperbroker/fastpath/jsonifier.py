"""Connexion's `jsonifier` option: handlers' JSON written by orjson, not stdlib json."""

from __future__ import annotations

import decimal
import typing as t

import orjson
from connexion.jsonifier import Jsonifier

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
