"""One TypeScript frontend suite, three backends: it passes against the stateful mock and the real service,
and fails against the stub (the red phase); the adapter and the terminal type-check, and contract drift
breaks their build.

Each backend is a real `paperbroker` process under uvicorn on a free loopback port, stopped however the test
ends; the suite picks it up from PAPERBROKER_URL, as a frontend would. Every server starts with
PAPERBROKER_LOCAL_KEY, so its local admin user's key is tests/keys.py's LOCAL_KEY, which the suite sends
(PAPERBROKER_KEY). The terminal's restart case starts (and kills, and starts again) a server of its own from
PAPERBROKER_SERVER, the same command as a JSON argv, with the same key. Against `serve` the local user gets
a second account (`paperbroker accounts create`, on the store's file while it runs) for the two-account
case (PAPERBROKER_SECOND_ACCOUNT); elsewhere that case is skipped.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from paperbroker.accounts.registry import LOCAL_USER
from paperbroker.codegen import ensure_node_modules, frontend_dir, generate
from tests.frontend.servers import running
from tests.keys import LOCAL_KEY, LOCAL_KEY_ENV

FRONTEND = frontend_dir()
SECOND_ACCOUNT = "second"
PAPERBROKER = (sys.executable, "-m", "paperbroker")
TWO_ACCOUNT_CASES = 1  # accounts.test.ts: needs a second account, which only `serve`'s file can be given
BACKEND_CASES = 17 + 7 + 3 + TWO_ACCOUNT_CASES  # broker, terminal and accounts .test.ts: each needs a backend
OFFLINE_CASES = 3  # tools/frontend/test/offline.test.ts: the terminal on the spec's examples, no backend
CASES = BACKEND_CASES + OFFLINE_CASES


@pytest.fixture(scope="session", autouse=True)
def generated_client() -> None:
    """The suite compiles against the client generated from the current spec, as `make codegen` writes it."""
    if shutil.which("node") is None:
        pytest.fail("Node.js is needed for the frontend suite")
    ensure_node_modules()
    generate()


def server_argv(command: str, *args: str) -> str:
    """The JSON argv of `paperbroker <command> <args>`, for the suite to start a server of its own."""
    return json.dumps([sys.executable, "-m", "paperbroker", command, *args])


def add_second_account(db: Path) -> str:
    """A second account of the local user, added to `serve`'s store while it runs; returns its id."""
    subprocess.run(
        [*PAPERBROKER, "accounts", "create", SECOND_ACCOUNT, "--user", LOCAL_USER, "--db", str(db)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return SECOND_ACCOUNT


def run_suite(
    base_url: str, server: str, report: Path, second_account: str = ""
) -> tuple[subprocess.CompletedProcess[str], dict[str, Any]]:
    """Runs vitest against `base_url` (`server` for the restart case); returns the process and its report."""
    vitest = FRONTEND / "node_modules" / ".bin" / "vitest"
    env = {
        "PAPERBROKER_URL": base_url,
        "PAPERBROKER_SERVER": server,
        "PAPERBROKER_KEY": LOCAL_KEY,
        "PAPERBROKER_SECOND_ACCOUNT": second_account,
        **LOCAL_KEY_ENV,  # for the restart case's own server
        "CI": "true",
        "NO_COLOR": "1",
    }
    result = subprocess.run(
        [str(vitest), "run", "--reporter=default", "--reporter=json", f"--outputFile.json={report}"],
        cwd=FRONTEND,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    if not report.exists():
        pytest.fail(f"vitest wrote no report (exit {result.returncode}):\n{result.stdout}\n{result.stderr}")
    summary: dict[str, Any] = json.loads(report.read_text())
    return result, summary


def test_adapter_terminal_and_suite_typecheck_strictly() -> None:
    tsc = FRONTEND / "node_modules" / ".bin" / "tsc"
    result = subprocess.run(
        [str(tsc), "--noEmit", "--strict", "-p", "tsconfig.json"],
        cwd=FRONTEND,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_passes_against_the_stateful_mock(tmp_path: Path) -> None:
    with running("mock", [], env=LOCAL_KEY_ENV, log=tmp_path / "mock.log") as base:
        result, summary = run_suite(base, server_argv("mock"), tmp_path / "report.json")
    assert result.returncode == 0, result.stdout + result.stderr
    counts = (summary["numTotalTests"], summary["numPassedTests"], summary["numPendingTests"])
    assert counts == (CASES, CASES - TWO_ACCOUNT_CASES, TWO_ACCOUNT_CASES)
    assert list(tmp_path.glob("*.db")) == []


def test_passes_against_the_real_service(tmp_path: Path) -> None:
    db = tmp_path / "broker.db"
    restarted = server_argv("serve", "--db", str(tmp_path / "restarted.db"))
    with running("serve", ["--db", str(db)], env=LOCAL_KEY_ENV, log=tmp_path / "serve.log") as base:
        second = add_second_account(db)
        result, summary = run_suite(base, restarted, tmp_path / "report.json", second)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (summary["numTotalTests"], summary["numPassedTests"]) == (CASES, CASES)
    assert db.exists(), "the service kept its orders in the SQLite file it was given"


def test_fails_against_the_stub(tmp_path: Path) -> None:
    """The red phase: the contract alone answers 501 to everything (with any well-formed key), so every case
    that needs a backend fails (only the offline cases, which use none, pass; the two-account one is
    skipped)."""
    with running("stub", [], env=LOCAL_KEY_ENV, log=tmp_path / "stub.log") as base:
        result, summary = run_suite(base, server_argv("stub"), tmp_path / "report.json")
    assert result.returncode != 0
    counts = (
        summary["numTotalTests"],
        summary["numFailedTests"],
        summary["numPassedTests"],
        summary["numPendingTests"],
    )
    assert counts == (CASES, BACKEND_CASES - TWO_ACCOUNT_CASES, OFFLINE_CASES, TWO_ACCOUNT_CASES)
    assert "501" in result.stdout + result.stderr


def test_contract_drift_breaks_the_adapter_build() -> None:
    """Breaking changes to a copy of the spec stop the adapter compiling; a new optional field does not."""
    result = subprocess.run(
        ["node", "scripts/drift.mjs"], cwd=FRONTEND, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "drift: 13 passed, 0 failed" in result.stdout, result.stdout
    assert result.stdout.count("fails to compile (expected: fails to compile)") == 9
