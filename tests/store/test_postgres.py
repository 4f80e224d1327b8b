"""What only the PostgreSQL store has: several processes writing at once, the query plan of the waiting
orders, the ticker lock, and `paperbroker serve --workers 2` over it (the shared behaviours:
test_behaviour.py, which runs them on this store too)."""

from __future__ import annotations

import json
import multiprocessing
import random
import threading
import time
from decimal import Decimal
from typing import Any

import httpx
import psycopg
import pytest

from paperbroker.broker import Broker, BrokerConfig
from paperbroker.engine.errors import BrokerError
from paperbroker.engine.model import NewOrder, Order, OrderStatus, OrderType, Quote, Side
from paperbroker.engine.numbers import to_decimal
from paperbroker.store.postgres import (
    _TICKER_LOCK,
    _TRANSACTION_LOCK,
    _WAITING,
    PostgresStore,
    SessionLock,
    _account_key,
)
from tests.events.sse import AUTH, KEY
from tests.live import running
from tests.store.books import assert_books_agree
from tests.store.pg import fresh_schema, url_with_schema

SYMBOLS = ("AAA", "BBB")
CONFIG = BrokerConfig(commission_per_unit=Decimal("0.01"))


def trade(dsn: str, schema: str, seed: int, steps: int) -> list[str]:
    """One writer process: market and limit orders, cancels and quotes, as a worker serving traders would."""
    rng = random.Random(seed)
    store = PostgresStore(dsn, schema=schema)
    broker = Broker(store, CONFIG)
    placed: list[str] = []
    for _ in range(steps):
        symbol = rng.choice(SYMBOLS)
        side = rng.choice(list(Side))
        qty = Decimal(rng.randint(1, 5))
        roll = rng.random()
        try:
            if roll < 0.45:
                placed.append(broker.place_order(NewOrder(symbol, OrderType.Market, side, qty)).id)
            elif roll < 0.8:
                price = to_decimal(round(rng.uniform(98, 102), 2))
                order = NewOrder(symbol, OrderType.Limit, side, qty, limit_price=price)
                placed.append(broker.place_order(order).id)
            elif roll < 0.9 and placed:
                broker.cancel_order(rng.choice(placed))
            else:
                bid = to_decimal(round(rng.uniform(97, 103), 2))
                broker.set_quote(symbol, bid, bid + Decimal("0.05"))
        except BrokerError:
            pass  # canceling a filled order: refused, and the books must still agree
    store.close()
    return placed


def test_processes_writing_at_once_lose_nothing(pg_dsn: str, pg_schema: str) -> None:
    store = PostgresStore(pg_dsn, schema=pg_schema)
    broker = Broker(store, CONFIG)
    for symbol in SYMBOLS:
        broker.set_quote(symbol, Decimal("99.95"), Decimal("100.05"))
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        results = pool.starmap(trade, [(pg_dsn, pg_schema, seed, 150) for seed in range(4)])
    placed = [order_id for ids in results for order_id in ids]
    assert len(placed) > 400
    assert_books_agree(broker, SYMBOLS, placed)
    assert any(order.status is OrderStatus.Filled for order in broker.list_orders())
    store.close()


def test_the_waiting_orders_query_searches_the_index_on_postgresql(pg_dsn: str, pg_schema: str) -> None:
    store = PostgresStore(pg_dsn, schema=pg_schema)
    rng = random.Random(1)
    with store.transaction() as ledger:
        for n in range(4000):
            status = OrderStatus.Working if n % 10 == 0 else OrderStatus.Filled
            order_type = rng.choice([OrderType.Limit, OrderType.Stop])
            price = to_decimal(round(rng.uniform(50, 150), 2))
            ledger.add_order(
                Order(
                    str(n), rng.choice(["AAPL", "MSFT", "GOOG"]), order_type, rng.choice(list(Side)),
                    Decimal(1), status, 0, limit_price=price if order_type is OrderType.Limit else None,
                    stop_price=price if order_type is OrderType.Stop else None,
                )
            )  # fmt: skip
    with store.connect() as conn:
        conn.execute("ANALYZE orders")
        row = conn.execute(
            f"EXPLAIN (FORMAT JSON) {_WAITING}", {"symbol": "AAPL", "bid": 99.0, "ask": 101.0}
        ).fetchone()
    assert row is not None
    plan = row[0] if isinstance(row[0], list) else json.loads(row[0])

    def nodes(node: dict[str, Any]) -> list[dict[str, Any]]:
        return [node, *(n for child in node.get("Plans", []) for n in nodes(child))]

    scans = [n for n in nodes(plan[0]["Plan"]) if n.get("Relation Name") == "orders" or "Index Name" in n]
    # One index range per (side, trigger kind) branch; never a scan of the whole table.
    assert [n.get("Index Name") for n in scans] == ["orders_waiting"] * 4, scans
    assert all("trigger_price" in n.get("Index Cond", "") for n in scans), scans
    with store.transaction() as ledger:
        waiting = ledger.orders_waiting_on(Quote("AAPL", Decimal(99), Decimal(101), Decimal(100), 0))
    assert waiting and all(
        order.symbol == "AAPL" and order.status is OrderStatus.Working for order in waiting
    )
    store.close()


def test_one_process_at_a_time_holds_the_ticker_lock(pg_dsn: str, pg_schema: str) -> None:
    first, second = PostgresStore(pg_dsn, schema=pg_schema), PostgresStore(pg_dsn, schema=pg_schema)
    with fresh_schema(pg_dsn) as other_schema:  # another schema is another service: its own market
        elsewhere = PostgresStore(url_with_schema(pg_dsn, other_schema))
        _hold_the_ticker_lock_in_turn(first, second, elsewhere)


def _hold_the_ticker_lock_in_turn(
    first: PostgresStore, second: PostgresStore, elsewhere: PostgresStore
) -> None:
    mine, theirs, other = first.ticker_lock(), second.ticker_lock(), elsewhere.ticker_lock()
    assert isinstance(mine, SessionLock)
    try:
        assert mine.acquire()
        assert mine.acquire()  # again: still held
        assert not theirs.acquire()
        assert other.acquire()
        mine.release()  # as when the ticking worker exits: its session ends
        assert theirs.acquire()
        assert not mine.acquire()
    finally:
        for lock in (mine, theirs, other):
            lock.release()
        for store in (first, second, elsewhere):
            store.close()


def test_two_workers_serve_one_set_of_books_and_one_market(pg_dsn: str, pg_schema: str) -> None:
    """`paperbroker serve --workers 2 --db postgresql://...`: orders placed at once through both workers."""
    env = {
        "PAPERBROKER_MARKET_SYMBOLS": ",".join(SYMBOLS),
        "PAPERBROKER_MARKET_INTERVAL": "0.05",
        "PAPERBROKER_COMMISSION_PER_UNIT": "0.01",
        "PAPERBROKER_LOCAL_KEY": KEY,
    }
    db = url_with_schema(pg_dsn, pg_schema)
    placed: list[str] = []
    errors: list[str] = []

    def client(seed: int, base: str) -> None:
        rng = random.Random(seed)
        with httpx.Client(base_url=f"{base}/api/v1", timeout=30, headers=AUTH) as http:
            for _ in range(40):
                body: dict[str, Any] = {"symbol": rng.choice(SYMBOLS), "side": rng.choice([1, -1]), "qty": 2}
                if rng.random() < 0.5:
                    body["type"] = 2
                else:
                    quote = http.get("/market/quotes", params={"symbols": body["symbol"]}).json()[0]
                    body |= {"type": 1, "limitPrice": round(quote["bid"] + rng.uniform(-0.5, 0.5), 2)}
                response = http.post("/broker/orders", json=body)
                if response.status_code == 201:
                    placed.append(response.json()["orderId"])
                else:
                    errors.append(response.text)

    with running("serve", ["--workers", "2", "--db", db], env=env) as base:
        threads = [threading.Thread(target=client, args=(seed, base)) for seed in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        store = PostgresStore(pg_dsn, schema=pg_schema)
        with psycopg.connect(pg_dsn) as conn:
            holders = conn.execute(
                "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted"
                " AND classid = %s AND objid = %s AND objsubid = 2",
                (_TICKER_LOCK, store.lock_key & 0xFFFFFFFF),
            ).fetchall()
        assert len(holders) == 1, "exactly one worker ticks the market"
    assert errors == []
    assert len(placed) == 240
    broker = Broker(store, CONFIG)
    assert_books_agree(broker, SYMBOLS, placed)
    store.close()


def test_a_snapshot_does_not_wait_for_a_writer(pg_dsn: str, pg_schema: str) -> None:
    store = PostgresStore(pg_dsn, schema=pg_schema)
    writing = threading.Event()
    release = threading.Event()

    def long_write() -> None:
        with store.transaction():
            writing.set()
            release.wait(timeout=10)

    writer = threading.Thread(target=long_write)
    writer.start()
    try:
        assert writing.wait(timeout=10)
        done = threading.Event()

        def read_all() -> None:
            with store.snapshot() as ledger:
                ledger.list_orders()
            done.set()

        read = threading.Thread(target=read_all)
        read.start()
        assert done.wait(timeout=5), "a snapshot queued behind the writer's lock"
        read.join()
    finally:
        release.set()
        writer.join()
        store.close()


def _wait_until_waiting(store: PostgresStore, account_id: str | None) -> None:
    """Until a transaction waits for the account's advisory lock (or the market's, for None)."""
    if account_id is None:
        classid, objid, objsubid = _TRANSACTION_LOCK, store.lock_key % 2**32, 2
    else:
        key = _account_key(store.schema_name, account_id) % 2**64
        classid, objid, objsubid = key >> 32, key % 2**32, 1
    query = (
        "SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
        " AND classid = %s AND objid = %s AND objsubid = %s"
    )
    deadline = time.monotonic() + 10
    with store.connect() as conn:
        while not conn.execute(query, (classid, objid, objsubid)).fetchone():
            assert time.monotonic() < deadline, f"nobody waited for the lock of {account_id}"
            time.sleep(0.01)


@pytest.mark.parametrize("second", ["alice", None], ids=["the same account", "the market"])
def test_two_accounts_write_at_once_while_one_account_and_the_market_take_turns(
    pg_dsn: str, pg_schema: str, second: str | None
) -> None:
    store = PostgresStore(pg_dsn, schema=pg_schema, max_connections=4)
    inside, release = threading.Event(), threading.Event()
    committed: list[str | None] = []

    def hold_alice() -> None:
        with store.transaction("alice") as ledger:
            ledger.add_event("order", "{}")
            inside.set()
            assert release.wait(10)
        committed.append("alice")

    def write(account_id: str | None) -> None:
        with store.transaction(account_id) as ledger:
            ledger.add_event("order" if account_id else "quote", "{}")
        committed.append(account_id)

    holder = threading.Thread(target=hold_alice)
    waiting = threading.Thread(target=write, args=(second,))
    holder.start()
    try:
        assert inside.wait(10)
        write("bob")  # on a second connection, while alice's transaction is open: it does not wait
        assert committed == ["bob"]
        waiting.start()
        _wait_until_waiting(store, second)
        assert committed == ["bob"], "alice's open transaction holds up the second write"
    finally:
        release.set()
        holder.join(10)
        if waiting.is_alive() or waiting.ident is not None:
            waiting.join(10)
        store.close()
    assert committed == ["bob", "alice", second]
