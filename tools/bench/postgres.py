"""placeOrder on PostgreSQL beside SQLite, and spread over accounts with one and two workers.

Real `paperbroker serve` processes (market off, rate limit off), each on a store of its own: a SQLite file,
or a fresh PostgreSQL schema (dropped afterwards) on the server PAPERBROKER_TEST_POSTGRES names (default
postgresql://postgres@127.0.0.1:5432/test; the part is skipped with a message when none answers).

- placeOrder: one account (the local admin's), wrk's body as in the requests part, on SQLite with one
  worker and on PostgreSQL with one and with two workers. Two workers on one account take turns on its lock.
- placeOrder8accounts: eight accounts made with `Accounts.create` before the server starts; every request
  carries the next account's key (accounts.lua), on PostgreSQL with one and two workers: what per-account
  locks let two workers do in parallel.

Rounds alternate the order of the servers; each figure is the median over the rounds, as in run.py.
"""

from __future__ import annotations

import os
import shutil
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql

from paperbroker.accounts.directory import open_directory
from paperbroker.accounts.registry import Accounts
from paperbroker.app import build_broker
from paperbroker.process import running
from paperbroker.settings import Settings
from tools.bench import wrk as wrk_run
from tools.bench.apps import BENCH_KEY

DEFAULT_DSN = "postgresql://postgres@127.0.0.1:5432/test"
LUA = Path(__file__).with_name("accounts.lua")
PATH = "/api/v1/broker/orders"
ACCOUNTS = 8
SECONDS = float(os.environ.get("BENCH_SECONDS", 5))
WARMUP = float(os.environ.get("BENCH_WARMUP", 2))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", 3))
CONNECTIONS = 32


@dataclass(frozen=True)
class Case:
    app: str
    operation: str
    postgres: bool
    workers: int
    accounts: int  # 0: the local admin's own account only


CASES = (
    Case("paperbroker-sqlite", "placeOrder", False, 1, 0),
    Case("paperbroker-pg", "placeOrder", True, 1, 0),
    Case("paperbroker-pg-2workers", "placeOrder", True, 2, 0),
    Case("paperbroker-pg", f"placeOrder{ACCOUNTS}accounts", True, 1, ACCOUNTS),
    Case("paperbroker-pg-2workers", f"placeOrder{ACCOUNTS}accounts", True, 2, ACCOUNTS),
)


@dataclass
class Served:
    case: Case
    base: str
    keys: list[str]


def postgres_dsn(skipped: str = "postgres part") -> str | None:
    """The server's URL, or None (with the reason printed, `skipped` naming what goes without it) when it
    does not answer."""
    dsn = os.environ.get("PAPERBROKER_TEST_POSTGRES", DEFAULT_DSN)
    if dsn == "skip":
        print(f"{skipped} skipped: PAPERBROKER_TEST_POSTGRES=skip")
        return None
    try:
        with psycopg.connect(dsn, connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except psycopg.OperationalError as error:
        reason = " ".join(str(error).split())
        print(f"{skipped} skipped: no PostgreSQL at {dsn} ({reason}); set PAPERBROKER_TEST_POSTGRES")
        return None
    return dsn


@contextmanager
def fresh_schema(dsn: str, name: str) -> Iterator[str]:
    """The store's URL on a new schema `name` (replacing a leftover of an interrupted run), dropped after."""
    identifier = sql.Identifier(name)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(identifier))
        conn.execute(sql.SQL("CREATE SCHEMA {}").format(identifier))
    separator = "&" if "?" in dsn else "?"
    try:
        yield f"{dsn}{separator}options=-csearch_path%3D{name}"
    finally:
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP SCHEMA {} CASCADE").format(identifier))


def create_accounts(db: str, count: int) -> list[str]:
    """The local admin (BENCH_KEY) as a first start makes it, then `count` users each with an account and a
    key, as `paperbroker accounts create` makes them; their keys."""
    broker = build_broker(Settings(db=db))
    directory = open_directory(db)
    try:
        accounts = Accounts(directory, broker)
        accounts.bootstrap(broker.account_id, BENCH_KEY)
        created = [accounts.create(f"trader{i}").key for i in range(count)]
    finally:
        directory.close()
        broker.store.close()
    return [key for key in created if key is not None]


def _post(base: str, path: str, body: bytes, key: str, method: str = "POST") -> int:
    headers = {"Content-Type": "application/json", "Authorization": f"Bearer {key}"}
    request = urllib.request.Request(f"{base}{path}", body, headers, method=method)
    with urllib.request.urlopen(request, timeout=10) as response:
        return int(response.status)


def prepare(base: str, keys: list[str]) -> None:
    """AAPL's quote (the market's, every account's), and one order per key to prove wrk's body is accepted."""
    _post(base, "/api/v1/sim/quotes/AAPL", b'{"bid": 189.99, "ask": 190.01}', BENCH_KEY, "PUT")
    body = b'{"symbol": "AAPL", "type": 1, "side": 1, "qty": 10, "limitPrice": 150.25}'
    for key in keys:
        status = _post(base, PATH, body, key)
        if status != 201:
            raise SystemExit(f"postgres bench: placeOrder answered {status}")


@contextmanager
def serve(case: Case, dsn: str, out: Path, stack: ExitStack, code: Path | None = None) -> Iterator[Served]:
    """`code`: a checkout whose `src` the server runs instead of this one's (tools/bench/interleave.py)."""
    tag = f"{case.app}-{case.operation}".lower().replace("-", "_") + (f"_{code.name}" if code else "")
    sqlite = str(out / f"{tag}.db")
    db = stack.enter_context(fresh_schema(dsn, f"pbbench_{tag}")) if case.postgres else sqlite
    keys = create_accounts(db, case.accounts) if case.accounts else [BENCH_KEY]
    env = {"PAPERBROKER_LOCAL_KEY": BENCH_KEY, "PAPERBROKER_RATE_LIMIT": "off", "PYTHONWARNINGS": "ignore"}
    if code is not None:
        env["PYTHONPATH"] = str(code / "src")
    args = ["--db", db, "--no-market", "--workers", str(case.workers), "--log-level", "warning"]
    with running("serve", args, env=env, log=out / f"{tag}.log") as base:
        prepare(base, keys)
        yield Served(case, base, keys)


def load(wrk: str, served: Served, seconds: float) -> dict[str, float]:
    label = f"{served.case.app} {served.case.operation}"
    return wrk_run.run(wrk, LUA, f"{served.base}{PATH}", served.keys, seconds, CONNECTIONS, label)


def measure(root: Path, out: Path, cases: tuple[Case, ...] = CASES) -> list[dict[str, object]]:
    dsn = postgres_dsn()
    wrk = shutil.which("wrk")
    if dsn is None:
        return []
    if wrk is None:
        print("postgres part skipped: wrk is not installed")
        return []
    db_dir = out / "postgres"
    shutil.rmtree(db_dir, ignore_errors=True)
    db_dir.mkdir(parents=True)
    samples: dict[Case, list[dict[str, float]]] = {case: [] for case in cases}
    with ExitStack() as stack:
        servers = [stack.enter_context(serve(case, dsn, db_dir, stack)) for case in cases]
        for served in servers:
            load(wrk, served, WARMUP)
        for round_ in range(ROUNDS):
            for served in servers if round_ % 2 == 0 else reversed(servers):
                sample = load(wrk, served, SECONDS)
                samples[served.case].append(sample)
                case = served.case
                print(f"round {round_ + 1}/{ROUNDS} {case.operation:19} {case.app:24} "
                      f"{sample['rps']:7.0f} req/s  p50 {sample['p50_ms']:6.2f} ms  "
                      f"p99 {sample['p99_ms']:7.2f} ms  load {os.getloadavg()[0]:.2f}",
                      flush=True)  # fmt: skip
    print(f"\nwrk -t1 -c{CONNECTIONS}, {ROUNDS} rounds of {SECONDS:g} s after a {WARMUP:g} s warm-up; "
          f"medians over rounds; load average after: {os.getloadavg()[0]:.2f}")  # fmt: skip
    return [wrk_run.row(case.app, case.operation, runs) for case, runs in samples.items()]


def table(rows: list[dict[str, object]]) -> str:
    """Each row's req/s beside its operation's first row (SQLite for placeOrder, one worker for the
    accounts' spread)."""
    lines = [
        "| operation | app | req/s | p50 ms | p99 ms | req/s vs first |",
        "|---|---|---:|---:|---:|---:|",
    ]
    first: dict[object, float] = {}
    for r in rows:
        rps = float(r["rps"])  # type: ignore[arg-type]
        base = first.setdefault(r["operation"], rps)
        lines.append(
            f"| {r['operation']} | {r['app']} | {rps:,.0f} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} "
            f"| {rps / base:.2f} |"
        )
    return "\n".join(lines)
