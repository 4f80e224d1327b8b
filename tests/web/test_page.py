"""The web terminal's page at `/`: its built files outside `/api/`, a page saying how to build it when it is
missing (never a 500), and the API untouched, for `serve` and both mocks, with the fast path on and off."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from connexion import AsyncApp
from starlette.responses import JSONResponse
from starlette.testclient import TestClient
from starlette.types import Receive, Scope, Send

from paperbroker.app import create_app, create_stub_app
from paperbroker.mock import create_example_app, create_stateful_app
from paperbroker.web.page import DIST, WebPage
from tests.keys import AUTH, local_settings

INDEX = b"<!doctype html><title>paperbroker</title>"


async def api(scope: Scope, receive: Receive, send: Send) -> None:
    """Stands for the API: says which path reached it."""
    await JSONResponse({"api": scope["path"]}, status_code=404)(scope, receive, send)


@pytest.fixture
def built(tmp_path: Path) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_bytes(INDEX)
    (tmp_path / "assets" / "index-1.js").write_text("console.log(1)")
    (tmp_path / "api").mkdir()
    (tmp_path / "api" / "secret.txt").write_text("a file the API's paths shadow")
    return tmp_path


def client_for(directory: Path) -> TestClient:
    return TestClient(WebPage(api, directory=directory))


def test_the_root_answers_with_the_page(built: Path) -> None:
    response = client_for(built).get("/")
    assert response.status_code == 200
    assert response.content == INDEX
    assert response.headers["content-type"].startswith("text/html")


def test_an_asset_is_served_by_its_path(built: Path) -> None:
    response = client_for(built).get("/assets/index-1.js")
    assert response.status_code == 200
    assert "javascript" in response.headers["content-type"]


def test_a_head_request_gets_the_headers_only(built: Path) -> None:
    response = client_for(built).head("/")
    assert response.status_code == 200
    assert response.content == b""


def test_every_path_under_api_goes_to_the_api_even_when_the_page_has_such_a_file(built: Path) -> None:
    assert client_for(built).get("/api/secret.txt").json() == {"api": "/api/secret.txt"}


@pytest.mark.parametrize("path", ["/nothing-here.js", "/assets/", "/assets/../../etc/passwd", "/%2e%2e/x"])
def test_a_path_the_page_lacks_goes_to_the_api(built: Path, path: str) -> None:
    response = client_for(built).get(path)
    assert response.status_code == 404
    assert "api" in response.json()


def test_a_write_to_the_root_goes_to_the_api(built: Path) -> None:
    assert client_for(built).post("/").json() == {"api": "/"}


def test_without_a_built_page_the_root_says_how_to_build_it(tmp_path: Path) -> None:
    response = client_for(tmp_path / "dist").get("/")
    assert response.status_code == 404
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "make page" in response.text


def _apps(tmp_path: Path) -> dict[str, Callable[[], AsyncApp]]:
    db = str(tmp_path / "b.db")
    return {
        "serve": lambda: create_app(local_settings(db=db, market=False)),
        "serve-stock": lambda: create_app(local_settings(db=db, market=False, fastpath=False)),
        "mock": lambda: create_stateful_app(local_settings(market=False)),
        "mock-examples": create_example_app,
    }


@pytest.mark.parametrize("command", ["serve", "serve-stock", "mock", "mock-examples"])
def test_the_service_and_the_mocks_show_the_page_at_the_root(command: str, tmp_path: Path) -> None:
    with TestClient(_apps(tmp_path)[command]()) as client:
        response = client.get("/", follow_redirects=False)
        assert response.status_code == (200 if (DIST / "index.html").is_file() else 404)
        assert response.headers["content-type"].startswith("text/html")
        assert client.get("/api/v1/ui/").status_code == 200  # Swagger UI stays
        # The page is open to all; the API it calls needs the key.
        assert client.get("/api/v1/broker/orders").status_code == 401
        orders = client.get("/api/v1/broker/orders", headers=AUTH)
        assert orders.status_code == 200


def test_the_stub_sends_a_person_to_the_api_documentation() -> None:
    with TestClient(create_stub_app()) as client:
        response = client.get("/", follow_redirects=False)
        assert response.status_code == 307
        assert response.headers["location"] == "/api/v1/ui/"


def test_a_path_the_file_system_refuses_goes_to_the_api_not_a_500(built: Path) -> None:
    """A segment longer than a file name may be (255 bytes) makes the page's file lookup raise OSError."""
    path = "/" + "x" * 300
    response = client_for(built).get(path)
    assert response.status_code == 404
    assert response.json() == {"api": path}
