"""The HTTP edges, before routing: body limits, 405 Allow headers, control characters in the URL.

Each answers with a problem+json document, so nothing a client sends reaches a handler unchecked or
comes back as a 500.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from http import HTTPStatus

from starlette.types import ASGIApp, Message, Receive, Scope, Send


def problem_document(status: HTTPStatus, detail: str) -> bytes:
    """The RFC 7807 body every edge answers with (also written raw by paperbroker.connections)."""
    return json.dumps(
        {"type": "about:blank", "title": status.phrase, "status": int(status), "detail": detail}
    ).encode()


def replaying(body: bytes, receive: Receive) -> Receive:
    """`receive` for the next app once a middleware has read the whole body: that body as one message,
    then whatever the connection says next (a disconnect)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        following: Message = await receive()
        return following

    return replay


async def send_problem(
    send: Send, status: HTTPStatus, detail: str, headers: Iterable[tuple[bytes, bytes]] = ()
) -> None:
    body = problem_document(status, detail)
    await send(
        {
            "type": "http.response.start",
            "status": int(status),
            "headers": [
                (b"content-type", b"application/problem+json"),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class BodySizeLimit:
    """Refuses request bodies over `max_bytes` with a 413, whether or not they declare a Content-Length."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in {"GET", "HEAD", "OPTIONS"}:
            await self.app(scope, receive, send)
            return
        too_large = f"The request body exceeds {self.max_bytes} bytes."
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None:
            if not declared.isdigit():
                await send_problem(send, HTTPStatus.BAD_REQUEST, "Content-Length is not a number.")
                return
            if int(declared) > self.max_bytes:
                await send_problem(send, HTTPStatus.REQUEST_ENTITY_TOO_LARGE, too_large)
                return
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.max_bytes:
                await send_problem(send, HTTPStatus.REQUEST_ENTITY_TOO_LARGE, too_large)
                return
            if not message.get("more_body", False):
                break
        await self.app(scope, replaying(b"".join(chunks), receive), send)


def _template_regex(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", template)
    pattern = "".join("[^/]+" if part.startswith("{") else re.escape(part) for part in parts)
    return re.compile(f"^{pattern}/?$")


class AllowHeader:
    """Makes every 405 list the methods the spec documents for the path (the router only knows one)."""

    def __init__(self, app: ASGIApp, base_path: str, paths: Mapping[str, Iterable[str]]) -> None:
        self.app = app
        self.routes = [
            (_template_regex(base_path + template), ", ".join(sorted(m.upper() for m in methods)))
            for template, methods in paths.items()
        ]

    def allowed(self, path: str) -> str | None:
        for regex, methods in self.routes:
            if regex.match(path):
                return methods
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        allowed = self.allowed(scope["path"])

        async def send_with_allow(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 405 and allowed is not None:
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"allow"]
                message = {**message, "headers": [*headers, (b"allow", allowed.encode())]}
            await send(message)

        await self.app(scope, receive, send_with_allow)


_CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f]")
MAX_PATH_LENGTH = 2_048
"""Characters of a path (decoded, without the query); the longest route with its parameters is far shorter."""
MAX_SEGMENT_BYTES = 255
"""Bytes of one path segment: no route's is longer, and no file system takes a longer file name."""


def _path_refusal(path: str) -> str | None:
    """Why no route can take `path`, or None."""
    if len(path) > MAX_PATH_LENGTH:
        return f"The path is longer than {MAX_PATH_LENGTH} characters."
    # A UTF-8 character is at most 4 bytes: only a path over a quarter of the limit can hold a long segment.
    if len(path) > MAX_SEGMENT_BYTES // 4 and any(
        len(segment.encode()) > MAX_SEGMENT_BYTES for segment in path.split("/")
    ):
        return f"A segment of the path is longer than {MAX_SEGMENT_BYTES} bytes."
    if _CONTROL_CHARACTER.search(path):
        return "The path contains control characters."
    return None


class ControlCharacterGuard:
    """A path no route can take is a 400 before routing: one with control characters (an encoded newline,
    say) rather than a router 404, and one longer than MAX_PATH_LENGTH or with a segment longer than
    MAX_SEGMENT_BYTES, which would reach the web page's file lookup and fail there ("file name too long",
    a 500)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            refusal = _path_refusal(scope["path"])
            if refusal is not None:
                await send_problem(send, HTTPStatus.BAD_REQUEST, refusal)
                return
        await self.app(scope, receive, send)


class RootRedirect:
    """`GET /` of the stub, which has no engine to show: the API's documentation (serve and mock show the
    web terminal there, web/page.py)."""

    def __init__(self, app: ASGIApp, to: str) -> None:
        self.app = app
        self.location = to.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == "/" and scope["method"] in {"GET", "HEAD"}:
            headers = [(b"location", self.location), (b"content-length", b"0")]
            await send({"type": "http.response.start", "status": 307, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        await self.app(scope, receive, send)
