"""Servers these tests start create their local admin with the key the tests send (tests/events/sse.py)."""

import os

from tests.events.sse import KEY

os.environ.setdefault("PAPERBROKER_LOCAL_KEY", KEY)
