"""The contract: where the spec lives, and the models generated from it."""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path


@cache
def spec_path() -> Path:
    """The spec shipped inside the package, so an installed wheel serves the same contract as a checkout.

    In the source tree `contract/broker.yaml` is a symlink to `openapi/broker.yaml`, the one hand-edited
    copy; building a wheel stores its content, and a test checks the shipped bytes are the same.
    """
    shipped = resources.files(__package__) / "broker.yaml"
    return Path(str(shipped))
