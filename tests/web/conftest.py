"""The browser test needs Chromium and the built page, so it runs from `make web` (part of `make test`).

`make web` builds the page, installs Debian's Chromium when it is missing and sets PAPERBROKER_WEB_TESTS=1;
a plain `pytest` reports the browser test as skipped. The page's serving tests (test_page.py) always run.
"""

from __future__ import annotations

import os

import pytest

ENABLED = os.environ.get("PAPERBROKER_WEB_TESTS") == "1"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if ENABLED:
        return
    skip = pytest.mark.skip(reason="runs in `make web` (PAPERBROKER_WEB_TESTS=1)")
    browser_test = os.path.join(os.path.dirname(__file__), "test_browser.py")
    for item in items:
        if str(item.path) == browser_test:
            item.add_marker(skip)
