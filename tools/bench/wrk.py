"""One wrk run, as every part of the bench loads a server: the figures its Lua script prints, or a stop.

The scripts (wrk.lua, accounts.lua) print one `BENCH {json}` line in done(); any non-2xx answer or socket
error stops the benchmark, since a figure that counts refusals would flatter the app that refuses.
"""

from __future__ import annotations

import json
import statistics
import subprocess
from collections.abc import Iterable, Sequence
from pathlib import Path


def run(
    wrk: str, script: Path, url: str, arguments: Sequence[str], seconds: float, connections: int, label: str
) -> dict[str, float]:
    """`wrk -t1 -c<connections> -d<seconds>s -s <script> <url> -- <arguments>`: req/s, p50 and p99 in ms."""
    command = [wrk, "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "10s",
               "-s", str(script), url, "--", *arguments]  # fmt: skip
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(line for line in output.splitlines() if line.startswith("BENCH "))
    stats = json.loads(line.removeprefix("BENCH "))
    if stats["non2xx"] or stats["socket_errors"]:
        raise SystemExit(
            f"{label}: {stats['non2xx']} non-2xx responses, {stats['socket_errors']} socket errors"
        )
    return {
        "rps": stats["requests"] / (stats["duration_us"] / 1e6),
        "p50_ms": stats["p50_us"] / 1000,
        "p99_ms": stats["p99_us"] / 1000,
    }


def row(app: str, operation: str, runs: Iterable[dict[str, float]]) -> dict[str, object]:
    """results.json's row for one app and operation: the medians over its rounds."""
    samples = list(runs)
    return {
        "app": app,
        "operation": operation,
        "rps": round(statistics.median(s["rps"] for s in samples), 1),
        "p50_ms": round(statistics.median(s["p50_ms"] for s in samples), 3),
        "p99_ms": round(statistics.median(s["p99_ms"] for s in samples), 3),
    }
