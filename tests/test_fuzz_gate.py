"""The contract gate can fail: Schemathesis against a service that drifts from the spec reports it."""

import subprocess
import sys
from pathlib import Path

import pytest

from paperbroker.fuzz import cases_per_phase

QUICK = ["--", "--phases", "examples,fuzzing", "--max-examples", "15", "--include-operation-id", "getOrders"]


def fuzz(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = [sys.executable, "-m", "paperbroker.fuzz", "--report-dir", str(tmp_path), "--seed", "7", *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)


@pytest.mark.parametrize("drift", ["extra-field", "wrong-enum"])
def test_the_gate_catches_a_service_that_drifts_from_the_contract(tmp_path: Path, drift: str) -> None:
    # getOrders answers an empty list until an order exists, so the stateful phase places orders first.
    result = fuzz(tmp_path, "--drift", drift, "--", "--phases", "stateful,fuzzing", "--max-examples", "20")
    assert result.returncode != 0, result.stdout[-3000:]
    assert "Response violates schema" in result.stdout, result.stdout[-3000:]


def test_the_same_quick_run_passes_without_drift(tmp_path: Path) -> None:
    result = fuzz(tmp_path, *QUICK)
    assert result.returncode == 0, result.stdout[-3000:]
    counts = cases_per_phase(tmp_path / "events.ndjson")
    assert counts["fuzzing"] > 0
    assert "paperbroker fuzz:" in result.stdout
