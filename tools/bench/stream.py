"""The live stream's latency: from a fill's request to each subscriber's receipt of its `execution` event.

A real `paperbroker serve` (one worker, market off, a fresh SQLite file under build/bench) takes N
subscribers to streamEvents, each a raw asyncio connection that only splits the bytes on blank lines and
timestamps each `execution` event as it arrives: one client process serves 500 of them, so the less it does
per event, the less its own delay adds to the later subscribers' figures. Once every subscriber has read
`: connected`, each round sends one market order (buy and sell alternate, so the position stays small),
waits until every subscriber has the fill's execution, then pauses a random 5-55 ms, so rounds fall at every
phase of the feed's poll. Latency runs from just before the request is sent; p50 and p99 are over every
(subscriber, fill) pair. Rounds are paced one at a time, so there is no throughput to report: rps is null.
"""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import httpx
import uvloop

from paperbroker.process import running
from tools.bench.apps import BENCH_KEY

CASES = ((1, 200), (500, 100))
"""(subscribers, fills): about 10 s each on a 2-core machine."""
SYMBOL = "AAPL"
OPEN_AT_ONCE = 50
"""Subscribers connecting concurrently while the stream fills up."""
TIMEOUT = 10.0
"""Seconds a fill may take to reach every subscriber before the benchmark gives up."""


@dataclass
class Arrivals:
    """How many subscribers have this round's execution; `all_in` is set when every one has."""

    expected: int
    count: int = 0
    all_in: asyncio.Event = field(default_factory=asyncio.Event)

    def next_round(self) -> None:
        self.count = 0
        self.all_in.clear()

    def arrived(self) -> None:
        self.count += 1
        if self.count == self.expected:
            self.all_in.set()


class Subscriber(asyncio.Protocol):
    """One streamEvents connection: the arrival time of each `execution` event, nothing else parsed.

    The body is chunked; splitting the raw bytes on a blank line still separates events, because chunk
    headers end in CRLF and an event in LF LF.
    """

    def __init__(self, arrivals: Arrivals) -> None:
        self.arrivals = arrivals
        self.connected: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.executions: list[float] = []
        self._pending = b""
        self._transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = cast(asyncio.Transport, transport)  # uvloop's transports subclass no asyncio class
        self._transport.write(b"GET /api/v1/broker/events HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        b"Authorization: Bearer " + BENCH_KEY.encode() + b"\r\n"
                        b"Accept: text/event-stream\r\n\r\n")  # fmt: skip

    def data_received(self, data: bytes) -> None:
        now = time.perf_counter()
        *events, self._pending = (self._pending + data).split(b"\n\n")
        for event in events:
            if b"\nevent: execution\n" in event:
                self.executions.append(now)
                self.arrivals.arrived()
            elif event.endswith(b": connected") and not self.connected.done():
                self.connected.set_result(None)

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.connected.done():
            self.connected.set_exception(ConnectionError("the stream closed before `: connected`"))

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()


async def _subscribe(port: int, arrivals: Arrivals, gate: asyncio.Semaphore) -> Subscriber:
    async with gate:
        loop = asyncio.get_running_loop()
        _, subscriber = await loop.create_connection(lambda: Subscriber(arrivals), "127.0.0.1", port)
        await asyncio.wait_for(subscriber.connected, TIMEOUT)
        return subscriber


async def _latencies(base: str, subscribers: int, fills: int) -> tuple[list[float], float]:
    """Every (subscriber, fill) latency in ms, and the seconds the fills took."""
    port = int(base.rsplit(":", 1)[1])
    arrivals = Arrivals(subscribers)
    gate = asyncio.Semaphore(OPEN_AT_ONCE)
    pacing = random.Random(0)
    auth = {"Authorization": f"Bearer {BENCH_KEY}"}
    async with httpx.AsyncClient(base_url=base, timeout=TIMEOUT, headers=auth) as client:
        quote = await client.put(f"/api/v1/sim/quotes/{SYMBOL}", json={"bid": 189.99, "ask": 190.01})
        quote.raise_for_status()
        opened = await asyncio.gather(*(_subscribe(port, arrivals, gate) for _ in range(subscribers)))
        started: list[float] = []
        try:
            await asyncio.sleep(0.2)  # the quote's events have reached everyone
            began = time.perf_counter()
            for fill in range(fills):
                order = {"symbol": SYMBOL, "type": 2, "side": 1 if fill % 2 == 0 else -1, "qty": 1}
                arrivals.next_round()
                started.append(time.perf_counter())
                placed = await client.post("/api/v1/broker/orders", json=order)
                if placed.status_code != 201:
                    raise SystemExit(f"stream bench: placeOrder answered {placed.status_code}: {placed.text}")
                try:
                    await asyncio.wait_for(arrivals.all_in.wait(), TIMEOUT)
                except TimeoutError:
                    raise SystemExit(f"stream bench: fill {fill + 1} reached {arrivals.count} of "
                                     f"{subscribers} subscribers within {TIMEOUT:g} s") from None  # fmt: skip
                await asyncio.sleep(pacing.uniform(0.005, 0.055))
            elapsed = time.perf_counter() - began
        finally:
            for subscriber in opened:
                subscriber.close()
    latencies: list[float] = []
    for subscriber in opened:
        if len(subscriber.executions) != fills:
            raise SystemExit(f"stream bench: a subscriber read {len(subscriber.executions)} executions "
                             f"for {fills} fills")  # fmt: skip
        latencies.extend(
            (got - sent) * 1000 for got, sent in zip(subscriber.executions, started, strict=True)
        )
    return latencies, elapsed


def measure(root: Path, out: Path, cases: tuple[tuple[int, int], ...] = CASES) -> list[dict[str, object]]:
    """One fresh server per case; rows in results.json's format, operation `streamFill<subscribers>`."""
    path = os.pathsep.join([str(root / "src"), str(root)])  # this checkout, even if another is installed
    env = {"PYTHONPATH": path, "PYTHONWARNINGS": "ignore", "PAPERBROKER_LOCAL_KEY": BENCH_KEY,
           "PAPERBROKER_RATE_LIMIT": "off"}  # fmt: skip
    results: list[dict[str, object]] = []
    for subscribers, fills in cases:
        db_dir = out / "stream"
        shutil.rmtree(db_dir, ignore_errors=True)
        db_dir.mkdir(parents=True)
        args = ["--db", str(db_dir / "stream.db"), "--no-market", "--workers", "1", "--log-level", "warning"]
        with running("serve", args, env=env, log=out / "stream-server.log") as base:
            latencies, elapsed = uvloop.run(_latencies(base, subscribers, fills))
        row: dict[str, object] = {
            "app": "paperbroker",
            "operation": f"streamFill{subscribers}",
            "rps": None,
            "p50_ms": round(statistics.median(latencies), 3),
            "p99_ms": round(statistics.quantiles(latencies, n=100, method="inclusive")[98], 3),
        }
        print(f"stream {subscribers:4} subscribers x {fills} fills in {elapsed:5.1f} s: "
              f"p50 {row['p50_ms']:7.2f} ms  p99 {row['p99_ms']:7.2f} ms  max {max(latencies):7.2f} ms",
              flush=True)  # fmt: skip
        results.append(row)
    return results


def table(results: list[dict[str, object]]) -> str:
    lines = [
        "| operation | app | subscribers | p50 ms | p99 ms |",
        "|---|---|---:|---:|---:|",
    ]
    for r in results:
        subscribers = str(r["operation"]).removeprefix("streamFill")
        lines.append(
            f"| {r['operation']} | {r['app']} | {subscribers} | {r['p50_ms']:.2f} | {r['p99_ms']:.2f} |"
        )
    return "\n".join(lines)
