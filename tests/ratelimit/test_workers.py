"""`paperbroker serve --workers 2`: the limit holds across workers, on a SQLite file and on PostgreSQL.

The window is an hour, so every request falls in the window the first one opened however slow the machine:
exactly the limit pass, whichever worker answers each request.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.live import running
from tests.store.pg import fresh_schema, postgres_dsn, url_with_schema

KEY = "pbk_00000000000000a1_local-test-key-0123456789abcdefghij"
OTHER_KEY = "pbk_00000000000000b2_other-test-key-0123456789abcdefghij"
LIMIT = 25
SENT = 60


@pytest.fixture(params=["sqlite", "postgres"])
def server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    env = {
        "PAPERBROKER_LOCAL_KEY": KEY,
        "PAPERBROKER_RATE_LIMIT": str(LIMIT),
        "PAPERBROKER_RATE_WINDOW": "3600",
    }
    args = ["--workers", "2", "--no-market"]
    if request.param == "sqlite":
        with running(
            "serve", [*args, "--db", str(tmp_path / "b.db")], env=env, log=tmp_path / "serve.log"
        ) as base:
            yield base
    else:
        dsn = postgres_dsn()
        with fresh_schema(dsn) as schema:
            db = url_with_schema(dsn, schema)
            with running("serve", [*args, "--db", db], env=env, log=tmp_path / "serve.log") as base:
                yield base


def test_exactly_the_limit_passes_across_workers_and_another_key_is_untouched(server: str) -> None:
    headers = {"Authorization": f"Bearer {KEY}"}
    with httpx.Client(base_url=f"{server}/api/v1", headers=headers, timeout=30) as client:
        with ThreadPoolExecutor(8) as pool:  # concurrent, so both workers answer
            statuses = list(pool.map(lambda _: client.get("/broker/symbols").status_code, range(SENT)))
        other = client.get("/broker/symbols", headers={"Authorization": f"Bearer {OTHER_KEY}"})
        stream_opened = client.get("/broker/events")  # refused like any other request once over
    assert statuses.count(200) == LIMIT, statuses
    assert statuses.count(429) == SENT - LIMIT
    assert other.status_code != 429 and other.headers["RateLimit"].startswith(f'"default";r={LIMIT - 1};')
    assert stream_opened.status_code == 429
