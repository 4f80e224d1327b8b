"""streamEvents served by the real app, with and without the fast path: resuming, resync, heartbeats."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from paperbroker.events.feed import EventFeed
from paperbroker.store.sqlite import SQLiteStore
from tests.events.sse import AUTH, events, payload
from tests.live import running

EVENTS = "/api/v1/broker/events"


class Service:
    """A live `paperbroker serve` over a SQLite file the test can also open."""

    def __init__(self, base: str, db: Path) -> None:
        self.base = base
        self.store = SQLiteStore(db)

    def bounds(self) -> tuple[int, int]:
        with self.store.snapshot() as ledger:
            found = ledger.event_bounds()
        assert found is not None
        return found

    def newest(self) -> int:
        return self.bounds()[1]

    def before_first(self) -> str:
        """The id to resume from to get every stored event (ids begin at the store's creation time)."""
        return str(self.bounds()[0] - 1)


@pytest.fixture(scope="module", params=["true", "false"], ids=["fastpath", "connexion"])
def client(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    db = tmp_path_factory.mktemp("stream") / "b.db"
    env = {"PAPERBROKER_FASTPATH": request.param, "PAPERBROKER_EVENT_HEARTBEAT": "0.2"}
    with running("serve", ["--db", str(db), "--no-market"], env=env) as base:
        httpx.put(f"{base}/api/v1/sim/quotes/AAPL", json={"bid": 100, "ask": 101}, headers=AUTH)
        for side in (1, -1, 1):
            order = {"symbol": "AAPL", "type": 2, "side": side, "qty": 1}
            assert httpx.post(f"{base}/api/v1/broker/orders", json=order, headers=AUTH).status_code == 201
        service = Service(base, db)
        yield service
        service.store.close()


def _read(
    client: Service, count: int, headers: dict[str, str] | None = None, **kwargs: Any
) -> tuple[list[dict[str, str]], list[str]]:
    """The first `count` events of a new stream, and every line read; fails after 10 s (keep-alives would
    otherwise keep a stream that sends fewer events open for good)."""
    deadline = time.monotonic() + 10
    got: list[dict[str, str]] = []
    lines: list[str] = []

    def recorded(source: Iterator[str]) -> Iterator[str]:
        for line in source:
            assert time.monotonic() < deadline, f"{len(got)} of {count} events within 10 s: {lines}"
            lines.append(line)
            yield line

    with httpx.stream(
        "GET", f"{client.base}{EVENTS}", timeout=10, headers={**AUTH, **(headers or {})}, **kwargs
    ) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        for event in events(recorded(response.iter_lines())):
            payload(event)
            got.append(event)
            if len(got) == count:
                break
    return got, lines


def test_a_client_resuming_before_the_first_event_gets_every_event_in_order(client: Service) -> None:
    oldest, newest = client.bounds()
    resume = {"lastEventId": client.before_first(), "symbols": "AAPL"}
    got, _ = _read(client, newest - oldest + 1, params=resume)
    assert [int(event["id"]) for event in got] == list(range(oldest, newest + 1))
    kinds = {event["event"] for event in got}
    assert kinds == {"account", "pl", "quote", "order", "position", "execution"}


def test_the_last_event_id_header_resumes_exactly_after_it(client: Service) -> None:
    oldest, newest = client.bounds()
    resume = {"lastEventId": client.before_first(), "symbols": "AAPL"}
    everything, _ = _read(client, newest - oldest + 1, params=resume)
    middle = everything[len(everything) // 2]
    rest = everything[len(everything) // 2 + 1 :]
    got, _ = _read(
        client,
        len(rest),
        headers={"Last-Event-ID": middle["id"]},
        params=resume,
    )
    assert got == rest


def test_quotes_are_sent_only_for_the_symbols_named(client: Service) -> None:
    oldest, newest = client.bounds()
    everything, _ = _read(client, newest - oldest, params={"lastEventId": client.before_first()})
    assert all(event["event"] != "quote" for event in everything)


def test_a_client_older_than_the_retention_gets_one_resync(client: Service) -> None:
    with client.store.transaction() as ledger:
        ledger.prune_events(2)
    newest = client.newest()
    got, _ = _read(client, 1, headers={"Last-Event-ID": str(newest - 3)})
    assert got[0]["event"] == "resync" and got[0]["id"] == str(newest)
    got, _ = _read(client, 2, headers={"Last-Event-ID": str(newest - 2)})
    assert [int(event["id"]) for event in got] == [newest - 1, newest]


def test_an_id_this_store_never_sent_gets_a_resync(client: Service) -> None:
    got, _ = _read(client, 1, headers={"Last-Event-ID": "999999"})
    assert got[0]["event"] == "resync"


def test_an_idle_stream_sends_keep_alive_comments(client: Service) -> None:
    lines: list[str] = []
    with httpx.stream("GET", f"{client.base}{EVENTS}", timeout=10, headers=AUTH) as response:
        for line in response.iter_lines():
            lines.append(line)
            if line == ": keep-alive":
                break
    assert lines[0] == ": connected"


def test_a_bad_query_is_refused_by_the_contract(client: Service) -> None:
    assert httpx.get(f"{client.base}{EVENTS}", params={"lastEventId": "x"}, headers=AUTH).status_code == 400
    assert httpx.get(f"{client.base}{EVENTS}", params={"symbols": "EUR/USD"}, headers=AUTH).status_code == 400


def test_a_subscriber_that_falls_behind_is_dropped_not_buffered_without_bound() -> None:
    async def scenario() -> None:
        feed = EventFeed(SQLiteStore(":memory:"), retention=10, heartbeat=1.0, queue_size=2)
        slow = await feed.subscribe()
        for event_id in range(1, 6):
            feed._fan_out("paper", [(event_id, "order", "{}")])
        await feed.stop()
        assert slow.lagging and slow.waiting == 2
        assert slow not in feed._subscribers

    asyncio.run(scenario())
