"""Start a real `paperbroker` process under uvicorn on a free loopback port, and always stop it."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def running(command: str, args: Sequence[str], log: Path, timeout: float = 30.0) -> Iterator[str]:
    """`paperbroker <command> --port P <args>` until the block ends; yields its base URL once it answers."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [str(BIN / "paperbroker"), command, "--host", "127.0.0.1", "--port", str(port), *args],
            stdout=sink,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + timeout
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"{command} exited with {process.returncode}:\n{log.read_text()}")
                try:
                    httpx.get(f"{base}/api/v1/openapi.json", timeout=1.0)
                    break
                except httpx.TransportError:
                    if time.monotonic() > deadline:
                        raise TimeoutError(f"{command} did not answer within {timeout} s") from None
                    time.sleep(0.1)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
