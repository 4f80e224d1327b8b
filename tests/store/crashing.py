"""A `paperbroker serve` that a test can SIGKILL and start again, on the same port and the same store.

`paperbroker.process.serving` takes a new port per start and stops with SIGTERM. A crash test needs one
address across restarts (so clients only reconnect) and a kill that takes uvicorn's parent and all its
workers at once, with no chance to clean up: the server runs in a session (process group) of its own and
dies by `os.killpg(pgid, SIGKILL)`. A restart waits until the port is free, so no worker of the killed
generation still answers.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType

from paperbroker.process import free_port, wait_until_up
from tests.keys import LOCAL_KEY_ENV

START_TIMEOUT = 30.0
"""The longest a start (until the API answers) or a death (until the port is free) may take."""


def wait_until_free(port: int, timeout: float = START_TIMEOUT) -> None:
    """Binding as uvicorn does (SO_REUSEADDR) succeeds once no process of the group listens on `port`."""
    deadline = time.monotonic() + timeout
    while True:
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", port))
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise TimeoutError(
                        f"port {port} was still taken {timeout:.0f} s after the kill"
                    ) from None
        time.sleep(0.02)


class CrashingServer:
    """`paperbroker serve <args>` on one fixed loopback port; `kill` is a crash, `start` a restart.

    `up` is set while a started server answers and cleared just before it is killed, so a client whose
    request failed waits on it for the restart. `kills` counts kills (raised before the signal is sent).
    """

    def __init__(self, args: Sequence[str], env: Mapping[str, str], log: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.up = threading.Event()
        self.starts = 0
        self.kills = 0
        self.starting_seconds = 0.0
        """Time spent in `start`, from spawning to the first answer: most of a crash run on a slow machine."""
        self._argv = [sys.executable, "-m", "paperbroker", "serve", *args]
        self._argv += ["--host", "127.0.0.1", "--port", str(self.port), "--log-level", "warning"]
        self._env = {**os.environ, **LOCAL_KEY_ENV, **env}
        self._log = log
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        began = time.monotonic()
        with self._log.open("ab") as sink:
            process = subprocess.Popen(
                self._argv, env=self._env, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True
            )
        self._process = process
        try:
            wait_until_up(f"{self.base}/api/v1/openapi.json", process, START_TIMEOUT)
        except (RuntimeError, TimeoutError) as error:
            self._signal_group(signal.SIGKILL)
            tail = self._log.read_text(errors="replace")[-4000:]
            raise RuntimeError(f"start {self.starts + 1} of the server failed: {error}\n{tail}") from None
        self.starts += 1
        self.starting_seconds += time.monotonic() - began
        self.up.set()

    def kill(self) -> None:
        """SIGKILL to the whole group (uvicorn's parent and workers); returns once the port is free."""
        self.up.clear()
        self.kills += 1
        self._signal_group(signal.SIGKILL)
        wait_until_free(self.port)

    def stop(self) -> None:
        """A clean shutdown (SIGTERM to the group), a SIGKILL if it takes too long; the port is free after."""
        self.up.clear()
        if self._process is None or self._process.poll() is not None:
            return
        self._signal_group(signal.SIGTERM)
        try:
            self._process.wait(timeout=START_TIMEOUT)
        except subprocess.TimeoutExpired:
            self._signal_group(signal.SIGKILL)
        wait_until_free(self.port)

    def _signal_group(self, signum: int) -> None:
        process = self._process
        if process is None:
            return
        with contextlib.suppress(ProcessLookupError):  # the whole group is gone already
            os.killpg(process.pid, signum)  # start_new_session: the group's id is the parent's pid
        if signum == signal.SIGKILL:
            process.wait(timeout=START_TIMEOUT)

    def __enter__(self) -> CrashingServer:
        self.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.stop()
