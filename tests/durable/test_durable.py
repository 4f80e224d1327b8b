"""DurableAnswers holds an answer until the commits made during its request are on disk, and only then."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Sized
from pathlib import Path

import httpx
import pytest
from connexion import AsyncApp
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from paperbroker.app import create_app
from paperbroker.durable import DurableAnswers
from paperbroker.store.groupcommit import GroupCommit, LogFile
from paperbroker.store.postgres import PostgresStore
from tests.keys import AUTH, local_settings
from tests.store.pg import fresh_schema, postgres_dsn, url_with_schema
from tests.store.slow_disk import SlowDisk


def app_over(group: GroupCommit) -> DurableAnswers:
    async def write(request: Request) -> PlainTextResponse:
        group.count_commit()
        return PlainTextResponse("written", status_code=201)

    async def read(request: Request) -> PlainTextResponse:
        return PlainTextResponse("read")

    routes = [Route("/write", write, methods=["POST"]), Route("/read", read)]
    return DurableAnswers(Starlette(routes=routes), commits=group)


def test_a_write_is_answered_after_its_fsync_and_a_read_meanwhile_at_once(tmp_path: Path) -> None:
    asyncio.run(_write_waits_read_does_not(tmp_path))


async def _write_waits_read_does_not(tmp_path: Path) -> None:
    disk = SlowDisk()
    group = LogFile(str(tmp_path / "db-wal"), sync=disk).group_commit()
    transport = httpx.ASGITransport(app=app_over(group))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        write = asyncio.ensure_future(client.post("/write"))
        await asyncio.sleep(0.1)
        assert not write.done() and disk.calls == 1
        read = await asyncio.wait_for(client.get("/read"), 2)
        assert read.text == "read"
        disk.hold.set()
        answer = await asyncio.wait_for(write, 5)
        assert answer.status_code == 201 and answer.text == "written"
    assert disk.calls == 1
    group.close()


def test_the_service_on_a_file_acknowledges_an_order_after_an_fsync_of_the_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    synced: list[str] = []
    fsync = os.fsync

    def recording_fsync(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}") if os.path.exists("/proc/self/fd") else "?")
        fsync(fd)

    db = tmp_path / "paperbroker.db"
    app = create_app(local_settings(db=str(db), market=False, rate_limit=0))
    monkeypatch.setattr("paperbroker.store.groupcommit.os.fsync", recording_fsync)
    _acknowledged_after_one_flush(app, synced)
    if os.path.exists("/proc/self/fd"):
        assert set(synced) == {f"{db}-wal"}


def test_the_service_on_postgres_acknowledges_an_order_after_a_flush_of_the_wal(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Its transactions commit without waiting for the disk; the answer waits for one flush after them."""
    pg_dsn = postgres_dsn()
    flushes: list[PostgresStore] = []
    flush = PostgresStore._flush_wal

    def recording_flush(store: PostgresStore) -> None:
        flush(store)
        flushes.append(store)

    monkeypatch.setattr(PostgresStore, "_flush_wal", recording_flush)
    with fresh_schema(pg_dsn) as schema:
        db = url_with_schema(pg_dsn, schema)
        _acknowledged_after_one_flush(create_app(local_settings(db=db, market=False, rate_limit=0)), flushes)


def _acknowledged_after_one_flush(app: AsyncApp, flushes: Sized) -> None:
    """A placeOrder is answered after one more flush (an fsync of SQLite's log, a synchronous commit on
    PostgreSQL), recorded in `flushes`; a read after it, with nothing committed since, after none."""
    body = {"symbol": "AAPL", "type": 1, "side": 1, "qty": 1, "limitPrice": 100}
    with TestClient(app, headers=AUTH) as client:
        before = len(flushes)
        placed = client.post("/api/v1/broker/orders", json=body)
        assert placed.status_code == 201, placed.text
        assert len(flushes) == before + 1
        listed = client.get("/api/v1/broker/orders")
        assert [order["id"] for order in listed.json()] == [placed.json()["orderId"]]
        assert len(flushes) == before + 1
