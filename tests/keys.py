"""The local admin user's API key every test server is started with, and the header that carries it.

A store's first start creates the local user with the key PAPERBROKER_LOCAL_KEY (Settings.local_key) names,
so a test that knows this key can call every operation, the simulation controls included.
"""

from __future__ import annotations

from typing import Any

import httpx

from paperbroker.settings import Settings

LOCAL_KEY = "pbk_00000000000000a1_local-test-key-0123456789abcdefghij"
AUTH = {"Authorization": f"Bearer {LOCAL_KEY}"}
"""Headers for every request a test sends to an app or server it started."""
LOCAL_KEY_ENV = {"PAPERBROKER_LOCAL_KEY": LOCAL_KEY}
"""The environment for `paperbroker serve` processes (process.running/serving, subprocesses)."""


def local_settings(**values: Any) -> Settings:
    """Settings with the local key: an app built from them answers requests that send AUTH."""
    return Settings(local_key=LOCAL_KEY, **values)


def api(base: str, **options: Any) -> httpx.Client:
    """An HTTP client for a server process at `base` that sends the local key with every request."""
    return httpx.Client(base_url=base, headers=AUTH, **options)
