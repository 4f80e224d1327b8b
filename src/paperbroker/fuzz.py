"""`paperbroker fuzz`: Schemathesis against a real uvicorn process of the service.

Starts `paperbroker serve` on a free loopback port with a fresh SQLite file and the simulated market on,
waits until it answers, runs the Schemathesis CLI with the committed schemathesis.toml, prints how many
test cases each phase generated, stops the server and exits with Schemathesis's status.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

from paperbroker.contract import spec_path

ROOT = spec_path().parents[1]
CONFIG = ROOT / "schemathesis.toml"
DEFAULT_SEED = 20261125
PHASES = ("examples", "coverage", "fuzzing", "stateful")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_until_up(url: str, server: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the service exited with status {server.returncode} before answering")
        try:
            with urllib.request.urlopen(url, timeout=1.0):
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    raise TimeoutError(f"the service did not answer {url} within {timeout:.0f} s")


def cases_per_phase(events: Path) -> Counter[str]:
    """Test cases generated per phase, read from Schemathesis's NDJSON event stream."""
    counts: Counter[str] = Counter()
    if not events.exists():
        return counts
    for line in events.read_text().splitlines():
        event = json.loads(line).get("ScenarioFinished")
        if event:
            counts[event["phase"]] += len(event.get("recorder", {}).get("cases", {}))
    return counts


def run(seed: int, report_dir: Path, drift: str | None, extra: list[str]) -> int:
    report_dir.mkdir(parents=True, exist_ok=True)
    events = report_dir / "events.ndjson"
    events.unlink(missing_ok=True)
    port = _free_port()
    with tempfile.TemporaryDirectory(prefix="paperbroker-fuzz-") as tmp:
        env = {**os.environ, "PAPERBROKER_MARKET_INTERVAL": "0.2", "PAPERBROKER_DRIFT": drift or ""}
        server = subprocess.Popen(
            [sys.executable, "-m", "paperbroker", "serve", "--host", "127.0.0.1", "--port", str(port),
             "--db", str(Path(tmp) / "fuzz.db"), "--log-level", "warning"],
            env=env,
        )  # fmt: skip
        try:
            schema_url = f"http://127.0.0.1:{port}/api/v1/openapi.json"
            _wait_until_up(schema_url, server, timeout=60)
            started = time.monotonic()
            schemathesis = str(Path(sys.executable).parent / "schemathesis")
            command = [
                schemathesis, "--config-file", str(CONFIG), "run", schema_url,
                "--seed", str(seed), "--no-color",
                "--report-junit-path", str(report_dir / "junit.xml"),
                "--report-ndjson-path", str(events),
                *extra,
            ]  # fmt: skip
            status = subprocess.run(command, cwd=ROOT, check=False).returncode
            elapsed = time.monotonic() - started
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    counts = cases_per_phase(events)
    per_phase = ", ".join(f"{phase} {counts.get(phase, 0)}" for phase in PHASES)
    print(
        f"paperbroker fuzz: {sum(counts.values())} test cases ({per_phase}) in {elapsed:.1f} s, seed {seed}"
    )
    print(f"reproduce: paperbroker fuzz --seed {seed}; replay one case: schemathesis replay <id>")
    return status


def add_arguments(parser: argparse.ArgumentParser) -> None:
    seed = int(os.environ.get("PAPERBROKER_FUZZ_SEED", DEFAULT_SEED))
    parser.add_argument("--seed", type=int, default=seed, help=f"Schemathesis seed (default {seed})")
    parser.add_argument(
        "--report-dir", type=Path, default=ROOT / "build" / "fuzz", help="JUnit and NDJSON reports"
    )
    parser.add_argument(
        "--drift", help="test-only: serve a copy that breaks the contract (extra-field, wrong-enum)"
    )
    parser.add_argument("extra", nargs=argparse.REMAINDER, help="after --: more `schemathesis run` options")


def run_from_args(args: argparse.Namespace) -> int:
    return run(args.seed, args.report_dir, args.drift, [a for a in args.extra if a != "--"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="paperbroker fuzz", description=__doc__)
    add_arguments(parser)
    return run_from_args(parser.parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
