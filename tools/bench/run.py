"""`make bench`: serve paperbroker, a FastAPI peer and a bare-Starlette ceiling, load each with wrk.

Every app runs under uvicorn (1 worker, uvloop, httptools) on loopback over its own copy of the same
seeded SQLite store. After a warm-up, rounds alternate the order of the apps so drift (thermal, other
load) hits all of them alike; each figure is the median over the rounds. Results go to a table on stdout
and to build/bench/results.json; machine and versions to build/bench/meta.json. Then tools/bench/stream.py
times fills to event-stream subscribers (its rows join results.json) and tools/bench/ticks.py times the
engine without HTTP; `--only PART` runs one part (`--help` lists them).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.metadata
import json
import os
import platform
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from paperbroker.broker import Broker
from paperbroker.engine.model import NewOrder, OrderType, Side
from paperbroker.process import free_port, stop
from paperbroker.store.sqlite import SQLiteStore
from tools.bench import stream
from tools.bench import wrk as wrk_run
from tools.bench.apps import BENCH_KEY

AUTH = {"Authorization": f"Bearer {BENCH_KEY}"}

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "build" / "bench"
LUA = Path(__file__).with_name("wrk.lua")
PATH = "/api/v1/broker/orders"

APPS = {
    "paperbroker": "tools.bench.apps:paperbroker",
    "fastapi-peer": "tools.bench.apps:fastapi_peer",
    "starlette-ceiling": "tools.bench.apps:starlette_ceiling",
}
# operation -> (orders seeded in the store, wrk script argument)
# getOrders1000If: the same list polled with If-None-Match naming the tag of its last 200 (paperbroker answers
# 304; the peer and the ceiling have no conditional reads and answer 200)
OPERATIONS = {
    "placeOrder": (0, "post"),
    "getOrders100": (100, "get"),
    "getOrders1000": (1000, "get"),
    "getOrders1000If": (1000, "if-none-match"),
}


@dataclass(frozen=True)
class Part:
    module: Any
    title: str


MEASURED_PARTS: dict[str, Part] = {
    "stream": Part(stream, "fill to subscriber over streamEvents, one worker (tools/bench/stream.py)"),
    "postgres": Part(importlib.import_module("tools.bench.postgres"), "placeOrder, SQLite vs PostgreSQL"),
    "history": Part(importlib.import_module("tools.bench.history"), "polls, 1k vs 1M orders (history.py)"),
    "mocks": Part(importlib.import_module("tools.bench.mocks"), "mocks vs Prism (tools/bench/mocks.py)"),
}
"""Parts after wrk's: each a module with `measure(root, out) -> rows` (results.json's format) and
`table(rows) -> str`; `--only NAME` runs one."""
PARTS = ("requests", *MEASURED_PARTS, "ticks")
VERSIONS = ("connexion", "fastapi", "starlette", "uvicorn", "uvloop", "httptools", "pydantic",
            "jsonschema", "jsonschema-rs", "orjson")  # fmt: skip


@dataclass
class Server:
    app: str
    operation: str
    port: int
    process: subprocess.Popen[bytes]
    etag: str = "*"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{PATH}"


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("wrk is missing: installing the Debian package (apt-get install -y wrk)", flush=True)
        subprocess.run(["apt-get", "install", "-y", "-q", "wrk"], check=False, stdout=subprocess.DEVNULL)
        found = shutil.which("wrk")
        if found:
            return found
    sys.exit("make bench needs wrk, the HTTP load generator: `sudo apt-get install wrk` (Debian/Ubuntu) or "
             "`brew install wrk` (macOS), then run it again.")  # fmt: skip


def seed(path: Path, orders: int) -> None:
    """A quote for AAPL and `orders` working buy limits below it: what getOrders will list."""
    store = SQLiteStore(path)
    broker = Broker(store)
    broker.set_quote("AAPL", Decimal("189.99"), Decimal("190.01"))
    for i in range(orders):
        order = NewOrder("AAPL", OrderType.Limit, Side.Buy, Decimal(10), limit_price=Decimal(100 + i % 50))
        broker.place_order(order)
    store.close()


def start(app: str, operation: str, db: Path) -> Server:
    port = free_port()
    path = os.pathsep.join([str(ROOT / "src"), str(ROOT)])  # this checkout, even if another is installed
    env = {**os.environ, "BENCH_DB": str(db), "PYTHONPATH": path, "PYTHONWARNINGS": "ignore"}
    command = [sys.executable, "-m", "uvicorn", "--factory", APPS[app], "--host", "127.0.0.1",
               "--port", str(port), "--workers", "1", "--loop", "uvloop", "--http", "httptools",
               "--no-access-log", "--log-level", "warning"]  # fmt: skip
    return Server(app, operation, port, subprocess.Popen(command, env=env, cwd=ROOT))


def wait_ready(server: Server, expected_orders: int) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(
                urllib.request.Request(server.url, headers=AUTH), timeout=2
            ) as response:
                listed = json.loads(response.read())
                server.etag = response.headers.get("ETag", "*")
            break
        except OSError:
            if server.process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"{server.app} did not start") from None
            time.sleep(0.2)
    if len(listed) != expected_orders:
        raise SystemExit(f"{server.app} lists {len(listed)} orders, {expected_orders} were seeded")
    if expected_orders == 0:  # prove the app accepts the body wrk will send
        body = b'{"symbol": "AAPL", "type": 1, "side": 1, "qty": 10, "limitPrice": 150.25}'
        request = urllib.request.Request(server.url, body, {"Content-Type": "application/json", **AUTH})
        with urllib.request.urlopen(request, timeout=2) as response:
            assert response.status == 201, response.status


def load(wrk: str, server: Server, seconds: float, connections: int) -> dict[str, float]:
    arguments = [OPERATIONS[server.operation][1], server.etag, BENCH_KEY]
    label = f"{server.app} {server.operation}"
    return wrk_run.run(wrk, LUA, server.url, arguments, seconds, connections, label)


@contextlib.contextmanager
def servers(operations: list[str]) -> Iterator[list[Server]]:
    db_dir = OUT / "db"
    shutil.rmtree(db_dir, ignore_errors=True)
    db_dir.mkdir(parents=True)
    running: list[Server] = []
    try:
        for operation in operations:
            template = db_dir / f"{operation}.template.db"
            seed(template, OPERATIONS[operation][0])
            for app in APPS:
                db = db_dir / f"{operation}-{app}.db"
                shutil.copy(template, db)
                running.append(start(app, operation, db))
        for server in running:
            wait_ready(server, OPERATIONS[server.operation][0])
        yield running
    finally:
        stop(*(server.process for server in running))


def machine(wrk: str | None) -> dict[str, object]:
    cpu = platform.processor()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    versions = {}
    for name in VERSIONS:
        with contextlib.suppress(importlib.metadata.PackageNotFoundError):
            versions[name] = importlib.metadata.version(name)
    found: dict[str, object] = {
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "cpu": cpu,
        "cores": os.cpu_count(),
        "os": platform.platform(),
        "python": platform.python_version(),
    }
    if wrk is not None:
        version = subprocess.run([wrk, "-v"], capture_output=True, text=True).stdout.split("\n")[0]
        found["wrk"] = version.strip()
    return found | {"versions": versions}


def table(results: list[dict[str, object]], operations: list[str]) -> str:
    by = {(r["app"], r["operation"]): r for r in results}
    lines = [
        "| operation | app | req/s | p50 ms | p99 ms | req/s vs peer | req/s vs ceiling |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for operation in operations:
        peer = by[("fastapi-peer", operation)]
        ceiling = by[("starlette-ceiling", operation)]
        for app in APPS:
            r = by[(app, operation)]
            rps = float(r["rps"])  # type: ignore[arg-type]
            lines.append(
                f"| {operation} | {app} | {rps:,.0f} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} "
                f"| {rps / float(peer['rps']):.2f} | {rps / float(ceiling['rps']):.2f} |"  # type: ignore[arg-type]
            )
    return "\n".join(lines)


def requests(args: argparse.Namespace, wrk: str) -> list[dict[str, object]]:
    """wrk against every app and operation: the medians over the rounds, and the table printed."""
    operations = args.operations.split(",")
    samples: dict[tuple[str, str], list[dict[str, float]]] = {}
    with servers(operations) as running:
        index = {(s.app, s.operation): s for s in running}
        for operation in operations:
            for app in APPS:
                load(wrk, index[(app, operation)], args.warmup, args.connections)
        for round_ in range(args.rounds):
            apps = list(APPS) if round_ % 2 == 0 else list(reversed(APPS))
            for operation in operations:
                for app in apps:
                    sample = load(wrk, index[(app, operation)], args.seconds, args.connections)
                    samples.setdefault((app, operation), []).append(sample)
                    print(f"round {round_ + 1}/{args.rounds} {operation:14} {app:18} "
                          f"{sample['rps']:8.0f} req/s  p50 {sample['p50_ms']:6.2f} ms  "
                          f"p99 {sample['p99_ms']:7.2f} ms", flush=True)  # fmt: skip
    results: list[dict[str, object]] = [
        wrk_run.row(app, operation, samples[(app, operation)]) for operation in operations for app in APPS
    ]
    print(f"\nwrk -t1 -c{args.connections}, {args.rounds} rounds of {args.seconds:g} s after a "
          f"{args.warmup:g} s warm-up; medians over rounds\n")  # fmt: skip
    print(table(results, operations))
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("BENCH_SECONDS", 5)))
    parser.add_argument("--warmup", type=float, default=float(os.environ.get("BENCH_WARMUP", 2)))
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("BENCH_ROUNDS", 3)))
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--operations", default=",".join(OPERATIONS))
    parser.add_argument(
        "--no-ticks", dest="ticks", action="store_false", help="skip the tick micro-benchmark"
    )
    parser.add_argument(
        "--only",
        choices=PARTS,
        help="run one part: requests (wrk), one of the measured parts, or ticks (no HTTP)",
    )
    args = parser.parse_args()
    parts = [args.only] if args.only else [part for part in PARTS if part != "ticks" or args.ticks]
    wrk = ensure_wrk() if "requests" in parts else None
    OUT.mkdir(parents=True, exist_ok=True)
    meta = machine(wrk or shutil.which("wrk"))  # the parts find wrk themselves
    busy = os.getloadavg()[0]
    if busy > 0.5:
        print(f"note: load average {busy:.2f} before the run; other work on this machine skews the figures")
    print(f"{meta['cpu']}, {meta['cores']} cores, Python {meta['python']}, {meta.get('wrk', 'no wrk')}")
    print(", ".join(f"{k} {v}" for k, v in meta["versions"].items()) + "\n")  # type: ignore[attr-defined]
    results: list[dict[str, object]] = []
    started = time.monotonic()
    if wrk is not None:
        results += requests(args, wrk)
        meta.update(
            seconds=args.seconds, warmup=args.warmup, rounds=args.rounds, connections=args.connections
        )
    for name, part in MEASURED_PARTS.items():
        if name in parts:
            print(f"\n{part.title}:", flush=True)
            measured = part.module.measure(ROOT, OUT)
            print()
            print(part.module.table(measured))
            results += measured
    meta.update(parts=parts, elapsed_s=round(time.monotonic() - started, 1))
    if results:
        (OUT / "results.json").write_text(json.dumps(results, indent=2) + "\n")
        (OUT / "meta.json").write_text(json.dumps(meta, indent=2) + "\n")
        print(f"\nwritten: {OUT / 'results.json'}, {OUT / 'meta.json'}")
    if "ticks" in parts:
        print("\nengine and store, no HTTP (tools/bench/ticks.py):", flush=True)
        subprocess.run([sys.executable, "-m", "tools.bench.ticks"], cwd=ROOT, check=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
