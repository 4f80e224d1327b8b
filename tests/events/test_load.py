"""The stream under load: `serve --workers 2` on PostgreSQL, 8 clients placing and canceling 500 orders
while 20 subscribers listen. Every subscriber gets the same events, each once and in id order, and each
order's last `order` event is the order as getOrder returns it afterwards."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson

from tests.events.sse import AUTH, events, payload
from tests.live import running
from tests.store.pg import fresh_schema, postgres_dsn, url_with_schema

ORDERS = 500
CLIENTS = 8
SUBSCRIBERS = 20
SYMBOLS = ("LOADA", "LOADB")
MARK = "LOADMARK"
"""The only symbol the subscribers stream quotes of: its quotes are the first and the last change."""
FIRST = {"bid": 1, "ask": 2}
LAST = {"bid": 3, "ask": 4}
TIMEOUT = 30.0
"""The longest any one wait (a connection, a read, a thread) may take."""
HEARTBEAT = "0.2"
"""Seconds between keep-alives: a stream idle past the test's end still sends bytes (and is read)."""
MAX_RESUMES = 20

Event = dict[str, str]


@dataclass
class Listened:
    """One subscriber's events, and how many times it resumed a stream the server ended early."""

    events: list[Event] = field(default_factory=list)
    resumed: int = 0


@dataclass
class Placed:
    """What one client did: the orders it placed, those it canceled and those it sent at the market."""

    orders: list[str] = field(default_factory=list)
    canceled: list[str] = field(default_factory=list)
    market: list[str] = field(default_factory=list)


def _is_last(event: Event) -> bool:
    return event["event"] == "quote" and orjson.loads(event["data"])["bid"] == LAST["bid"]


def _listen(url: str, listening: threading.Event) -> Listened:
    """Reads the stream from before the first change to the last, resuming as EventSource does.

    A stream is open at `: connected`: every change committed after that line reaches it (see
    test_connect.py). A stream the server ends early (it drops a subscriber that falls behind) is resumed
    from the last id.
    """
    listened = Listened()
    while listened.resumed <= MAX_RESUMES:
        resume = {"Last-Event-ID": listened.events[-1]["id"]} if listened.events else {}
        with httpx.stream(
            "GET", url, params={"symbols": MARK}, headers={**AUTH, **resume}, timeout=TIMEOUT
        ) as response:
            assert response.status_code == 200
            lines = response.iter_lines()
            assert next(lines) == ": connected"
            listening.set()
            for event in events(lines):
                listened.events.append(event)
                if _is_last(event):
                    return listened
        assert listened.events, "the stream ended before its first event, with no id to resume from"
        listened.resumed += 1
    raise AssertionError(f"the stream ended early {listened.resumed} times")


def _order(n: int) -> dict[str, Any]:
    """Order n: every fifth at the market (buys and sells in turn), the rest limits far from the quote."""
    symbol = SYMBOLS[n % 2]
    if n % 5 == 0:
        return {"symbol": symbol, "type": 2, "side": 1 if n // 10 % 2 == 0 else -1, "qty": 1}
    if n % 2 == 0:
        return {"symbol": symbol, "type": 1, "side": 1, "qty": 1 + n % 3, "limitPrice": 50 + n % 7 / 100}
    return {"symbol": symbol, "type": 1, "side": -1, "qty": 1 + n % 3, "limitPrice": 150 - n % 7 / 100}


def _trade(api: str, first: int) -> Placed:
    """Places orders first, first + CLIENTS, ...; cancels three limits in four right after placing them."""
    placed = Placed()
    with httpx.Client(base_url=api, timeout=TIMEOUT, headers=AUTH) as client:
        for n in range(first, ORDERS, CLIENTS):
            order = _order(n)
            response = client.post("/broker/orders", json=order)
            assert response.status_code == 201, response.text
            order_id = response.json()["orderId"]
            placed.orders.append(order_id)
            if order["type"] == 2:
                placed.market.append(order_id)
            elif n % 5 != 4:
                canceled = client.delete(f"/broker/orders/{order_id}")
                assert canceled.status_code == 200, canceled.text
                assert canceled.json()["status"] == 1
                placed.canceled.append(order_id)
    return placed


def _quote(api: str, symbol: str, quote: dict[str, int]) -> None:
    assert (
        httpx.put(f"{api}/sim/quotes/{symbol}", json=quote, timeout=TIMEOUT, headers=AUTH).status_code == 200
    )


def _load(api: str) -> tuple[list[Listened], list[Placed]]:
    """Opens every stream, trades from every client, and returns what each read and did."""
    for symbol in SYMBOLS:
        _quote(api, symbol, {"bid": 100, "ask": 101})
    listening = [threading.Event() for _ in range(SUBSCRIBERS)]
    with ThreadPoolExecutor(SUBSCRIBERS + CLIENTS) as pool:
        subscribers = [pool.submit(_listen, f"{api}/broker/events", ready) for ready in listening]
        try:
            for ready, subscriber in zip(listening, subscribers, strict=True):
                if not ready.wait(TIMEOUT):
                    if subscriber.done():
                        subscriber.result()  # raises its failure
                    raise AssertionError("a subscriber never got to listening")
            _quote(api, MARK, FIRST)
            clients = [pool.submit(_trade, api, first) for first in range(CLIENTS)]
            placed = [client.result(TIMEOUT * 2) for client in clients]
        finally:
            _quote(api, MARK, LAST)  # even after a failure: keep-alives would keep the streams open forever
        return [subscriber.result(TIMEOUT) for subscriber in subscribers], placed


def test_every_subscriber_gets_every_change_of_eight_clients_once_in_order_on_postgresql() -> None:
    dsn = postgres_dsn()
    flags = ["--workers", "2", "--no-market", "--event-heartbeat", HEARTBEAT]
    with (
        fresh_schema(dsn) as schema,
        running("serve", [*flags, "--db", url_with_schema(dsn, schema)]) as base,
    ):
        api = f"{base}/api/v1"
        listened, placed = _load(api)
        streamed = listened[0].events
        for subscriber in listened:
            ids = [int(event["id"]) for event in subscriber.events]
            assert ids == sorted(set(ids)), "ids strictly increase"
            assert subscriber.events == streamed, "every subscriber got the same events"
        changes = [(event["event"], payload(event)) for event in streamed]
        assert changes[0] == ("quote", {**changes[0][1], "symbol": MARK, **FIRST})
        assert "resync" not in {kind for kind, _ in changes}

        orders = [order_id for client in placed for order_id in client.orders]
        last = {data["id"]: data for kind, data in changes if kind == "order"}
        assert len(orders) == ORDERS
        assert set(last) == set(orders), "every order placed, and no other, has events"
        with httpx.Client(base_url=api, timeout=TIMEOUT, headers=AUTH) as client:
            for order_id in orders:
                response = client.get(f"/broker/orders/{order_id}")
                assert response.status_code == 200
                assert last[order_id] == response.json(), f"order {order_id}'s last event is its final state"

        canceled = sum(len(client.canceled) for client in placed)
        market = sum(len(client.market) for client in placed)
        statuses = [order["status"] for order in last.values()]
        working = ORDERS - canceled - market
        assert (statuses.count(1), statuses.count(2), statuses.count(6)) == (canceled, market, working)
        assert sum(kind == "execution" for kind, _ in changes) == market
