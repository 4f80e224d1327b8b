"""`GET /` is where a person types the address: the web terminal's page answers there.

Vite builds the page (tools/frontend/web) into `dist/` beside this module (`make page`); git ignores the
folder and the wheel ships it (hatch `artifacts` in pyproject.toml). The page's files are served for GET
and HEAD outside `/api/`; every other request goes on to the API untouched, so a path the page lacks gets
the API's problem+json 404. A server started before the page was built answers `/` with a short 404 page
saying how to build it, never a 500.
"""

from __future__ import annotations

import stat
from pathlib import Path

from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

DIST = Path(__file__).parent / "dist"

NOT_BUILT = b"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>paperbroker: the page is not built</title></head>
<body><h1>The web terminal is not built</h1>
<p>Build it in the checkout with <code>make page</code> (<code>make serve</code> and <code>make mock</code>
build it when it is missing), then reload. The API answers at <a href="api/v1/ui/">/api/v1/ui/</a>.</p>
</body></html>
"""


class WebPage:
    """Serves the built page at `/` and its assets by their paths; the API keeps everything under `/api/`."""

    def __init__(self, app: ASGIApp, directory: Path = DIST, api_prefix: str = "/api/") -> None:
        self.app = app
        self.index = directory / "index.html"
        self.api_prefix = api_prefix
        self.files = StaticFiles(directory=directory, check_dir=False)

    def _is_page_file(self, path: str) -> bool:
        """A file of the page; a path the file system refuses (too long, bad bytes) is none of them."""
        try:
            _, found = self.files.lookup_path(path.lstrip("/"))
        except (OSError, ValueError):
            return False
        return found is not None and stat.S_ISREG(found.st_mode)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] not in {"GET", "HEAD"}
            or scope["path"].startswith(self.api_prefix)
        ):
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        if path == "/":
            if not self.index.is_file():
                await _not_built(send, head=scope["method"] == "HEAD")
                return
            await self.files({**scope, "path": "/index.html"}, receive, send)
        elif self._is_page_file(path):
            await self.files(scope, receive, send)
        else:
            await self.app(scope, receive, send)


async def _not_built(send: Send, head: bool) -> None:
    headers = [
        (b"content-type", b"text/html; charset=utf-8"),
        (b"content-length", str(len(NOT_BUILT)).encode()),
    ]
    await send({"type": "http.response.start", "status": 404, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if head else NOT_BUILT})
