"""create_app: what the service does as it starts and stops, beyond serving operations."""

from __future__ import annotations

import gc
from pathlib import Path

from starlette.testclient import TestClient

from paperbroker.app import create_app
from tests.keys import AUTH, LOCAL_KEY_ENV, api, local_settings
from tests.live import running


def test_start_up_objects_are_frozen_while_the_app_runs_and_released_after(tmp_path: Path) -> None:
    app = create_app(local_settings(db=str(tmp_path / "broker.db"), market=False))
    assert gc.get_freeze_count() == 0
    with TestClient(app, base_url="http://t/api/v1", headers=AUTH) as client:
        assert gc.get_freeze_count() > 10_000  # the spec, routes and validators at least
        assert client.get("/broker/orders").status_code == 200
    assert gc.get_freeze_count() == 0


def test_the_frozen_set_is_thawed_when_the_last_of_several_apps_stops(tmp_path: Path) -> None:
    first = TestClient(create_app(local_settings(db=str(tmp_path / "a.db"), market=False)))
    second = TestClient(create_app(local_settings(db=str(tmp_path / "b.db"), market=False)))
    with first:
        with second:
            assert gc.get_freeze_count() > 10_000
        assert gc.get_freeze_count() > 10_000  # the first app is still serving
    assert gc.get_freeze_count() == 0


def test_an_unknown_path_logs_one_access_line_and_start_up_warns_of_nothing(tmp_path: Path) -> None:
    log = tmp_path / "serve.log"
    args = ["--db", str(tmp_path / "b.db"), "--no-market"]
    with running("serve", args, env=LOCAL_KEY_ENV, log=log) as base, api(base) as client:
        assert client.get("/nope").status_code == 404
        assert client.post("/api/v1/broker/orders", json={}).status_code == 400
    lines = log.read_text().splitlines()
    assert [line for line in lines if "/nope" in line] == [
        line for line in lines if '"GET /nope HTTP/1.1" 404' in line
    ]
    assert len([line for line in lines if "/nope" in line]) == 1
    assert not [line for line in lines if "Exception" in line or "Warning" in line or "Traceback" in line]
