"""The moment a stream says `: connected`, every later change reaches it, however slow the store is to answer
the stream's first read (a race seen under load: a change made right after `: connected` was dropped)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from paperbroker.app import create_app
from paperbroker.events.feed import EventFeed
from paperbroker.process import free_port
from paperbroker.settings import Settings
from tests.events.sse import AUTH, KEY, events


@pytest.fixture
def slow_store_service(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The app in this process (so the store can be slowed), on a free port, its stream's bounds read late."""
    original = EventFeed.bounds

    def slow_bounds(feed: EventFeed) -> tuple[int, int] | None:
        time.sleep(0.3)
        return original(feed)

    monkeypatch.setattr(EventFeed, "bounds", slow_bounds)
    port = free_port()
    app = create_app(Settings(db=str(tmp_path / "b.db"), market=False, local_key=KEY))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield base
    server.should_exit = True
    thread.join(10)


def test_a_change_made_right_after_connected_is_streamed(slow_store_service: str) -> None:
    base = slow_store_service
    url = f"{base}/api/v1/broker/events"
    with httpx.stream("GET", url, params={"symbols": "RACE"}, timeout=5, headers=AUTH) as response:
        lines = response.iter_lines()
        assert next(lines) == ": connected"
        put = httpx.put(f"{base}/api/v1/sim/quotes/RACE", json={"bid": 1, "ask": 2}, headers=AUTH)
        assert put.status_code == 200
        first = next(events(lines))
    assert first["event"] == "quote"
    assert '"symbol":"RACE"' in first["data"]
