"""Raw sockets for tests that speak HTTP/1.1 badly on purpose, and a reader of what the server sent back."""

from __future__ import annotations

import json
import select
import socket
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit


def connect(base: str) -> socket.socket:
    address = urlsplit(base)
    sock = socket.create_connection((address.hostname or "127.0.0.1", address.port or 80), timeout=10)
    return sock


def closed_within(sock: socket.socket, seconds: float) -> tuple[bytes, float | None]:
    """Everything the server sends in `seconds`, and when it closed the connection (None: still open)."""
    start = time.monotonic()
    received = b""
    while True:
        left = start + seconds - time.monotonic()
        readable, _, _ = select.select([sock], [], [], max(left, 0.0))
        if not readable:
            if left <= 0:
                return received, None
            continue
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            return received, time.monotonic() - start
        if not chunk:
            return received, time.monotonic() - start
        received += chunk


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def problem(self) -> dict[str, Any]:
        assert self.headers["content-type"] == "application/problem+json", self
        document: dict[str, Any] = json.loads(self.body)
        assert document["status"] == self.status
        return document


def answers(received: bytes) -> list[Answer]:
    """The responses in `received`, one after another; each must carry a Content-Length."""
    found = []
    while received:
        head, _, rest = received.partition(b"\r\n\r\n")
        status_line, *lines = head.decode("latin-1").split("\r\n")
        headers = {name.lower(): value for name, value in (line.split(": ", 1) for line in lines)}
        length = int(headers["content-length"])
        found.append(Answer(int(status_line.split()[1]), headers, rest[:length]))
        received = rest[length:]
    return found
