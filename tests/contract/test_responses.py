"""The contract's documented failures and bounds, checked here so they cannot regress silently.

`make lint-contract` (Spectral's OWASP ruleset) asks the same, but it needs Node.js; these run with every
`pytest`.
"""

from collections.abc import Iterator
from typing import Any

import pytest

from tests.contract.spec import SPEC, inlined

OPERATIONS = [
    (f"{method.upper()} {path}", operation)
    for path, item in SPEC["paths"].items()
    for method, operation in item.items()
    if method in {"get", "put", "post", "delete", "patch"}
]
SHARED = {
    "401": "Unauthorized",
    "413": "PayloadTooLarge",
    "429": "TooManyRequests",
    "500": "InternalServerError",
}
"""On every operation: a body larger than the limit is refused whatever the method (a GET may carry one)."""


@pytest.mark.parametrize(("name", "operation"), OPERATIONS, ids=[name for name, _ in OPERATIONS])
def test_every_operation_documents_401_413_429_and_500_with_the_shared_responses(
    name: str, operation: dict[str, Any]
) -> None:
    for status, component in SHARED.items():
        assert operation["responses"].get(status) == {"$ref": f"#/components/responses/{component}"}, (
            f"{name} does not declare {status} as components/responses/{component}"
        )


@pytest.mark.parametrize("component", sorted(SHARED.values()))
def test_the_shared_failures_are_problem_documents(component: str) -> None:
    response = SPEC["components"]["responses"][component]
    assert set(response["content"]) == {"application/problem+json"}
    problem = {"$ref": "#/components/schemas/Problem"}
    assert response["content"]["application/problem+json"]["schema"] == problem


def test_too_many_requests_says_when_to_retry_and_what_the_quota_is() -> None:
    headers = inlined(SPEC["components"]["responses"]["TooManyRequests"]["headers"])
    assert headers["Retry-After"]["schema"]["type"] == "integer"
    assert headers["RateLimit-Policy"]["schema"]["type"] == "string"
    assert headers["RateLimit"]["schema"]["type"] == "string"


def _schemas(node: Any, where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every schema object under `node` (refs inlined), with where it sits."""
    if isinstance(node, dict):
        if isinstance(node.get("type"), str) and node["type"] in {"string", "array", "integer"}:
            yield where, node
        for key, value in node.items():
            if key not in {"example", "examples", "x-events"}:
                yield from _schemas(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, item in enumerate(node):
            yield from _schemas(item, f"{where}/{index}")


BOUNDED = list(_schemas(inlined({"paths": SPEC["paths"], "components": SPEC["components"]}), ""))


def test_every_string_array_and_integer_of_the_contract_is_bounded() -> None:
    unbounded = [
        where
        for where, schema in BOUNDED
        if (schema["type"] == "string" and "maxLength" not in schema and "enum" not in schema)
        or (schema["type"] == "array" and "maxItems" not in schema)
        or (schema["type"] == "integer" and not {"minimum", "maximum", "format"} <= set(schema))
    ]
    assert BOUNDED and unbounded == []
