"""Delivery across processes: `serve --workers 2`, on a SQLite file and on PostgreSQL. An order placed
through any worker reaches a stream opened before it on any worker, and a reconnect with Last-Event-ID
gets exactly the rest."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import httpx

from tests.events.sse import AUTH, events, payload
from tests.live import running
from tests.store.pg import fresh_schema, postgres_dsn, url_with_schema

END = "ENDMARK"
"""The test's last change is a quote of this symbol: every event before it has been read once it arrives."""


def _until_end(lines: Iterator[str]) -> list[dict[str, str]]:
    got = []
    for event in events(lines):
        payload(event)
        got.append(event)
        if event["event"] == "quote" and END in event["data"]:
            return got
    raise AssertionError("the stream ended before the last change")


def _stream_sees_every_change(base: str) -> None:
    url = f"{base}/api/v1/broker/events"
    opened = threading.Event()
    streamed: list[dict[str, str]] = []

    def listen() -> None:
        with httpx.stream("GET", url, params={"symbols": END}, timeout=30, headers=AUTH) as response:
            lines = response.iter_lines()
            assert next(lines) == ": connected"
            opened.set()
            streamed.extend(_until_end(lines))

    listener = threading.Thread(target=listen)
    listener.start()
    assert opened.wait(30)
    placed = []
    httpx.put(f"{base}/api/v1/sim/quotes/DLVR", json={"bid": 10, "ask": 10.5}, headers=AUTH)
    for side in (1, 1, -1, -1, 1, -1):  # one connection each: the workers share them
        order = {"symbol": "DLVR", "type": 2, "side": side, "qty": 1}
        response = httpx.post(f"{base}/api/v1/broker/orders", json=order, headers=AUTH)
        assert response.status_code == 201
        placed.append(response.json()["orderId"])
    httpx.put(f"{base}/api/v1/sim/quotes/{END}", json={"bid": 1, "ask": 2}, headers=AUTH)
    listener.join(30)
    assert not listener.is_alive()

    ids = [int(event["id"]) for event in streamed]
    assert ids == sorted(set(ids)), "ids strictly increase"
    filled = [payload(e)["id"] for e in streamed if e["event"] == "order" and payload(e)["status"] == 2]
    assert filled == placed
    flat = [payload(e) for e in streamed if e["event"] == "position" and payload(e)["qty"] == 0]
    assert len(flat) == 2, "the position went flat twice"

    cut = len(streamed) // 2
    with httpx.stream(
        "GET", url, params={"symbols": END}, headers={**AUTH, "Last-Event-ID": streamed[cut]["id"]}
    ) as again:
        assert _until_end(again.iter_lines()) == streamed[cut + 1 :]


def test_two_workers_on_a_sqlite_file_deliver_every_change(tmp_path: Path) -> None:
    with running("serve", ["--workers", "2", "--no-market", "--db", str(tmp_path / "b.db")]) as base:
        _stream_sees_every_change(base)


def test_two_workers_on_postgresql_deliver_every_change() -> None:
    dsn = postgres_dsn()
    with (
        fresh_schema(dsn) as schema,
        running("serve", ["--workers", "2", "--no-market", "--db", url_with_schema(dsn, schema)]) as base,
    ):
        _stream_sees_every_change(base)
