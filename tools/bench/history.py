"""What a terminal polls, at 1,000 and at 1,000,000 orders in the store: the figures should not move.

Two `paperbroker serve` processes (one worker, market off, no rate limit) over SQLite files seeded alike but
for their size: an open AAPL position, WORKING working orders and the rest final (filled and canceled in
turn), written straight into the orders table in one INSERT ... SELECT (the bench only: placing a million
orders through the API would take an hour), then given their JSON bodies as the store writes them. wrk
(tools/bench/wrk.lua, `get`) then loads getOrders, getPositions, getAccountInfo and getOrdersHistory's
first page on each, the two sizes alternating first over the rounds; each figure is the median over
rounds. Rows are `getOrders@1k`, `getOrders@1M`, ...; the table puts the two sizes side by side with their
ratio (the target is at most 1.5).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import sys
import urllib.request
from contextlib import ExitStack
from decimal import Decimal
from pathlib import Path

from paperbroker.broker import RECENT_FINAL, Broker
from paperbroker.engine.model import NewOrder, OrderType, Side
from paperbroker.process import running
from paperbroker.store.sql import fill_order_bodies
from paperbroker.store.sqlite import SQLiteStore
from tools.bench import wrk as wrk_run
from tools.bench.apps import BENCH_KEY

SIZES = {"1k": 1_000, "1M": 1_000_000}
WORKING = 300
OPERATIONS = {
    "getOrders": "/api/v1/broker/orders",
    "getPositions": "/api/v1/broker/positions",
    "getAccountInfo": "/api/v1/broker/account",
    "getOrdersHistory": "/api/v1/broker/orders-history",
}
ROUNDS, SECONDS, CONNECTIONS = 3, 3, 32
LUA = Path(__file__).with_name("wrk.lua")
START_MS = 1_764_072_000_000


def seed(path: Path, orders: int) -> None:
    """The account, a quote and a position through the broker; then `orders` rows in bulk."""
    store = SQLiteStore(path)
    broker = Broker(store)
    broker.set_quote("AAPL", Decimal("189.99"), Decimal("190.01"))
    broker.place_order(NewOrder("AAPL", OrderType.Market, Side.Buy, Decimal(10)))
    store.close()
    with sqlite3.connect(path) as conn:
        placed = conn.execute("SELECT count(*) FROM orders").fetchone()[0]
        first_final = WORKING + 1
        conn.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)"
            " INSERT INTO orders (account_id, id, symbol, type, side, qty, status, update_time, filled_qty,"
            " avg_price, limit_price, triggered, trigger_kind, trigger_price)"
            " SELECT 'paper', 'b' || i, 'AAPL', 1, 1, '10',"
            " CASE WHEN i < ? THEN 6 WHEN i % 2 = 0 THEN 2 ELSE 1 END, ? + i,"
            " CASE WHEN i >= ? AND i % 2 = 0 THEN '10' ELSE '0' END,"
            " CASE WHEN i >= ? AND i % 2 = 0 THEN '100' ELSE NULL END, '100', 0,"
            " CASE WHEN i < ? THEN 1 ELSE NULL END, CASE WHEN i < ? THEN 100.0 ELSE NULL END FROM n",
            (orders - placed, first_final, START_MS, first_final, first_final, first_final, first_final),
        )
        fill_order_bodies(conn)  # what paperbroker writes with every order: its JSON, which getOrders lists
        conn.execute("ANALYZE")


def wrk_load(url: str) -> dict[str, float]:
    return wrk_run.run("wrk", LUA, url, ["get", "*", BENCH_KEY], SECONDS, CONNECTIONS, f"history bench {url}")


def check(base: str) -> None:
    """Every operation answers 200, and getOrders lists the working orders and the recent window."""
    for path in OPERATIONS.values():
        request = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {BENCH_KEY}"})
        with urllib.request.urlopen(request, timeout=30) as response:
            body = json.loads(response.read())
        if path.endswith("/orders") and len(body) != WORKING + RECENT_FINAL:
            raise SystemExit(f"history bench: getOrders lists {len(body)} orders")


def measure(root: Path, out: Path) -> list[dict[str, object]]:
    if shutil.which("wrk") is None:
        sys.exit("the history bench needs wrk (apt-get install wrk)")
    path = os.pathsep.join([str(root / "src"), str(root)])
    env = {"PYTHONPATH": path, "PYTHONWARNINGS": "ignore", "PAPERBROKER_LOCAL_KEY": BENCH_KEY,
           "PAPERBROKER_RATE_LIMIT": "off"}  # fmt: skip
    db_dir = out / "history"
    shutil.rmtree(db_dir, ignore_errors=True)
    db_dir.mkdir(parents=True)
    samples: dict[tuple[str, str], list[dict[str, float]]] = {}
    bases: dict[str, str] = {}
    with ExitStack() as stack:
        for size, orders in SIZES.items():
            db = db_dir / f"{size}.db"
            seed(db, orders)
            args = ["--db", str(db), "--no-market", "--workers", "1", "--log-level", "warning"]
            bases[size] = stack.enter_context(running("serve", args, env=env, log=db_dir / f"{size}.log"))
            check(bases[size])
            print(f"history: {size} store seeded ({orders:,} orders) and serving", flush=True)
        for round_ in range(ROUNDS):
            sizes = list(SIZES) if round_ % 2 == 0 else list(SIZES)[::-1]
            for operation, route in OPERATIONS.items():
                for size in sizes:
                    samples.setdefault((operation, size), []).append(wrk_load(bases[size] + route))
    return [
        wrk_run.row("paperbroker", f"{operation}@{size}", runs) for (operation, size), runs in samples.items()
    ]


def table(rows: list[dict[str, object]]) -> str:
    by_operation = {str(row["operation"]): row for row in rows}
    lines = [
        "| operation | req/s 1k | req/s 1M | 1k / 1M | p50 ms 1k | p50 ms 1M | p99 ms 1k | p99 ms 1M |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for operation in OPERATIONS:
        small, large = by_operation.get(f"{operation}@1k"), by_operation.get(f"{operation}@1M")
        if small is None or large is None:
            continue
        ratio = float(small["rps"]) / float(large["rps"])  # type: ignore[arg-type]
        latencies = " | ".join(f"{row[key]:.2f}" for key in ("p50_ms", "p99_ms") for row in (small, large))
        lines.append(
            f"| {operation} | {small['rps']:,.0f} | {large['rps']:,.0f} | {ratio:.2f} | {latencies} |"
        )
    return "\n".join(lines)
