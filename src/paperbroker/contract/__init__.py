"""The contract: where the spec lives, and the models generated from it."""

from __future__ import annotations

from pathlib import Path


def spec_path() -> Path:
    """openapi/broker.yaml of the checkout the package is installed from (editable install)."""
    return Path(__file__).resolve().parents[3] / "openapi" / "broker.yaml"
