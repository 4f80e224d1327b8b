"""`paperbroker fuzz`: Schemathesis against a real uvicorn process of the service.

Starts `paperbroker serve` on a free loopback port with a fresh SQLite file and the simulated market on,
waits until it answers, runs the Schemathesis CLI with the committed schemathesis.toml, prints how many
test cases each phase generated, stops the server and exits with Schemathesis's status.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from paperbroker.contract import spec_path
from paperbroker.process import running

ROOT = spec_path().parents[1]
CONFIG = ROOT / "schemathesis.toml"
DEFAULT_SEED = 20261125
PHASES = ("examples", "coverage", "fuzzing", "stateful")


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
    env = {"PAPERBROKER_MARKET_INTERVAL": "0.2", "PAPERBROKER_DRIFT": drift or ""}
    with tempfile.TemporaryDirectory(prefix="paperbroker-fuzz-") as tmp:
        args = ["--db", str(Path(tmp) / "fuzz.db"), "--log-level", "warning"]
        with running("serve", args, env=env) as base:
            started = time.monotonic()
            schemathesis = str(Path(sys.executable).parent / "schemathesis")
            command = [
                schemathesis, "--config-file", str(CONFIG), "run", f"{base}/api/v1/openapi.json",
                "--seed", str(seed), "--no-color",
                "--report-junit-path", str(report_dir / "junit.xml"),
                "--report-ndjson-path", str(events),
                *extra,
            ]  # fmt: skip
            status = subprocess.run(command, cwd=ROOT, check=False).returncode
            elapsed = time.monotonic() - started
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
