"""orjson writes what Connexion's encoder would."""

from __future__ import annotations

import datetime
import decimal
import json

import pytest

from paperbroker import fastpath


def test_the_jsonifier_writes_what_connexion_would() -> None:
    jsonifier = fastpath.OrjsonJsonifier()
    data = {"a": [1, 2.5, None, True], 3: "x", "d": decimal.Decimal("1.5")}
    assert json.loads(jsonifier.dumps(data)) == {"a": [1, 2.5, None, True], "3": "x", "d": 1.5}
    stamp = datetime.datetime(2026, 1, 2, 3, 4, 5)
    assert json.loads(jsonifier.dumps({"t": stamp})) == {"t": "2026-01-02T03:04:05Z"}
    assert jsonifier.loads(b'{"a": 1}') == {"a": 1}
    with pytest.raises(TypeError):
        jsonifier.dumps(object())
