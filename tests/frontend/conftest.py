"""The frontend suite needs Node.js and takes a minute, so it runs from `make frontend` (part of `make test`).

`make frontend` sets PAPERBROKER_FRONTEND_TESTS=1; a plain `pytest` reports these tests as skipped rather
than running them twice in `make test`.
"""

from __future__ import annotations

import os

import pytest

ENABLED = os.environ.get("PAPERBROKER_FRONTEND_TESTS") == "1"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if ENABLED:
        return
    skip = pytest.mark.skip(reason="runs in `make frontend` (PAPERBROKER_FRONTEND_TESTS=1)")
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.path).startswith(here):
            item.add_marker(skip)
