"""A stand-in for fsync, for tests of group commit and of answers that wait for it."""

from __future__ import annotations

import threading


class SlowDisk:
    """An fsync that counts its calls and, while `hold` is clear, waits (as a disk busy with a sync)."""

    def __init__(self) -> None:
        self.calls = 0
        self.hold = threading.Event()
        self.fail_next = False

    def __call__(self, fd: int) -> None:
        self.calls += 1
        assert self.hold.wait(5), "the test never released the fsync"
        if self.fail_next:
            self.fail_next = False
            raise OSError(5, "Input/output error")
