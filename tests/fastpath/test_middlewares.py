"""The lean middleware stack still serves the UI and makes every check."""

from __future__ import annotations

from typing import Any

import pytest
from connexion.spec import Specification
from starlette.testclient import TestClient

from paperbroker import fastpath
from tests.fastpath.conftest import ORDER


def test_swagger_ui_and_the_spec_are_still_served(client: TestClient) -> None:
    assert client.get("/openapi.json").json()["info"]["title"]
    assert "swagger" in client.get("/ui/").text.lower()
    assert client.get("/nowhere").status_code == 404


def test_the_spec_is_rebased_once(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    rebased = []
    with_base_path = Specification.with_base_path

    def counted(self: Specification, base_path: str) -> Specification:
        rebased.append(base_path)
        return with_base_path(self, base_path)

    monkeypatch.setattr(Specification, "with_base_path", counted)
    first = client.get("/openapi.json")
    made = len(rebased)
    second, yaml_first, yaml_second = (client.get(path) for path in ("/openapi.json", *["/openapi.yaml"] * 2))
    assert {r.status_code for r in (first, second, yaml_first, yaml_second)} == {200}
    assert first.json()["paths"] and first.content == second.content
    assert first.headers["content-type"] == second.headers["content-type"] == "application/json"
    assert yaml_first.content == yaml_second.content and "\nopenapi: 3." in yaml_first.text
    assert len(rebased) == made <= 1, "the spec served before is served again as it was"


def test_operations_skip_the_swagger_ui_router(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: Any) -> None:
        raise AssertionError("routed through the Swagger UI router")

    stack = client.app.middleware.middleware_stack  # type: ignore[attr-defined]
    lean = [m for m in stack if isinstance(m, fastpath.LeanSwaggerUIMiddleware)]
    assert lean
    monkeypatch.setattr(lean[0], "router", refuse)
    assert client.get("/broker/orders").status_code == 200
    assert client.get("/broker/orders/1").status_code == 404


def test_media_types_are_still_checked_both_ways(client: TestClient) -> None:
    for _ in range(2):  # the second time from what the first prepared
        response = client.post("/broker/orders", content=b"x", headers={"content-type": "text/plain"})
        assert response.status_code == 415
        assert client.post("/broker/orders", json=ORDER).status_code == 201
    assert client.get("/broker/orders", headers={"content-type": "application/json"}).status_code == 200
