"""paperbroker's two mocks against Stoplight Prism's, on the same operations: placeOrder and getOrders.

- prism-mock: `prism mock openapi/broker.yaml` in static mode (it answers each operation's example and
  validates the request and its security), Prism pinned in tools/bench/prism and installed there once.
- paperbroker-mock-examples: `paperbroker mock --examples` (the spec's examples, validated both ways).
- paperbroker-mock: `paperbroker mock`, the engine over an in-memory store; its getOrders server holds as
  many orders as the spec's example lists, so every app sends a list of the same length.

Every app runs as its command would run it for a frontend developer, with request logging off (Prism
`-v warn`, paperbroker `--log-level warning`), one server per (app, operation) on loopback. As in run.py,
rounds alternate the apps' order and each figure is the median over the rounds. Without npm (or Node.js)
the part prints one line and returns no rows.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from paperbroker.process import free_port, running, stop
from tools.bench import wrk as wrk_run
from tools.bench.apps import BENCH_KEY

PRISM = "prism-mock"
APPS = (PRISM, "paperbroker-mock-examples", "paperbroker-mock")
OPERATIONS = {"placeOrder": "post", "getOrders": "get"}
"""operation -> wrk.lua's mode"""
BODY = b'{"symbol": "AAPL", "type": 1, "side": 1, "qty": 10, "limitPrice": 150.25}'
"""What wrk.lua posts."""
EXAMPLE_ORDERS = 2
"""Orders in the spec's getOrders example: the stateful mock's getOrders server holds as many."""
AUTH = {"Authorization": f"Bearer {BENCH_KEY}"}
CONNECTIONS = 32
START_TIMEOUT = 60.0


@dataclass(frozen=True)
class Target:
    app: str
    operation: str
    url: str
    """The orders collection's URL: Prism serves the spec's paths without the server's /api/v1."""


def prism_binary(root: Path) -> Path | None:
    """The pinned Prism, installed by `npm ci` on first use; None (one line said) without npm or Node."""
    folder = root / "tools" / "bench" / "prism"
    binary = folder / "node_modules" / ".bin" / "prism"
    stamp = folder / "node_modules" / ".installed-stamp"
    if shutil.which("node") is None:
        print("mocks: skipped, Node.js is missing (Prism runs on it)")
        return None
    lock = folder / "package-lock.json"
    if not stamp.exists() or stamp.stat().st_mtime < lock.stat().st_mtime or not binary.exists():
        npm = shutil.which("npm")
        if npm is None:
            print("mocks: skipped, npm is missing (it installs the pinned Prism into tools/bench/prism)")
            return None
        print("mocks: installing the pinned Prism (npm ci in tools/bench/prism)", flush=True)
        subprocess.run(
            [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel", "error"],
            cwd=folder,
            check=True,
        )
        stamp.touch()
    return binary


def _request(url: str, body: bytes | None = None) -> tuple[int, object]:
    headers = {**AUTH, **({"Content-Type": "application/json"} if body is not None else {})}
    request = urllib.request.Request(url, body, headers)
    with urllib.request.urlopen(request, timeout=5) as response:
        return response.status, json.loads(response.read())


@contextlib.contextmanager
def prism_serving(binary: Path, root: Path, log: Path) -> Iterator[str]:
    """`prism mock openapi/broker.yaml` on a free loopback port; yields the orders URL once it answers."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/broker/orders"
    command = [str(binary), "mock", "-h", "127.0.0.1", "-p", str(port), "-v", "warn", "openapi/broker.yaml"]
    with log.open("wb") as sink:
        process = subprocess.Popen(command, cwd=root, stdout=sink, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + START_TIMEOUT
            while True:
                try:
                    _request(url)
                    break
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    if process.poll() is not None or time.monotonic() > deadline:
                        raise SystemExit(f"mocks: Prism did not start; see {log}") from None
                    time.sleep(0.2)
            yield url
        finally:
            stop(process)


def check(target: Target) -> None:
    """The server answers the very request wrk will send with a 2xx and a body of the documented shape."""
    if OPERATIONS[target.operation] == "post":
        status, placed = _request(target.url, BODY)
        if status != 201 or not isinstance(placed, dict) or "orderId" not in placed:
            raise SystemExit(f"mocks: {target.app} answered placeOrder with {status} {placed}")
        return
    status, listed = _request(target.url)
    if status != 200 or not isinstance(listed, list) or len(listed) != EXAMPLE_ORDERS:
        raise SystemExit(f"mocks: {target.app} answered getOrders with {status} {listed}")


def load(wrk: str, lua: Path, target: Target, seconds: float) -> dict[str, float]:
    """One wrk run with run.py's script and flags."""
    arguments = [OPERATIONS[target.operation], "*", BENCH_KEY]
    label = f"mocks: {target.app} {target.operation}"
    return wrk_run.run(wrk, lua, target.url, arguments, seconds, CONNECTIONS, label)


@contextlib.contextmanager
def targets(binary: Path, root: Path, out: Path) -> Iterator[list[Target]]:
    """One server per (app, operation), each checked; the stateful getOrders server seeded first."""
    path = os.pathsep.join([str(root / "src"), str(root)])  # this checkout, even if another is installed
    env = {"PYTHONPATH": path, "PYTHONWARNINGS": "ignore", "PAPERBROKER_LOCAL_KEY": BENCH_KEY,
           "PAPERBROKER_RATE_LIMIT": "off"}  # fmt: skip
    logs = out / "mocks"
    shutil.rmtree(logs, ignore_errors=True)
    logs.mkdir(parents=True)
    found: list[Target] = []
    with contextlib.ExitStack() as stack:
        for operation in OPERATIONS:
            log = logs / f"{PRISM}-{operation}.log"
            found.append(Target(PRISM, operation, stack.enter_context(prism_serving(binary, root, log))))
            for app, args in (("paperbroker-mock-examples", ["--examples"]), ("paperbroker-mock", [])):
                log = logs / f"{app}-{operation}.log"
                base = stack.enter_context(
                    running("mock", [*args, "--log-level", "warning"], env=env, log=log)
                )
                found.append(Target(app, operation, f"{base}/api/v1/broker/orders"))
        for target in found:
            if target.app == "paperbroker-mock" and target.operation == "getOrders":
                for _ in range(EXAMPLE_ORDERS):
                    _request(target.url, BODY)
            check(target)
        yield found


def measure(root: Path, out: Path) -> list[dict[str, object]]:
    """Rows in results.json's format: each app's placeOrder and getOrders, medians over the rounds."""
    from tools.bench.run import LUA, ensure_wrk  # run.py imports this module: import it when called

    binary = prism_binary(root)
    if binary is None:
        return []
    wrk = ensure_wrk()
    seconds = float(os.environ.get("BENCH_SECONDS", 5))
    warmup = float(os.environ.get("BENCH_WARMUP", 2))
    rounds = int(os.environ.get("BENCH_ROUNDS", 3))
    samples: dict[tuple[str, str], list[dict[str, float]]] = {}
    print(f"load average at start {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    with targets(binary, root, out) as found:
        index = {(t.app, t.operation): t for t in found}
        for target in found:
            load(wrk, LUA, target, warmup)
        for round_ in range(rounds):
            apps = APPS if round_ % 2 == 0 else tuple(reversed(APPS))
            for operation in OPERATIONS:
                for app in apps:
                    sample = load(wrk, LUA, index[(app, operation)], seconds)
                    samples.setdefault((app, operation), []).append(sample)
                    print(f"round {round_ + 1}/{rounds} {operation:10} {app:26} {sample['rps']:8.0f} req/s"
                          f"  p50 {sample['p50_ms']:6.2f} ms  p99 {sample['p99_ms']:7.2f} ms"
                          f"  load {os.getloadavg()[0]:.2f}", flush=True)  # fmt: skip
    print(f"load average at end {' '.join(f'{x:.2f}' for x in os.getloadavg())}; wrk -t1 -c{CONNECTIONS}, "
          f"{rounds} rounds of {seconds:g} s after a {warmup:g} s warm-up; medians over rounds")  # fmt: skip
    return [
        wrk_run.row(app, operation, samples[(app, operation)]) for operation in OPERATIONS for app in APPS
    ]


def table(results: list[dict[str, object]]) -> str:
    if not results:
        return "(no rows: Prism could not be installed)"
    by = {(r["app"], r["operation"]): r for r in results}
    lines = [
        "| operation | app | req/s | p50 ms | p99 ms | req/s vs Prism |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for operation in OPERATIONS:
        prism = float(by[(PRISM, operation)]["rps"])  # type: ignore[arg-type]
        for app in APPS:
            r = by[(app, operation)]
            rps = float(r["rps"])  # type: ignore[arg-type]
            lines.append(f"| {operation} | {app} | {rps:,.0f} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} "
                         f"| {rps / prism:.2f} |")  # fmt: skip
    return "\n".join(lines)
