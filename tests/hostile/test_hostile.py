"""A real `paperbroker serve` under hostile input while a normal client keeps trading data flowing.

Every attack gets a 4xx problem+json or has its connection closed within its deadline, never a 500 or a
hang; meanwhile a normal client polls getOrders on its own keep-alive connection and must see no failure
and a p99 under 100 ms. The tests run in file order: the last one stops the normal client and judges it;
the server fixture's teardown then fails on any 500 or traceback in the server's log.
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest

from paperbroker.process import running
from tests.connections.wire import Answer, answers, closed_within, connect
from tests.keys import AUTH, LOCAL_KEY, LOCAL_KEY_ENV

HEADER_TIMEOUT = 2.0
BODY_TIMEOUT = 1.5
MAX_BODY = 1_000_000
"""Above the default, so 100,000-deep JSON reaches the parser instead of the 413."""
MAX_CONNECTIONS = 600
SLACK = 1.5
"""Seconds a close may come after its deadline on a busy machine."""
TEN_MB = 10 * 1024 * 1024
ORDERS = "/api/v1/broker/orders"
AUTHORIZATION = f"Authorization: Bearer {LOCAL_KEY}\r\n".encode()
HEAD = (
    f"POST {ORDERS} HTTP/1.1\r\nHost: test\r\n".encode()
    + AUTHORIZATION
    + b"Content-Type: application/json\r\n"
)
ORDER = b'{"symbol": "AAPL", "type": 1, "side": 1, "qty": 1, "limitPrice": 1.25}'


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("hostile")
    flags = {
        "--db": folder / "hostile.db",
        "--header-timeout": HEADER_TIMEOUT,
        "--body-timeout": BODY_TIMEOUT,
        "--keep-alive-timeout": 5,
        "--max-connections": MAX_CONNECTIONS,
        "--max-body-bytes": MAX_BODY,
    }
    args = ["--no-market", *(str(part) for pair in flags.items() for part in pair)]
    with running("serve", args, env=LOCAL_KEY_ENV, log=folder / "server.log") as base:
        yield base
    log = (folder / "server.log").read_text(errors="replace")
    assert "Exception in ASGI application" not in log
    assert " 500 " not in log


@dataclass
class NormalClient:
    """getOrders on one keep-alive connection, every 20 ms, until stopped (at most 3,000 requests)."""

    base: str
    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        address = urlsplit(self.base)
        connection = http.client.HTTPConnection(address.hostname or "", address.port, timeout=5)
        for _ in range(3_000):
            if self.stop.is_set():
                break
            started = time.perf_counter()
            try:
                connection.request("GET", ORDERS, headers=AUTH)
                response = connection.getresponse()
                body = response.read()
                if response.status != 200 or not isinstance(json.loads(body), list):
                    self.failures.append(f"{response.status}: {body[:200]!r}")
            except (OSError, http.client.HTTPException) as error:
                self.failures.append(repr(error))
                connection.close()
            self.latencies.append(time.perf_counter() - started)
            time.sleep(0.02)
        connection.close()


@pytest.fixture(scope="module")
def normal_client(server: str) -> Iterator[NormalClient]:
    client = NormalClient(server)
    thread = threading.Thread(target=client.run, daemon=True)
    thread.start()
    yield client
    client.stop.set()
    thread.join(timeout=10)


@pytest.fixture
def base(server: str, normal_client: NormalClient) -> str:
    """The server, with the normal client running beside every attack."""
    return server


def post(base: str, body: Any, headers: dict[str, str] | None = None, path: str = ORDERS) -> Answer:
    address = urlsplit(base)
    connection = http.client.HTTPConnection(address.hostname or "", address.port, timeout=30)
    try:
        all_headers = {**AUTH, "Content-Type": "application/json", **(headers or {})}
        chunked = "Transfer-Encoding" in all_headers
        connection.request("POST", path, body=body, headers=all_headers, encode_chunked=chunked)
        response = connection.getresponse()
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    finally:
        connection.close()


def test_a_10_mb_body_with_its_length_is_a_413_problem(base: str) -> None:
    answer = post(base, b"x" * TEN_MB)
    assert answer.status == 413
    answer.problem()


def test_a_10_mb_chunked_body_is_a_413_problem(base: str) -> None:
    chunks = (b"x" * 65536 for _ in range(TEN_MB // 65536))
    answer = post(base, chunks, headers={"Transfer-Encoding": "chunked"})
    assert answer.status == 413
    answer.problem()


def test_a_body_longer_than_its_length_is_a_400_problem_that_closes(base: str) -> None:
    """The bytes past the length read as a next request, malformed: the server says so and closes (the
    answer to the truncated first body may be dropped with the connection)."""
    with connect(base) as sock:
        sock.sendall(HEAD + b"Content-Length: 10\r\n\r\n" + ORDER)
        received, closed = closed_within(sock, SLACK)
    assert closed is not None
    replies = answers(received)
    assert [reply.status for reply in replies] in ([400], [400, 400])
    assert all(reply.problem() for reply in replies)
    assert replies[-1].headers["connection"] == "close"
    assert "Invalid HTTP request received." in replies[-1].problem()["detail"]


def test_a_body_shorter_than_its_length_is_a_408_problem_at_the_body_deadline(base: str) -> None:
    with connect(base) as sock:
        sock.sendall(HEAD + b"Content-Length: 1000\r\n\r\n" + ORDER)
        received, closed = closed_within(sock, BODY_TIMEOUT + SLACK)
    assert closed is not None
    (answer,) = answers(received)
    assert answer.status == 408
    answer.problem()


@pytest.mark.parametrize(
    "raw",
    [b"[" * 100_000 + b"]" * 100_000, b'{"a":' * 100_000 + b"1" + b"}" * 100_000, b"[" * 1000 + b"]" * 1000],
    ids=["arrays", "objects", "1000-deep"],
)
def test_deeply_nested_json_is_a_400_problem(base: str, raw: bytes) -> None:
    answer = post(base, raw)
    assert answer.status == 400
    answer.problem()


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e309"])
def test_a_number_json_cannot_hold_is_a_400_problem(base: str, number: str) -> None:
    answer = post(base, ORDER.replace(b'"qty": 1', f'"qty": {number}'.encode()))
    assert answer.status == 400
    answer.problem()


def test_a_duplicate_key_is_a_400_problem_that_says_the_body_is_ambiguous(base: str) -> None:
    answer = post(base, ORDER.replace(b'"qty": 1', b'"qty": 1, "qty": 2'))
    assert answer.status == 400
    assert "ambiguous" in answer.problem()["detail"]


@pytest.mark.parametrize("path", ["/" + "a" * 10_000, ORDERS + "/" + "1" * 10_000, "/" + "a" * 300])
def test_a_10000_character_path_or_a_300_character_segment_is_a_400_problem(base: str, path: str) -> None:
    with connect(base) as sock:
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: test\r\n".encode() + AUTHORIZATION + b"\r\n")
        received, _ = closed_within(sock, 1.0)
    (answer,) = answers(received)
    assert answer.status == 400
    answer.problem()


def test_a_client_sending_one_byte_a_second_is_closed_at_the_head_deadline(base: str) -> None:
    head = b"GET /api/v1/broker/orders HTTP/1.1\r\nHost: test\r\n\r\n"
    started = time.monotonic()
    with connect(base) as sock:
        for byte in head[: int(HEADER_TIMEOUT) + 5]:
            try:
                sock.sendall(bytes([byte]))
            except OSError:  # closed while we were sending
                break
            received, closed = closed_within(sock, 1.0)
            if closed is not None:
                break
    elapsed = time.monotonic() - started
    assert closed is not None
    assert received == b""
    assert HEADER_TIMEOUT * 0.9 <= elapsed <= HEADER_TIMEOUT + SLACK


def test_500_idle_connections_are_all_closed_at_the_head_deadline(base: str) -> None:
    held = [connect(base) for _ in range(500)]
    try:
        deadline = time.monotonic() + HEADER_TIMEOUT + SLACK
        open_ones = [sock for sock in held if closed_within(sock, 0)[1] is None]
        assert len(open_ones) == 500  # within the bound, every one is accepted
        while open_ones and time.monotonic() < deadline:
            time.sleep(0.1)
            open_ones = [sock for sock in open_ones if closed_within(sock, 0)[1] is None]
        assert open_ones == []
    finally:
        for sock in held:
            sock.close()


def test_connections_past_the_bound_are_closed_at_once(base: str) -> None:
    time.sleep(0.2)  # the server has seen the earlier attacks' connections go
    extra = 50
    held: list[socket.socket] = []
    try:
        held = [connect(base) for _ in range(MAX_CONNECTIONS + extra)]
        time.sleep(0.3)
        closed_at_once = sum(closed_within(sock, 0)[1] is not None for sock in held)
        assert extra <= closed_at_once <= extra + 5  # the normal client holds one of the bound's places
    finally:
        for sock in held:
            sock.close()


def test_the_normal_client_meanwhile_never_failed_and_stayed_fast(normal_client: NormalClient) -> None:
    normal_client.stop.set()
    time.sleep(0.1)
    latencies = sorted(normal_client.latencies)
    assert normal_client.failures == []
    assert len(latencies) >= 100
    p99 = latencies[int(len(latencies) * 0.99) - 1]
    summary = f"p99 {p99 * 1000:.1f} ms over {len(latencies)} requests (max {latencies[-1] * 1000:.1f} ms)"
    print(f"normal client: {summary}")
    assert p99 < 0.100, summary
