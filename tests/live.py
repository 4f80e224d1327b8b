"""Real `paperbroker` processes for the tests: see paperbroker.process."""

from paperbroker.process import free_port, running

__all__ = ["free_port", "running"]
