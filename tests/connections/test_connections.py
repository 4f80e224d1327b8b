"""GuardedHttpToolsProtocol in a real `paperbroker mock` process: deadlines, the bound, problem+json."""

from __future__ import annotations

import resource
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest

from paperbroker.connections import SPARE_DESCRIPTORS, ConnectionLimits
from paperbroker.process import running
from paperbroker.settings import SettingError
from tests.connections.wire import answers, closed_within, connect
from tests.keys import LOCAL_KEY, LOCAL_KEY_ENV

HEADER_TIMEOUT = 1.0
BODY_TIMEOUT = 1.5
KEEP_ALIVE = 1.0
MAX_CONNECTIONS = 40
SLACK = 1.0
"""Seconds a close may come after its deadline on a busy machine."""
GET = b"GET /api/v1/openapi.json HTTP/1.1\r\nHost: test\r\n\r\n"
AUTHORIZATION = f"Authorization: Bearer {LOCAL_KEY}\r\n".encode()


@pytest.fixture(scope="module")
def mock(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    flags = {
        "--header-timeout": HEADER_TIMEOUT,
        "--body-timeout": BODY_TIMEOUT,
        "--keep-alive-timeout": KEEP_ALIVE,
        "--max-connections": MAX_CONNECTIONS,
    }
    args = [str(part) for pair in flags.items() for part in pair]
    log = tmp_path_factory.mktemp("mock") / "mock.log"
    with running("mock", args, env=LOCAL_KEY_ENV, log=log) as base:
        yield base


def test_the_limits_default_to_the_settings_and_follow_their_variables() -> None:
    assert ConnectionLimits.from_env({}) == ConnectionLimits(10.0, 30.0, 5.0, 1000)
    environ = {"PAPERBROKER_HEADER_TIMEOUT": "2.5", "PAPERBROKER_MAX_CONNECTIONS": "7"}
    assert ConnectionLimits.from_env(environ) == ConnectionLimits(2.5, 30.0, 5.0, 7)


def test_a_bad_limit_names_its_variable() -> None:
    with pytest.raises(SettingError, match="PAPERBROKER_BODY_TIMEOUT='0' is not a number of seconds above 0"):
        ConnectionLimits.from_env({"PAPERBROKER_BODY_TIMEOUT": "0"})


def _soft_limit_after_raising(start_soft: int, max_connections: int) -> int:
    code = (
        "import resource; from paperbroker.connections import raise_descriptor_limit;"
        f"raise_descriptor_limit({max_connections});"
        "print(resource.getrlimit(resource.RLIMIT_NOFILE)[0])"
    )
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)

    def lower() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (start_soft, hard))

    done = subprocess.run(
        [sys.executable, "-c", code], preexec_fn=lower, capture_output=True, text=True, check=True
    )
    return int(done.stdout)


def test_the_open_file_limit_is_raised_to_fit_the_connections() -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 1000 + SPARE_DESCRIPTORS:
        pytest.skip(f"the hard limit ({hard}) is below what the test asks for")
    assert _soft_limit_after_raising(256, 1000) == 1000 + SPARE_DESCRIPTORS
    assert _soft_limit_after_raising(5000, 1000) == 5000  # never lowered


def test_a_connection_that_sends_nothing_is_closed_at_the_head_deadline(mock: str) -> None:
    with connect(mock) as sock:
        received, closed = closed_within(sock, HEADER_TIMEOUT + SLACK)
    assert received == b""
    assert closed is not None and closed >= HEADER_TIMEOUT * 0.9


def test_half_a_head_is_closed_at_the_head_deadline(mock: str) -> None:
    with connect(mock) as sock:
        sock.sendall(GET[:20])
        received, closed = closed_within(sock, HEADER_TIMEOUT + SLACK)
    assert received == b""
    assert closed is not None


def test_a_head_sent_in_pieces_within_the_deadline_is_served(mock: str) -> None:
    with connect(mock) as sock:
        for piece in (GET[:10], GET[10:30], GET[30:]):
            sock.sendall(piece)
            time.sleep(HEADER_TIMEOUT / 4)
        received, _ = closed_within(sock, 0.5)
    assert received.startswith(b"HTTP/1.1 200 ")


def test_an_idle_kept_alive_connection_is_closed_and_a_next_head_has_its_own_deadline(mock: str) -> None:
    with connect(mock) as sock:
        sock.sendall(GET)
        received, closed = closed_within(sock, KEEP_ALIVE + SLACK)
        assert received.startswith(b"HTTP/1.1 200 ")
        assert closed is not None
    with connect(mock) as sock:
        sock.sendall(GET)
        time.sleep(KEEP_ALIVE / 4)
        sock.sendall(GET[:20])  # the next request starts, and stalls
        received, closed = closed_within(sock, HEADER_TIMEOUT + SLACK)
        assert closed is not None and closed >= HEADER_TIMEOUT * 0.5


def test_a_body_shorter_than_declared_gets_a_408_problem_at_the_body_deadline(mock: str) -> None:
    head = b"POST /api/v1/broker/orders HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n"
    with connect(mock) as sock:
        sock.sendall(head + AUTHORIZATION + b"Content-Length: 100\r\n\r\n" + b'{"symbol": "AAPL"')
        received, closed = closed_within(sock, BODY_TIMEOUT + SLACK)
    assert closed is not None
    (answer,) = answers(received)
    assert answer.status == 408
    assert answer.headers["connection"] == "close"
    assert answer.problem()["detail"] == f"The request body did not arrive within {BODY_TIMEOUT:g} s."


def test_malformed_http_is_a_400_problem_and_the_connection_is_closed(mock: str) -> None:
    with connect(mock) as sock:
        sock.sendall(b"NOT HTTP AT ALL\r\n\r\n")
        received, closed = closed_within(sock, SLACK)
    assert closed is not None
    (answer,) = answers(received)
    assert answer.status == 400
    assert "Invalid HTTP request received." in answer.problem()["detail"]


def test_connections_past_the_bound_are_closed_at_once_and_the_rest_are_served(mock: str) -> None:
    extra = 10
    time.sleep(0.2)  # the server has seen the earlier tests' connections go
    held = [connect(mock) for _ in range(MAX_CONNECTIONS + extra)]
    try:
        time.sleep(HEADER_TIMEOUT / 4)
        closed_at_once = sum(closed_within(sock, 0)[1] is not None for sock in held)
        assert extra <= closed_at_once <= extra + 2  # a connection of an earlier test may linger
        held[0].sendall(
            b"GET /api/v1/broker/orders HTTP/1.1\r\nConnection: close\r\n" + AUTHORIZATION + b"\r\n"
        )
        received, _ = closed_within(held[0], 5.0)
        assert received.startswith(b"HTTP/1.1 200 ")
    finally:
        for sock in held:
            sock.close()
