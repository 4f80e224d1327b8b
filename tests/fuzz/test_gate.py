"""The contract gate: it fails a service that drifts from the spec, passes the service, and a second run
sharing the checkout keeps its reports apart."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

from paperbroker.fuzz import cases_per_phase

QUICK = ["--", "--phases", "examples,fuzzing", "--max-examples", "15", "--include-operation-id", "getOrders"]


def fuzz_command(report_dir: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "paperbroker.fuzz", "--report-dir", str(report_dir), "--seed", "7", *args]


def fuzz(report_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    command = fuzz_command(report_dir, *args)
    return subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)


def reports_of(stdout: str) -> Path:
    found = re.search(r"^reports: (.+)$", stdout, re.MULTILINE)
    assert found, stdout[-3000:]
    return Path(found.group(1))


@pytest.mark.parametrize("drift", ["extra-field", "wrong-enum"])
def test_the_gate_catches_a_service_that_drifts_from_the_contract(tmp_path: Path, drift: str) -> None:
    # getOrders answers an empty list until an order exists, so the stateful phase places orders first.
    result = fuzz(tmp_path, "--drift", drift, "--", "--phases", "stateful,fuzzing", "--max-examples", "20")
    assert result.returncode != 0, result.stdout[-3000:]
    assert "Response violates schema" in result.stdout, result.stdout[-3000:]


def test_two_runs_sharing_a_report_dir_each_pass_with_reports_of_their_own(tmp_path: Path) -> None:
    runs = [
        subprocess.Popen(fuzz_command(tmp_path, *QUICK), stdout=subprocess.PIPE, text=True) for _ in range(2)
    ]
    outputs = [run.communicate(timeout=600)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    folders = [reports_of(stdout) for stdout in outputs]
    assert folders[0] != folders[1]
    assert sorted(folders) == sorted(tmp_path.iterdir())
    for folder in folders:
        assert cases_per_phase(folder / "events.ndjson")["fuzzing"] > 0
        assert (folder / "junit.xml").is_file()
