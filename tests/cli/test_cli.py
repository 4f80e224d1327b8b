"""The `paperbroker` command: a bad setting is one line and status 2, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from paperbroker import __version__
from paperbroker.cli import main


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PAPERBROKER_")}
    return subprocess.run(
        [sys.executable, "-m", "paperbroker", *args],
        env={**environ, **env}, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


def test_a_bad_variable_stops_serve_with_status_2_and_one_line() -> None:
    result = run("serve", PAPERBROKER_PORT="abc")
    assert result.returncode == 2
    assert result.stderr == "paperbroker serve: PAPERBROKER_PORT='abc' is not a port number (1-65535)\n"


def test_a_bad_flag_names_the_flag() -> None:
    result = run("serve", "--market-interval", "-1")
    assert result.returncode == 2
    assert result.stderr == "paperbroker serve: --market-interval='-1' is not a number of seconds above 0\n"


@pytest.mark.parametrize("command", ["stub", "mock"])
def test_stub_and_mock_check_their_port_too(command: str) -> None:
    result = run(command, "--port", "70000")
    assert result.returncode == 2
    assert result.stderr == f"paperbroker {command}: --port='70000' is not a port number (1-65535)\n"


def test_several_workers_need_a_shared_store() -> None:
    result = run("serve", "--workers", "2", "--db", ":memory:")
    assert result.returncode == 2
    assert "--workers needs a shared store" in result.stderr


def test_version_names_the_package_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    assert capsys.readouterr().out == f"paperbroker {__version__}\n"


def test_python_m_paperbroker_is_the_command() -> None:
    result = run("--version")
    assert result.returncode == 0
    assert result.stdout == f"paperbroker {__version__}\n"


def test_reset_empties_the_store_the_settings_name(tmp_path: Path) -> None:
    from decimal import Decimal

    from paperbroker.broker import Broker
    from paperbroker.engine.model import NewOrder, OrderType, Side
    from paperbroker.store.sqlite import SQLiteStore

    db = tmp_path / "b.db"
    broker = Broker(SQLiteStore(db))
    broker.place_order(NewOrder("ZZZ", OrderType.Limit, Side.Buy, Decimal(1), limit_price=Decimal(5)))
    result = run("reset", "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert (
        result.stdout == f"paperbroker reset: {db} holds no orders, executions or positions; balance 100000\n"
    )
    assert Broker(SQLiteStore(db)).list_orders() == []


def test_a_database_of_an_older_version_stops_serve_with_one_line(tmp_path: Path) -> None:
    import sqlite3

    db = tmp_path / "old.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE orders (qty REAL)")
    result = run("serve", "--db", str(db))
    assert result.returncode == 2
    assert result.stderr == (
        f"paperbroker serve: {db} was written by an older paperbroker (float columns);"
        " move it away to start afresh\n"
    )


@pytest.mark.parametrize("command", ["serve", "stub", "mock"])
def test_every_server_takes_the_connection_flags(command: str) -> None:
    result = run(command, "--header-timeout", "0", "--max-connections", "10")
    assert result.returncode == 2
    assert (
        result.stderr == f"paperbroker {command}: --header-timeout='0' is not a number of seconds above 0\n"
    )


OPEN_REMOTE_REFUSED = (
    "paperbroker serve: --no-auth on 0.0.0.0 would let anyone who reaches it trade: listen on 127.0.0.1,"
    " keep auth on, or add --allow-open-remote\n"
)


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (("--no-auth", "--host", "0.0.0.0"), {}),
        ((), {"PAPERBROKER_AUTH": "false", "PAPERBROKER_HOST": "0.0.0.0"}),
    ],
)
def test_serve_without_auth_on_an_open_address_is_refused_with_one_line(
    args: tuple[str, ...], env: dict[str, str]
) -> None:
    result = run("serve", *args, **env)
    assert result.returncode == 2
    assert result.stderr == OPEN_REMOTE_REFUSED


@pytest.mark.parametrize(
    "args",
    [
        ("--no-auth", "--host", "0.0.0.0", "--allow-open-remote"),
        ("--no-auth", "--host", "127.0.0.1"),
        ("--no-auth", "--host", "::1"),
        ("--host", "0.0.0.0"),
    ],
)
def test_serve_without_auth_goes_on_on_loopback_or_when_allowed(
    tmp_path: Path, args: tuple[str, ...]
) -> None:
    """Each goes past the refusal and stops at the next check, a database of an older version: no port
    is opened on an open address."""
    import sqlite3

    db = tmp_path / "old.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE orders (qty REAL)")
    result = run("serve", *args, "--db", str(db))
    assert result.returncode == 2
    assert result.stderr.startswith(f"paperbroker serve: {db} was written by an older paperbroker")
