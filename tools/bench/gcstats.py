"""Run a `paperbroker` command with the garbage collector timed, and print what it did when the command ends.

    python -m tools.bench.gcstats mock --port 8123 --log-level warning
    (load it, e.g. with wrk and tools/bench/wrk.lua, then stop it with Ctrl-C: after a SIGTERM uvicorn ends
    the process by that signal, and nothing is printed)

For each generation: how many collections ran, their total and longest time, and how many objects they
found unreachable (objects in cycles: what reference counting alone would not have freed). Then the
objects the oldest generation holds at exit, by type. This is how the stateful mock's pauses were
traced to the objects its store kept per order and to the cycles each transaction left.
"""

from __future__ import annotations

import atexit
import collections
import gc
import sys
import time
from typing import Any

from paperbroker.cli import main

_started: dict[int, float] = {}
_totals: dict[int, list[float]] = collections.defaultdict(lambda: [0, 0.0, 0.0, 0])
"""generation -> [collections, seconds, longest, unreachable found]"""


def _timed(phase: str, info: dict[str, Any]) -> None:
    generation = info["generation"]
    if phase == "start":
        _started[generation] = time.perf_counter()
        return
    took = time.perf_counter() - _started[generation]
    totals = _totals[generation]
    totals[0] += 1
    totals[1] += took
    totals[2] = max(totals[2], took)
    totals[3] += info["collected"]


def report() -> None:
    for generation, (runs, seconds, longest, found) in sorted(_totals.items()):
        print(f"gen{generation}: {runs:.0f} collections, {seconds * 1000:.0f} ms in all, longest "
              f"{longest * 1000:.1f} ms, {found:.0f} unreachable objects found", file=sys.stderr)  # fmt: skip
    held = collections.Counter(type(each).__name__ for each in gc.get_objects(2))
    print(f"generation 2 holds {sum(held.values())} objects ({gc.get_freeze_count()} frozen apart): "
          f"{held.most_common(8)}", file=sys.stderr)  # fmt: skip


if __name__ == "__main__":
    gc.callbacks.append(_timed)
    atexit.register(report)
    raise SystemExit(main(sys.argv[1:]))
