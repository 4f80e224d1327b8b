"""Four accounts trading at once through `serve --workers 2` (SQLite file and PostgreSQL): 16 clients send
2,000 mixed requests while an admin moves the quotes; afterwards every account's books must reconcile from
its own executions, and no account may see another's orders."""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from pathlib import Path
from typing import Any

import httpx
import pytest

from paperbroker.accounts.directory import open_directory
from paperbroker.accounts.registry import Accounts
from paperbroker.app import build_broker
from paperbroker.engine.numbers import CONTEXT
from paperbroker.process import running
from paperbroker.settings import Settings
from tests.listing import every_order
from tests.store.pg import fresh_schema, postgres_dsn, url_with_schema

ACCOUNTS = ("acct0", "acct1", "acct2", "acct3")
CLIENTS = 16
REQUESTS = 2_000
SYMBOLS = ("AAPL", "MSFT")
STARTING_CASH = Decimal(100_000)
EXPECTED = {200, 201, 404, 409}
"""404: no such position (closed meanwhile); 409: an order that filled or was canceled meanwhile."""
FILLED, CANCELED = 2, 1


def create_accounts(db: str) -> tuple[str, dict[str, str]]:
    """An admin user and the four traders, made in the store as `paperbroker accounts create` makes them
    (in this process, which saves five interpreter start-ups); their keys, shown once."""
    broker = build_broker(Settings(db=db))
    directory = open_directory(db)
    try:
        accounts = Accounts(directory, broker)
        admin = accounts.create("admin", admin=True).key
        keys = {name: accounts.create(name).key for name in ACCOUNTS}
    finally:
        directory.close()
        broker.store.close()
    assert admin is not None and all(keys.values())
    return admin, {name: key for name, key in keys.items() if key is not None}


@dataclass
class Exchange:
    base: str
    admin: str
    keys: dict[str, str]


@pytest.fixture(params=["sqlite", "postgres"])
def exchange(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Exchange]:
    postgres = request.param == "postgres"
    with fresh_schema(postgres_dsn()) if postgres else nullcontext() as schema:
        db = str(tmp_path / "broker.db") if schema is None else url_with_schema(postgres_dsn(), schema)
        admin, keys = create_accounts(db)  # before the server starts: its first start finds these users
        args = ["--db", db, "--workers", "2", "--no-market"]
        env = {"PAPERBROKER_RATE_LIMIT": "1000000"}
        with running("serve", args, env=env, log=tmp_path / "serve.log") as base:
            yield Exchange(base, admin, keys)


@dataclass
class Record:
    """What the clients saw: every status by operation, and the ids each account's requests created."""

    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)
    created: dict[str, set[str]] = field(default_factory=lambda: {name: set() for name in ACCOUNTS})
    lock: threading.Lock = field(default_factory=threading.Lock)

    def saw(self, operation: str, response: httpx.Response, account: str | None = None) -> None:
        with self.lock:
            self.statuses[(operation, response.status_code)] += 1
            if account is not None and response.status_code == 201:
                body = response.json()
                self.created[account].add(body.get("orderId") or body["id"])

    def some_created(self, account: str, rng: random.Random) -> str | None:
        with self.lock:
            ids = sorted(self.created[account])
        return rng.choice(ids) if ids else None


def trade(exchange: Exchange, index: int, count: int, record: Record) -> None:
    """One client: `count` requests for one account (client i trades account i % 4), seeded by i."""
    rng = random.Random(index)
    account = ACCOUNTS[index % len(ACCOUNTS)]
    others = [name for name in ACCOUNTS if name != account]
    own = {"Authorization": f"Bearer {exchange.keys[account]}"}
    admin = {"Authorization": f"Bearer {exchange.admin}"}
    with httpx.Client(base_url=f"{exchange.base}/api/v1", headers=own, timeout=30) as client:
        for _ in range(count):
            symbol = rng.choice(SYMBOLS)
            side = rng.choice((1, -1))
            qty = rng.randint(1, 5)
            price = round(rng.uniform(99, 101), 2)
            roll = rng.random()
            if roll < 0.15:
                order = {"symbol": symbol, "type": 2, "side": side, "qty": qty}
                record.saw("placeMarket", client.post("/broker/orders", json=order), account)
            elif roll < 0.35:
                order = {"symbol": symbol, "type": 1, "side": side, "qty": qty, "limitPrice": price}
                record.saw("placeLimit", client.post("/broker/orders", json=order), account)
            elif roll < 0.50:
                bid = round(rng.uniform(99, 101), 2)
                quote = {"bid": bid, "ask": round(bid + 0.02, 2)}
                record.saw("setQuote", client.put(f"/sim/quotes/{symbol}", json=quote, headers=admin))
            elif roll < 0.58:
                order_id = record.some_created(account, rng)
                record.saw("modifyOrder", client.put(f"/broker/orders/{order_id or 0}", json={"qty": qty}))
            elif roll < 0.66:
                order_id = record.some_created(account, rng)
                record.saw("cancelOrder", client.delete(f"/broker/orders/{order_id or 0}"))
            elif roll < 0.69:
                body = {"symbol": symbol, "side": side}
                record.saw("cancelOrders", client.post("/broker/order-cancellations", json=body))
            elif roll < 0.73:
                record.saw("closePosition", client.post(f"/broker/positions/{symbol}/close"), account)
            elif roll < 0.76:
                record.saw("reversePosition", client.post(f"/broker/positions/{symbol}/reverse"), account)
            elif roll < 0.81:
                other = rng.choice(others)
                order_id = record.some_created(other, rng)
                record.saw("getOrderOfAnother", client.get(f"/broker/orders/{order_id or 0}"))
            else:
                path = rng.choice(
                    ("/broker/orders", "/broker/positions", f"/broker/executions/{symbol}", "/broker/account")
                )
                record.saw(f"GET {path}", client.get(path))


def realized_of(executions: list[dict[str, Any]]) -> tuple[Decimal, Decimal]:
    """The net position and realized P&L of one symbol's fills, oldest first, on the engine's rule: the
    weighted average price in; against the position, the closed part realizes (price - average) * qty.
    In the engine's decimal context, so an average that does not terminate is rounded where it rounds it."""
    with localcontext(CONTEXT):
        return _realized_of(executions)


def _realized_of(executions: list[dict[str, Any]]) -> tuple[Decimal, Decimal]:
    held, average, realized = Decimal(0), Decimal(0), Decimal(0)
    for execution in executions:
        qty = Decimal(str(execution["qty"])) * execution["side"]
        price = Decimal(str(execution["price"]))
        if held == 0 or (held > 0) == (qty > 0):
            average = (held * average + qty * price) / (held + qty)
            held += qty
            continue
        closed = min(abs(held), abs(qty))
        realized += closed * (price - average) * (1 if held > 0 else -1)
        remaining = held + qty
        if remaining != 0 and (remaining > 0) != (held > 0):
            average = price
        held = remaining
    return held, realized


def books_of(base: str, key: str) -> dict[str, Any]:
    """An account's books; "orders" are its pending orders plus its whole history (getOrders is bounded)."""
    with httpx.Client(base_url=f"{base}/api/v1", headers={"Authorization": f"Bearer {key}"}) as client:
        orders = every_order(client).orders
        answers = {
            "positions": client.get("/broker/positions"),
            "account": client.get("/broker/account"),
            **{symbol: client.get(f"/broker/executions/{symbol}") for symbol in SYMBOLS},
        }
    for name, answer in answers.items():
        assert answer.status_code == 200, (name, answer.text)
    return {"orders": orders, **{name: answer.json() for name, answer in answers.items()}}


def test_four_accounts_trading_at_once_keep_separate_consistent_books(exchange: Exchange) -> None:
    record = Record()
    started = time.monotonic()
    with ThreadPoolExecutor(CLIENTS) as pool:
        share = REQUESTS // CLIENTS
        for job in [pool.submit(trade, exchange, index, share, record) for index in range(CLIENTS)]:
            job.result(timeout=120)
    duration = time.monotonic() - started

    assert sorted({status for _, status in record.statuses} - EXPECTED) == [], record.statuses
    assert all(status == 404 for (name, status) in record.statuses if name == "getOrderOfAnother")

    books = {name: books_of(exchange.base, key) for name, key in exchange.keys.items()}
    all_ids = [order["id"] for book in books.values() for order in book["orders"]]
    assert len(all_ids) == len(set(all_ids)), "an order id in two accounts (or twice in one)"
    fills = 0
    for name, book in books.items():
        assert {order["id"] for order in book["orders"]} == record.created[name], name
        for order in book["orders"]:
            if order["status"] == CANCELED:
                assert order["filledQty"] == 0, order
            if order["status"] == FILLED:
                assert order["filledQty"] == order["qty"], order
        positions = {p["symbol"]: Decimal(str(p["qty"])) * p["side"] for p in book["positions"]}
        realized = commissions = Decimal(0)
        for symbol in SYMBOLS:
            executions = book[symbol]
            filled = [o for o in book["orders"] if o["symbol"] == symbol and o["status"] == FILLED]
            assert len(executions) == len(filled), (name, symbol)
            signed_fills = sum(Decimal(str(o["filledQty"])) * o["side"] for o in filled)
            held, gained = realized_of(executions)
            assert held == signed_fills == positions.get(symbol, 0), (name, symbol)
            realized += gained
            commissions += sum(Decimal(str(e.get("commission", 0))) for e in executions)
            fills += len(executions)
        account = book["account"]
        # the JSON numbers are the engine's exact decimals rounded to floats: so are these
        assert account["realizedPnl"] == float(realized), name
        assert account["balance"] == float(
            CONTEXT.subtract(CONTEXT.add(STARTING_CASH, realized), commissions)
        ), name

    with httpx.Client(base_url=f"{exchange.base}/api/v1") as client:
        for name, key in exchange.keys.items():
            foreign = [
                order["id"] for other, book in books.items() if other != name for order in book["orders"]
            ]
            for order_id in foreign[:: max(1, len(foreign) // 25)]:
                answer = client.get(f"/broker/orders/{order_id}", headers={"Authorization": f"Bearer {key}"})
                assert answer.status_code == 404, (name, order_id)

    sent = sum(record.statuses.values())
    by_status = Counter({status: 0 for status in EXPECTED})
    for (_, status), times in record.statuses.items():
        by_status[status] += times
    print(
        f"\nconcurrency: {sent} requests, {len(all_ids)} orders, {fills} fills,"
        f" statuses {dict(sorted(by_status.items()))}, {duration:.1f} s"
    )
