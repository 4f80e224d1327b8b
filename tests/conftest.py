"""Settings every test's servers share: `paperbroker serve` and `mock` processes inherit this environment."""

import os

TEST_RATE_LIMIT = 1_000_000
"""Requests per window for servers under test: far above what any test sends, so none is throttled by the
default (200 per 10 s); tests/ratelimit sets its own limits."""

os.environ.setdefault("PAPERBROKER_RATE_LIMIT", str(TEST_RATE_LIMIT))
