"""Idempotency-Key through the whole app (both fast path modes), and the middleware around a stand-in
handler for what the real one never does on purpose: fail with a 5xx or an exception, or wait to be told."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio
import pytest
from starlette.testclient import TestClient
from starlette.types import Receive, Scope, Send

from paperbroker.accounts.registry import Caller
from paperbroker.app import create_app
from paperbroker.idempotency import IdempotencyKeys, Records, open_records
from paperbroker.idempotency.middleware import LEASE_MS, _fingerprint
from paperbroker.idempotency.records import Claimed, Stored
from tests.keys import AUTH, local_settings

TTL_MS = 86_400_000
ORDERS = "/api/v1/broker/orders"
MARKET_BUY = {"symbol": "AAPL", "type": 2, "side": 1, "qty": 1}


def body_of(payload: Any) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode()


def fingerprint(method: str, path: str, body: bytes, query: bytes = b"") -> str:
    """What the middleware compares, so a test can claim a key for the very request it then sends."""
    return _fingerprint({"method": method, "path": path, "query_string": query}, body)


def wall_ms() -> int:
    return time.time_ns() // 1_000_000


@dataclass
class Service:
    client: TestClient
    records: Records
    app: Any

    def send(self, path: str, payload: Any, key: str | None, **headers: str) -> Any:
        sent = {"content-type": "application/json", **headers}
        if key is not None:
            sent["Idempotency-Key"] = key
        return self.client.post(path, content=body_of(payload), headers=sent)

    def orders(self, **headers: str) -> list[dict[str, Any]]:
        response = self.client.get(ORDERS, headers=headers)
        assert response.status_code == 200, response.text
        orders: list[dict[str, Any]] = response.json()
        return orders

    def quote(self, symbol: str = "AAPL", bid: float = 100.0, ask: float = 100.1) -> None:
        response = self.client.put(f"/api/v1/sim/quotes/{symbol}", json={"bid": bid, "ask": ask})
        assert response.status_code == 200, response.text


@pytest.fixture(params=[True, False], ids=["fastpath", "stock"])
def service(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Service]:
    db = str(tmp_path / "broker.db")
    app = create_app(local_settings(db=db, market=False, fastpath=request.param, rate_limit=10**6))
    records = open_records(db)  # the same table the app's middleware keeps, through another connection
    with TestClient(app, headers=AUTH) as client:
        yield Service(client, records, app)
    records.close()


def assert_same_response(first: Any, again: Any) -> None:
    assert (again.status_code, again.content) == (first.status_code, first.content)
    assert again.headers["content-type"] == first.headers["content-type"]


# Through the app ----------------------------------------------------------------------------------------


def test_a_retry_gets_the_first_response_byte_for_byte_and_places_nothing(service: Service) -> None:
    first = service.send(ORDERS, MARKET_BUY, "k")
    assert first.status_code == 201, first.text
    again = service.send(ORDERS, MARKET_BUY, "k")
    assert_same_response(first, again)
    assert [order["id"] for order in service.orders()] == [first.json()["orderId"]]


def test_a_quoted_key_and_the_bare_key_are_one_key(service: Service) -> None:
    first = service.send(ORDERS, MARKET_BUY, '"k"')
    again = service.send(ORDERS, MARKET_BUY, "k")
    assert first.status_code == 201
    assert_same_response(first, again)
    assert len(service.orders()) == 1


def test_the_key_with_another_request_is_a_422_problem(service: Service) -> None:
    assert service.send(ORDERS, MARKET_BUY, "k").status_code == 201
    other = service.send(ORDERS, {**MARKET_BUY, "qty": 2}, "k")
    assert other.status_code == 422
    assert other.headers["content-type"] == "application/problem+json"
    assert other.json()["status"] == 422 and "Idempotency-Key k" in other.json()["detail"]
    assert len(service.orders()) == 1


def test_a_retry_while_the_first_runs_is_a_409_problem(service: Service) -> None:
    body = body_of(MARKET_BUY)
    assert (
        service.records.claim("paper", "k", fingerprint("POST", ORDERS, body), wall_ms(), LEASE_MS, TTL_MS)
        == Claimed()
    )
    retry = service.send(ORDERS, MARKET_BUY, "k")
    assert retry.status_code == 409
    assert retry.headers["content-type"] == "application/problem+json"
    assert service.orders() == []


def test_a_lapsed_claim_lets_the_retry_run(service: Service) -> None:
    """The first request's process died mid-request: its claim, older than the lease, no longer holds."""
    body = body_of(MARKET_BUY)
    started = wall_ms() - LEASE_MS - 1_000
    service.records.claim("paper", "k", fingerprint("POST", ORDERS, body), started, LEASE_MS, TTL_MS)
    retry = service.send(ORDERS, MARKET_BUY, "k")
    assert retry.status_code == 201, retry.text
    assert [order["id"] for order in service.orders()] == [retry.json()["orderId"]]


@pytest.mark.parametrize(("age_ms", "replayed"), [(TTL_MS - 60_000, True), (TTL_MS + 60_000, False)])
def test_a_response_is_replayed_for_the_ttl_and_forgotten_after(
    service: Service, age_ms: int, replayed: bool
) -> None:
    body = body_of(MARKET_BUY)
    kept = Stored(201, [(b"content-type", b"application/json")], b'{"orderId":"kept"}')
    service.records.claim(
        "paper", "k", fingerprint("POST", ORDERS, body), wall_ms() - age_ms, LEASE_MS, TTL_MS
    )
    service.records.complete("paper", "k", kept)
    retry = service.send(ORDERS, MARKET_BUY, "k")
    assert retry.status_code == 201
    assert (retry.content == kept.body) is replayed
    assert len(service.orders()) == (0 if replayed else 1)


def test_keys_are_per_account(service: Service) -> None:
    alice = service.app.accounts.create("alice")
    as_alice = {"Authorization": f"Bearer {alice.key}"}
    for_alice = service.send(ORDERS, MARKET_BUY, "k", **as_alice)
    for_paper = service.send(ORDERS, {**MARKET_BUY, "qty": 2}, "k")
    assert (for_alice.status_code, for_paper.status_code) == (201, 201)
    assert for_alice.json() != for_paper.json()
    assert_same_response(for_alice, service.send(ORDERS, MARKET_BUY, "k", **as_alice))
    assert_same_response(for_paper, service.send(ORDERS, {**MARKET_BUY, "qty": 2}, "k"))
    assert [order["qty"] for order in service.orders(**as_alice)] == [1]
    assert [order["qty"] for order in service.orders()] == [2]


def test_a_4xx_is_kept_and_replayed(service: Service) -> None:
    """Closing a position that is not open is a 404; once it is open, the retry still gets that 404."""
    close = "/api/v1/broker/positions/AAPL/close"
    first = service.send(close, {}, "c")
    assert first.status_code == 404, first.text
    assert_same_response(service.send(close, {}, None), first)  # as the app's error handler answers it
    service.quote()
    assert service.send(ORDERS, MARKET_BUY, None).status_code == 201
    assert_same_response(first, service.send(close, {}, "c"))
    assert service.send(close, {}, None).status_code == 201  # without the key it does run


def test_close_and_reverse_position_are_idempotent(service: Service) -> None:
    service.quote()
    assert service.send(ORDERS, {**MARKET_BUY, "qty": 2}, None).status_code == 201
    reverse = "/api/v1/broker/positions/AAPL/reverse"
    first = service.send(reverse, None, "r")
    assert first.status_code == 201, first.text
    assert_same_response(first, service.send(reverse, None, "r"))
    positions = service.client.get("/api/v1/broker/positions").json()
    assert [(p["qty"], p["side"]) for p in positions] == [(2, -1)]
    close = "/api/v1/broker/positions/AAPL/close"
    closed = service.send(close, {}, "c")
    assert closed.status_code == 201, closed.text
    assert_same_response(closed, service.send(close, {}, "c"))
    assert service.client.get("/api/v1/broker/positions").json() == []


def test_cancel_orders_is_idempotent(service: Service) -> None:
    limit = {"symbol": "AAPL", "type": 1, "side": 1, "qty": 1, "limitPrice": 50}
    ids = {service.send(ORDERS, limit, None).json()["orderId"] for _ in range(2)}
    cancel = "/api/v1/broker/order-cancellations"
    first = service.send(cancel, {"symbol": "AAPL", "side": 1}, "x")
    assert first.status_code == 200, first.text
    assert {order["id"] for order in first.json()} == ids
    assert_same_response(first, service.send(cancel, {"symbol": "AAPL", "side": 1}, "x"))
    assert service.send(cancel, {"symbol": "AAPL", "side": 1}, None).json() == []


def test_an_operation_that_does_not_create_ignores_the_header(service: Service) -> None:
    limit = {"symbol": "AAPL", "type": 1, "side": 1, "qty": 1, "limitPrice": 50}
    order_id = service.send(ORDERS, limit, None).json()["orderId"]
    first = service.client.delete(f"{ORDERS}/{order_id}", headers={"Idempotency-Key": "d"})
    again = service.client.delete(f"{ORDERS}/{order_id}", headers={"Idempotency-Key": "d"})
    assert (first.status_code, again.status_code) == (200, 409)  # run twice: not replayed


# Around a stand-in handler -------------------------------------------------------------------------------

CALLER = Caller("local", True, ("paper",))


class Handler:
    """An ASGI app behind the middleware, as Connexion would call it: it answers with `outcomes` in turn
    (a status, or an exception to raise), and, with `hold`, waits for it to be set before answering."""

    def __init__(self, *outcomes: int | Exception, hold: threading.Event | None = None) -> None:
        self.outcomes = list(outcomes)
        self.calls = 0
        self.entered = threading.Event()
        self.hold = hold

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await receive()
        self.calls += 1
        self.entered.set()
        if self.hold is not None:
            await anyio.to_thread.run_sync(self.hold.wait, 30)
        outcome = self.outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        body = body_of({"call": self.calls})
        await send(
            {
                "type": "http.response.start",
                "status": outcome,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": body})


def routed(handler: Handler, records: Records) -> Any:
    """The middleware with what Connexion's routing and security put in the scope before it."""
    middleware = IdempotencyKeys(handler, records=records, ttl_seconds=86_400)

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            for stage in ("startup", "shutdown"):
                await receive()
                await send({"type": f"lifespan.{stage}.complete"})
            return
        scope["extensions"] = {
            "connexion_routing": {"operation_id": "placeOrder"},
            "connexion_context": {"token_info": {"caller": CALLER}},
        }
        await middleware(scope, receive, send)

    return app


@pytest.fixture
def records(tmp_path: Path) -> Iterator[Records]:
    opened = open_records(str(tmp_path / "broker.db"))
    yield opened
    opened.close()


def post(client: TestClient, key: str = "k") -> Any:
    return client.post(
        ORDERS, content=b"{}", headers={"content-type": "application/json", "Idempotency-Key": key}
    )


@pytest.mark.parametrize("status", [500, 503])
def test_a_5xx_is_not_kept_so_the_retry_runs(records: Records, status: int) -> None:
    handler = Handler(status, 201)
    with TestClient(routed(handler, records)) as client:
        assert post(client).status_code == status
        retried = post(client)
        assert (retried.status_code, retried.json()) == (201, {"call": 2})
        assert_same_response(retried, post(client))
    assert handler.calls == 2


def test_a_request_that_raises_is_not_kept_so_the_retry_runs(records: Records) -> None:
    handler = Handler(RuntimeError("the handler failed"), 201)
    with TestClient(routed(handler, records), raise_server_exceptions=False) as client:
        assert post(client).status_code == 500
        assert post(client).json() == {"call": 2}
    assert handler.calls == 2


def test_a_retry_while_the_handler_runs_is_a_409_then_the_response_is_replayed(records: Records) -> None:
    hold = threading.Event()
    handler = Handler(201, hold=hold)
    with TestClient(routed(handler, records)) as client, ThreadPoolExecutor(1) as pool:
        first = pool.submit(post, client)
        assert handler.entered.wait(30)
        assert post(client).status_code == 409
        hold.set()
        answered = first.result(30)
        assert (answered.status_code, answered.json()) == (201, {"call": 1})
        assert_same_response(answered, post(client))
    assert handler.calls == 1
