"""Retries after lost answers, against a real `paperbroker serve`: each placeOrder's first attempt is written
on a raw socket that is closed before the answer is read (the client never learns whether it ran), then
retried with the same Idempotency-Key until it gets its 201. Exactly one order per key must exist."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from paperbroker.process import running
from tests.keys import AUTH, LOCAL_KEY_ENV
from tests.store.pg import fresh_schema, postgres_dsn, url_with_schema

ORDERS = 1_000
CLIENTS = 4
MAX_ATTEMPTS = 400
"""Retries of one key before the test gives up: a 409 lasts as long as the first attempt runs."""
SERVER_ENV = {**LOCAL_KEY_ENV, "PAPERBROKER_RATE_LIMIT": "1000000"}


@pytest.fixture(params=["sqlite", "postgres"])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """SQLite with one worker; PostgreSQL with two, so a retry may reach the other worker."""
    if request.param == "sqlite":
        args = ["--db", str(tmp_path / "broker.db"), "--workers", "1"]
        with running("serve", [*args, "--no-market"], env=SERVER_ENV, log=tmp_path / "serve.log") as base:
            yield base
        return
    dsn = postgres_dsn()
    with fresh_schema(dsn) as schema:
        args = ["--db", url_with_schema(dsn, schema), "--workers", "2", "--no-market"]
        with running("serve", args, env=SERVER_ENV, log=tmp_path / "serve.log") as base:
            yield base


def order_of(index: int) -> bytes:
    """A buy limit that works without filling; its quantity tells which key placed it."""
    order = {"symbol": "AAPL", "type": 1, "side": 1, "qty": index + 1, "limitPrice": 1}
    return json.dumps(order).encode()


def send_and_hang_up(base: str, key: str, body: bytes) -> None:
    """The whole request on a socket closed right after writing: the answer, if any, is never read."""
    address = urlsplit(base)
    head = (
        f"POST /api/v1/broker/orders HTTP/1.1\r\nHost: {address.netloc}\r\n"
        f"Authorization: {AUTH['Authorization']}\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\nIdempotency-Key: {key}\r\n\r\n"
    )
    with socket.create_connection((address.hostname, address.port), timeout=10) as sock:
        sock.sendall(head.encode() + body)


@dataclass
class Tally:
    order_ids: dict[int, str] = field(default_factory=dict)
    statuses: dict[int, int] = field(default_factory=dict)

    def count(self, status: int) -> None:
        self.statuses[status] = self.statuses.get(status, 0) + 1


def place_with_a_lost_first_answer(base: str, client: httpx.Client, index: int, tally: Tally) -> None:
    key = f'"fault-{index}"'
    body = order_of(index)
    send_and_hang_up(base, key, body)
    headers = {"Idempotency-Key": key, "Content-Type": "application/json"}
    for attempt in range(MAX_ATTEMPTS):
        response = client.post("/api/v1/broker/orders", content=body, headers=headers)
        tally.count(response.status_code)
        if response.status_code == 201:
            tally.order_ids[index] = response.json()["orderId"]
            return
        assert response.status_code == 409, response.text  # the first attempt still runs
        time.sleep(min(0.002 * (attempt + 1), 0.05))  # backoff between retries, not synchronisation
    raise AssertionError(f"key {key}: no 201 after {MAX_ATTEMPTS} attempts")


def test_every_order_whose_answer_was_lost_exists_exactly_once(server: str) -> None:
    tally = Tally()
    started = time.monotonic()
    clients = [httpx.Client(base_url=server, headers=AUTH, timeout=30) for _ in range(CLIENTS)]
    try:
        with ThreadPoolExecutor(CLIENTS) as pool:
            jobs = [
                pool.submit(place_with_a_lost_first_answer, server, clients[index % CLIENTS], index, tally)
                for index in range(ORDERS)
            ]
            for job in jobs:
                job.result(timeout=120)
        stored = clients[0].get("/api/v1/broker/orders")
        assert stored.status_code == 200
    finally:
        for client in clients:
            client.close()
    orders = {order["id"]: order for order in stored.json()}
    assert len(stored.json()) == ORDERS == len(orders)
    assert len(set(tally.order_ids.values())) == ORDERS
    for index, order_id in tally.order_ids.items():
        assert orders[order_id]["qty"] == index + 1, order_id
    print(
        f"\nfaults: {ORDERS} keys, {sum(tally.statuses.values())} retries {tally.statuses},"
        f" {len(orders)} orders stored, {time.monotonic() - started:.1f} s"
    )
