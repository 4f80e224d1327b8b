"""Crashes lose nothing acknowledged and double nothing: a trader places 2,000 orders while the server is
SIGKILLed 20 times inside its requests and started again on the same store, once on a SQLite file (one
process) and once on PostgreSQL (`serve --workers 2`, the parent and both workers killed together).

Afterwards (one more, clean, restart) every order answered with 201 is there exactly once and as it was
sent, every acknowledged cancel held, an order sent without an answer exists at most once, each position
is the signed sum of its symbol's executions, each filled order has exactly one execution, and the balance
is the starting cash plus the executions' cash plus what the positions hold.
"""

from __future__ import annotations

import math
import random
import sqlite3
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psycopg

from tests.keys import AUTH
from tests.listing import FINAL, every_order
from tests.store.crash_trader import MARKET, SYMBOLS, Killer, Order, Tally, Trader
from tests.store.crashing import CrashingServer
from tests.store.pg import url_with_schema

ORDERS = 2000
KILLS = 20
STARTING_CASH = 100000.0
COMMISSION = 0.01
SETTINGS = {
    "PAPERBROKER_MARKET": "false",
    "PAPERBROKER_STARTING_CASH": "100000",
    "PAPERBROKER_COMMISSION_PER_UNIT": "0.01",
    "PAPERBROKER_RATE_LIMIT": "off",  # one trader sends thousands of requests a minute
}
CANCELED, FILLED, WORKING = 1, 2, 6
TOLERANCE = 1e-6
"""Money travels as JSON floats; the sums below are exact decimals inside, within this after conversion."""


@dataclass(frozen=True)
class Run:
    """What one crash run did, for the report and for the assertions on the run itself."""

    tally: Tally
    kills: int
    in_flight_kills: int
    starts: int
    seconds: float
    starting_seconds: float


def kill_schedule(rng: random.Random) -> frozenset[int]:
    """KILLS order numbers spread over the run: one in each equal slice, at a random place inside it."""
    width = ORDERS / (KILLS + 1)
    return frozenset(int(width * (k + 1) + rng.uniform(-0.4, 0.4) * width) for k in range(KILLS))


def crash_run(server: CrashingServer, seed: int) -> Run:
    started = time.monotonic()
    server.start()
    trader = Trader(server, seed)
    with Killer(server, trader, seed + 1) as killer:
        tally = trader.run(ORDERS, kill_schedule(random.Random(seed + 2)), killer)
    server.stop()
    server.start()  # once more, cleanly, to read the books as a restart finds them
    seconds = time.monotonic() - started
    return Run(tally, server.kills, killer.in_flight_kills, server.starts, seconds, server.starting_seconds)


def report(store: str, run: Run, stored: int, executions: int) -> None:
    tally = run.tally
    print(
        f"\n{store}: {ORDERS} orders sent, {len(tally.placed)} acknowledged ({len(tally.market)} market),"
        f" {stored - len(tally.placed)} of the {len(tally.unanswered)} unanswered kept,"
        f" {len(tally.canceled)} cancels acknowledged, {tally.quotes} quotes, {run.kills} kills"
        f" ({run.in_flight_kills} inside a request), {run.starts - 1} restarts, {tally.failures} requests"
        f" failed, {executions} fills, {run.seconds:.1f} s ({run.starting_seconds:.1f} s of them starting)"
    )


def assert_run_was_a_crash_test(run: Run) -> None:
    assert run.kills == KILLS
    assert run.in_flight_kills == KILLS, "a kill landed between requests instead of inside one"
    assert run.starts == KILLS + 2
    assert run.tally.failures >= KILLS, "each kill fails the request it lands in"
    assert len(run.tally.placed) + len(run.tally.unanswered) == ORDERS


def order_key(order: Order) -> tuple[Any, ...]:
    return (order["symbol"], order["type"], order["side"], order["qty"], order.get("limitPrice"))


def signed(side: int, qty: float) -> float:
    return qty if side > 0 else -qty


def audit(base: str, tally: Tally) -> tuple[dict[str, Order], list[dict[str, Any]]]:
    """Check the books through the API; return the stored orders by id and every execution.

    The stored orders are the pending ones plus the whole history walked page by page (getOrders lists only
    the newest final orders): each id once across both, each acknowledged one among them."""
    with httpx.Client(base_url=f"{base}/api/v1", headers=AUTH, timeout=30) as http:

        def get(path: str, **params: Any) -> Any:
            response = http.get(path, params=params)
            assert response.status_code == 200, f"{path}: {response.status_code} {response.text}"
            return response.json()

        book = every_order(http)
        ids = book.ids
        assert len(ids) == len(set(ids)), f"pending and history list ids twice: {_twice(ids)}"
        stored = {order["id"]: order for order in book.orders}
        for order_id, body in tally.placed.items():
            assert get(f"/broker/orders/{order_id}") == stored.get(order_id), f"order {order_id} lost"
            assert order_key(stored[order_id]) == order_key(body), f"order {order_id} is not what was sent"
        _assert_unanswered_exist_at_most_once(stored, tally)
        _assert_statuses(stored, tally)

        window: list[Order] = get("/broker/orders")  # getOrders unfiltered: every pending order, as stored
        assert all(stored.get(order["id"]) == order for order in window), "getOrders and the walk differ"
        pending = {order["id"] for order in window if order["status"] not in FINAL}
        assert pending == {order["id"] for order in book.pending}

        executions = {symbol: get(f"/broker/executions/{symbol}") for symbol in SYMBOLS}
        positions = {position["symbol"]: position for position in get("/broker/positions")}
        _assert_positions(stored, executions, positions)
        _assert_balance(get("/broker/account"), executions, positions)
    return stored, [execution for fills in executions.values() for execution in fills]


def _twice(ids: Iterable[str]) -> list[str]:
    return [order_id for order_id, n in Counter(ids).items() if n > 1]


def _assert_unanswered_exist_at_most_once(stored: dict[str, Order], tally: Tally) -> None:
    """An order the service holds but never acknowledged must be one a failed request sent, once each."""
    sent = Counter(order_key(body) for body in tally.unanswered)
    for order_id, order in stored.items():
        if order_id in tally.placed:
            continue
        key = order_key(order)
        assert sent[key] > 0, f"order {order_id} {key} exists but was never sent without an answer"
        sent[key] -= 1


def _assert_statuses(stored: dict[str, Order], tally: Tally) -> None:
    for order_id in tally.market:
        order = stored[order_id]
        assert order["status"] == FILLED, order
        assert order["filledQty"] == order["qty"], order
    canceled = set(tally.canceled)
    for order_id, order in stored.items():
        if order_id in canceled:
            assert order["status"] == CANCELED, order
        elif order["type"] != MARKET:  # resting, or canceled by a request that died before its answer
            assert order["status"] in {WORKING, CANCELED}, order


def _assert_positions(
    stored: dict[str, Order],
    executions: dict[str, list[dict[str, Any]]],
    positions: dict[str, dict[str, Any]],
) -> None:
    """Each filled order has its execution (counts and signed sums agree per symbol), each position is the
    signed sum of its symbol's executions, and a flat symbol has no position."""
    filled: defaultdict[str, list[Order]] = defaultdict(list)
    for order in stored.values():
        if order["status"] == FILLED:
            filled[order["symbol"]].append(order)
    assert positions.keys() <= set(SYMBOLS)
    for symbol in SYMBOLS:
        fills = executions[symbol]
        assert len(fills) == len(filled[symbol]), f"{symbol}: executions and filled orders differ"
        net = sum(signed(fill["side"], fill["qty"]) for fill in fills)
        assert net == sum(signed(order["side"], order["filledQty"]) for order in filled[symbol])
        position = positions.get(symbol)
        held = 0.0 if position is None else signed(position["side"], position["qty"])
        assert held == net, f"{symbol}: position {held}, executions sum to {net}"
        if position is not None:
            assert held != 0


def _assert_balance(
    account: dict[str, Any],
    executions: dict[str, list[dict[str, Any]]],
    positions: dict[str, dict[str, Any]],
) -> None:
    """Balance = starting cash + the cash every fill moved + the cost of what is still held; realized P&L is
    that balance less the starting cash, with the commissions (one per unit filled) added back."""
    fills = [fill for symbol in SYMBOLS for fill in executions[symbol]]
    cash = STARTING_CASH + math.fsum(fill["netAmount"] for fill in fills)
    cost = math.fsum(signed(p["side"], p["qty"]) * p["avgPrice"] for p in positions.values())
    commissions = math.fsum(fill["commission"] for fill in fills)
    assert math.isclose(commissions, COMMISSION * sum(fill["qty"] for fill in fills), abs_tol=TOLERANCE)
    assert math.isclose(account["balance"], cash + cost, abs_tol=TOLERANCE), (account, cash, cost)
    realized = account["balance"] - STARTING_CASH + commissions
    assert math.isclose(account["realizedPnl"], realized, abs_tol=TOLERANCE), account


def assert_each_filled_order_booked_once(order_ids: list[str], stored: dict[str, Order]) -> None:
    """From the store's own executions table: no order executed twice, every execution's order filled."""
    assert len(order_ids) == len(set(order_ids)), f"orders executed twice: {_twice(order_ids)}"
    assert set(order_ids) == {order_id for order_id, order in stored.items() if order["status"] == FILLED}


def test_sigkill_during_requests_loses_no_acknowledged_order_on_sqlite(tmp_path: Path) -> None:
    db = tmp_path / "crash.db"
    server = CrashingServer(["--db", str(db)], SETTINGS, tmp_path / "serve.log")
    try:
        run = crash_run(server, seed=11)
        stored, executions = audit(server.base, run.tally)
    finally:
        server.stop()
    report("SQLite", run, len(stored), len(executions))
    assert_run_was_a_crash_test(run)
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        booked = [row[0] for row in conn.execute("SELECT order_id FROM executions")]
    assert_each_filled_order_booked_once(booked, stored)


def test_sigkill_of_two_workers_loses_no_acknowledged_order_on_postgresql(
    tmp_path: Path, pg_dsn: str, pg_schema: str
) -> None:
    db = url_with_schema(pg_dsn, pg_schema)
    server = CrashingServer(["--workers", "2", "--db", db], SETTINGS, tmp_path / "serve.log")
    try:
        run = crash_run(server, seed=12)
        stored, executions = audit(server.base, run.tally)
    finally:
        server.stop()
    report("PostgreSQL, 2 workers", run, len(stored), len(executions))
    assert_run_was_a_crash_test(run)
    with psycopg.connect(db) as conn:
        booked = [row[0] for row in conn.execute("SELECT order_id FROM executions")]
    assert_each_filled_order_booked_once(booked, stored)
