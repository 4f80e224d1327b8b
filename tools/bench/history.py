"""What a terminal polls, at 1,000 and at 1,000,000 orders in the store: the figures should not move.

Two `paperbroker serve` processes (one worker, market off, no rate limit) over SQLite files seeded alike but
for their size, then two over PostgreSQL schemas (app `paperbroker-pg`; left out with a message when no
server answers, as in the postgres part): an open AAPL position, WORKING working orders and the rest final
(filled and canceled in turn), written straight into the orders table in one INSERT ... SELECT (the bench
only: placing a million orders through the API would take an hour), then given their JSON bodies as the
store writes them. wrk (tools/bench/wrk.lua, `get`) then loads getOrders, getPositions, getAccountInfo and
getOrdersHistory's first page on each, the two sizes alternating first over the rounds; each figure is the
median over rounds. Rows are `getOrders@1k`, `getOrders@1M`, ...; the table puts the two sizes side by
side with their ratio (the target is at most 1.5), a line per store and operation.
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

import psycopg

from paperbroker.broker import RECENT_FINAL, Broker
from paperbroker.engine.model import NewOrder, OrderType, Side
from paperbroker.process import running
from paperbroker.store.base import Store
from paperbroker.store.postgres import PostgresStore
from paperbroker.store.sql import fill_order_bodies
from paperbroker.store.sqlite import SQLiteStore
from tools.bench import wrk as wrk_run
from tools.bench.apps import BENCH_KEY
from tools.bench.postgres import fresh_schema, postgres_dsn

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


BULK = (
    "INSERT INTO orders (account_id, id, symbol, type, side, qty, status, update_time, filled_qty,"
    " avg_price, limit_price, triggered, trigger_kind, trigger_price)"
    " SELECT 'paper', 'b' || i, 'AAPL', 1, 1, '10',"
    " CASE WHEN i < {first} THEN 6 WHEN i % 2 = 0 THEN 2 ELSE 1 END, {start} + i,"
    " CASE WHEN i >= {first} AND i % 2 = 0 THEN '10' ELSE '0' END,"
    " CASE WHEN i >= {first} AND i % 2 = 0 THEN '100' ELSE NULL END, '100', 0,"
    " CASE WHEN i < {first} THEN 1 ELSE NULL END, CASE WHEN i < {first} THEN 100.0 ELSE NULL END FROM {rows}"
)
"""WORKING - 1 working orders, the rest final (filled and canceled in turn); {rows} yields the i column."""


def _bulk(rows: str) -> str:
    return BULK.format(first=WORKING + 1, start=START_MS, rows=rows)


def _open_position(store: Store) -> int:
    """The account, a quote and a position through the broker, as the service writes them; orders placed."""
    broker = Broker(store)
    broker.set_quote("AAPL", Decimal("189.99"), Decimal("190.01"))
    broker.place_order(NewOrder("AAPL", OrderType.Market, Side.Buy, Decimal(10)))
    with store.snapshot() as ledger:
        placed = len(ledger.list_orders())
    store.close()
    return placed


def seed(path: Path, orders: int) -> None:
    """The account, a quote and a position through the broker; then `orders` rows in bulk."""
    placed = _open_position(SQLiteStore(path))
    with sqlite3.connect(path) as conn:
        rows = "(WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) SELECT i FROM n)"
        conn.execute(_bulk(rows), (orders - placed,))
        fill_order_bodies(conn)  # what paperbroker writes with every order: its JSON, which getOrders lists
        conn.execute("ANALYZE")


def seed_postgres(db: str, orders: int) -> None:
    """As `seed`, on the PostgreSQL schema that the URL `db` names."""
    placed = _open_position(PostgresStore(db))
    with psycopg.connect(db) as conn:
        count = int(orders - placed)  # in the text: without parameters psycopg leaves `%` (modulo) alone
        conn.execute(_bulk(f"generate_series(1, {count}) AS n(i)"))
        fill_order_bodies(conn, "%s")
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
    db_dir = out / "history"
    shutil.rmtree(db_dir, ignore_errors=True)
    db_dir.mkdir(parents=True)
    rows = measure_store(root, db_dir, "paperbroker", None)
    dsn = postgres_dsn("history part on PostgreSQL")
    if dsn is not None:
        rows += measure_store(root, db_dir, "paperbroker-pg", dsn)
    return rows


def measure_store(root: Path, db_dir: Path, app: str, dsn: str | None) -> list[dict[str, object]]:
    """Both sizes on SQLite files (`dsn` None) or on fresh schemas of the PostgreSQL server `dsn`."""
    path = os.pathsep.join([str(root / "src"), str(root)])
    env = {"PYTHONPATH": path, "PYTHONWARNINGS": "ignore", "PAPERBROKER_LOCAL_KEY": BENCH_KEY,
           "PAPERBROKER_RATE_LIMIT": "off"}  # fmt: skip
    samples: dict[tuple[str, str], list[dict[str, float]]] = {}
    bases: dict[str, str] = {}
    with ExitStack() as stack:
        for size, orders in SIZES.items():
            if dsn is None:
                db = str(db_dir / f"{size}.db")
                seed(Path(db), orders)
            else:
                db = stack.enter_context(fresh_schema(dsn, f"pbbench_history_{size.lower()}"))
                seed_postgres(db, orders)
            args = ["--db", db, "--no-market", "--workers", "1", "--log-level", "warning"]
            log = db_dir / f"{app}-{size}.log"
            bases[size] = stack.enter_context(running("serve", args, env=env, log=log))
            check(bases[size])
            print(f"history: {app} {size} store seeded ({orders:,} orders) and serving", flush=True)
        for round_ in range(ROUNDS):
            sizes = list(SIZES) if round_ % 2 == 0 else list(SIZES)[::-1]
            for operation, route in OPERATIONS.items():
                for size in sizes:
                    samples.setdefault((operation, size), []).append(wrk_load(bases[size] + route))
    return [wrk_run.row(app, f"{operation}@{size}", runs) for (operation, size), runs in samples.items()]


def table(rows: list[dict[str, object]]) -> str:
    by_key = {(str(row["app"]), str(row["operation"])): row for row in rows}
    lines = [
        "| operation | app | req/s 1k | req/s 1M | 1k / 1M | p50 ms 1k | p50 ms 1M | p99 ms 1k | p99 ms 1M |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for app in dict.fromkeys(str(row["app"]) for row in rows):
        for operation in OPERATIONS:
            small, large = by_key.get((app, f"{operation}@1k")), by_key.get((app, f"{operation}@1M"))
            if small is None or large is None:
                continue
            ratio = float(small["rps"]) / float(large["rps"])  # type: ignore[arg-type]
            latencies = " | ".join(
                f"{row[key]:.2f}" for key in ("p50_ms", "p99_ms") for row in (small, large)
            )
            sizes = f"{small['rps']:,.0f} | {large['rps']:,.0f} | {ratio:.2f}"
            lines.append(f"| {operation} | {app} | {sizes} | {latencies} |")
    return "\n".join(lines)
