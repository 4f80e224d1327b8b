"""Real `paperbroker` processes for the frontend tests: see paperbroker.process."""

import sys
from pathlib import Path

from paperbroker.process import running

BIN = Path(sys.executable).parent
KEY = "pbk_00000000000000a1_local-test-key-0123456789abcdefghij"
"""The local admin user's API key: servers start with it as PAPERBROKER_LOCAL_KEY, clients send it."""

__all__ = ["BIN", "KEY", "running"]
