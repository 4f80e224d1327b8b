"""The crash test's client and its killer: one trader placing orders in a loop, and a thread that SIGKILLs
the server inside one of the trader's requests (then starts it again) when the trader reaches given order
numbers. The schedule is by order count, so a slow machine stretches the run instead of changing it.

The trader keeps what the service acknowledged (201 placements, 200 cancels) and what it sent without an
answer: an order placed by a request that died with the server may or may not exist afterwards, but never
twice, and never one nobody sent.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any

import httpx

from tests.keys import AUTH
from tests.store.crashing import START_TIMEOUT, CrashingServer

SYMBOLS = ("CRASHA", "CRASHB", "CRASHC", "CRASHD")
MARKET, LIMIT = 2, 1
BUY, SELL = 1, -1
QUOTE_SHARE = 0.08
"""The share of loop turns that first move a quote (setQuote), so market orders fill at new prices."""
MARKET_SHARE = 0.3
CANCEL_SHARE = 0.2
"""After each acknowledged limit order, the chance that a resting one is canceled."""
REQUEST_TIMEOUT = 30.0

Order = dict[str, Any]


@dataclass
class Tally:
    """What the trader sent and what the service acknowledged."""

    placed: dict[str, Order] = field(default_factory=dict)
    """Order id (answered with 201) -> the body that placed it."""
    market: list[str] = field(default_factory=list)
    canceled: list[str] = field(default_factory=list)
    """Ids whose cancelOrder was answered with 200."""
    unanswered: list[Order] = field(default_factory=list)
    """Bodies of placements that failed with the connection: each may or may not exist afterwards."""
    failures: int = 0
    quotes: int = 0


class Trader:
    """Places `orders` orders over SYMBOLS: market orders against quotes it sets, limit orders far from the
    market that rest, and cancels of some of those. A request that fails because the server died is not
    retried: the trader waits for the restart and goes on with the next order."""

    def __init__(self, server: CrashingServer, seed: int) -> None:
        self.server = server
        self.in_flight = threading.Event()
        self.latency = 0.005
        """Recent seconds per request (moving average): how long the killer may wait inside one."""
        self.tally = Tally()
        self._rng = random.Random(seed)
        self._mids = dict.fromkeys(SYMBOLS, 100.0)
        self._resting: list[str] = []
        self._kills_seen = 0
        self._http = self._client()

    def _client(self) -> httpx.Client:
        return httpx.Client(base_url=f"{self.server.base}/api/v1", headers=AUTH, timeout=REQUEST_TIMEOUT)

    def run(self, orders: int, kill_at: frozenset[int], killer: Killer) -> Tally:
        for symbol in SYMBOLS:
            self._set_quote(symbol)
        for n in range(orders):
            if n in kill_at:
                killer.arm()
            if self._rng.random() < QUOTE_SHARE:
                self._set_quote(self._rng.choice(SYMBOLS))
            self._place()
        killer.wait_idle()
        self._http.close()
        return self.tally

    def _place(self) -> None:
        symbol = self._rng.choice(SYMBOLS)
        side = self._rng.choice((BUY, SELL))
        body: Order = {"symbol": symbol, "side": side, "qty": self._rng.randint(1, 5)}
        if self._rng.random() < MARKET_SHARE:
            body["type"] = MARKET
        else:  # far outside any quote the trader sets (90 to 110): it rests until canceled
            far = self._rng.uniform(40, 60) if side == BUY else self._rng.uniform(140, 160)
            body |= {"type": LIMIT, "limitPrice": round(far, 2)}
        response = self._send("POST", "/broker/orders", json=body)
        if response is None:
            self.tally.unanswered.append(body)
            return
        assert response.status_code == 201, response.text
        order_id: str = response.json()["orderId"]
        assert order_id not in self.tally.placed, f"order id {order_id} acknowledged twice"
        self.tally.placed[order_id] = body
        if body["type"] == MARKET:
            self.tally.market.append(order_id)
            return
        self._resting.append(order_id)
        if self._rng.random() < CANCEL_SHARE:
            self._cancel()

    def _cancel(self) -> None:
        # Once tried, never again: a cancel that died with the server may have committed (a retry: 409).
        order_id = self._resting.pop(self._rng.randrange(len(self._resting)))
        response = self._send("DELETE", f"/broker/orders/{order_id}")
        if response is not None:
            assert response.status_code == 200, response.text
            self.tally.canceled.append(order_id)

    def _set_quote(self, symbol: str) -> None:
        mid = min(110.0, max(90.0, self._mids[symbol] + self._rng.uniform(-0.5, 0.5)))
        self._mids[symbol] = mid
        quote = {"bid": round(mid - 0.02, 2), "ask": round(mid + 0.02, 2)}
        response = self._send("PUT", f"/sim/quotes/{symbol}", json=quote)
        if response is not None:
            assert response.status_code == 200, response.text
            self.tally.quotes += 1

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response | None:
        """The response, or None when the request failed because the server was killed meanwhile."""
        started = time.monotonic()
        self.in_flight.set()
        try:
            response = self._http.request(method, path, **kwargs)
        except httpx.TransportError as error:
            failure: httpx.TransportError | None = error
        else:
            failure = None
        finally:
            self.in_flight.clear()
        if failure is not None:
            if self.server.kills == self._kills_seen:
                raise failure  # no kill explains it: a hung or broken server is a failure of its own
            self._after_crash()
            return None
        self.latency = 0.9 * self.latency + 0.1 * (time.monotonic() - started)
        return response

    def _after_crash(self) -> None:
        """Wait for the restart; a new client, so no pooled connection to the dead server is reused."""
        self.tally.failures += 1
        self._http.close()
        if not self.server.up.wait(timeout=2 * START_TIMEOUT):
            raise TimeoutError("the server was not started again after a kill")
        self._kills_seen = self.server.kills
        self._http = self._client()


class Killer:
    """A thread that, once armed, kills the server at a random moment inside one of the trader's requests
    (a random delay up to about one request's duration after it starts, tried again on the next request if
    that one already ended), then starts the server again on the same port and store."""

    TRIES = 500

    def __init__(self, server: CrashingServer, trader: Trader, seed: int) -> None:
        self.server = server
        self.trader = trader
        self.in_flight_kills = 0
        self.error: BaseException | None = None
        self._rng = random.Random(seed)
        self._armed = threading.Event()
        self._idle = threading.Event()
        self._idle.set()
        self._closing = False
        self._thread = threading.Thread(target=self._loop, name="killer", daemon=True)

    def arm(self) -> None:
        self.wait_idle()
        self._idle.clear()
        self._armed.set()

    def wait_idle(self) -> None:
        """Until the last kill's restart is done (or the killer failed, which the caller re-raises)."""
        if not self._idle.wait(timeout=3 * START_TIMEOUT):
            raise TimeoutError("the killer did not finish a kill and restart in time")
        if self.error is not None:
            raise RuntimeError("the killer failed") from self.error

    def _loop(self) -> None:
        while True:
            self._armed.wait()
            self._armed.clear()
            if self._closing:
                return
            try:
                self._kill_in_flight()
                self.server.start()
            except BaseException as error:  # reported through wait_idle, in the trader's thread
                self.error = error
            finally:
                self._idle.set()

    def _kill_in_flight(self) -> None:
        in_flight = False
        for _ in range(self.TRIES):
            if not self.trader.in_flight.wait(timeout=START_TIMEOUT):
                break
            time.sleep(self._rng.uniform(0, 1.5 * self.trader.latency))
            if self.trader.in_flight.is_set():
                in_flight = True
                break
        self.server.kill()
        self.in_flight_kills += in_flight

    def __enter__(self) -> Killer:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self._closing = True
        self._armed.set()
        self._thread.join(timeout=3 * START_TIMEOUT)
