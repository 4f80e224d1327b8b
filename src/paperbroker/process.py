"""Run a server (a `paperbroker` command, or uvicorn with a factory) as its own process on a free loopback
port, and always stop it.

Used by `paperbroker fuzz` and by the tests that need a real uvicorn process.
"""

from __future__ import annotations

import os
import shlex
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_until_up(url: str, process: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with status {process.returncode} before answering")
        try:
            with urllib.request.urlopen(url, timeout=1.0):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    raise TimeoutError(f"{url} did not answer within {timeout:.0f} s")


@contextmanager
def running(
    command: str,
    args: Sequence[str] = (),
    *,
    env: Mapping[str, str] | None = None,
    log: Path | None = None,
    timeout: float = 60.0,
) -> Iterator[str]:
    """`paperbroker <command> <args> --host 127.0.0.1 --port P`; yields its base URL once it answers.

    Its output goes to `log` when given, else to this process's output.
    """
    argv = [sys.executable, "-m", "paperbroker", command, *args]
    with serving(argv, env=env, log=log, timeout=timeout) as base:
        yield base


@contextmanager
def serving(
    argv: Sequence[str],
    *,
    env: Mapping[str, str] | None = None,
    log: Path | None = None,
    timeout: float = 60.0,
) -> Iterator[str]:
    """`<argv> --host 127.0.0.1 --port P`, any command that takes uvicorn's flags; yields its base URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with ExitStack() as stack:
        sink = stack.enter_context(log.open("wb")) if log is not None else None
        process = subprocess.Popen(
            [*argv, "--host", "127.0.0.1", "--port", str(port)],
            env={**os.environ, **(env or {})},
            stdout=sink,
            stderr=subprocess.STDOUT if sink is not None else None,
        )
        try:
            try:
                wait_until_up(f"{base}/api/v1/openapi.json", process, timeout)
            except RuntimeError as error:
                detail = log.read_text(errors="replace") if log is not None else ""
                raise RuntimeError(f"{shlex.join(argv)}: {error}\n{detail}") from None
            yield base
        finally:
            stop(process)


def stop(*processes: subprocess.Popen[bytes]) -> None:
    """Ask every process to end at once, then wait for each; one that does not end in 10 s is killed."""
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
