"""Real `paperbroker` processes for the frontend tests: see paperbroker.process."""

import sys
from pathlib import Path

from paperbroker.process import running

BIN = Path(sys.executable).parent
__all__ = ["BIN", "running"]
