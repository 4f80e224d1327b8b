"""The contract as the tests read it: the shipped spec, and its schemas with every $ref inlined."""

from __future__ import annotations

from typing import Any

import yaml

from paperbroker.contract import spec_path

SPEC: dict[str, Any] = yaml.safe_load(spec_path().read_text())


def inlined(node: Any) -> Any:
    """`node` with every local $ref replaced by its target (the contract's schemas are not recursive)."""
    if isinstance(node, dict):
        if "$ref" in node:
            target: Any = SPEC
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            return inlined(target)
        return {key: inlined(value) for key, value in node.items()}
    if isinstance(node, list):
        return [inlined(item) for item in node]
    return node
